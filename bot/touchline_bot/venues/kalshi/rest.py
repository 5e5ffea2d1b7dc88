"""The Kalshi REST transport: sign, rate-limit, send with a timeout, map errors, retry.

Every endpoint module goes through :meth:`RestTransport.request`. It signs with a fresh
timestamp per attempt, takes the endpoint's tokens from the client-side limiter, sends with
httpx (a timeout on every call), maps any non-2xx answer once into :mod:`errors`, and retries
only calls the caller marked idempotent. Tests fake the venue at the httpx transport.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from touchline_bot.venues.kalshi import auth, errors, ratelimit, retry

log = logging.getLogger(__name__)

QueryValue = str | int | list[str] | None


@dataclass(slots=True)
class RestStats:
    """Counters of the REST transport (telemetry exports them)."""

    requests: int = 0
    retries: int = 0
    rate_limited_429s: int = 0
    server_errors: int = 0
    transport_errors: int = 0
    rejections: int = 0


@dataclass(frozen=True, slots=True)
class RestOptions:
    """Timeouts and retry budget of the transport."""

    timeout_secs: float = 5.0
    max_attempts: int = 3
    retry_base_secs: float = 0.1
    retry_max_secs: float = 2.0


DEFAULT_OPTIONS = RestOptions()


class RestTransport:
    """One authenticated HTTP client for one Kalshi environment."""

    def __init__(
        self,
        base_url: str,
        *,
        signer: auth.Signer | None,
        limiter: ratelimit.RateLimiter,
        now_ms: Callable[[], int],
        random_fn: Callable[[], float],
        options: RestOptions = DEFAULT_OPTIONS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._base_path = urlsplit(self._base_url).path
        self._signer = signer
        self._limiter = limiter
        self._now_ms = now_ms
        self._random_fn = random_fn
        self._options = options
        self._client = httpx.AsyncClient(
            transport=transport, timeout=httpx.Timeout(options.timeout_secs)
        )
        self.stats = RestStats()

    @property
    def limiter(self) -> ratelimit.RateLimiter:
        """The client-side limiter (shared by every call)."""
        return self._limiter

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        bucket: ratelimit.Bucket,
        cost_tokens: int = ratelimit.DEFAULT_COST_TOKENS,
        params: Mapping[str, QueryValue] | None = None,
        body: object = None,
        idempotent: bool,
    ) -> Any:
        """Send one call (``path`` relative to the base URL) and return its decoded JSON body
        (``None`` for an empty body); raise a :class:`errors.KalshiError` on failure."""
        attempt = 0
        while True:
            try:
                return await self._once(method, path, bucket, cost_tokens, params, body)
            except errors.KalshiError as exc:
                if not retry.should_retry(
                    exc,
                    idempotent=idempotent,
                    attempt=attempt,
                    max_attempts=self._options.max_attempts,
                ):
                    raise
                delay_secs = retry.retry_delay(
                    attempt,
                    base_secs=self._options.retry_base_secs,
                    max_secs=self._options.retry_max_secs,
                    random_fn=self._random_fn,
                )
                log.info(
                    "kalshi retry", extra={"path": path, "attempt": attempt, "error": str(exc)}
                )
                self.stats.retries += 1
                attempt += 1
                await asyncio.sleep(delay_secs)

    async def _once(
        self,
        method: str,
        path: str,
        bucket: ratelimit.Bucket,
        cost_tokens: int,
        params: Mapping[str, QueryValue] | None,
        body: object,
    ) -> Any:
        await self._limiter.acquire(bucket, cost_tokens)
        headers = {"Accept": "application/json"}
        if self._signer is not None:
            headers |= self._signer.headers(method, self._base_path + path, self._now_ms())
        content = None
        if body is not None:
            content = orjson.dumps(body)
            headers["Content-Type"] = "application/json"
        query = {k: v for k, v in (params or {}).items() if v is not None}
        self.stats.requests += 1
        try:
            response = await self._client.request(
                method, self._base_url + path, params=query, content=content, headers=headers
            )
        except httpx.HTTPError as exc:
            self.stats.transport_errors += 1
            raise errors.KalshiTransportError(
                f"{method} {path} failed: {type(exc).__name__}"
            ) from None
        return self._decode(response)

    def _decode(self, response: httpx.Response) -> Any:
        if response.is_success:
            if not response.content:
                return None
            try:
                return orjson.loads(response.content)
            except orjson.JSONDecodeError:
                raise errors.KalshiProtocolError(
                    f"undecodable body from {response.request.url.path}",
                    status=response.status_code,
                ) from None
        error = errors.from_response(response.status_code, response.content)
        if isinstance(error, errors.KalshiRateLimitedError):
            self.stats.rate_limited_429s += 1
        elif isinstance(error, errors.KalshiServerError):
            self.stats.server_errors += 1
        elif isinstance(error, errors.KalshiRejectedError):
            self.stats.rejections += 1
        raise error
