"""Cluster authentication for the risk service: a bot presents its audience-bound projected
ServiceAccount token; TokenReview says whose it is. A bot's ServiceAccount is
``tl-bot-<market>`` (the operator's naming), so a caller may speak only for ``<market>``; the
administrator is one of ``admin_accounts`` (``touchline-admin``), which may not look like a
bot's account, so no market — one called ``admin`` included — is ever the administrator.

A bot reports about once a second; an accepted token's review is remembered for
``cache_ttl_ms`` (keyed by its SHA-256, never the token itself), so the API server sees one
TokenReview per bot per TTL, and a revoked token (a deleted ServiceAccount) is refused at most
that long after. Refusals are never remembered.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import aiohttp
from kubernetes_asyncio import client
from kubernetes_asyncio.client.rest import ApiException

from touchline_bot.risk_service import auth

log = logging.getLogger(__name__)

BOT_ACCOUNT_PREFIX = "tl-bot-"
ADMIN_ACCOUNTS_DEFAULT = frozenset({"touchline-admin"})
CACHE_TTL_MS_DEFAULT = 10_000
CACHE_MAX_ENTRIES = 4_096


class TokenReviewAuth:
    """Verifies bearer tokens with the API server's TokenReview."""

    def __init__(
        self,
        api: client.ApiClient,
        *,
        namespace: str,
        audience: str,
        now_ms: Callable[[], int],
        admin_accounts: frozenset[str] = ADMIN_ACCOUNTS_DEFAULT,
        cache_ttl_ms: int = CACHE_TTL_MS_DEFAULT,
    ) -> None:
        clashing = sorted(a for a in admin_accounts if a.startswith(BOT_ACCOUNT_PREFIX))
        if clashing:
            # A bot's account is tl-bot-<market>: an administrator there could be a market.
            raise ValueError(f"administrator accounts may not start with {BOT_ACCOUNT_PREFIX}")
        self._auth = client.AuthenticationV1Api(api)
        self._namespace = namespace
        self._audience = audience
        self._admins = admin_accounts
        self._now_ms = now_ms
        self._ttl_ms = cache_ttl_ms
        self._accepted: dict[str, tuple[str, int]] = {}
        self.reviews = 0

    async def authenticate(self, authorization: str | None) -> auth.Principal:
        """Map a token to its market: 401 for a token the API server does not accept for our
        audience, 403 for an account that is no bot of this namespace, 503 when the API server
        cannot be asked."""
        if not authorization or not authorization.startswith("Bearer "):
            raise auth.AuthError(401, "missing bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        key = hashlib.sha256(token.encode()).hexdigest()
        now = self._now_ms()
        cached = self._accepted.get(key)
        if cached is not None and now < cached[1]:
            return self._principal(cached[0])
        username = await self._review(token)
        if len(self._accepted) >= CACHE_MAX_ENTRIES:
            self._accepted = {k: v for k, v in self._accepted.items() if now < v[1]}
        self._accepted[key] = (username, now + self._ttl_ms)
        return self._principal(username)

    async def _review(self, token: str) -> str:
        """The username the API server maps ``token`` to, for our audience."""
        self.reviews += 1
        review = client.V1TokenReview(
            spec=client.V1TokenReviewSpec(token=token, audiences=[self._audience])
        )
        try:
            result = await self._auth.create_token_review(review)
        except (ApiException, aiohttp.ClientError, TimeoutError) as exc:
            # The token is not in the exception (it is in the request body, never logged).
            log.warning("TokenReview failed", extra={"error": type(exc).__name__})
            raise auth.AuthError(503, "token review unavailable") from None
        status = result.status
        if status is None or not status.authenticated or status.user is None:
            raise auth.AuthError(401, "token not accepted")
        return str(status.user.username)

    def _principal(self, username: str) -> auth.Principal:
        prefix = f"system:serviceaccount:{self._namespace}:"
        if not username.startswith(prefix):
            raise auth.AuthError(403, "caller is not a ServiceAccount of this namespace")
        account = username.removeprefix(prefix)
        if account in self._admins:
            return auth.Principal.administrator()
        market = account.removeprefix(BOT_ACCOUNT_PREFIX)
        if not account.startswith(BOT_ACCOUNT_PREFIX) or not market:
            raise auth.AuthError(403, f"ServiceAccount {account} may not report")
        # A market's bot, whatever the market is called (tl-bot-admin is the market "admin").
        return auth.Principal.market(market)
