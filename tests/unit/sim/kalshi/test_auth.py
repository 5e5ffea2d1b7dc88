"""Signature verification: RSA-PSS and Ed25519 keys, the signed text, and the time window."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from touchline_bot.sim.kalshi import auth, errors

NOW_MS = 1_795_000_000_000
PATH = "/trade-api/v2/portfolio/balance"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ED_KEY = ed25519.Ed25519PrivateKey.generate()


def _sign(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey, text: str) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
        return base64.b64encode(key.sign(text.encode(), pss, hashes.SHA256())).decode()
    return base64.b64encode(key.sign(text.encode())).decode()


def _verifier() -> auth.Verifier:
    verifier = auth.Verifier()
    for key_id, key in (("rsa", RSA_KEY), ("ed", ED_KEY)):
        pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        verifier.register(key_id, pem)
    return verifier


def _headers(key_id: str, stamp_ms: int, signature: str) -> dict[str, str]:
    return {
        auth.KEY_HEADER: key_id,
        auth.TIMESTAMP_HEADER: str(stamp_ms),
        auth.SIGNATURE_HEADER: signature,
    }


@pytest.mark.parametrize(
    "key_id", [pytest.param("rsa", id="rsa_pss_sha256"), pytest.param("ed", id="ed25519")]
)
def test_a_correct_signature_identifies_the_key(key_id: str) -> None:
    key = RSA_KEY if key_id == "rsa" else ED_KEY
    headers = _headers(key_id, NOW_MS, _sign(key, f"{NOW_MS}GET{PATH}"))
    assert _verifier().verify(headers, "GET", PATH, NOW_MS) == key_id


@pytest.mark.parametrize(
    ("key_id", "stamp_ms", "signed_text"),
    [
        pytest.param("ed", NOW_MS, f"{NOW_MS}GET{PATH}?limit=5", id="query_string_signed"),
        pytest.param("ed", NOW_MS, f"{NOW_MS}POST{PATH}", id="wrong_method_signed"),
        pytest.param("ed", NOW_MS, f"{NOW_MS // 1000}GET{PATH}", id="seconds_not_millis"),
        pytest.param("ed", NOW_MS - 30_001, f"{NOW_MS - 30_001}GET{PATH}", id="stale_timestamp"),
        pytest.param("ed", NOW_MS + 30_001, f"{NOW_MS + 30_001}GET{PATH}", id="future_timestamp"),
        pytest.param("nobody", NOW_MS, f"{NOW_MS}GET{PATH}", id="unknown_key"),
        pytest.param("rsa", NOW_MS, f"{NOW_MS}GET{PATH}", id="signed_by_the_other_key"),
    ],
)
def test_a_bad_or_stale_signature_is_401(key_id: str, stamp_ms: int, signed_text: str) -> None:
    headers = _headers(key_id, stamp_ms, _sign(ED_KEY, signed_text))
    with pytest.raises(errors.RejectedError) as refused:
        _verifier().verify(headers, "GET", PATH, NOW_MS)
    assert refused.value.status == 401


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no_headers"),
        pytest.param(_headers("ed", NOW_MS, "%%%not-base64%%%"), id="garbled_signature"),
        pytest.param(_headers("ed", NOW_MS, ""), id="empty_signature"),
    ],
)
def test_missing_or_garbled_headers_are_401(headers: dict[str, str]) -> None:
    with pytest.raises(errors.RejectedError) as refused:
        _verifier().verify(headers, "GET", PATH, NOW_MS)
    assert refused.value.status == 401
