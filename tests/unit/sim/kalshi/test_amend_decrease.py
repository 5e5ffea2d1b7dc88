"""Amend and decrease: the queue is kept only on a size decrease; amend ``count`` is the total."""

from __future__ import annotations

import pytest

from tests.unit.sim.kalshi.orderflow import T0_MS, TICKER, fills_of, place
from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, model, orders


def _amend(price: str, count: str, side: str = model.BID, **extra: object) -> orders.AmendRequest:
    return orders.AmendRequest(
        TICKER,
        side,
        units.parse_dollars(price),
        units.parse_count(count),
        **extra,  # type: ignore[arg-type]
    )


def _first_to_fill(ex: exchange.Exchange, a: model.Order, b: model.Order) -> model.Order:
    place(ex, "carol", model.ASK, "0.45", "1", tif=model.IOC)
    return a if a.filled else b


@pytest.mark.parametrize(
    ("price", "count", "keeps_queue"),
    [
        pytest.param("0.45", "6", True, id="size_decrease_keeps_queue"),
        pytest.param("0.45", "10", True, id="same_price_and_total_keeps_queue"),
        pytest.param("0.45", "12", False, id="size_increase_loses_queue"),
        pytest.param("0.44", "10", False, id="price_change_loses_queue"),
    ],
)
def test_amend_keeps_queue_priority_only_when_it_does_not_add_size_or_move_price(
    ex: exchange.Exchange, price: str, count: str, keeps_queue: bool
) -> None:
    first = place(ex, "alice", model.BID, "0.45", "10")
    second = place(ex, "bob", model.BID, "0.45", "10")
    orders.amend(ex, "alice", first.order_id, _amend(price, count), T0_MS + 1)
    if price != "0.45":
        orders.amend(ex, "alice", first.order_id, _amend("0.45", count), T0_MS + 2)
    expected = first if keeps_queue else second
    assert _first_to_fill(ex, first, second) is expected


def test_decrease_keeps_queue_priority(ex: exchange.Exchange) -> None:
    first = place(ex, "alice", model.BID, "0.45", "10")
    second = place(ex, "bob", model.BID, "0.45", "10")
    orders.decrease(ex, "alice", first.order_id, T0_MS + 1, reduce_by=units.parse_count("4"))
    assert first.remaining == units.parse_count("6")
    assert _first_to_fill(ex, first, second) is first


def test_amend_count_is_the_new_total_including_what_already_filled(ex: exchange.Exchange) -> None:
    order = place(ex, "alice", model.BID, "0.45", "10")
    place(ex, "carol", model.ASK, "0.45", "4", tif=model.IOC)
    orders.amend(ex, "alice", order.order_id, _amend("0.45", "8"), T0_MS + 1)
    assert (order.filled, order.remaining) == (units.parse_count("4"), units.parse_count("4"))
    assert ex.books[TICKER].levels("yes") == [(units.parse_dollars("0.45"), units.parse_count("4"))]


def test_amend_to_a_crossing_price_trades_at_the_resting_price(ex: exchange.Exchange) -> None:
    place(ex, "bob", model.ASK, "0.50", "5")
    order = place(ex, "alice", model.BID, "0.45", "10")
    orders.amend(ex, "alice", order.order_id, _amend("0.55", "10"), T0_MS + 1)
    assert fills_of(ex, order) == [("0.5000", "5.00")]
    assert order.remaining == units.parse_count("5")


@pytest.mark.parametrize(
    ("request_args", "code"),
    [
        pytest.param({"side": model.ASK}, "order_side_mismatch", id="side_mismatch"),
        pytest.param({"count": "0"}, "invalid_order", id="total_not_above_filled"),
    ],
)
def test_bad_amends_are_refused(
    ex: exchange.Exchange, request_args: dict[str, str], code: str
) -> None:
    order = place(ex, "alice", model.BID, "0.45", "10")
    args = {"price": "0.45", "count": "10", **request_args}
    with pytest.raises(errors.RejectedError) as refused:
        orders.amend(ex, "alice", order.order_id, _amend(**args), T0_MS + 1)
    assert refused.value.code == code


def test_decrease_to_zero_cancels_and_cancel_reports_reduced_by(ex: exchange.Exchange) -> None:
    a = place(ex, "alice", model.BID, "0.45", "10")
    b = place(ex, "alice", model.BID, "0.44", "10")
    orders.decrease(ex, "alice", a.order_id, T0_MS + 1, reduce_to=units.ZERO_QTY)
    assert a.status is model.OrderStatus.CANCELED
    _, reduced = orders.cancel(ex, "alice", b.order_id, T0_MS + 2)
    assert reduced == units.parse_count("10")
    _, again = orders.cancel(ex, "alice", b.order_id, T0_MS + 3)
    assert again == 0


def test_other_users_orders_are_not_found(ex: exchange.Exchange) -> None:
    order = place(ex, "alice", model.BID, "0.45", "10")
    with pytest.raises(errors.RejectedError) as refused:
        orders.cancel(ex, "bob", order.order_id, T0_MS + 1)
    assert refused.value.status == 404


@pytest.mark.parametrize(
    ("reduce_by", "reduce_to", "remaining", "status"),
    [
        pytest.param("3", None, "7.00", model.OrderStatus.RESTING, id="reduce_by"),
        pytest.param(None, "2.5", "2.50", model.OrderStatus.RESTING, id="reduce_to_fractional"),
        pytest.param("15", None, "0.00", model.OrderStatus.CANCELED, id="reduce_by_more_cancels"),
    ],
)
def test_decrease_by_or_to(
    ex: exchange.Exchange,
    reduce_by: str | None,
    reduce_to: str | None,
    remaining: str,
    status: model.OrderStatus,
) -> None:
    order = place(ex, "alice", model.BID, "0.45", "10")
    orders.decrease(
        ex,
        "alice",
        order.order_id,
        T0_MS + 1,
        reduce_by=units.parse_count(reduce_by) if reduce_by else None,
        reduce_to=units.parse_count(reduce_to) if reduce_to else None,
    )
    assert (units.format_count(order.remaining), order.status) == (remaining, status)


def test_decrease_needs_exactly_one_of_by_or_to(ex: exchange.Exchange) -> None:
    order = place(ex, "alice", model.BID, "0.45", "10")
    with pytest.raises(errors.RejectedError) as refused:
        orders.decrease(ex, "alice", order.order_id, T0_MS + 1)
    assert refused.value.status == 400
