"""Cluster authentication for the risk service: a bot presents its audience-bound projected
ServiceAccount token; TokenReview says whose it is. A bot's ServiceAccount is
``tl-bot-<market>`` (the operator's naming), so a caller may speak only for ``<market>``.
"""

from __future__ import annotations

import logging

import aiohttp
from kubernetes_asyncio import client
from kubernetes_asyncio.client.rest import ApiException

from touchline_bot.risk_service import auth

log = logging.getLogger(__name__)

BOT_ACCOUNT_PREFIX = "tl-bot-"
ADMIN_ACCOUNTS_DEFAULT = frozenset({"touchline-admin"})


class TokenReviewAuth:
    """Verifies bearer tokens with the API server's TokenReview."""

    def __init__(
        self,
        api: client.ApiClient,
        *,
        namespace: str,
        audience: str,
        admin_accounts: frozenset[str] = ADMIN_ACCOUNTS_DEFAULT,
    ) -> None:
        self._auth = client.AuthenticationV1Api(api)
        self._namespace = namespace
        self._audience = audience
        self._admins = admin_accounts

    async def authenticate(self, authorization: str | None) -> auth.Principal:
        """Map a token to its market: 401 for a token the API server does not accept for our
        audience, 403 for an account that is no bot of this namespace, 503 when the API server
        cannot be asked."""
        if not authorization or not authorization.startswith("Bearer "):
            raise auth.AuthError(401, "missing bearer token")
        token = authorization.removeprefix("Bearer ").strip()
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
        return self._principal(str(status.user.username))

    def _principal(self, username: str) -> auth.Principal:
        prefix = f"system:serviceaccount:{self._namespace}:"
        if not username.startswith(prefix):
            raise auth.AuthError(403, "caller is not a ServiceAccount of this namespace")
        account = username.removeprefix(prefix)
        if account in self._admins:
            return auth.Principal(auth.ADMIN)
        if not account.startswith(BOT_ACCOUNT_PREFIX):
            raise auth.AuthError(403, f"ServiceAccount {account} may not report")
        return auth.Principal(account.removeprefix(BOT_ACCOUNT_PREFIX))
