"""Reconcile: sending its decisions and having the venue acknowledge them turns any live set into
the desired set; a second reconcile over the result asks for nothing."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from touchline_bot.core import decisions, events, orders, units
from touchline_bot.core.orders import LiveOrder, OrderStatus
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side

prices = st.integers(min_value=100, max_value=9_900).map(units.Price)
sizes = st.integers(min_value=1, max_value=5_000).map(units.Qty)


@st.composite
def desired_sets(draw: st.DrawFn) -> tuple[Quote, ...]:
    # At most one quote per price and side: what quoting produces (a ladder's levels differ).
    quotes: list[Quote] = []
    for side in Side:
        side_prices = draw(st.lists(prices, max_size=3, unique=True))
        quotes.extend(
            Quote(side, price, draw(sizes), level=level, post_only=draw(st.booleans()))
            for level, price in enumerate(side_prices)
        )
    return tuple(quotes)


@st.composite
def live_sets(draw: st.DrawFn) -> orders.LiveOrders:
    live = orders.EMPTY
    for n in range(draw(st.integers(min_value=0, max_value=6))):
        cid = f"old-{n}"
        live = live.put(
            LiveOrder(
                cid,
                draw(st.sampled_from(Side)),
                draw(prices),
                draw(sizes),
                OrderStatus.RESTING,
                order_id=f"v-{cid}",
                post_only=draw(st.booleans()),
            )
        )
    return live


def _venue_answers(
    live: orders.LiveOrders, batch: tuple[decisions.Decision, ...]
) -> orders.LiveOrders:
    """The venue acknowledges every action of ``batch`` on its requested terms."""
    live = orders.apply_decisions(live, batch)
    for decision in batch:
        cid = getattr(decision, "client_order_id", "")
        order = live.get(cid)
        if order is None:
            continue
        event: events.Event
        if order.status is OrderStatus.PENDING_CANCEL:
            event = events.OrderCancelled(0, cid)
        else:
            price = order.pending_price if order.pending_price is not None else order.price
            qty = order.pending_qty if order.pending_qty is not None else order.qty
            event = events.OrderAcknowledged(0, cid, f"v-{cid}", price, qty)
        live = orders.apply_event(live, event)
    return live


def _shape(items: list[tuple[Side, int, int, bool]]) -> list[tuple[Side, int, int, bool]]:
    return sorted(items)


@given(desired=desired_sets(), live=live_sets())
def test_applying_the_diff_yields_the_desired_set_exactly(
    desired: tuple[Quote, ...], live: orders.LiveOrders
) -> None:
    batch, _ = orders.reconcile(
        desired, live, refresh_tolerance=units.Price(0), prefix="tl", next_id=1
    )
    after = _venue_answers(live, batch)
    assert _shape([(o.side, o.price, o.qty, o.post_only) for o in after.values()]) == _shape(
        [(q.side, q.price, q.qty, q.post_only) for q in desired]
    )


@given(
    desired=desired_sets(),
    live=live_sets(),
    tolerance=st.integers(min_value=0, max_value=300).map(units.Price),
)
def test_second_reconcile_is_empty_and_prices_are_within_tolerance(
    desired: tuple[Quote, ...], live: orders.LiveOrders, tolerance: units.Price
) -> None:
    batch, next_id = orders.reconcile(
        desired, live, refresh_tolerance=tolerance, prefix="tl", next_id=1
    )
    after = _venue_answers(live, batch)
    again, _ = orders.reconcile(
        desired, after, refresh_tolerance=tolerance, prefix="tl", next_id=next_id
    )
    assert again == ()
    assert len(after) == len(desired)
    for side in Side:
        got = sorted((o.price, o.qty) for o in after.values() if o.side is side)
        want = sorted((q.price, q.qty) for q in desired if q.side is side)
        assert sorted(q for _, q in got) == sorted(q for _, q in want)
        assert all(abs(g - w) <= tolerance for (g, _), (w, _) in zip(got, want, strict=True))


@given(desired=desired_sets(), live=live_sets())
def test_cancels_come_before_any_placement(
    desired: tuple[Quote, ...], live: orders.LiveOrders
) -> None:
    batch, _ = orders.reconcile(
        desired, live, refresh_tolerance=units.Price(0), prefix="tl", next_id=1
    )
    kinds = [isinstance(d, decisions.PlaceOrder) for d in batch]
    cancels = [i for i, d in enumerate(batch) if isinstance(d, decisions.CancelOrder)]
    first_place = kinds.index(True) if True in kinds else len(batch)
    assert all(i < first_place for i in cancels)


@st.composite
def busy_live_sets(draw: st.DrawFn) -> orders.LiveOrders:
    """Live sets where some orders have an action in flight."""
    live = draw(live_sets())
    for cid in list(live):
        status = draw(st.sampled_from(OrderStatus))
        if status is not OrderStatus.RESTING:
            live = live.put(dataclasses.replace(live[cid], status=status))
    return live


@given(desired=desired_sets(), live=busy_live_sets())
def test_orders_with_an_action_in_flight_are_never_acted_on(
    desired: tuple[Quote, ...], live: orders.LiveOrders
) -> None:
    batch, _ = orders.reconcile(
        desired, live, refresh_tolerance=units.Price(0), prefix="tl", next_id=1
    )
    touched = {getattr(d, "client_order_id", None) for d in batch}
    assert not {cid for cid, o in live.items() if o.in_flight} & touched
