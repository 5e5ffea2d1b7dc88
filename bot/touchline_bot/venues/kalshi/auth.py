"""Kalshi API-key authentication: credentials, key loading and request signing.

Kalshi signs ``timestamp_ms + METHOD + path`` (the path from the root, including
``/trade-api/v2``, never the query string) with RSA-PSS/SHA-256 or Ed25519. The key type is
read from the parsed key, never from the PEM header. Nothing here touches the network, and no
key material or signature ever appears in a ``repr``, an exception or a log line.
"""

from __future__ import annotations

import base64
import os
import pathlib
import stat
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from touchline_bot.venues.kalshi import errors

WS_PATH = "/trade-api/ws/v2"
"""The path the WebSocket handshake signs."""

HOSTS: Mapping[str, tuple[str, str]] = {
    "prod": (
        "https://external-api.kalshi.com/trade-api/v2",
        "wss://external-api-ws.kalshi.com/trade-api/ws/v2",
    ),
    "demo": (
        "https://external-api.demo.kalshi.co/trade-api/v2",
        "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2",
    ),
}
"""``KALSHI_ENV`` → (REST base URL, WebSocket URL)."""

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


@dataclass(frozen=True, slots=True)
class Credentials:
    """Where the key lives and which environment it belongs to (no key material here)."""

    key_id: str
    private_key_path: pathlib.Path
    env: str

    @property
    def rest_base_url(self) -> str:
        """The REST base URL of this environment."""
        return HOSTS[self.env][0]

    @property
    def ws_url(self) -> str:
        """The WebSocket URL of this environment."""
        return HOSTS[self.env][1]


def credentials_from_env(environ: Mapping[str, str]) -> Credentials:
    """Read ``KALSHI_KEY_ID``, ``KALSHI_PRIVATE_KEY_PATH`` and ``KALSHI_ENV`` (demo | prod)."""
    missing = [
        name for name in ("KALSHI_KEY_ID", "KALSHI_PRIVATE_KEY_PATH") if not environ.get(name)
    ]
    if missing:
        raise errors.KalshiConfigError(f"missing environment variables: {', '.join(missing)}")
    env = environ.get("KALSHI_ENV", "demo").strip().lower()
    if env not in HOSTS:
        raise errors.KalshiConfigError(f"KALSHI_ENV must be one of {sorted(HOSTS)}, got {env!r}")
    credentials = Credentials(
        key_id=environ["KALSHI_KEY_ID"].strip(),
        private_key_path=pathlib.Path(environ["KALSHI_PRIVATE_KEY_PATH"]),
        env=env,
    )
    require_private(credentials.private_key_path)
    return credentials


def key_file_problem(st: os.stat_result, *, uid: int, gids: Collection[int]) -> str | None:
    """Why a private key file with this ``stat`` is readable by more than us, or ``None``.

    Others' access is always refused. Group access is refused too, except in the one shape a
    Kubernetes Secret volume takes: owned by root (not us), group-readable by our own group
    (the pod's ``fsGroup``, primary or supplementary), which no process outside the pod
    shares."""
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o007:
        return f"is accessible to every user (mode {mode:04o}); chmod 600 it"
    if mode & 0o070 and not (st.st_uid != uid and st.st_gid in gids and not mode & 0o020):
        return f"is accessible to its group (mode {mode:04o}); chmod 600 it"
    return None


def require_private(path: pathlib.Path) -> None:
    """Refuse a key file others may read (a missing file is reported when it is read)."""
    try:
        st = path.stat()
    except OSError:
        return
    problem = key_file_problem(st, uid=os.geteuid(), gids={os.getegid(), *os.getgroups()})
    if problem is not None:
        raise errors.KalshiConfigError(f"the Kalshi private key file {path} {problem}")


def signed_path(url_or_path: str) -> str:
    """The part of a URL that Kalshi signs: its path, without query string or host."""
    return urlsplit(url_or_path).path


class Signer:
    """Signs Kalshi requests with one API key (RSA-PSS/SHA-256 or Ed25519)."""

    __slots__ = ("_key", "_key_id", "key_type")

    def __init__(self, key_id: str, private_key: object) -> None:
        if isinstance(private_key, rsa.RSAPrivateKey):
            self.key_type = "rsa"
        elif isinstance(private_key, ed25519.Ed25519PrivateKey):
            self.key_type = "ed25519"
        else:
            raise errors.KalshiConfigError(
                f"unsupported Kalshi key type {type(private_key).__name__}; need RSA or Ed25519"
            )
        self._key: PrivateKey = private_key
        self._key_id = key_id

    @classmethod
    def from_pem(cls, key_id: str, pem: bytes) -> Signer:
        """Parse a PEM private key (PKCS#1 or PKCS#8, RSA or Ed25519)."""
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except TypeError:
            # The only TypeError without a password: the key is encrypted.
            raise errors.KalshiConfigError(
                "the Kalshi private key is encrypted; give an unencrypted PEM key"
            ) from None
        except ValueError:
            # The parser's message may quote the input; never chain it into our error.
            raise errors.KalshiConfigError(
                "the Kalshi private key could not be parsed (need an unencrypted PEM key)"
            ) from None
        return cls(key_id, key)

    @classmethod
    def from_credentials(cls, credentials: Credentials) -> Signer:
        """Load the key file named by the credentials (refused if others may read it)."""
        require_private(credentials.private_key_path)
        try:
            pem = credentials.private_key_path.read_bytes()
        except OSError as exc:
            raise errors.KalshiConfigError(
                f"cannot read the Kalshi private key file: {exc.strerror}"
            ) from None
        return cls.from_pem(credentials.key_id, pem)

    @property
    def key_id(self) -> str:
        """The API key id (public, sent in ``KALSHI-ACCESS-KEY``)."""
        return self._key_id

    def sign(self, message: str) -> str:
        """Base64 signature of ``message`` (the pre-sign text)."""
        data = message.encode()
        if isinstance(self._key, rsa.RSAPrivateKey):
            pss = padding.PSS(
                mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH
            )
            raw = self._key.sign(data, pss, hashes.SHA256())
        else:
            raw = self._key.sign(data)
        return base64.b64encode(raw).decode()

    def headers(self, method: str, url_or_path: str, now_ms: int) -> dict[str, str]:
        """The three ``KALSHI-ACCESS-*`` headers for one request at time ``now_ms``."""
        timestamp = str(now_ms)
        text = timestamp + method.upper() + signed_path(url_or_path)
        return {
            "KALSHI-ACCESS-KEY": self._key_id,
            "KALSHI-ACCESS-TIMESTAMP": timestamp,
            "KALSHI-ACCESS-SIGNATURE": self.sign(text),
        }

    def __repr__(self) -> str:
        return f"Signer(key_id={self._key_id!r}, key_type={self.key_type!r})"
