"""Changing live orders: amend, decrease, cancel, batch cancel and expiry.

Queue priority is kept only when an amend lowers the size at the same price (or changes only
the expiry); a price change or a size increase sends the order to the back of its new level.
An amend's ``count`` is the new total (already filled + wanted resting). Cancels are allowed
during a trading pause; after close every order operation gets ``MARKET_INACTIVE``.
"""

from __future__ import annotations

import dataclasses

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, events, exchange, model


@dataclasses.dataclass(frozen=True)
class AmendRequest:
    """A V2 amend: ``count`` is the new total quantity (filled + remaining)."""

    ticker: str
    book_side: str
    price: units.Price
    count: units.Qty
    updated_client_order_id: str = ""
    expiration_ms: int | None = None
    clear_expiration: bool = False


def _live(ex: exchange.Exchange, user_id: str, order_id: str, *, cancel: bool) -> model.Order:
    order = ex.order_of(user_id, order_id)
    status = ex.market(order.ticker).status
    allowed = (
        (model.MarketStatus.ACTIVE, model.MarketStatus.INACTIVE)
        if cancel
        else (model.MarketStatus.ACTIVE,)
    )
    if status not in allowed:
        raise errors.market_inactive(order.ticker)
    return order


def cancel(
    ex: exchange.Exchange, user_id: str, order_id: str, now_ms: int
) -> tuple[model.Order, units.Qty]:
    """Cancel the remainder; ``reduced_by`` is 0 when the order was already done."""
    order = _live(ex, user_id, order_id, cancel=True)
    if not order.is_resting:
        return order, units.ZERO_QTY
    return order, ex.cancel_resting(order, "Cancel", now_ms)


def decrease(
    ex: exchange.Exchange,
    user_id: str,
    order_id: str,
    now_ms: int,
    *,
    reduce_by: units.Qty | None = None,
    reduce_to: units.Qty | None = None,
) -> model.Order:
    """Lower the remaining quantity, keeping queue priority; to zero is a cancel."""
    if (reduce_by is None) == (reduce_to is None):
        raise errors.bad_request("exactly one of reduce_by or reduce_to is required")
    order = _live(ex, user_id, order_id, cancel=True)
    if not order.is_resting:
        raise errors.invalid_order("order is not resting")
    # Reducing by more than remains (a fill raced the decrease) just cancels the rest.
    target = max(0, order.remaining - reduce_by) if reduce_by is not None else reduce_to
    assert target is not None  # one of the two is set, checked above
    if target > order.remaining:
        raise errors.invalid_order("decrease must lower the remaining quantity")
    if target == 0:
        ex.cancel_resting(order, "Decrease", now_ms)
        return order
    _shrink(ex, order, units.Qty(target), now_ms)
    order.last_update_reason = "Decrease"
    ex.outbox.append(events.OrderUpdated(dataclasses.replace(order)))
    return order


def _shrink(ex: exchange.Exchange, order: model.Order, remaining: units.Qty, now_ms: int) -> None:
    delta = remaining - order.remaining
    order.remaining = remaining
    order.initial = units.Qty(order.filled + remaining)
    order.updated_ms = now_ms
    leg = "yes" if order.book_side == model.BID else "no"
    ex.outbox.append(
        events.BookChanged(
            order.ticker,
            leg,
            order.leg_price(),
            units.Qty(delta),
            order.user_id,
            order.client_order_id,
            now_ms,
        )
    )


def amend(
    ex: exchange.Exchange, user_id: str, order_id: str, request: AmendRequest, now_ms: int
) -> model.Order:
    """Change price and/or total size; may trade if the new price crosses."""
    order = _live(ex, user_id, order_id, cancel=False)
    _check_amend(ex, order, request, now_ms)
    new_remaining = units.Qty(request.count - order.filled)
    if request.updated_client_order_id:
        order.client_order_id = request.updated_client_order_id
        ex.client_order_ids.add((order.user_id, order.client_order_id))
    if request.clear_expiration:
        order.expiration_ms = None
    elif request.expiration_ms is not None:
        order.expiration_ms = request.expiration_ms
    if request.price == order.price and new_remaining <= order.remaining:
        if new_remaining < order.remaining:
            _shrink(ex, order, new_remaining, now_ms)
        order.last_update_reason = "Amend"
        ex.outbox.append(events.OrderUpdated(dataclasses.replace(order)))
        return order
    ex.books[order.ticker].remove(order)
    _shrink(ex, order, units.ZERO_QTY, now_ms)
    order.price = request.price
    order.remaining = new_remaining
    order.initial = request.count
    order.priority = ex.next_priority()
    order.last_update_reason = "Amend"
    ex.match(order, now_ms)
    if order.remaining > 0 and order.status is model.OrderStatus.RESTING:
        ex.rest(order, now_ms)
    return order


def _check_amend(
    ex: exchange.Exchange, order: model.Order, request: AmendRequest, now_ms: int
) -> None:
    if not order.is_resting:
        raise errors.invalid_order("order is not resting")
    if request.ticker != order.ticker:
        raise errors.RejectedError(400, "order_ticker_mismatch", "ticker does not match the order")
    if request.book_side != order.book_side:
        raise errors.RejectedError(400, "order_side_mismatch", "side does not match the order")
    if not ex.market(order.ticker).grid.is_valid(request.price):
        raise errors.invalid_order("invalid price: not on the market's price_ranges grid")
    if request.count <= order.filled:
        raise errors.invalid_order("count is the new total and must exceed the filled quantity")
    if order.post_only and ex.would_cross(order.book_side, request.price, order.ticker):
        raise errors.invalid_order("post only cross")
    if request.expiration_ms is not None and request.expiration_ms <= now_ms:
        raise errors.invalid_order("Expiration timestamp must be in the future")


def expire(ex: exchange.Exchange, now_ms: int) -> list[model.Order]:
    """Cancel every resting order whose expiration time has passed."""
    expired = [
        o
        for bk in ex.books.values()
        for o in bk.orders()
        if o.expiration_ms is not None and o.expiration_ms <= now_ms
    ]
    for order in expired:
        ex.cancel_resting(order, "Expired", now_ms)
    return expired
