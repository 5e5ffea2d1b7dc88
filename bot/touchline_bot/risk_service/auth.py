"""Who may speak for which market.

The administrator is a role, not a name: a principal is a market's bot *or* the administrator,
and no market id — ``admin`` included — makes a bot the administrator.

Locally (demo, scenarios, integration tests) every caller derives its bearer token from one
shared secret, the two roles from separate MAC domains: a bot's is
``<market_id>.<hex HMAC-SHA256(secret, "market\0" + market_id)>``, so it can only ever present a
token for its own market; the administrator's is
``touchline-admin.<hex HMAC-SHA256(secret, "administrator\0")>`` and guards halt and reset. A
market's MAC never verifies as the administrator's, whatever the market is called. In a cluster,
audience-bound ServiceAccount tokens are checked with TokenReview instead (``Authenticator`` is
the seam; the administrator is a separate ServiceAccount). Tokens are compared in constant time
and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

ADMIN_SUBJECT = "touchline-admin"
"""What the administrator's local token starts with (its MAC, not this name, makes it one)."""
_MARKET_DOMAIN = b"market\0"
_ADMIN_DOMAIN = b"administrator\0"


class Role(Enum):
    """What a caller may do: report for one market, or halt and reset the fleet."""

    MARKET = "market"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a market's bot (``market_id`` is its market) or the
    administrator (no market)."""

    role: Role
    market_id: str = ""

    @classmethod
    def market(cls, market_id: str) -> Principal:
        """The bot of ``market_id``."""
        if not market_id:
            raise ValueError("a market principal needs a market id")
        return cls(Role.MARKET, market_id)

    @classmethod
    def administrator(cls) -> Principal:
        """The administrator (speaks for no market)."""
        return cls(Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        """True for the administrator principal."""
        return self.role is Role.ADMIN


class AuthError(Exception):
    """Authentication failed (HTTP 401) or the caller may not act here (HTTP 403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Authenticator(Protocol):
    """Turns an ``Authorization`` header into a principal, or raises :class:`AuthError`."""

    async def authenticate(self, authorization: str | None) -> Principal:
        """Verify the bearer token."""


def _mac(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


class SharedSecretAuth:
    """Local mode: tokens derived from one shared secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise ValueError("the shared risk-service secret must be at least 16 characters")
        self._secret = secret.encode()

    def token_for(self, market_id: str) -> str:
        """The bearer token the bot of ``market_id`` presents (a market's, whatever its name)."""
        return f"{market_id}.{_mac(self._secret, _MARKET_DOMAIN + market_id.encode())}"

    def admin_token(self) -> str:
        """The administrator's bearer token."""
        return f"{ADMIN_SUBJECT}.{_mac(self._secret, _ADMIN_DOMAIN)}"

    async def authenticate(self, authorization: str | None) -> Principal:
        """Check the header; the market named in the token is the only one it may speak for."""
        if not authorization or not authorization.startswith("Bearer "):
            raise AuthError(401, "missing bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        subject, _, mac = token.rpartition(".")
        if not subject:
            raise AuthError(401, "invalid token")
        # Both compared, always, in constant time; only the administrator's domain makes one.
        admin_ok = hmac.compare_digest(mac, _mac(self._secret, _ADMIN_DOMAIN))
        market_ok = hmac.compare_digest(mac, _mac(self._secret, _MARKET_DOMAIN + subject.encode()))
        if admin_ok and subject == ADMIN_SUBJECT:
            return Principal.administrator()
        if not market_ok:
            raise AuthError(401, "invalid token")
        return Principal.market(subject)


def require_market(principal: Principal, market_id: str) -> None:
    """A bot may speak only for its own market (403 otherwise; the administrator speaks for
    none)."""
    if principal.role is not Role.MARKET or principal.market_id != market_id:
        raise AuthError(403, f"caller may not speak for market {market_id!r}")


def require_admin(principal: Principal) -> None:
    """Halt and reset need the administrator."""
    if not principal.is_admin:
        raise AuthError(403, "administrator token required")
