"""The rest of the SDK surface a market maker touches: group admin, batch cancel, cancel all,
multi-market books, queue positions, the public tape, events and resting value."""

from __future__ import annotations

from typing import Any

from tests.contract import sdk
from tests.contract.support import Key, client_for
from touchline_bot.sim.kalshi import server

ARS = "KXEPLGAME-26NOV28ARSCHE-ARS"


def _bid(client: Any, price: str, **extra: Any) -> Any:
    return client.create_order_v2(
        ticker=ARS,
        side="bid",
        count="2",
        price=price,
        time_in_force="good_till_canceled",
        self_trade_prevention_type="maker",
        **extra,
    )


def test_order_group_administration_through_the_sdk(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    client = client_for(sim, keys["rsa"])
    group_id = client.create_order_group(contracts_limit=5).order_group_id
    order = _bid(client, "0.30", order_group_id=group_id)
    listed = client.get_order_groups()
    assert isinstance(listed, sdk.GetOrderGroupsResponse)
    assert [g.id for g in listed.order_groups or []] == [group_id]
    client.update_order_group_limit(group_id, contracts_limit=7)
    client.trigger_order_group(group_id)
    assert client.get_order(order.order_id).order.status == sdk.OrderStatus.CANCELED
    client.reset_order_group(group_id)
    client.delete_order_group(group_id)
    assert client.get_order_groups().order_groups == []


def test_cancels_books_queues_and_tape_parse_into_sdk_models(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    client = client_for(sim, keys["rsa"])
    counterparty = client_for(sim, keys["counterparty"])
    first = _bid(client, "0.40")
    _bid(client, "0.41")
    counterparty.create_order_v2(
        ticker=ARS,
        side="ask",
        count="1",
        price="0.41",
        time_in_force="immediate_or_cancel",
        self_trade_prevention_type="taker_at_cross",
    )
    books = client.get_market_orderbooks(tickers=[ARS])
    assert isinstance(books, sdk.GetMarketOrderbooksResponse)
    assert books.orderbooks[0].orderbook_fp.yes_dollars == [["0.4000", "2.00"], ["0.4100", "1.00"]]
    # SDK bug: this method has no collection format for ``market_tickers``, so a list is sent
    # as its Python repr ("['T']") to any server; a comma-separated string works.
    assert "%5B" in client.parameters_to_url_query([("market_tickers", [ARS])], {})
    queues = client.get_order_queue_positions(market_tickers=ARS)
    assert isinstance(queues, sdk.GetOrderQueuePositionsResponse)
    assert {q.queue_position_fp for q in queues.queue_positions} == {"0.00"}
    tape = client.get_trades(ticker=ARS)
    assert isinstance(tape, sdk.GetTradesResponse)
    assert [(t.yes_price_dollars, t.count_fp, t.taker_book_side) for t in tape.trades] == [
        ("0.4100", "1.00", sdk.BookSide.ASK)
    ]
    value = client.get_portfolio_resting_order_total_value()
    assert value.total_resting_order_value == 121  # cents: 2 x 0.40 + 1 x 0.41
    events = client.get_events(series_ticker="KXEPLGAME", with_nested_markets=True)
    assert isinstance(events, sdk.GetEventsResponse)
    cancelled = client.batch_cancel_orders_v2(orders=[{"order_id": first.order_id}])
    assert isinstance(cancelled, sdk.BatchCancelOrdersV2Response)
    assert cancelled.orders[0].reduced_by == "2.00"
    client.cancel_all_orders()
    assert client.get_orders(status="resting").orders == []


def test_account_limits_describe_the_basic_tier(
    sim: server.RunningKalshiSim, keys: dict[str, Key]
) -> None:
    limits = client_for(sim, keys["rsa"]).get_account_api_limits()
    assert isinstance(limits, sdk.GetAccountApiLimitsResponse)
    assert (limits.usage_tier, limits.write.refill_rate, limits.write.bucket_capacity) == (
        "basic",
        100,
        100,
    )
    assert (limits.read.refill_rate, limits.read.bucket_capacity) == (200, 600)
