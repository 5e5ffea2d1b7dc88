"""Our stream against the Kalshi simulator: a dropped delta is detected as a gap and the book
resyncs to the simulator's; a disconnect reconnects with fresh auth and rebuilds the book."""

from __future__ import annotations

import pytest

from tests.integration.kalshi.conftest import Venue, run_stream
from touchline_bot.core import types, units
from touchline_bot.venues.kalshi import client, stream, trading

# The simulator stores the caller in request storage under a plain string key, which aiohttp
# warns about inside the server; that is the simulator's to fix, not a client failure.
pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")


def _bid(ticker: str, coid: str, price: int, count: int) -> trading.OrderRequest:
    return trading.OrderRequest(
        ticker=ticker,
        side=types.Side.BID,
        price=units.Price(price),
        count=units.Qty(count),
        client_order_id=coid,
    )


def _matches(kalshi: stream.KalshiStream, venue: Venue, ticker: str) -> bool:
    book = kalshi.books[ticker]
    yes, no = venue.sim_levels(ticker)
    return book.valid and book.yes_bids() == yes and book.no_bids() == no


async def test_gap_is_detected_counted_and_the_book_resyncs_to_the_simulator(
    venue: Venue, theirs: client.KalshiClient
) -> None:
    async with run_stream(venue) as (kalshi, watch):
        await watch.until(lambda: all(b.valid for b in kalshi.books.values()))
        await theirs.trading.create_order(_bid(venue.ticker, "t-1", 4000, 1000))
        await watch.until(lambda: _matches(kalshi, venue, venue.ticker))
        venue.sim.faults.drop_deltas = 1
        await theirs.trading.create_order(_bid(venue.ticker, "t-2", 4100, 250))  # dropped
        await theirs.trading.create_order(_bid(venue.ticker, "t-3", 4200, 133))  # reveals the gap
        await watch.until(lambda: kalshi.stats.gaps >= 1)
        await watch.until(lambda: _matches(kalshi, venue, venue.ticker))
        assert kalshi.stats.gaps == 1
        assert kalshi.stats.resyncs >= 1
        assert kalshi.books[venue.ticker].yes_bids() == {4000: 1000, 4100: 250, 4200: 133}
        await theirs.trading.decrease_order(
            venue.sim.exchange.orders[_order_id(venue, "t-1")].order_id, reduce_by=units.Qty(1)
        )
        await watch.until(
            lambda: kalshi.books[venue.ticker].yes_bids().get(units.Price(4000)) == 999
        )
        assert _matches(kalshi, venue, venue.ticker)


def _order_id(venue: Venue, coid: str) -> str:
    return next(o.order_id for o in venue.sim.exchange.orders.values() if o.client_order_id == coid)


async def test_disconnect_reconnects_with_fresh_auth_and_rebuilds_from_new_snapshot(
    venue: Venue, theirs: client.KalshiClient
) -> None:
    async with run_stream(venue, reconnect_base_secs=0.05) as (kalshi, watch):
        await watch.until(lambda: all(b.valid for b in kalshi.books.values()))
        await venue.sim.disconnect_websockets()
        await watch.until(lambda: not kalshi.books[venue.ticker].valid)
        # The book changes while we are away; only a new snapshot can tell us.
        await theirs.trading.create_order(_bid(venue.ticker, "t-1", 3300, 777))
        await watch.until(lambda: kalshi.stats.reconnects >= 1)
        await watch.until(lambda: _matches(kalshi, venue, venue.ticker))
        assert kalshi.books[venue.ticker].yes_bids() == {3300: 777}
    assert len(venue.handshake_stamps) >= 2
    assert venue.handshake_stamps[1] > venue.handshake_stamps[0], "each handshake signed afresh"
    statuses = [s for s in watch.seen if isinstance(s, stream.StreamStatus)]
    assert [s.connected for s in statuses[:3]] == [True, False, True]


async def test_frozen_feed_is_detected_idle_and_reconnects(venue: Venue) -> None:
    async with run_stream(venue, idle_timeout_secs=0.3, reconnect_base_secs=0.05) as (
        kalshi,
        watch,
    ):
        await watch.until(lambda: all(b.valid for b in kalshi.books.values()))
        venue.sim.faults.freeze(True)
        await watch.until(lambda: kalshi.stats.idle_timeouts >= 1)
        assert not kalshi.books[venue.ticker].top().valid
        venue.sim.faults.freeze(False)
        await watch.until(lambda: _matches(kalshi, venue, venue.ticker))


async def test_fills_orders_and_positions_arrive_typed(
    venue: Venue, ours: client.KalshiClient, theirs: client.KalshiClient
) -> None:
    from touchline_bot.venues.kalshi import messages

    async with run_stream(venue) as (kalshi, watch):
        await watch.until(lambda: all(b.valid for b in kalshi.books.values()))
        await ours.trading.create_order(_bid(venue.ticker, "c-1", 4000, 250))
        await theirs.trading.create_order(
            trading.OrderRequest(
                ticker=venue.ticker,
                side=types.Side.ASK,
                price=units.Price(4000),
                count=units.Qty(100),
                client_order_id="t-1",
                post_only=False,
                time_in_force="immediate_or_cancel",
            )
        )
        await watch.until(lambda: any(isinstance(m, messages.FillMessage) for m in watch.seen))
        fill = next(m for m in watch.seen if isinstance(m, messages.FillMessage))
        assert (fill.price, fill.count, fill.side, fill.is_taker) == (
            4000,
            100,
            types.Side.BID,
            False,
        )
        assert fill.post_position == 100
        await watch.until(
            lambda: (
                any(isinstance(m, messages.PositionMessage) for m in watch.seen)
                and any(isinstance(m, messages.UserOrderMessage) for m in watch.seen)
            )
        )
        assert kalshi.stats.malformed_frames == 0
