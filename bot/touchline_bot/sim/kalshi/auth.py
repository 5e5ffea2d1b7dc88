"""Request signature verification for both Kalshi key types.

The signed text is ``timestamp_ms + METHOD + path`` (path from the root, no query string). RSA
keys verify with RSA-PSS/SHA-256 (salt = digest length); Ed25519 keys verify the raw text. The key
type is read from the parsed public key, never from the PEM header. A stale timestamp (outside
the tolerance either way) is refused like a bad signature.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from touchline_bot.sim.kalshi import errors

KEY_HEADER = "KALSHI-ACCESS-KEY"
TIMESTAMP_HEADER = "KALSHI-ACCESS-TIMESTAMP"
SIGNATURE_HEADER = "KALSHI-ACCESS-SIGNATURE"
DEFAULT_TOLERANCE_MS = 30_000

PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey


def load_public_key(pem: bytes) -> PublicKey:
    """Parse a PEM public key and insist it is RSA or Ed25519."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise TypeError("API keys must be RSA or Ed25519")
    return key


class Verifier:
    """Registered API keys (key id -> public key) and the check of each request."""

    def __init__(self, *, tolerance_ms: int = DEFAULT_TOLERANCE_MS) -> None:
        self.tolerance_ms = tolerance_ms
        self._keys: dict[str, PublicKey] = {}

    def register(self, key_id: str, public_key_pem: bytes) -> None:
        """Accept requests signed by the private half of ``public_key_pem`` as ``key_id``."""
        self._keys[key_id] = load_public_key(public_key_pem)

    def verify(self, headers: dict[str, str], method: str, path: str, now_ms: int) -> str:
        """The key id of a correctly signed, fresh request; 401 otherwise."""
        key_id = headers.get(KEY_HEADER, "")
        stamp = headers.get(TIMESTAMP_HEADER, "")
        signature_b64 = headers.get(SIGNATURE_HEADER, "")
        if not key_id or not stamp or not signature_b64:
            raise errors.unauthorized("missing authentication headers")
        key = self._keys.get(key_id)
        if key is None:
            raise errors.unauthorized("unknown API key")
        if not stamp.isdigit() or abs(now_ms - int(stamp)) > self.tolerance_ms:
            raise errors.unauthorized("timestamp outside the accepted window")
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise errors.unauthorized("signature is not base64") from exc
        message = (stamp + method.upper() + path).encode()
        try:
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(
                    signature,
                    message,
                    padding.PSS(
                        mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH
                    ),
                    hashes.SHA256(),
                )
            else:
                key.verify(signature, message)
        except InvalidSignature as exc:
            raise errors.unauthorized("invalid signature") from exc
        return key_id
