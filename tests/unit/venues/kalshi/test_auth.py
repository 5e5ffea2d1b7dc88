"""Signer: test vectors verify with the public key, the signed text excludes the query string,
the key type comes from the parsed key, and no secret leaks through repr or errors."""

from __future__ import annotations

import base64
import os
import pathlib
import stat

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from tests.unit.venues.kalshi import keys
from touchline_bot.venues.kalshi import auth, errors


def _verify(key: object, signature_b64: str, text: str) -> None:
    raw = base64.b64decode(signature_b64)
    if isinstance(key, rsa.RSAPrivateKey):
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        key.public_key().verify(raw, text.encode(), pss, hashes.SHA256())
    else:
        assert isinstance(key, ed25519.Ed25519PrivateKey)
        key.public_key().verify(raw, text.encode())


KEYS = [
    pytest.param(keys.rsa_key, "pkcs1", "rsa", id="rsa-pkcs1"),
    pytest.param(keys.rsa_key, "pkcs8", "rsa", id="rsa-pkcs8-generic-header"),
    pytest.param(keys.ed25519_key, "pkcs8", "ed25519", id="ed25519"),
]


@pytest.mark.parametrize(("make_key", "fmt", "key_type"), KEYS)
@pytest.mark.parametrize(
    ("url", "signed"),
    [
        pytest.param(
            "/trade-api/v2/portfolio/balance",
            "/trade-api/v2/portfolio/balance",
            id="bare-path",
        ),
        pytest.param(
            "https://external-api.kalshi.com/trade-api/v2/portfolio/orders?limit=5&status=resting",
            "/trade-api/v2/portfolio/orders",
            id="full-url-query-dropped",
        ),
        pytest.param("/trade-api/ws/v2", "/trade-api/ws/v2", id="websocket-handshake"),
    ],
)
def test_signature_verifies_with_public_key_over_timestamp_method_and_path_without_query(
    make_key: object, fmt: str, key_type: str, url: str, signed: str
) -> None:
    key = make_key()  # type: ignore[operator]
    signer = auth.Signer.from_pem(keys.KEY_ID, keys.pem(key, fmt))
    headers = signer.headers("get", url, 1703123456789)
    assert signer.key_type == key_type
    assert headers["KALSHI-ACCESS-KEY"] == keys.KEY_ID
    assert headers["KALSHI-ACCESS-TIMESTAMP"] == "1703123456789"
    _verify(key, headers["KALSHI-ACCESS-SIGNATURE"], "1703123456789GET" + signed)
    with pytest.raises(InvalidSignature):
        _verify(key, headers["KALSHI-ACCESS-SIGNATURE"], "1703123456789GET" + url + "?x=1")


def test_rsa_signatures_are_pss_randomised_but_ed25519_is_deterministic() -> None:
    rsa_signer = auth.Signer(keys.KEY_ID, keys.rsa_key())
    ed_signer = auth.Signer(keys.KEY_ID, keys.ed25519_key())
    assert rsa_signer.sign("x") != rsa_signer.sign("x")
    assert ed_signer.sign("x") == ed_signer.sign("x")


def test_unsupported_key_type_is_refused_as_configuration_error() -> None:
    with pytest.raises(errors.KalshiConfigError, match="unsupported Kalshi key type"):
        auth.Signer(keys.KEY_ID, ec.generate_private_key(ec.SECP256R1()))


def test_garbled_pem_error_does_not_quote_the_input() -> None:
    secret_looking = b"-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n"
    with pytest.raises(errors.KalshiConfigError) as info:
        auth.Signer.from_pem(keys.KEY_ID, secret_looking)
    assert "TOPSECRET" not in str(info.value)
    assert info.value.__cause__ is None


def test_repr_names_key_id_and_type_but_no_key_material() -> None:
    signer = auth.Signer(keys.KEY_ID, keys.ed25519_key())
    assert repr(signer) == f"Signer(key_id={keys.KEY_ID!r}, key_type='ed25519')"


@pytest.mark.parametrize(
    ("environ", "expected_env", "rest_host"),
    [
        pytest.param(
            {"KALSHI_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": "key.pem", "KALSHI_ENV": "prod"},
            "prod",
            "https://external-api.kalshi.com/trade-api/v2",
            id="prod",
        ),
        pytest.param(
            {"KALSHI_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": "key.pem", "KALSHI_ENV": " Demo "},
            "demo",
            "https://external-api.demo.kalshi.co/trade-api/v2",
            id="demo-case-insensitive",
        ),
        pytest.param(
            {"KALSHI_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": "key.pem"},
            "demo",
            "https://external-api.demo.kalshi.co/trade-api/v2",
            id="env-defaults-to-demo",
        ),
    ],
)
def test_credentials_from_env_pick_the_environment_hosts(
    environ: dict[str, str], expected_env: str, rest_host: str
) -> None:
    creds = auth.credentials_from_env(environ)
    assert creds.env == expected_env
    assert creds.rest_base_url == rest_host
    assert creds.ws_url.endswith("/trade-api/ws/v2")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({"KALSHI_PRIVATE_KEY_PATH": "k.pem"}, "KALSHI_KEY_ID", id="missing-key-id"),
        pytest.param({"KALSHI_KEY_ID": "k"}, "KALSHI_PRIVATE_KEY_PATH", id="missing-key-path"),
        pytest.param(
            {"KALSHI_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": "k.pem", "KALSHI_ENV": "staging"},
            "KALSHI_ENV",
            id="unknown-env",
        ),
    ],
)
def test_credentials_from_env_refuse_incomplete_configuration(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(errors.KalshiConfigError, match=message):
        auth.credentials_from_env(environ)


def test_signer_loads_the_key_file_named_by_the_credentials(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "kalshi.pem"
    path.write_bytes(keys.pem(keys.ed25519_key(), "pkcs8"))
    path.chmod(0o600)
    creds = auth.credentials_from_env({"KALSHI_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": str(path)})
    assert auth.Signer.from_credentials(creds).key_type == "ed25519"


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o640, 0o660, 0o666])
def test_a_key_file_others_may_read_is_refused_with_one_line(
    tmp_path: pathlib.Path, mode: int
) -> None:
    path = tmp_path / "kalshi.pem"
    path.write_bytes(keys.pem(keys.ed25519_key(), "pkcs8"))
    path.chmod(mode)
    environ = {"KALSHI_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": str(path)}
    with pytest.raises(errors.KalshiConfigError, match="chmod 600") as refused:
        auth.credentials_from_env(environ)
    assert "\n" not in str(refused.value)
    with pytest.raises(errors.KalshiConfigError, match=f"mode {mode:04o}"):
        auth.Signer.from_credentials(auth.Credentials("k", path, "demo"))


def _stat(mode: int, uid: int, gid: int) -> os.stat_result:
    return os.stat_result((stat.S_IFREG | mode, 0, 0, 1, uid, gid, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("mode", "owner", "group", "refused"),
    [
        pytest.param(0o600, 1000, 1000, False, id="ours-0600"),
        pytest.param(0o400, 1000, 1000, False, id="ours-0400"),
        pytest.param(0o640, 1000, 1000, True, id="ours-group-readable"),
        pytest.param(0o604, 1000, 1000, True, id="ours-world-readable"),
        pytest.param(0o440, 0, 1000, False, id="secret-volume-root-owned-our-fsgroup"),
        pytest.param(0o440, 0, 2000, True, id="root-owned-another-group"),
        pytest.param(0o440, 0, 3000, False, id="secret-volume-supplementary-fsgroup"),
        pytest.param(0o460, 0, 1000, True, id="secret-volume-group-writable"),
        pytest.param(0o444, 0, 1000, True, id="secret-volume-world-readable"),
    ],
)
def test_key_file_permissions(mode: int, owner: int, group: int, refused: bool) -> None:
    problem = auth.key_file_problem(_stat(mode, owner, group), uid=1000, gids={1000, 3000})
    assert (problem is not None) is refused


def test_missing_key_file_is_a_configuration_error(tmp_path: pathlib.Path) -> None:
    creds = auth.Credentials("k", tmp_path / "absent.pem", "demo")
    with pytest.raises(errors.KalshiConfigError, match="cannot read"):
        auth.Signer.from_credentials(creds)
