"""JSON shapes of the simulator's responses, field for field as the SDK models expect.

Prices are 4-decimal dollar strings (``*_dollars``), counts 2-decimal strings (``*_fp``) and
money up to 6 decimals; times are RFC 3339 strings unless the field is documented as an integer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from touchline_bot.core import units
from touchline_bot.sim.kalshi import accounts, book, model

Json = dict[str, Any]


def rfc3339(ts_ms: int) -> str:
    """``2026-11-24T16:00:00.123Z`` for a Unix time in milliseconds."""
    seconds, millis = divmod(ts_ms, 1000)
    moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC) + dt.timedelta(milliseconds=millis)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dollars(price: int) -> str:
    """A price as Kalshi's 4-decimal dollar string."""
    return units.format_dollars(price)


def count(qty: int) -> str:
    """A count as Kalshi's 2-decimal string."""
    return units.format_count(qty)


def money(amount: int) -> str:
    """Money as a 6-decimal dollar string."""
    return units.format_money(amount)


def _top(bk: book.Book) -> tuple[int, int, int, int]:
    yes = bk.levels("yes")
    no = bk.levels("no")
    yes_bid, yes_bid_size = yes[-1] if yes else (0, 0)
    no_bid, no_bid_size = no[-1] if no else (0, 0)
    return yes_bid, yes_bid_size, no_bid, no_bid_size


def _market_book(bk: book.Book) -> Json:
    yes_bid, yes_bid_size, no_bid, no_bid_size = _top(bk)
    yes_ask = units.complement(no_bid) if no_bid_size else units.ONE_DOLLAR
    no_ask = units.complement(yes_bid) if yes_bid_size else units.ONE_DOLLAR
    return {
        "yes_bid_dollars": dollars(yes_bid),
        "yes_bid_size_fp": count(yes_bid_size),
        "yes_ask_dollars": dollars(yes_ask),
        "yes_ask_size_fp": count(no_bid_size),
        "no_bid_dollars": dollars(no_bid),
        "no_ask_dollars": dollars(no_ask),
        "previous_yes_bid_dollars": dollars(0),
        "previous_yes_ask_dollars": dollars(0),
        "previous_price_dollars": dollars(0),
    }


def _market_times(m: model.Market) -> Json:
    times: Json = {
        "created_time": rfc3339(m.created_ms),
        "updated_time": rfc3339(max(m.updated_ms, m.created_ms)),
        "open_time": rfc3339(m.open_ms),
        "close_time": rfc3339(m.close_ms),
        "expected_expiration_time": rfc3339(m.close_ms),
        "latest_expiration_time": rfc3339(m.close_ms + 7 * 86_400_000),
        "settlement_timer_seconds": m.settlement_timer_secs,
    }
    if m.settled_ms is not None:
        times["settlement_ts"] = rfc3339(m.settled_ms)
    return times


def market(m: model.Market, bk: book.Book) -> Json:
    """A ``Market`` object."""
    return {
        "ticker": m.ticker,
        "event_ticker": m.event_ticker,
        "market_type": "binary",
        "title": m.title,
        "subtitle": "",
        "yes_sub_title": m.yes_sub_title,
        "no_sub_title": m.yes_sub_title,
        **_market_times(m),
        "status": m.status.value,
        **_market_book(bk),
        "last_price_dollars": dollars(m.last_price),
        "volume_fp": count(m.volume),
        "volume_24h_fp": count(m.volume),
        "open_interest_fp": count(m.open_interest),
        "notional_value_dollars": dollars(units.ONE_DOLLAR),
        "result": m.result,
        "can_close_early": True,
        "settlement_bounds_type": "default",
        "expiration_value": "",
        "strike_type": "structured",
        "custom_strike": {"soccer_team": m.yes_sub_title},
        "rules_primary": m.rules_primary,
        "rules_secondary": m.rules_secondary,
        "price_level_structure": m.price_level_structure,
        "price_ranges": [
            {"start": dollars(r.start), "end": dollars(r.end), "step": dollars(r.step)}
            for r in m.grid.ranges
        ],
        "exchange_index": 0,
    }


def event(event_ticker: str, markets: list[model.Market], s: model.Series) -> Json:
    """An ``EventData`` object (without nested markets)."""
    first = markets[0] if markets else None
    return {
        "event_ticker": event_ticker,
        "series_ticker": s.ticker,
        "sub_title": "",
        "title": first.title if first else event_ticker,
        "collateral_return_type": "MECNET",
        "mutually_exclusive": True,
        "category": s.category,
        "settlement_sources": [{"name": "Simulator", "url": "https://example.invalid/"}],
        "fee_type_override": None,
        "fee_multiplier_override": None,
        "exchange_index": 0,
    }


def series(s: model.Series) -> Json:
    """A ``Series`` object."""
    return {
        "ticker": s.ticker,
        "frequency": "custom",
        "title": s.title,
        "category": s.category,
        "categories": [s.category],
        "tags": list(s.tags),
        "settlement_sources": [{"name": "Simulator", "url": "https://example.invalid/"}],
        "contract_url": "",
        "contract_terms_url": "",
        "fee_type": s.fee_type,
        "fee_multiplier": s.fee_multiplier_bps / 10_000,
        "additional_prohibitions": [],
        "exchange_index": 0,
    }


def orderbook_levels(bk: book.Book, depth: int) -> Json:
    """``{"yes_dollars": [...], "no_dollars": [...]}``: bids ascending, best last."""
    out: Json = {}
    for leg in ("yes", "no"):
        levels = bk.levels(leg)
        if depth > 0:
            levels = levels[-depth:]
        out[f"{leg}_dollars"] = [[dollars(p), count(q)] for p, q in levels]
    return out


def order(o: model.Order) -> Json:
    """An ``Order`` object."""
    return {
        "order_id": o.order_id,
        "user_id": o.user_id,
        "client_order_id": o.client_order_id,
        "ticker": o.ticker,
        "side": model.outcome_side(o.book_side),
        "action": "buy",
        "outcome_side": model.outcome_side(o.book_side),
        "book_side": o.book_side,
        "type": "limit",
        "status": o.status.value,
        "yes_price_dollars": dollars(o.price),
        "no_price_dollars": dollars(units.complement(o.price)),
        "fill_count_fp": count(o.filled),
        "remaining_count_fp": count(o.remaining),
        "initial_count_fp": count(o.initial),
        "taker_fill_cost_dollars": money(o.taker_fill_cost),
        "maker_fill_cost_dollars": money(o.maker_fill_cost),
        "taker_fees_dollars": money(o.taker_fees),
        "maker_fees_dollars": money(o.maker_fees),
        "expiration_time": rfc3339(o.expiration_ms) if o.expiration_ms is not None else None,
        "created_time": rfc3339(o.created_ms),
        "last_update_time": rfc3339(o.updated_ms),
        "self_trade_prevention_type": o.stp,
        "order_group_id": o.order_group_id or None,
        "cancel_order_on_pause": o.cancel_order_on_pause,
        "subaccount_number": o.subaccount,
        "exchange_index": 0,
        "last_update_reason": o.last_update_reason,
    }


def _average_price(o: model.Order) -> str:
    if o.filled == 0:
        return dollars(0)
    leg_cost = o.taker_fill_cost + o.maker_fill_cost
    leg_avg = (leg_cost + o.filled // 2) // o.filled
    return dollars(leg_avg if o.book_side == model.BID else units.complement(leg_avg))


def _average_fee(o: model.Order) -> str:
    if o.filled == 0:
        return dollars(0)
    per_contract_micro = (o.taker_fees + o.maker_fees) * units.QTY_SCALE // o.filled
    return money(per_contract_micro)


def order_ack(o: model.Order, ts_ms: int) -> Json:
    """The V2 create / amend response (no full order object)."""
    return {
        "order_id": o.order_id,
        "client_order_id": o.client_order_id,
        "fill_count": count(o.filled),
        "remaining_count": count(o.remaining),
        "average_fill_price": _average_price(o),
        "average_fee_paid": _average_fee(o),
        "ts_ms": ts_ms,
    }


def fill(f: model.Fill) -> Json:
    """A ``Fill`` object (REST)."""
    return {
        "fill_id": f.fill_id,
        "trade_id": f.trade_id,
        "order_id": f.order_id,
        "ticker": f.ticker,
        "market_ticker": f.ticker,
        "exchange_index": 0,
        "side": model.outcome_side(f.book_side),
        "action": "buy",
        "outcome_side": model.outcome_side(f.book_side),
        "book_side": f.book_side,
        "count_fp": count(f.count),
        "yes_price_dollars": dollars(f.price),
        "no_price_dollars": dollars(units.complement(f.price)),
        "is_taker": f.is_taker,
        "fee_cost": money(f.fee),
        "created_time": rfc3339(f.ts_ms),
        "ts": f.ts_ms // 1000,
        "subaccount_number": f.subaccount,
    }


def position(ticker: str, p: accounts.Position) -> Json:
    """A ``MarketPosition`` object."""
    return {
        "ticker": ticker,
        "exchange_index": 0,
        "total_traded_dollars": money(p.total_traded),
        "position_fp": count(p.position),
        "market_exposure_dollars": money(p.exposure),
        "realized_pnl_dollars": money(p.realized_pnl),
        "fees_paid_dollars": money(p.fees_paid),
        "last_updated_ts": rfc3339(p.updated_ms),
    }
