"""The engine-facing facade against the simulator: the startup slug/token check, then core
``SignalUpdated`` events from the stream, and ``FeedStale`` while the venue is frozen."""

from __future__ import annotations

import pytest

from touchline_bot.core import types, units
from touchline_bot.engine import clock
from touchline_bot.venues.polymarket import client, feed, gamma, polling

from .conftest import Venue, wait_until


def _client(venue: Venue) -> client.PolymarketClient:
    endpoints = client.Endpoints(
        clob_url=venue.sim.clob_url, ws_url=venue.sim.ws_url, gamma_url=venue.sim.gamma_url
    )
    return client.PolymarketClient(
        endpoints,
        tokens=[venue.yes["home"]],
        timing=lambda: polling.INPLAY,
        now_ms=clock.now_ms,
        random_fn=lambda: 0.5,
        options=feed.FeedOptions(reconnect_base_ms=50),
    )


async def test_startup_check_then_signal_events_from_the_stream(venue: Venue) -> None:
    async with _client(venue) as poly:
        market = await poly.verify("epl-ars-che-2026-03-01-ars", venue.yes["home"])
        assert market.yes_token == venue.yes["home"]
        assert poly.signal(venue.yes["home"], ts_ms=1) is None
        poly.start()
        await wait_until(
            lambda: poly.signal(venue.yes["home"], ts_ms=1) is not None, timeout_secs=5
        )
        event = poly.signal(venue.yes["home"], ts_ms=1)
        assert event is not None
        assert event.top.best_bid == (units.Price(4200), units.Qty(10_000))
        assert event.top.best_ask == (units.Price(4400), units.Qty(10_000))
        assert event.source_ts_ms is not None
        assert poly.stale_event(ts_ms=1) is None


async def test_mismatched_slug_and_token_refuses_to_start(venue: Venue) -> None:
    async with _client(venue) as poly:
        with pytest.raises(gamma.GammaError, match="not an outcome of market"):
            await poly.verify("epl-ars-che-2026-03-01-draw", venue.yes["home"])


async def test_frozen_venue_yields_a_feed_stale_event(venue: Venue) -> None:
    venue.sim.drive(
        {venue.yes["home"]: lambda secs: units.Price(3000 + 100 * (int(secs * 4) % 60))}
    )
    async with _client(venue) as poly:
        poly.start()
        await wait_until(lambda: poly.feed.stats.ws_data_messages > 2, timeout_secs=5)
        venue.sim.faults.frozen = True
        await wait_until(lambda: poly.stale_event(ts_ms=7) is not None, timeout_secs=3)
        stale = poly.stale_event(ts_ms=7)
        assert stale is not None
        assert (stale.venue, stale.reason) == (types.Venue.POLYMARKET, "ws_frozen")
