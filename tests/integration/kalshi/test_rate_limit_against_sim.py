"""A burst of 200 order writes at the Basic tier: with the client limiter on the simulator never
answers 429; with it off, the simulator does."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.kalshi.conftest import Venue
from touchline_bot.core import types, units
from touchline_bot.venues.kalshi import errors, trading

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")


def _orders(venue: Venue, n: int) -> list[trading.OrderRequest]:
    return [
        trading.OrderRequest(
            ticker=venue.tickers[i % len(venue.tickers)],
            side=types.Side.BID,
            price=units.Price(100 * (1 + i % 20)),
            count=units.Qty(1),
            client_order_id=f"burst-{i}",
        )
        for i in range(n)
    ]


@pytest.mark.slow
async def test_burst_of_200_writes_with_the_limiter_on_sees_no_429(venue: Venue) -> None:
    async with venue.client(venue.our_signer, limiter_enabled=True) as kalshi:
        # 150 creates (10 tokens each) fired at once, then 50 cancels (2 tokens each).
        creates = [kalshi.trading.create_order(o) for o in _orders(venue, 150)]
        results: list[object] = list(await asyncio.gather(*creates, return_exceptions=True))
        acks = [r for r in results if isinstance(r, trading.OrderAck)]
        cancels = [kalshi.trading.cancel_order(a.order_id) for a in acks[:50]]
        results += await asyncio.gather(*cancels, return_exceptions=True)
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert len(results) == 200
        assert kalshi.rest.stats.rate_limited_429s == 0
        assert kalshi.limiter.waits > 0
    assert sum(o.is_resting for o in venue.sim.exchange.orders.values()) == 100


async def test_same_burst_with_the_limiter_off_earns_429s(venue: Venue) -> None:
    async with venue.client(venue.our_signer, limiter_enabled=False) as kalshi:
        writes = [kalshi.trading.create_order(o) for o in _orders(venue, 40)]
        results = await asyncio.gather(*writes, return_exceptions=True)
        refused = [r for r in results if isinstance(r, errors.KalshiRateLimitedError)]
        assert refused
        assert kalshi.rest.stats.rate_limited_429s == len(refused)
