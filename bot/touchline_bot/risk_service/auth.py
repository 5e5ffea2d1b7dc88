"""Who may speak for which market.

Locally (demo, scenarios, integration tests) every caller derives its bearer token from one
shared secret: ``<market_id>.<hex HMAC-SHA256(secret, market_id)>``, so a bot can only ever
present a token for its own market, and an admin token (``admin.<hmac>``) guards halt and reset.
In a cluster, audience-bound ServiceAccount tokens are checked with TokenReview instead
(``Authenticator`` is the seam). Tokens are compared in constant time and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a market's bot, or an administrator."""

    market_id: str

    @property
    def is_admin(self) -> bool:
        """True for the administrator principal."""
        return self.market_id == ADMIN


class AuthError(Exception):
    """Authentication failed (HTTP 401) or the caller may not act here (HTTP 403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Authenticator(Protocol):
    """Turns an ``Authorization`` header into a principal, or raises :class:`AuthError`."""

    async def authenticate(self, authorization: str | None) -> Principal:
        """Verify the bearer token."""


def _mac(secret: bytes, subject: str) -> str:
    return hmac.new(secret, subject.encode(), hashlib.sha256).hexdigest()


class SharedSecretAuth:
    """Local mode: tokens derived from one shared secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise ValueError("the shared risk-service secret must be at least 16 characters")
        self._secret = secret.encode()

    def token_for(self, market_id: str) -> str:
        """The bearer token a bot (or ``admin``) presents."""
        return f"{market_id}.{_mac(self._secret, market_id)}"

    async def authenticate(self, authorization: str | None) -> Principal:
        """Check the header; the market named in the token is the only one it may speak for."""
        if not authorization or not authorization.startswith("Bearer "):
            raise AuthError(401, "missing bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        subject, _, mac = token.rpartition(".")
        if not subject or not hmac.compare_digest(mac, _mac(self._secret, subject)):
            raise AuthError(401, "invalid token")
        return Principal(subject)


def require_market(principal: Principal, market_id: str) -> None:
    """A bot may speak only for its own market (403 otherwise)."""
    if principal.market_id != market_id:
        raise AuthError(403, f"caller may not speak for market {market_id!r}")


def require_admin(principal: Principal) -> None:
    """Halt and reset need the administrator."""
    if not principal.is_admin:
        raise AuthError(403, "administrator token required")
