"""WebSocket channel messages built from exchange events (the AsyncAPI shapes).

Each function returns ``(channel, market_ticker, user_id or "", type, msg)`` tuples; the hub
decides which subscriptions receive them and stamps ``sid``/``seq``. ``orderbook_delta`` NO-side
prices are in NO price unless the subscription asked for ``use_yes_price``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from touchline_bot.core import units
from touchline_bot.sim.kalshi import book, events, exchange, model, wire

SEQUENCED = frozenset(
    {"orderbook_delta", "trade", "market_lifecycle_v2", "order_group_updates", "communications"}
)
PRIVATE = frozenset({"fill", "user_orders", "market_positions", "order_group_updates"})
KNOWN = SEQUENCED | PRIVATE | {"ticker"}

Routed = tuple[str, str, str, str, dict[str, Any]]


def market_id(ticker: str) -> str:
    """A stable per-market id (the real venue sends a UUID)."""
    return f"sim-{ticker}"


def snapshot(ticker: str, bk: book.Book, *, use_yes_price: bool) -> dict[str, Any]:
    """An ``orderbook_snapshot`` msg; a side key is absent when that side has no bids."""
    msg: dict[str, Any] = {"market_ticker": ticker, "market_id": market_id(ticker)}
    yes = bk.levels("yes")
    no = bk.levels("no")
    if yes:
        msg["yes_dollars_fp"] = [[wire.dollars(p), wire.count(q)] for p, q in yes]
    if no:
        if use_yes_price:
            no = sorted((units.complement(p), q) for p, q in no)
        msg["no_dollars_fp"] = [[wire.dollars(p), wire.count(q)] for p, q in no]
    return msg


def delta(e: events.BookChanged, *, use_yes_price: bool, own: bool) -> dict[str, Any]:
    """An ``orderbook_delta`` msg with a signed ``delta_fp``."""
    price = units.complement(e.leg_price) if e.leg == "no" and use_yes_price else e.leg_price
    msg: dict[str, Any] = {
        "market_ticker": e.ticker,
        "market_id": market_id(e.ticker),
        "price_dollars": wire.dollars(price),
        "delta_fp": wire.count(e.delta),
        "side": e.leg,
        "ts_ms": e.ts_ms,
        "ts": wire.rfc3339(e.ts_ms),
    }
    if own and e.client_order_id:
        msg["client_order_id"] = e.client_order_id
    return msg


def route(ex: exchange.Exchange, e: events.Event) -> list[Routed]:
    """The channel messages one event produces (order book deltas are handled by the hub)."""
    handler = _ROUTES.get(type(e))
    return handler(ex, e) if handler is not None else []


def _filled(_ex: exchange.Exchange, e: events.Filled) -> list[Routed]:
    return [("fill", e.fill.ticker, e.fill.user_id, "fill", _fill(e.fill))]


def _order_updated(_ex: exchange.Exchange, e: events.OrderUpdated) -> list[Routed]:
    return [("user_orders", e.order.ticker, e.order.user_id, "user_order", _order(e.order))]


def _position(ex: exchange.Exchange, e: events.PositionChanged) -> list[Routed]:
    pos = ex.accounts[e.user_id].position(e.ticker)
    msg = {
        "user_id": e.user_id,
        "market_ticker": e.ticker,
        "position_fp": wire.count(pos.position),
        "position_cost_dollars": wire.money(pos.exposure),
        "realized_pnl_dollars": wire.money(pos.realized_pnl),
        "fees_paid_dollars": wire.money(pos.fees_paid),
        "position_fee_cost_dollars": wire.money(pos.fees_paid),
        "volume_fp": wire.count(ex.markets[e.ticker].volume),
        "subaccount": 0,
    }
    return [("market_positions", e.ticker, e.user_id, "market_position", msg)]


def _lifecycle(ex: exchange.Exchange, e: events.LifecycleChanged) -> list[Routed]:
    market = ex.markets[e.ticker]
    msg: dict[str, Any] = {"event_type": e.event_type, "market_ticker": e.ticker}
    secs = e.ts_ms // 1000
    if e.event_type in ("created", "close_date_updated"):
        msg.update(open_ts=market.open_ms // 1000, close_ts=market.close_ms // 1000)
    elif e.event_type in ("activated", "deactivated"):
        msg["is_deactivated"] = e.event_type == "deactivated"
    elif e.event_type == "determined":
        value = units.ONE_DOLLAR if e.result == "yes" else 0
        msg.update(result=e.result, determination_ts=secs, settlement_value=wire.dollars(value))
    elif e.event_type == "settled":
        msg.update(result=e.result, settled_ts=secs)
    msg["exchange_index"] = 0
    return [("market_lifecycle_v2", e.ticker, "", "market_lifecycle_v2", msg)]


def _group(_ex: exchange.Exchange, e: events.OrderGroupChanged) -> list[Routed]:
    msg = {
        "event_type": e.event_type,
        "order_group_id": e.order_group_id,
        "contracts_limit_fp": wire.count(e.limit),
        "ts_ms": e.ts_ms,
    }
    return [("order_group_updates", "", e.user_id, "order_group_updates", msg)]


def _traded(ex: exchange.Exchange, e: events.Traded) -> list[Routed]:
    taker_outcome = model.outcome_side(e.taker_book_side)
    trade = {
        "trade_id": e.trade_id,
        "market_ticker": e.ticker,
        "yes_price_dollars": wire.dollars(e.price),
        "no_price_dollars": wire.dollars(units.complement(e.price)),
        "count_fp": wire.count(e.count),
        "taker_side": taker_outcome,
        "taker_outcome_side": taker_outcome,
        "taker_book_side": e.taker_book_side,
        "is_block_trade": False,
        "ts_ms": e.ts_ms,
        "ts": e.ts_ms // 1000,
    }
    market = ex.markets[e.ticker]
    ticker_msg = wire.market(market, ex.books[e.ticker])
    tick = {
        "market_ticker": e.ticker,
        "market_id": market_id(e.ticker),
        "price_dollars": wire.dollars(e.price),
        "yes_bid_dollars": ticker_msg["yes_bid_dollars"],
        "yes_ask_dollars": ticker_msg["yes_ask_dollars"],
        "yes_bid_size_fp": ticker_msg["yes_bid_size_fp"],
        "yes_ask_size_fp": ticker_msg["yes_ask_size_fp"],
        "volume_fp": ticker_msg["volume_fp"],
        "open_interest_fp": ticker_msg["open_interest_fp"],
        "last_trade_size_fp": wire.count(e.count),
        "dollar_volume": market.volume // units.QTY_SCALE,
        "dollar_open_interest": market.open_interest // units.QTY_SCALE,
        "ts_ms": e.ts_ms,
        "ts": e.ts_ms // 1000,
        "time": wire.rfc3339(e.ts_ms),
    }
    return [("trade", e.ticker, "", "trade", trade), ("ticker", e.ticker, "", "ticker", tick)]


def _fill(f: model.Fill) -> dict[str, Any]:
    outcome = model.outcome_side(f.book_side)
    return {
        "trade_id": f.trade_id,
        "order_id": f.order_id,
        "market_ticker": f.ticker,
        "exchange_index": 0,
        "is_taker": f.is_taker,
        "side": outcome,
        "yes_price_dollars": wire.dollars(f.price),
        "count_fp": wire.count(f.count),
        "fee_cost": wire.money(f.fee),
        "action": "buy",
        "ts_ms": f.ts_ms,
        "ts": f.ts_ms // 1000,
        "client_order_id": f.client_order_id,
        "post_position_fp": wire.count(f.post_position),
        "purchased_side": outcome,
        "outcome_side": outcome,
        "book_side": f.book_side,
        "subaccount": f.subaccount,
    }


def _order(o: model.Order) -> dict[str, Any]:
    full = wire.order(o)
    return {
        "order_id": o.order_id,
        "user_id": o.user_id,
        "ticker": o.ticker,
        "status": o.status.value,
        "side": full["side"],
        "is_yes": o.book_side == model.BID,
        "outcome_side": full["outcome_side"],
        "book_side": o.book_side,
        "yes_price_dollars": full["yes_price_dollars"],
        "fill_count_fp": full["fill_count_fp"],
        "remaining_count_fp": full["remaining_count_fp"],
        "initial_count_fp": full["initial_count_fp"],
        "taker_fill_cost_dollars": full["taker_fill_cost_dollars"],
        "maker_fill_cost_dollars": full["maker_fill_cost_dollars"],
        "taker_fees_dollars": full["taker_fees_dollars"],
        "maker_fees_dollars": full["maker_fees_dollars"],
        "client_order_id": o.client_order_id,
        "order_group_id": o.order_group_id,
        "self_trade_prevention_type": o.stp,
        "created_time": wire.rfc3339(o.created_ms),
        "created_ts_ms": o.created_ms,
        "last_updated_ts_ms": o.updated_ms,
        "subaccount_number": o.subaccount,
        "last_update_reason": o.last_update_reason,
        **({"expiration_ts_ms": o.expiration_ms} if o.expiration_ms is not None else {}),
    }


_ROUTES: dict[type, Callable[[exchange.Exchange, Any], list[Routed]]] = {
    events.Traded: _traded,
    events.Filled: _filled,
    events.OrderUpdated: _order_updated,
    events.PositionChanged: _position,
    events.LifecycleChanged: _lifecycle,
    events.OrderGroupChanged: _group,
}
