"""The Polymarket facade the engine uses: owns the HTTP and WebSocket sessions, checks the
configured slug/token pair at startup, runs the feed, and turns the store's state into the
core's ``SignalUpdated`` / ``FeedStale`` events.

    async with client.PolymarketClient(endpoints, tokens=[token], timing=..., now_ms=...,
                                       random_fn=...) as poly:
        await poly.verify(slug, token)        # GammaError on a mismatch: refuse to start
        poly.start()
        event = poly.signal(token, ts_ms=now) # None until the first book arrives
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType

import aiohttp
import httpx

from touchline_bot.core import events, types
from touchline_bot.venues.polymarket import feed, gamma, polling, resolver, rest, store


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where Polymarket lives (the simulator passes its own loopback URLs)."""

    clob_url: str = "https://clob.polymarket.com"
    ws_url: str = "wss://ws-subscriptions-clob.polymarket.com/ws/market"
    gamma_url: str = "https://gamma-api.polymarket.com"


class PolymarketClient:
    """Read-only Polymarket for a fixed set of tokens."""

    def __init__(
        self,
        endpoints: Endpoints,
        *,
        tokens: Sequence[str],
        timing: Callable[[], polling.PhaseTiming],
        now_ms: Callable[[], int],
        random_fn: Callable[[], float],
        options: feed.FeedOptions | None = None,
        request_timeout_secs: float = 5.0,
    ) -> None:
        self._endpoints = endpoints
        self.data = store.SignalStore(tokens)
        self._http = httpx.AsyncClient(timeout=request_timeout_secs)
        self._session = aiohttp.ClientSession()
        self.rest = rest.PolymarketRest(self._http, endpoints.clob_url)
        self.resolver = resolver.PolymarketResolver(self._http, endpoints.gamma_url)
        self.feed = feed.PolymarketFeed(
            data=self.data,
            rest_client=self.rest,
            session=self._session,
            ws_url=endpoints.ws_url,
            timing=timing,
            now_ms=now_ms,
            random_fn=random_fn,
            options=options or feed.FeedOptions(),
        )
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> PolymarketClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def verify(self, slug: str, token_id: str) -> gamma.ResolvedMarket:
        """Resolve ``slug`` on Gamma and require ``token_id`` to be one of its outcomes."""
        return await self.resolver.verify(slug, token_id)

    def start(self) -> None:
        """Run the feed in the background (idempotent)."""
        if self._task is None:
            self._task = asyncio.create_task(self.feed.run())

    async def close(self) -> None:
        """Stop the feed and release the sessions (also when the caller is being cancelled)."""
        try:
            if self._task is not None:
                await feed.cancel_and_wait(self._task)
                self._task = None
        finally:
            await self._session.close()
            await self._http.aclose()

    def signal(self, token: str, *, ts_ms: int) -> events.SignalUpdated | None:
        """The core event for the token's current top of book, if any data arrived."""
        top = self.data.top(token)
        fresh = self.data.freshness(token)
        if top is None or fresh is None:
            return None
        return events.SignalUpdated(ts_ms=ts_ms, top=top, source_ts_ms=fresh.source_ts_ms)

    def stale_event(self, *, ts_ms: int) -> events.FeedStale | None:
        """A ``FeedStale`` event while the store is marked stale, else ``None``."""
        if not self.data.stale:
            return None
        return events.FeedStale(
            ts_ms=ts_ms, venue=types.Venue.POLYMARKET, reason=self.data.stale_reason
        )
