"""Typed Kalshi WebSocket messages and the parser that turns one frame into one of them.

The parser converts every price and count once, here, into integer units. NO-side book levels
are always returned in NO price: when the subscription asked for ``use_yes_price`` they are
converted back (``1 - p``). A frame that is not JSON, or lacks a field a type needs, raises
:class:`MalformedFrameError`; a well-formed frame of a type we do not use gives ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Final, final

import orjson

from touchline_bot.core import types, units
from touchline_bot.core.value import Value
from touchline_bot.venues.kalshi import errors, fields, market_data

Levels = tuple[tuple[units.Price, units.Qty], ...]


class MalformedFrameError(errors.KalshiProtocolError):
    """A frame that could not be understood."""


@dataclass(frozen=True, slots=True)
class Control:
    """A command reply: ``subscribed``, ``unsubscribed``, ``ok`` or ``error``."""

    type: str
    id: int
    sid: int | None
    seq: int | None
    channel: str
    error_code: int
    error_msg: str


@dataclass(frozen=True, slots=True)
class BookSnapshot:
    """A full book: YES bids and NO bids (NO price), best first."""

    sid: int
    seq: int | None
    ticker: str
    yes_bids: Levels
    no_bids: Levels


@final
class BookDelta(Value):
    """A signed change at one level (``side`` ``yes``/``no``; NO in NO price).

    A :class:`~touchline_bot.core.value.Value`, not a dataclass: it is built once per delta
    frame, the hottest path.
    """

    _fields: ClassVar[tuple[str, ...]] = (
        "sid",
        "seq",
        "ticker",
        "side",
        "price",
        "delta",
        "client_order_id",
        "ts_ms",
    )
    __slots__ = _fields

    def __init__(
        self,
        sid: int,
        seq: int | None,
        ticker: str,
        side: str,
        price: units.Price,
        delta: units.Qty,
        client_order_id: str,
        ts_ms: int,
    ) -> None:
        self.sid: Final = sid
        self.seq: Final = seq
        self.ticker: Final = ticker
        self.side: Final = side
        self.price: Final = price
        self.delta: Final = delta
        self.client_order_id: Final = client_order_id
        self.ts_ms: Final = ts_ms


@dataclass(frozen=True, slots=True)
class FillMessage:
    """One of our executions. ``side`` is the book side; ``post_position`` the net position
    after it (positive YES)."""

    trade_id: str
    order_id: str
    client_order_id: str
    ticker: str
    side: types.Side
    price: units.Price
    count: units.Qty
    fee_cost: units.Money
    is_taker: bool
    post_position: units.Qty
    ts_ms: int


@dataclass(frozen=True, slots=True)
class UserOrderMessage:
    """A change to one of our orders."""

    order_id: str
    client_order_id: str
    ticker: str
    status: str
    side: types.Side
    price: units.Price
    fill_count: units.Qty
    remaining_count: units.Qty
    last_update_reason: str
    ts_ms: int


@dataclass(frozen=True, slots=True)
class PositionMessage:
    """Our position in one market changed."""

    ticker: str
    position: units.Qty
    realized_pnl: units.Money
    fees_paid: units.Money


@dataclass(frozen=True, slots=True)
class LifecycleMessage:
    """A market lifecycle event (``activated``, ``deactivated``, ``determined``, ...)."""

    sid: int
    seq: int | None
    ticker: str
    event_type: str
    price_grid: units.PriceGrid | None
    result: str


Message = (
    Control
    | BookSnapshot
    | BookDelta
    | FillMessage
    | UserOrderMessage
    | PositionMessage
    | LifecycleMessage
)


def _opt_int(doc: fields.Doc, key: str) -> int | None:
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedFrameError(f"field {key!r} is not an integer")
    return value


def _side(msg: fields.Doc) -> types.Side:
    raw = msg.get("book_side") or msg.get("side")
    if raw in ("bid", "yes"):
        return types.Side.BID
    if raw in ("ask", "no"):
        return types.Side.ASK
    raise MalformedFrameError(f"unknown side {raw!r}")


def _no_levels(raw: object, use_yes_price: bool) -> Levels:
    levels = fields.levels(raw, "no_dollars_fp")
    if use_yes_price:
        levels = [(units.complement(p), q) for p, q in levels]
    return tuple(sorted(levels, reverse=True))


def _snapshot(env: fields.Doc, msg: fields.Doc, use_yes_price: bool) -> BookSnapshot:
    yes = fields.levels(msg.get("yes_dollars_fp"), "yes_dollars_fp")
    return BookSnapshot(
        sid=fields.integer(env, "sid"),
        seq=_opt_int(env, "seq"),
        ticker=fields.text(msg, "market_ticker"),
        yes_bids=tuple(sorted(yes, reverse=True)),
        no_bids=_no_levels(msg.get("no_dollars_fp"), use_yes_price),
    )


def _delta(env: fields.Doc, msg: fields.Doc, use_yes_price: bool) -> BookDelta:
    side = fields.text(msg, "side")
    if side not in ("yes", "no"):
        raise MalformedFrameError(f"unknown book side {side!r}")
    price = fields.price(msg, "price_dollars")
    if side == "no" and use_yes_price:
        price = units.complement(price)
    return BookDelta(
        sid=fields.integer(env, "sid"),
        seq=_opt_int(env, "seq"),
        ticker=fields.text(msg, "market_ticker"),
        side=side,
        price=price,
        delta=fields.qty(msg, "delta_fp"),
        client_order_id=fields.text(msg, "client_order_id", ""),
        ts_ms=fields.integer(msg, "ts_ms", 0),
    )


def _fill(msg: fields.Doc) -> FillMessage:
    return FillMessage(
        trade_id=fields.text(msg, "trade_id", ""),
        order_id=fields.text(msg, "order_id"),
        client_order_id=fields.text(msg, "client_order_id", ""),
        ticker=fields.text(msg, "market_ticker"),
        side=_side(msg),
        price=fields.price(msg, "yes_price_dollars"),
        count=fields.qty(msg, "count_fp"),
        fee_cost=fields.money(msg, "fee_cost", 0),
        is_taker=fields.flag(msg, "is_taker"),
        post_position=fields.qty(msg, "post_position_fp", 0),
        ts_ms=fields.integer(msg, "ts_ms", 0),
    )


def _user_order(msg: fields.Doc) -> UserOrderMessage:
    return UserOrderMessage(
        order_id=fields.text(msg, "order_id"),
        client_order_id=fields.text(msg, "client_order_id", ""),
        ticker=fields.text(msg, "ticker", "") or fields.text(msg, "market_ticker"),
        status=fields.text(msg, "status"),
        side=_side(msg),
        price=fields.price(msg, "yes_price_dollars"),
        fill_count=fields.qty(msg, "fill_count_fp", 0),
        remaining_count=fields.qty(msg, "remaining_count_fp", 0),
        last_update_reason=fields.text(msg, "last_update_reason", ""),
        ts_ms=fields.integer(msg, "last_updated_ts_ms", 0),
    )


def _position(msg: fields.Doc) -> PositionMessage:
    return PositionMessage(
        ticker=fields.text(msg, "market_ticker"),
        position=fields.qty(msg, "position_fp"),
        realized_pnl=fields.money(msg, "realized_pnl_dollars", 0),
        fees_paid=fields.money(msg, "fees_paid_dollars", 0),
    )


def _lifecycle(env: fields.Doc, msg: fields.Doc) -> LifecycleMessage:
    grid = market_data.parse_grid(msg) if msg.get("price_ranges") else None
    return LifecycleMessage(
        sid=fields.integer(env, "sid"),
        seq=_opt_int(env, "seq"),
        ticker=fields.text(msg, "market_ticker"),
        event_type=fields.text(msg, "event_type"),
        price_grid=grid,
        result=fields.text(msg, "result", ""),
    )


def _control(env: fields.Doc, msg: Any) -> Control:
    body = msg if isinstance(msg, dict) else {}
    return Control(
        type=fields.text(env, "type"),
        id=fields.integer(env, "id", 0),
        sid=_opt_int(env, "sid") if env.get("sid") is not None else _opt_int(body, "sid"),
        seq=_opt_int(env, "seq"),
        channel=str(body.get("channel", "")),
        error_code=int(body.get("code", 0)) if env.get("type") == "error" else 0,
        error_msg=str(body.get("msg", ""))[:200] if env.get("type") == "error" else "",
    )


_DATA: dict[str, Callable[[fields.Doc, fields.Doc, bool], Message]] = {
    "orderbook_snapshot": _snapshot,
    "orderbook_delta": _delta,
    "fill": lambda _e, m, _y: _fill(m),
    "user_order": lambda _e, m, _y: _user_order(m),
    "user_orders": lambda _e, m, _y: _user_order(m),
    "market_position": lambda _e, m, _y: _position(m),
    "market_positions": lambda _e, m, _y: _position(m),
    "market_lifecycle_v2": lambda e, m, _y: _lifecycle(e, m),
}
_CONTROL = frozenset({"subscribed", "unsubscribed", "ok", "error"})
_loads = orjson.loads
_PRICES, _QTYS = fields.PRICE_MEMO, fields.QTY_MEMO  # read inline: a hit costs no call


def _fast_delta(env: Any, use_yes_price: bool) -> BookDelta | None:
    """The hot path: an ``orderbook_delta`` whose every field is the expected type, read with
    no per-field helpers. ``None`` for anything else: :func:`_delta` then reads it the slow
    way and raises the typed error naming the field, exactly as it always has."""
    try:
        if env["type"] != "orderbook_delta":
            return None
        msg = env["msg"]
        sid, ticker, side = env["sid"], msg["market_ticker"], msg["side"]
        price_raw, delta_raw = msg["price_dollars"], msg["delta_fp"]
        price = _PRICES.get(price_raw) or fields.memo_price(price_raw)
        delta = _QTYS.get(delta_raw) or fields.memo_qty(delta_raw)
    except (KeyError, TypeError):  # absent, unhashable, or not an object: the slow path says
        return None
    seq, client_order_id, ts_ms = env.get("seq"), msg.get("client_order_id"), msg.get("ts_ms")
    if (
        type(sid) is not int
        or (seq is not None and type(seq) is not int)
        or type(ticker) is not str
        or side not in ("yes", "no")
        or (client_order_id is not None and type(client_order_id) is not str)
        or (ts_ms is not None and type(ts_ms) is not int)
    ):
        return None
    if price is None or delta is None:
        return None
    if use_yes_price and side == "no":
        price = units.complement(price)
    return BookDelta(sid, seq, ticker, side, price, delta, client_order_id or "", ts_ms or 0)


def parse_frame(raw: bytes | str, *, use_yes_price: bool) -> Message | None:
    """Parse one text frame; ``None`` for a well-formed frame of a type we do not use."""
    try:
        env = _loads(raw)
    except orjson.JSONDecodeError:
        raise MalformedFrameError("frame is not JSON") from None
    fast = _fast_delta(env, use_yes_price)
    if fast is not None:
        return fast
    if not isinstance(env, dict):
        raise MalformedFrameError("frame is not an object")
    kind = env.get("type")
    try:
        if kind in _CONTROL:
            return _control(env, env.get("msg"))
        parse = _DATA.get(kind) if isinstance(kind, str) else None
        if parse is None:
            return None
        return parse(env, fields.obj(env, "msg"), use_yes_price)
    except (errors.KalshiProtocolError, ValueError, TypeError) as exc:
        raise MalformedFrameError(f"{kind}: {exc}") from None
