"""Orders: the live view follows decisions and venue events; reconcile issues the fewest actions."""

from __future__ import annotations

import dataclasses

import pytest

from touchline_bot.core import decisions, events, orders, risk, units
from touchline_bot.core.orders import LiveOrder, OrderStatus
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side

P = units.Price
Q = units.Qty


def _resting(cid: str, side: Side, price: int, qty: int, order_id: str = "") -> LiveOrder:
    return LiveOrder(
        cid, side, P(price), Q(qty), OrderStatus.RESTING, order_id=order_id or f"v-{cid}"
    )


def replace_status(order: LiveOrder, status: OrderStatus) -> LiveOrder:
    return dataclasses.replace(order, status=status)


def _view(*items: LiveOrder) -> orders.LiveOrders:
    live = orders.EMPTY
    for item in items:
        live = live.put(item)
    return live


BID = _resting("tl-1", Side.BID, 4_000, 1_000)
ASK = _resting("tl-2", Side.ASK, 6_000, 1_000)


def _reconcile(
    desired: tuple[Quote, ...], live: orders.LiveOrders, tolerance: int = 100
) -> tuple[decisions.Decision, ...]:
    batch, _ = orders.reconcile(
        desired, live, refresh_tolerance=P(tolerance), prefix="tl", next_id=7
    )
    return batch


@pytest.mark.parametrize(
    ("desired", "live", "expected"),
    [
        pytest.param((), orders.EMPTY, (), id="nothing-wanted-nothing-live-no-action"),
        pytest.param(
            (Quote(Side.BID, P(4_000), Q(1_000)),),
            orders.EMPTY,
            (decisions.PlaceOrder("tl-7", Side.BID, P(4_000), Q(1_000)),),
            id="missing-quote-is-placed-with-next-id",
        ),
        pytest.param(
            (Quote(Side.BID, P(4_100), Q(1_000)),),
            _view(BID),
            (),
            id="price-within-tolerance-same-size-left-alone",
        ),
        pytest.param(
            (Quote(Side.BID, P(4_050), Q(600)),),
            _view(BID),
            (decisions.DecreaseOrder("tl-1", Q(400)),),
            id="smaller-size-within-tolerance-is-a-decrease",
        ),
        pytest.param(
            (Quote(Side.BID, P(4_000), Q(1_500)),),
            _view(BID),
            (decisions.AmendOrder("tl-1", P(4_000), Q(1_500)),),
            id="larger-size-is-an-amend",
        ),
        pytest.param(
            (Quote(Side.BID, P(4_300), Q(1_000)),),
            _view(BID),
            (decisions.AmendOrder("tl-1", P(4_300), Q(1_000)),),
            id="price-beyond-tolerance-is-an-amend",
        ),
        pytest.param(
            (Quote(Side.BID, P(4_000), Q(1_000)),),
            _view(BID, ASK),
            (decisions.CancelOrder("tl-2"),),
            id="extra-order-is-cancelled",
        ),
        pytest.param(
            (Quote(Side.ASK, P(6_000), Q(1_000)), Quote(Side.BID, P(4_000), Q(1_000))),
            _view(_resting("tl-3", Side.BID, 3_900, 500), ASK, BID),
            (decisions.CancelOrder("tl-3"),),
            id="duplicate-on-a-side-keeps-the-best-ranked-and-cancels-the-other",
        ),
        pytest.param(
            (Quote(Side.BID, P(3_000), Q(1_000), post_only=False),),
            _view(BID),
            (
                decisions.CancelOrder("tl-1"),
                decisions.PlaceOrder("tl-7", Side.BID, P(3_000), Q(1_000), post_only=False),
            ),
            id="order-type-change-cancels-before-placing",
        ),
        pytest.param(
            (Quote(Side.BID, P(3_000), Q(1_000)),),
            _view(LiveOrder("tl-1", Side.BID, P(4_000), Q(1_000), OrderStatus.PENDING_NEW)),
            (),
            id="placement-in-flight-is-never-touched",
        ),
        pytest.param(
            (),
            _view(LiveOrder("tl-1", Side.BID, P(4_000), Q(1_000), OrderStatus.PENDING_AMEND)),
            (),
            id="amend-in-flight-is-not-cancelled-yet",
        ),
        pytest.param(
            (Quote(Side.BID, P(4_000), Q(1_000)),),
            _view(LiveOrder("tl-1", Side.BID, P(4_000), Q(1_000), OrderStatus.PENDING_CANCEL)),
            (decisions.PlaceOrder("tl-7", Side.BID, P(4_000), Q(1_000)),),
            id="order-on-its-way-out-does-not-fill-a-slot",
        ),
    ],
)
def test_reconcile_issues_the_fewest_actions(
    desired: tuple[Quote, ...], live: orders.LiveOrders, expected: tuple[decisions.Decision, ...]
) -> None:
    assert _reconcile(desired, live) == expected


def test_reconcile_orders_cancels_then_changes_then_places() -> None:
    desired = (
        Quote(Side.BID, P(3_000), Q(1_000)),
        Quote(Side.ASK, P(7_000), Q(1_000), level=1),
        Quote(Side.ASK, P(6_000), Q(1_000)),
    )
    live = _view(BID, _resting("tl-9", Side.BID, 3_500, 100))
    kinds = [type(d).__name__ for d in _reconcile(desired, live)]
    assert kinds == ["CancelOrder", "AmendOrder", "PlaceOrder", "PlaceOrder"]


def test_reconcile_ids_are_deterministic_and_counter_advances() -> None:
    desired = (Quote(Side.BID, P(4_000), Q(100)), Quote(Side.ASK, P(6_000), Q(100)))
    batch, next_id = orders.reconcile(
        desired, orders.EMPTY, refresh_tolerance=P(0), prefix="m1", next_id=3
    )
    assert [d.client_order_id for d in batch if isinstance(d, decisions.PlaceOrder)] == [
        "m1-3",
        "m1-4",
    ]
    assert next_id == 5


AMENDING = LiveOrder(
    "tl-1",
    Side.BID,
    P(4_000),
    Q(1_000),
    OrderStatus.PENDING_AMEND,
    order_id="v",
    pending_price=P(4_200),
    pending_qty=Q(600),
)


@pytest.mark.parametrize(
    ("before", "event", "after"),
    [
        pytest.param(
            _view(LiveOrder("tl-1", Side.BID, P(4_000), Q(1_000), OrderStatus.PENDING_NEW)),
            events.OrderAcknowledged(1, "tl-1", "v-tl-1", P(4_000), Q(1_000)),
            _view(_resting("tl-1", Side.BID, 4_000, 1_000)),
            id="ack-makes-a-placement-rest",
        ),
        pytest.param(
            _view(LiveOrder("tl-1", Side.BID, P(4_000), Q(1_000), OrderStatus.PENDING_NEW)),
            events.OrderRejected(1, "tl-1", "post_only_cross"),
            orders.EMPTY,
            id="rejected-placement-is-gone",
        ),
        pytest.param(
            _view(AMENDING),
            events.OrderRejected(1, "tl-1", "rate_limited"),
            _view(_resting("tl-1", Side.BID, 4_000, 1_000, order_id="v")),
            id="rejected-amend-rests-on-old-terms",
        ),
        pytest.param(
            _view(AMENDING),
            events.OrderFilled(1, "tl-1", Side.BID, P(4_000), Q(300), units.Money(0)),
            _view(
                LiveOrder(
                    "tl-1",
                    Side.BID,
                    P(4_000),
                    Q(700),
                    OrderStatus.PENDING_AMEND,
                    order_id="v",
                    pending_price=P(4_200),
                    pending_qty=Q(300),
                )
            ),
            id="fill-during-amend-reduces-old-and-new-terms",
        ),
        pytest.param(
            _view(AMENDING),
            events.OrderAcknowledged(1, "tl-1", "v", P(4_200), Q(600)),
            _view(_resting("tl-1", Side.BID, 4_200, 600, order_id="v")),
            id="acked-amend-takes-the-new-terms",
        ),
        pytest.param(
            _view(replace_status(BID, OrderStatus.PENDING_CANCEL)),
            events.OrderFilled(1, "tl-1", Side.BID, P(4_000), Q(400), units.Money(0)),
            _view(
                replace_status(_resting("tl-1", Side.BID, 4_000, 600), OrderStatus.PENDING_CANCEL)
            ),
            id="fill-during-cancel-still-counts",
        ),
        pytest.param(
            _view(BID),
            events.OrderFilled(1, "tl-1", Side.BID, P(4_000), Q(1_000), units.Money(0)),
            orders.EMPTY,
            id="full-fill-removes-the-order",
        ),
        pytest.param(
            _view(
                dataclasses.replace(BID, status=OrderStatus.PENDING_DECREASE, pending_qty=Q(600))
            ),
            events.OrderAcknowledged(1, "tl-1", "", None, Q(600)),
            _view(_resting("tl-1", Side.BID, 4_000, 600)),
            id="acked-decrease-keeps-price-and-takes-the-remaining-size",
        ),
        pytest.param(
            _view(replace_status(BID, OrderStatus.PENDING_CANCEL)),
            events.OrderCancelled(1, "tl-1"),
            orders.EMPTY,
            id="confirmed-cancel-removes-the-order",
        ),
        pytest.param(
            _view(replace_status(BID, OrderStatus.PENDING_CANCEL)),
            events.OrderRejected(1, "tl-1", "rate_limited"),
            _view(BID),
            id="rejected-cancel-rests-again",
        ),
        pytest.param(
            _view(BID),
            events.OrderFilled(1, "unknown", Side.BID, P(4_000), Q(100), units.Money(0)),
            _view(BID),
            id="fill-of-unknown-order-leaves-view-alone",
        ),
    ],
)
def test_events_update_the_live_view(
    before: orders.LiveOrders, event: events.Event, after: orders.LiveOrders
) -> None:
    assert orders.apply_event(before, event) == after


@pytest.mark.parametrize(
    ("decision", "status", "worst_qty", "worst_price"),
    [
        pytest.param(
            decisions.AmendOrder("tl-1", P(4_200), Q(1_500)),
            OrderStatus.PENDING_AMEND,
            1_500,
            4_200,
            id="amend-up-counts-new-terms",
        ),
        pytest.param(
            decisions.AmendOrder("tl-1", P(3_800), Q(500)),
            OrderStatus.PENDING_AMEND,
            1_000,
            4_000,
            id="amend-down-counts-old-terms",
        ),
        pytest.param(
            decisions.DecreaseOrder("tl-1", Q(400)),
            OrderStatus.PENDING_DECREASE,
            1_000,
            4_000,
            id="decrease-counts-old-size-until-confirmed",
        ),
        pytest.param(
            decisions.CancelOrder("tl-1"),
            OrderStatus.PENDING_CANCEL,
            1_000,
            4_000,
            id="cancel-counts-until-confirmed",
        ),
        pytest.param(
            decisions.CancelAll("halt"),
            OrderStatus.PENDING_CANCEL,
            1_000,
            4_000,
            id="cancel-all-marks-every-order",
        ),
    ],
)
def test_decisions_in_flight_keep_the_worst_terms(
    decision: decisions.Decision, status: OrderStatus, worst_qty: int, worst_price: int
) -> None:
    order = orders.apply_decision(_view(BID), decision)["tl-1"]
    assert (order.status, order.worst_qty, order.worst_price) == (status, worst_qty, worst_price)


# ---- the venue's answers race the fill stream ----------------------------------------------


def _fill(cid: str, qty: int) -> events.OrderFilled:
    return events.OrderFilled(1, cid, Side.BID, P(4_000), Q(qty), units.Money(0), f"t-{qty}")


def _exposure(live: orders.LiveOrders) -> int:
    return risk.exposure(live, risk.FLAT)[Side.BID]


def test_a_cancel_that_took_off_less_than_we_know_keeps_the_rest_until_its_fills_arrive() -> None:
    # 10 contracts rest; 4 fill, the cancel's answer (6 taken off) beats the fill message.
    live = orders.apply_decision(_view(BID), decisions.CancelOrder(BID.client_order_id))
    cancelled = events.OrderCancelled(1, BID.client_order_id, "cancelled", Q(600))
    after_cancel = orders.apply_event(live, cancelled)
    residual = after_cancel[BID.client_order_id]
    assert (residual.qty, residual.status) == (400, OrderStatus.PENDING_CANCEL)
    assert _exposure(after_cancel) == 4_000 * 400  # the 4 contracts still count
    assert BID.client_order_id not in orders.apply_event(after_cancel, _fill("tl-1", 400))


def test_a_cancel_with_nothing_unseen_or_no_quantity_said_removes_the_order() -> None:
    live = orders.apply_decision(_view(BID), decisions.CancelOrder(BID.client_order_id))
    for cancelled_qty in (Q(1_000), None):
        event = events.OrderCancelled(1, BID.client_order_id, "cancelled", cancelled_qty)
        assert BID.client_order_id not in orders.apply_event(live, event)


def test_an_acknowledgement_net_of_an_unseen_fill_is_not_shrunk_again_by_that_fill() -> None:
    # Decrease 10 -> 8; meanwhile 3 filled: the venue answers 5 remain, then the fill arrives.
    live = orders.apply_decision(_view(BID), decisions.DecreaseOrder(BID.client_order_id, Q(200)))
    ack = events.OrderAcknowledged(1, BID.client_order_id, "v-tl-1", None, Q(500))
    acked = orders.apply_event(live, ack)
    assert (acked[BID.client_order_id].qty, acked[BID.client_order_id].prefilled) == (500, 300)
    after_fill = orders.apply_event(acked, _fill("tl-1", 300))
    assert (after_fill[BID.client_order_id].qty, after_fill[BID.client_order_id].prefilled) == (
        500,
        0,
    )
    # A later, new fill shrinks it as usual.
    assert orders.apply_event(after_fill, _fill("tl-1", 100))[BID.client_order_id].qty == 400


def test_a_placement_acknowledged_as_already_filled_stays_counted_until_the_fill_arrives() -> None:
    place = decisions.PlaceOrder("tl-9", Side.BID, P(4_000), Q(500))
    live = orders.apply_decision(orders.EMPTY, place)
    done = orders.apply_event(live, events.OrderAcknowledged(1, "tl-9", "v-9", P(4_000), Q(0)))
    assert _exposure(done) == 4_000 * 500
    assert "tl-9" not in orders.apply_event(done, _fill("tl-9", 500))


def test_a_decrease_answered_after_a_cancel_all_keeps_counting_the_order_at_its_price() -> None:
    # Decrease 10 -> 6 is in flight; a cancel-all overtakes it; then the decrease's answer (no
    # price: a decrease reports only what remains) arrives before the cancel's.
    live = orders.apply_decision(_view(BID), decisions.DecreaseOrder(BID.client_order_id, Q(400)))
    live = orders.apply_decision(live, decisions.CancelAll("shutdown"))
    ack = events.OrderAcknowledged(1, BID.client_order_id, "v-tl-1", None, Q(600))
    order = orders.apply_event(live, ack)[BID.client_order_id]
    assert (order.price, order.qty, order.status) == (4_000, 600, OrderStatus.PENDING_CANCEL)
    assert _exposure(orders.apply_event(live, ack)) == 4_000 * 600
