"""The live-order view of one market: what we sent, what the venue confirmed, what may still fill.

``LiveOrders`` is an immutable map from client order id to :class:`LiveOrder`; every decision the
core sends and every order event the venue reports produces a new view (pure functions below).
An order whose action is in flight (a placement not yet acknowledged, a cancel, amend or decrease
not yet confirmed) keeps both its old and its pending terms, because either may still fill: risk
counts the larger. Fills reduce every quantity that may still trade, including those of an order
whose cancel or amend is in flight. ``reconcile`` turns desired quotes into the fewest decisions.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, replace
from enum import StrEnum

from touchline_bot.core import decisions, events, units
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side


class OrderStatus(StrEnum):
    """Where an order stands between us and the venue."""

    PENDING_NEW = "pending_new"
    RESTING = "resting"
    PENDING_CANCEL = "pending_cancel"
    PENDING_AMEND = "pending_amend"
    PENDING_DECREASE = "pending_decrease"


@dataclass(frozen=True, slots=True)
class LiveOrder:
    """One of our orders. ``qty`` is the remaining quantity at ``price`` as last confirmed (or as
    sent, while ``PENDING_NEW``); ``pending_price``/``pending_qty`` are the terms of an amend or
    decrease in flight (the remaining quantity asked for), else ``None``."""

    client_order_id: str
    side: Side
    price: units.Price
    qty: units.Qty
    status: OrderStatus
    order_id: str | None = None
    post_only: bool = True
    pending_price: units.Price | None = None
    pending_qty: units.Qty | None = None
    prefilled: units.Qty = units.Qty(0)
    """Fills the venue has already taken off ``qty`` (an acknowledgement reports what remains)
    whose fill messages have not arrived yet: when they do, they move the position only."""

    @property
    def in_flight(self) -> bool:
        """True while an action on this order awaits the venue's answer."""
        return self.status is not OrderStatus.RESTING

    @property
    def worst_qty(self) -> units.Qty:
        """The most this order may still fill: the larger of its confirmed and pending terms."""
        return units.Qty(max(self.qty, self.pending_qty or 0))

    @property
    def worst_price(self) -> units.Price:
        """The least favourable price it may still fill at (highest bid, lowest ask)."""
        prices = [self.price] if self.pending_price is None else [self.price, self.pending_price]
        return units.Price(max(prices) if self.side is Side.BID else min(prices))


@dataclass(frozen=True, slots=True)
class LiveOrders:
    """An immutable map of our orders by client order id (updates return a new view). It reads
    like a ``Mapping`` (``[]``, ``get``, ``in``, ``len``, iteration, ``keys/values/items``) from
    its own dict; it does not subclass one, so the compiled core can compile it too."""

    by_id: Mapping[str, LiveOrder]

    def __getitem__(self, key: str) -> LiveOrder:
        return self.by_id[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_id)

    def __len__(self) -> int:
        return len(self.by_id)

    def __contains__(self, key: object) -> bool:
        return key in self.by_id

    def get(self, key: str, default: LiveOrder | None = None) -> LiveOrder | None:
        return self.by_id.get(key, default)

    def values(self) -> ValuesView[LiveOrder]:
        return self.by_id.values()

    def items(self) -> ItemsView[str, LiveOrder]:
        return self.by_id.items()

    def keys(self) -> KeysView[str]:
        return self.by_id.keys()

    def put(self, order: LiveOrder) -> LiveOrders:
        """A view with ``order`` added or replaced."""
        return LiveOrders({**self.by_id, order.client_order_id: order})

    def drop(self, client_order_id: str) -> LiveOrders:
        """A view without that order (unchanged when unknown)."""
        return LiveOrders({k: v for k, v in self.by_id.items() if k != client_order_id})


EMPTY: LiveOrders = LiveOrders({})


def apply_decision(live: LiveOrders, decision: decisions.Decision) -> LiveOrders:
    """The view right after the engine is told to carry out ``decision``."""
    match decision:
        case decisions.PlaceOrder():
            return live.put(_placed(decision))
        case decisions.AmendOrder():
            amend = (OrderStatus.PENDING_AMEND, decision.price, decision.qty)
            return _mark(live, decision.client_order_id, *amend)  # fmt: skip
        case decisions.DecreaseOrder():
            order = live.get(decision.client_order_id)
            left = units.Qty(max(0, order.qty - decision.reduce_by)) if order else None
            return _mark(live, decision.client_order_id, OrderStatus.PENDING_DECREASE, None, left)
        case decisions.CancelOrder():
            return _mark(live, decision.client_order_id, OrderStatus.PENDING_CANCEL, None, None)
        case decisions.CancelAll():
            for cid in list(live):
                live = _mark(live, cid, OrderStatus.PENDING_CANCEL, None, None)
            return live
        case _:
            return live


def _placed(decision: decisions.PlaceOrder) -> LiveOrder:
    return LiveOrder(
        client_order_id=decision.client_order_id,
        side=decision.side,
        price=decision.price,
        qty=decision.qty,
        status=OrderStatus.PENDING_NEW,
        post_only=decision.post_only,
    )


def _mark(
    live: LiveOrders,
    cid: str,
    status: OrderStatus,
    price: units.Price | None,
    qty: units.Qty | None,
) -> LiveOrders:
    order = live.get(cid)
    if order is None:
        return live
    if status is OrderStatus.PENDING_CANCEL:
        # A cancel supersedes an amend in flight: either terms may still fill until confirmed.
        return live.put(replace(order, status=status))
    return live.put(replace(order, status=status, pending_price=price, pending_qty=qty))


def apply_event(live: LiveOrders, event: events.Event) -> LiveOrders:
    """The view after an order event from the venue; other events leave it unchanged."""
    match event:
        case events.OrderAcknowledged():
            return _acknowledged(live, event)
        case events.OrderRejected():
            return _rejected(live, event.client_order_id)
        case events.OrderFilled():
            return _filled(live, event.client_order_id, event.qty)
        case events.OrderCancelled():
            return _cancelled(live, event)
        case _:
            return live


def _acknowledged(live: LiveOrders, event: events.OrderAcknowledged) -> LiveOrders:
    order = live.get(event.client_order_id)
    if order is None:
        return live
    unseen = max(0, _expected(order) - event.remaining_qty)
    if event.remaining_qty <= 0:
        return _gone(live, order, unseen)
    # A placement acknowledged after we asked to cancel it stays on its way out.
    keep_cancel = order.status is OrderStatus.PENDING_CANCEL
    status = OrderStatus.PENDING_CANCEL if keep_cancel else OrderStatus.RESTING
    # A decrease never moves the price: its acknowledgement only reports what remains (and
    # says no price, even when a cancel-all has overtaken it since).
    decreased = order.status is OrderStatus.PENDING_DECREASE
    price = order.price if decreased or event.price is None else event.price
    updated = replace(
        order,
        order_id=event.order_id or order.order_id,
        price=price,
        qty=event.remaining_qty,
        status=status,
        pending_price=order.pending_price if keep_cancel else None,
        pending_qty=order.pending_qty if keep_cancel else None,
        prefilled=units.Qty(order.prefilled + (0 if keep_cancel else unseen)),
    )
    return live.put(updated)


def _expected(order: LiveOrder) -> int:
    """What should remain once the action in flight is carried out, given the fills seen."""
    if order.status in (OrderStatus.PENDING_AMEND, OrderStatus.PENDING_DECREASE):
        return order.qty if order.pending_qty is None else order.pending_qty
    if order.status is OrderStatus.PENDING_NEW:
        return order.qty
    return 0  # a cancel in flight: no expectation (its answer may come as either)


def _cancelled(live: LiveOrders, event: events.OrderCancelled) -> LiveOrders:
    """Gone — except what the cancel did not take off beyond the fills we have seen."""
    order = live.get(event.client_order_id)
    if order is None:
        return live
    unseen = 0 if event.cancelled_qty is None else order.worst_qty - event.cancelled_qty
    return _gone(live, order, unseen)


def _gone(live: LiveOrders, order: LiveOrder, unseen: int) -> LiveOrders:
    """``order`` left the book with ``unseen`` contracts filled whose messages are still on
    their way (a venue's answer and the fill stream race): that part stays counted, on its
    way out, until its fills arrive — so the room it frees cannot be quoted again first."""
    if unseen <= 0:
        return live.drop(order.client_order_id)
    residual = replace(
        order,
        price=order.worst_price,
        qty=units.Qty(unseen),
        status=OrderStatus.PENDING_CANCEL,
        pending_price=None,
        pending_qty=None,
        prefilled=units.Qty(0),
    )
    return live.put(residual)


def _rejected(live: LiveOrders, cid: str) -> LiveOrders:
    order = live.get(cid)
    if order is None:
        return live
    if order.status is OrderStatus.PENDING_NEW:
        return live.drop(cid)
    if order.status is OrderStatus.PENDING_CANCEL and order.order_id is None:
        # Never acknowledged and now refused: it is not on the book.
        return live.drop(cid)
    if order.qty <= 0:
        return live.drop(cid)
    # A refused amend, decrease or cancel leaves the order resting on its old terms.
    return live.put(
        replace(order, status=OrderStatus.RESTING, pending_price=None, pending_qty=None)
    )


def _filled(live: LiveOrders, cid: str, qty: units.Qty) -> LiveOrders:
    order = live.get(cid)
    if order is None:
        return live
    # A fill the venue already took off (reported by an acknowledgement) shrinks nothing again.
    absorbed = min(qty, order.prefilled)
    fresh = qty - absorbed
    left = units.Qty(max(0, order.qty - fresh))
    pending = None if order.pending_qty is None else units.Qty(max(0, order.pending_qty - fresh))
    if left == 0 and not pending:
        return live.drop(cid)
    prefilled = units.Qty(order.prefilled - absorbed)
    return live.put(replace(order, qty=left, pending_qty=pending, prefilled=prefilled))


def apply_decisions(live: LiveOrders, batch: tuple[decisions.Decision, ...]) -> LiveOrders:
    """The view after the engine is told to carry out every decision of ``batch``."""
    for decision in batch:
        live = apply_decision(live, decision)
    return live


def reconcile(
    desired: tuple[Quote, ...],
    live: LiveOrders,
    *,
    refresh_tolerance: units.Price,
    prefix: str,
    next_id: int,
) -> tuple[tuple[decisions.Decision, ...], int]:
    """The fewest decisions that turn ``live`` into ``desired``, and the next id counter.

    Orders are matched to quotes per side by rank, best price first on both (robust to a
    restart, when the levels orders were placed for are unknown); ``desired`` holds at most one
    quote per price and side, as quoting makes it. An order with an action in flight is never
    touched, and orders on their way out (cancel in flight) match nothing. A matched resting
    order is left alone when its price is within ``refresh_tolerance`` (and still strictly
    between the neighbouring quotes, so the ranks hold) and its size equal; decreased when only
    the size drops (keeps queue priority); amended otherwise (a price move or a larger size).
    Unmatched resting orders are cancelled, unmatched quotes placed as
    ``f"{prefix}-{counter}"``. Cancels come first, then decreases and amends, then placements.
    """
    cancels: list[decisions.Decision] = []
    changes: list[decisions.Decision] = []
    to_place: list[Quote] = []
    for side in (Side.BID, Side.ASK):
        _diff_side(desired, live, side, refresh_tolerance, cancels, changes, to_place)
    places: list[decisions.Decision] = []
    for quote in to_place:
        place, next_id = _place(quote, prefix, next_id)
        places.append(place)
    return (*cancels, *changes, *places), next_id


def _diff_side(
    desired: tuple[Quote, ...],
    live: LiveOrders,
    side: Side,
    tolerance: units.Price,
    cancels: list[decisions.Decision],
    changes: list[decisions.Decision],
    to_place: list[Quote],
) -> None:
    sign = -1 if side is Side.BID else 1
    wanted = sorted((q for q in desired if q.side is side), key=lambda q: (sign * q.price, q.level))
    active = _ranked(live, side)
    for rank, (order, quote) in enumerate(zip(active, wanted, strict=False)):
        if order.in_flight:
            continue
        action = _adjust(order, quote, _slack(wanted, rank, sign, tolerance))
        if isinstance(action, decisions.CancelOrder):
            cancels.append(action)
            to_place.append(quote)
        elif action is not None:
            changes.append(action)
    cancels.extend(
        decisions.CancelOrder(o.client_order_id) for o in active[len(wanted) :] if not o.in_flight
    )
    to_place.extend(wanted[len(active) :])


def _slack(wanted: list[Quote], rank: int, sign: int, tolerance: int) -> tuple[int, int]:
    """The (signed) prices an order matched to ``wanted[rank]`` may keep: within ``tolerance``
    of the quote and strictly between the neighbouring quotes, so that the orders still rank
    as their quotes do once the batch is carried out (a second reconcile then asks nothing)."""
    target = sign * wanted[rank].price
    low, high = target - tolerance, target + tolerance
    if rank > 0:
        low = max(low, sign * wanted[rank - 1].price + 1)
    if rank + 1 < len(wanted):
        high = min(high, sign * wanted[rank + 1].price - 1)
    return low, high


def _ranked(live: LiveOrders, side: Side) -> list[LiveOrder]:
    staying = [
        o for o in live.values() if o.side is side and o.status is not OrderStatus.PENDING_CANCEL
    ]
    sign = -1 if side is Side.BID else 1
    return sorted(staying, key=lambda o: (sign * o.price, o.client_order_id))


def _adjust(order: LiveOrder, quote: Quote, slack: tuple[int, int]) -> decisions.Decision | None:
    if order.post_only != quote.post_only:
        # Amend cannot change the order type: replace it (the caller places the new one).
        return decisions.CancelOrder(order.client_order_id)
    low, high = slack
    signed = order.price if order.side is Side.ASK else -order.price
    close = low <= signed <= high
    if close and order.qty == quote.qty:
        return None
    if close and quote.qty < order.qty:
        return decisions.DecreaseOrder(order.client_order_id, units.Qty(order.qty - quote.qty))
    return decisions.AmendOrder(order.client_order_id, quote.price, quote.qty)


def _place(quote: Quote, prefix: str, next_id: int) -> tuple[decisions.PlaceOrder, int]:
    place = decisions.PlaceOrder(
        client_order_id=f"{prefix}-{next_id}",
        side=quote.side,
        price=quote.price,
        qty=quote.qty,
        post_only=quote.post_only,
    )
    return place, next_id + 1


def levels(live: LiveOrders) -> tuple[tuple[Side, int, int], ...]:
    """(side, price, quantity) of each of our orders on its confirmed (or sent) terms: what
    they add to the venue's book."""
    return tuple((o.side, o.price, o.qty) for o in live.values())
