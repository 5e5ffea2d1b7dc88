"""Validation of a new order before it reaches the book: market state, grid, size, expiry,
reduce-only, duplicate ``client_order_id``, order group, balance, and the post-only cross check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, model

if TYPE_CHECKING:
    from touchline_bot.sim.kalshi import exchange


def check_order(
    ex: exchange.Exchange,
    user_id: str,
    market: model.Market,
    request: exchange.OrderRequest,
    now_ms: int,
) -> None:
    """Raise the venue's refusal if ``request`` cannot be placed by ``user_id`` now."""
    if market.status is not model.MarketStatus.ACTIVE:
        raise errors.market_inactive(market.ticker)
    if not market.grid.is_valid(request.price):
        raise errors.invalid_order("invalid price: not on the market's price_ranges grid")
    if request.count <= 0:
        raise errors.invalid_order("count must be at least 0.01")
    if request.expiration_ms is not None:
        if request.time_in_force == model.IOC:
            raise errors.invalid_order("Cannot specify both immediate_or_cancel and expiration_ts")
        if request.expiration_ms <= now_ms:
            raise errors.invalid_order("Expiration timestamp must be in the future")
    if request.reduce_only and request.time_in_force != model.IOC:
        raise errors.invalid_order("reduce_only orders must be immediate_or_cancel")
    _check_account(ex, user_id, request)
    if request.post_only and ex.would_cross(request.book_side, request.price, request.ticker):
        raise errors.invalid_order("post only cross")


def _check_account(ex: exchange.Exchange, user_id: str, request: exchange.OrderRequest) -> None:
    if request.client_order_id and (user_id, request.client_order_id) in ex.client_order_ids:
        raise errors.duplicate_client_order_id(request.client_order_id)
    if request.order_group_id:
        group = ex.groups.get(request.order_group_id)
        if group is None or group.user_id != user_id:
            raise errors.not_found(f"order group {request.order_group_id}")
        if group.triggered:
            raise errors.invalid_order("order group limit reached; reset the group")
    leg = request.price if request.book_side == model.BID else units.complement(request.price)
    if ex.accounts[user_id].balance < units.notional(leg, request.count):
        raise errors.RejectedError(
            400, "insufficient_balance", "available_balance_too_low", "insufficient balance"
        )
