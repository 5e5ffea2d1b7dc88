"""The Kalshi REST client as one object: transport, limiter, and the three endpoint groups.

``client.trading`` places and manages orders, ``client.markets`` reads market data,
``client.portfolio`` reads our orders, fills, positions and balance. Time and randomness are
injected (the engine passes ``touchline_bot.engine.clock``), so this package never reads a
clock itself.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from touchline_bot.venues.kalshi import auth, market_data, portfolio, ratelimit, rest, trading


class KalshiClient:
    """Everything the bot does over Kalshi's REST API."""

    def __init__(
        self,
        base_url: str,
        *,
        signer: auth.Signer | None,
        now_ms: Callable[[], int],
        monotonic_ms: Callable[[], int],
        random_fn: Callable[[], float],
        tier: str = "basic",
        limiter_enabled: bool = True,
        options: rest.RestOptions = rest.DEFAULT_OPTIONS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.limiter = ratelimit.RateLimiter.for_tier(
            tier, monotonic_ms=monotonic_ms, enabled=limiter_enabled
        )
        self.rest = rest.RestTransport(
            base_url,
            signer=signer,
            limiter=self.limiter,
            now_ms=now_ms,
            random_fn=random_fn,
            options=options,
            transport=transport,
        )
        self.trading = trading.TradingApi(self.rest)
        self.markets = market_data.MarketDataApi(self.rest)
        self.portfolio = portfolio.PortfolioApi(self.rest)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self.rest.aclose()

    async def __aenter__(self) -> KalshiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
