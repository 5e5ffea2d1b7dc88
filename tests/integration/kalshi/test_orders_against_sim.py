"""Our REST client against the Kalshi simulator on loopback: order lifecycle, typed rejections,
amend/decrease semantics and cancel-all, asserted on the simulator's own state."""

from __future__ import annotations

import pytest

from tests.integration.kalshi.conftest import Venue
from touchline_bot.core import types, units
from touchline_bot.engine import clock
from touchline_bot.sim.kalshi import lifecycle, model
from touchline_bot.venues.kalshi import client, errors, trading

# The simulator stores the caller in request storage under a plain string key, which aiohttp
# warns about inside the server; that is the simulator's to fix, not a client failure.
pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

P = units.Price
Q = units.Qty


def _order(
    ticker: str, coid: str, side: types.Side, price: int, count: int, **over: object
) -> trading.OrderRequest:
    return trading.OrderRequest(
        ticker=ticker,
        side=side,
        price=P(price),
        count=Q(count),
        client_order_id=coid,
        **over,  # type: ignore[arg-type]
    )


async def test_order_lifecycle_create_list_read_cancel(
    venue: Venue, ours: client.KalshiClient
) -> None:
    ack = await ours.trading.create_order(_order(venue.ticker, "c-1", types.Side.BID, 4000, 1050))
    resting = venue.sim.exchange.orders[ack.order_id]
    assert (resting.price, resting.remaining, resting.client_order_id) == (4000, 1050, "c-1")
    assert (ack.remaining_count, ack.fill_count) == (1050, 0)
    listed, _cursor = await ours.portfolio.orders(ticker=venue.ticker, status="resting")
    assert [o.order_id for o in listed] == [ack.order_id]
    one = await ours.portfolio.order(ack.order_id)
    assert (one.side, one.price, one.remaining_count, one.status) == (
        types.Side.BID,
        4000,
        1050,
        "resting",
    )
    book = await ours.markets.orderbook(venue.ticker)
    assert book.yes_bids == ((4000, 1050),)
    cancelled = await ours.trading.cancel_order(ack.order_id, ticker=venue.ticker)
    assert cancelled.reduced_by == 1050
    assert not venue.sim.exchange.orders[ack.order_id].is_resting
    again = await ours.trading.cancel_order(ack.order_id, ticker=venue.ticker)
    assert again.reduced_by == 0


async def test_post_only_cross_is_a_typed_rejection_and_nothing_rests(
    venue: Venue, ours: client.KalshiClient, theirs: client.KalshiClient
) -> None:
    await theirs.trading.create_order(_order(venue.ticker, "t-1", types.Side.ASK, 4500, 500))
    with pytest.raises(errors.PostOnlyCrossError) as info:
        await ours.trading.create_order(_order(venue.ticker, "c-1", types.Side.BID, 4500, 100))
    assert info.value.reason == "post_only_cross"
    mine = [o for o in venue.sim.exchange.orders.values() if o.client_order_id == "c-1"]
    assert not any(o.is_resting for o in mine)


async def test_duplicate_client_order_id_is_refused_and_only_one_order_exists(
    venue: Venue, ours: client.KalshiClient
) -> None:
    first = _order(venue.ticker, "dup", types.Side.BID, 3000, 100)
    await ours.trading.create_order(first)
    with pytest.raises(errors.DuplicateClientOrderIdError):
        await ours.trading.create_order(first)
    assert [o.client_order_id for o in venue.sim.exchange.orders.values()].count("dup") == 1


async def test_amend_count_is_total_and_decrease_keeps_the_rest(
    venue: Venue, ours: client.KalshiClient, theirs: client.KalshiClient
) -> None:
    ack = await ours.trading.create_order(_order(venue.ticker, "c-1", types.Side.BID, 4000, 1000))
    # The counterparty sells 3 contracts into our bid: 3 filled, 7 resting.
    await theirs.trading.create_order(
        _order(
            venue.ticker,
            "t-1",
            types.Side.ASK,
            4000,
            300,
            post_only=False,
            time_in_force="immediate_or_cancel",
        )
    )
    assert venue.sim.exchange.orders[ack.order_id].filled == 300
    amended = await ours.trading.amend_order(
        ack.order_id, ticker=venue.ticker, side=types.Side.BID, price=P(4100), total_count=Q(800)
    )
    order = venue.sim.exchange.orders[amended.order_id]
    assert (order.price, order.remaining, amended.remaining_count) == (4100, 500, 500)
    decreased = await ours.trading.decrease_order(amended.order_id, reduce_by=Q(150))
    assert decreased.remaining_count == 350
    decreased = await ours.trading.decrease_order(amended.order_id, reduce_to=Q(25))
    assert venue.sim.exchange.orders[amended.order_id].remaining == 25
    assert decreased.remaining_count == 25


async def test_cancel_all_leaves_nothing_of_ours_resting(
    venue: Venue, ours: client.KalshiClient, theirs: client.KalshiClient
) -> None:
    for i, ticker in enumerate(venue.tickers):
        await ours.trading.create_order(
            _order(ticker, f"c-{i}", types.Side.BID, 2000 + 100 * i, 100)
        )
    await theirs.trading.create_order(_order(venue.ticker, "t-1", types.Side.BID, 1000, 100))
    await ours.trading.cancel_all()
    resting = [o for o in venue.sim.exchange.orders.values() if o.is_resting]
    assert [o.client_order_id for o in resting] == ["t-1"]


async def test_order_on_closed_market_is_market_inactive(
    venue: Venue, ours: client.KalshiClient
) -> None:
    lifecycle.set_status(
        venue.sim.exchange, venue.ticker, model.MarketStatus.CLOSED, clock.now_ms()
    )
    venue.sim.flush()
    with pytest.raises(errors.MarketInactiveError):
        await ours.trading.create_order(_order(venue.ticker, "c-1", types.Side.BID, 4000, 100))


async def test_batch_create_reports_each_item(
    venue: Venue, ours: client.KalshiClient, theirs: client.KalshiClient
) -> None:
    await theirs.trading.create_order(_order(venue.ticker, "t-1", types.Side.ASK, 5000, 100))
    items = await ours.trading.batch_create(
        [
            _order(venue.ticker, "b-1", types.Side.BID, 4000, 100),
            _order(venue.ticker, "b-2", types.Side.BID, 5000, 100),
        ]
    )
    assert items[0].ack is not None
    assert isinstance(items[1].error, errors.PostOnlyCrossError)
    cancelled = await ours.trading.batch_cancel([items[0].ack.order_id])
    assert isinstance(cancelled[0].ack, trading.CancelAck)
    assert cancelled[0].ack.reduced_by == 100


async def test_reads_of_market_series_positions_and_balance(
    venue: Venue, ours: client.KalshiClient, theirs: client.KalshiClient
) -> None:
    market = await ours.markets.market(venue.ticker)
    assert market.status == "active"
    assert market.price_grid == units.PriceGrid()
    series = await ours.markets.series(venue.sim.exchange.markets[venue.ticker].series_ticker)
    assert series.fee_type == venue.sim.exchange.series[series.ticker].fee_type
    await ours.trading.create_order(_order(venue.ticker, "c-1", types.Side.BID, 4000, 250))
    await theirs.trading.create_order(
        _order(
            venue.ticker,
            "t-1",
            types.Side.ASK,
            4000,
            250,
            post_only=False,
            time_in_force="immediate_or_cancel",
        )
    )
    positions = await ours.portfolio.positions(ticker=venue.ticker)
    assert [(p.ticker, p.position) for p in positions] == [(venue.ticker, 250)]
    fills, _ = await ours.portfolio.fills(ticker=venue.ticker)
    assert [(f.price, f.count, f.is_taker) for f in fills] == [(4000, 250, False)]
    balance = await ours.portfolio.balance()
    assert balance.balance < units.money_from_dollars("10000")
    status = await ours.markets.exchange_status()
    assert status.trading_active
