"""Market lifecycle and order-group administration.

``active`` -> ``inactive`` is a trading pause (no place or amend, cancels allowed; orders with
``cancel_order_on_pause`` are cancelled); reactivation cancels every resting order; ``closed``
cancels resting orders and refuses every order operation with ``MARKET_INACTIVE``;
``determined`` sets the result and ``finalized`` pays $1 per winning contract on net positions.
"""

from __future__ import annotations

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, events, exchange, groups, model

_EVENT_TYPES = {
    model.MarketStatus.ACTIVE: "activated",
    model.MarketStatus.INACTIVE: "deactivated",
    model.MarketStatus.CLOSED: "close_date_updated",
    model.MarketStatus.DETERMINED: "determined",
    model.MarketStatus.FINALIZED: "settled",
}


def _cancel_where(
    ex: exchange.Exchange, ticker: str, reason: str, now_ms: int, *, on_pause_only: bool
) -> None:
    for order in list(ex.books[ticker].orders()):
        if not on_pause_only or order.cancel_order_on_pause:
            ex.cancel_resting(order, reason, now_ms)


def set_status(
    ex: exchange.Exchange, ticker: str, status: model.MarketStatus, now_ms: int, *, result: str = ""
) -> None:
    """Move a market to ``status`` with the side effects the venue applies."""
    market = ex.market(ticker)
    previous = market.status
    if status is model.MarketStatus.INACTIVE:
        _cancel_where(ex, ticker, "TradingPause", now_ms, on_pause_only=True)
    elif status is model.MarketStatus.ACTIVE and previous is model.MarketStatus.INACTIVE:
        _cancel_where(ex, ticker, "Reactivation", now_ms, on_pause_only=False)
    elif status in (
        model.MarketStatus.CLOSED,
        model.MarketStatus.DETERMINED,
        model.MarketStatus.FINALIZED,
    ):
        _cancel_where(ex, ticker, "MarketClosed", now_ms, on_pause_only=False)
        market.close_ms = min(market.close_ms, now_ms)
    if status in (model.MarketStatus.DETERMINED, model.MarketStatus.FINALIZED) and result:
        if result not in ("yes", "no"):
            raise errors.bad_request("result must be yes or no")
        market.result = result
    if status is model.MarketStatus.FINALIZED:
        _settle(ex, market, now_ms)
    market.status = status
    market.updated_ms = now_ms
    ex.outbox.append(
        events.LifecycleChanged(
            ticker, _EVENT_TYPES.get(status, "metadata_updated"), now_ms, market.result
        )
    )


def _settle(ex: exchange.Exchange, market: model.Market, now_ms: int) -> None:
    if market.result not in ("yes", "no"):
        raise errors.bad_request("a market needs a result (yes or no) before it settles")
    for account in ex.accounts.values():
        if account.settle(market.ticker, result_yes=market.result == "yes", now_ms=now_ms):
            ex.outbox.append(events.PositionChanged(account.user_id, market.ticker, now_ms))
    market.settled_ms = now_ms


def advance_clock(ex: exchange.Exchange, now_ms: int) -> None:
    """Open markets whose open time passed and close those past their close time."""
    for market in ex.markets.values():
        if market.status is model.MarketStatus.INITIALIZED and market.open_ms <= now_ms:
            market.status = model.MarketStatus.ACTIVE
            market.updated_ms = now_ms
        if (
            market.status in (model.MarketStatus.ACTIVE, model.MarketStatus.INACTIVE)
            and market.close_ms <= now_ms
        ):
            set_status(ex, market.ticker, model.MarketStatus.CLOSED, now_ms)


# ---------------------------------------------------------------------- order groups


def group_of(ex: exchange.Exchange, user_id: str, group_id: str) -> groups.OrderGroup:
    """One of the user's order groups, or 404."""
    group = ex.groups.get(group_id)
    if group is None or group.user_id != user_id:
        raise errors.not_found(f"order group {group_id}")
    return group


def create_group(
    ex: exchange.Exchange, user_id: str, limit: units.Qty, now_ms: int
) -> groups.OrderGroup:
    """A new order group with a rolling 15 s filled-contract limit."""
    if limit < units.ONE_CONTRACT or limit > 1_000_000 * units.ONE_CONTRACT:
        raise errors.bad_request("contracts_limit must be between 1 and 1,000,000")
    group = groups.OrderGroup(ex.next_id(), user_id, limit)
    ex.groups[group.order_group_id] = group
    ex.outbox.append(
        events.OrderGroupChanged(user_id, group.order_group_id, "created", limit, now_ms)
    )
    return group


def reset_group(ex: exchange.Exchange, user_id: str, group_id: str, now_ms: int) -> None:
    """Allow orders in a triggered group again."""
    group = group_of(ex, user_id, group_id)
    group.reset()
    ex.outbox.append(events.OrderGroupChanged(user_id, group_id, "reset", group.limit, now_ms))


def trigger_group(ex: exchange.Exchange, user_id: str, group_id: str, now_ms: int) -> None:
    """Trigger a group by hand: cancel its orders and block new ones."""
    ex.trigger_group(group_of(ex, user_id, group_id), now_ms)


def set_group_limit(
    ex: exchange.Exchange, user_id: str, group_id: str, limit: units.Qty, now_ms: int
) -> None:
    """Change a group's contracts limit."""
    group = group_of(ex, user_id, group_id)
    group.limit = limit
    ex.outbox.append(events.OrderGroupChanged(user_id, group_id, "limit_updated", limit, now_ms))


def delete_group(ex: exchange.Exchange, user_id: str, group_id: str, now_ms: int) -> None:
    """Delete a group and cancel its orders."""
    group = group_of(ex, user_id, group_id)
    for order in list(ex.orders.values()):
        if order.order_group_id == group_id and order.is_resting:
            ex.cancel_resting(order, "OrderGroupDeleted", now_ms)
    del ex.groups[group_id]
    ex.outbox.append(events.OrderGroupChanged(user_id, group_id, "deleted", group.limit, now_ms))
