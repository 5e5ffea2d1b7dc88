"""The feed against the simulator on loopback: streaming, the silent freeze detected within
the in-play staleness window and recovered from, a quiet market not mistaken for a freeze,
venue disconnects, and throttling during the REST fallback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import aiohttp
import httpx
import pytest

from touchline_bot.core import units
from touchline_bot.engine import clock
from touchline_bot.venues.polymarket import feed, polling, rest, stats, store

from .conftest import Venue, wait_until

FeedMode = stats.FeedMode


def _moving(start: int) -> Callable[[float], units.Price]:
    """A fair path that climbs a cent every quarter second and never revisits a price (so
    silence means a freeze, and a REST book always differs from an older one)."""
    return lambda secs: units.Price(min(9_000, start + 100 * int(secs * 4)))


@pytest.fixture
async def running_feed(venue: Venue) -> AsyncIterator[feed.PolymarketFeed]:
    tokens = [venue.yes["home"], venue.sim.state.complement[venue.yes["home"]]]
    async with aiohttp.ClientSession() as session, httpx.AsyncClient() as client:
        poly_feed = feed.PolymarketFeed(
            data=store.SignalStore(tokens),
            rest_client=rest.PolymarketRest(client, venue.sim.clob_url),
            session=session,
            ws_url=venue.sim.ws_url,
            timing=lambda: polling.INPLAY,
            now_ms=clock.now_ms,
            random_fn=lambda: 0.5,
            options=feed.FeedOptions(reconnect_base_ms=50, rest_backoff_base_ms=50),
        )
        task = asyncio.create_task(poly_feed.run())
        await wait_until(lambda: poly_feed.mode is FeedMode.STREAMING, timeout_secs=5)
        yield poly_feed
        await feed.cancel_and_wait(task)


def _source(poly_feed: feed.PolymarketFeed, token: str) -> store.Source | None:
    fresh = poly_feed.data.freshness(token)
    return fresh.source if fresh else None


def _books_agree(venue: Venue, poly_feed: feed.PolymarketFeed) -> bool:
    for token in poly_feed.data.tokens:
        sim_book = venue.sim.state.books[token]
        ours = poly_feed.data.book(token)
        if dict(ours.bids()) != sim_book.bids or dict(ours.asks()) != sim_book.asks:
            return False
    return True


async def test_streaming_book_follows_the_venue(
    venue: Venue, running_feed: feed.PolymarketFeed
) -> None:
    venue.sim.set_fair(venue.yes["home"], units.Price(5100))
    await wait_until(lambda: _books_agree(venue, running_feed), timeout_secs=3)
    top = running_feed.data.top(venue.yes["home"])
    assert top is not None
    assert top.best_bid == (units.Price(5000), units.Qty(10_000))
    fresh = running_feed.data.freshness(venue.yes["home"])
    assert fresh is not None
    assert fresh.source is store.Source.WS


async def test_in_play_freeze_is_detected_within_the_staleness_window_and_recovered(
    venue: Venue, running_feed: feed.PolymarketFeed
) -> None:
    venue.sim.drive({venue.yes["home"]: _moving(3000)}, step_ms=100)
    await wait_until(lambda: running_feed.stats.ws_data_messages > 5, timeout_secs=3)

    venue.sim.faults.frozen = True
    detected_secs = await wait_until(
        lambda: running_feed.data.stale and running_feed.stats.freezes_detected == 1,
        timeout_secs=polling.INPLAY.staleness_ms / 1000,
    )
    assert detected_secs <= 3.0
    assert running_feed.data.stale_reason == "ws_frozen"
    assert running_feed.mode is FeedMode.FALLBACK
    await wait_until(
        lambda: (
            running_feed.stats.rest_polls >= 2
            and _source(running_feed, venue.yes["home"]) is store.Source.REST
        ),
        timeout_secs=3,
    )

    venue.sim.faults.frozen = False
    await wait_until(
        lambda: running_feed.mode is FeedMode.STREAMING and not running_feed.data.stale,
        timeout_secs=6,
    )
    assert running_feed.stats.recoveries == 1
    await wait_until(lambda: _books_agree(venue, running_feed), timeout_secs=3)


async def test_quiet_market_is_confirmed_by_rest_not_marked_stale(
    venue: Venue, running_feed: feed.PolymarketFeed
) -> None:
    token = venue.yes["home"]
    await wait_until(
        lambda: _source(running_feed, token) is store.Source.REST,
        timeout_secs=3,
    )
    assert not running_feed.data.stale
    assert running_feed.stats.freezes_detected == 0
    assert running_feed.mode is FeedMode.STREAMING


async def test_venue_disconnect_reconnects_with_a_fresh_snapshot(
    venue: Venue, running_feed: feed.PolymarketFeed
) -> None:
    assert await venue.sim.disconnect() == 1
    venue.sim.set_fair(venue.yes["home"], units.Price(6000))
    await wait_until(
        lambda: running_feed.stats.reconnects >= 1 and _books_agree(venue, running_feed),
        timeout_secs=5,
    )
    assert running_feed.stats.freezes_detected == 0


async def test_throttling_during_fallback_is_counted_and_backed_off(
    venue: Venue, running_feed: feed.PolymarketFeed
) -> None:
    venue.sim.drive({venue.yes["home"]: _moving(3000)}, step_ms=100)
    venue.sim.faults.frozen = True
    await wait_until(lambda: running_feed.mode is FeedMode.FALLBACK, timeout_secs=3)
    venue.sim.faults.throttle = 2
    venue.sim.faults.throttle_retry_after_secs = 0
    await wait_until(lambda: running_feed.stats.throttled == 2, timeout_secs=3)
    polls = running_feed.stats.rest_polls
    await wait_until(lambda: running_feed.stats.rest_polls > polls, timeout_secs=3)


async def test_garbled_frames_are_counted_and_the_stream_carries_on(
    venue: Venue, running_feed: feed.PolymarketFeed
) -> None:
    for connection in venue.sim.hub.connections:
        connection.queue.put_nowait('[{"event_type":"book"}, {"event_type":"price_change"}]')
        connection.queue.put_nowait("{truncated")
    venue.sim.set_fair(venue.yes["home"], units.Price(5500))
    await wait_until(lambda: _books_agree(venue, running_feed), timeout_secs=3)
    assert running_feed.stats.malformed_frames == 3
    assert running_feed.mode is FeedMode.STREAMING


async def test_freeze_is_detected_even_when_rest_timestamps_are_stale(
    venue: Venue, running_feed: feed.PolymarketFeed
) -> None:
    venue.sim.faults.stale_rest_since_ms = 1
    venue.sim.drive({venue.yes["home"]: _moving(3000)}, step_ms=100)
    await wait_until(lambda: running_feed.stats.ws_data_messages > 3, timeout_secs=3)
    venue.sim.faults.frozen = True
    await wait_until(
        lambda: running_feed.stats.freezes_detected == 1,
        timeout_secs=polling.INPLAY.staleness_ms / 1000,
    )
    assert running_feed.data.stale
