"""Typed Polymarket market-data messages and their parsers (REST book summaries and the
market WebSocket's frames), converting every price and size to integer units exactly once.

Quirks handled here: numbers arrive as strings (sometimes as JSON numbers); level arrays are
in no trustworthy order; ``timestamp`` is milliseconds as a string; a WebSocket frame may be
one event, an array of events, or plain text (``PONG``, ``NO NEW ASSETS``, errors). A bad
element never raises out of :func:`parse_frame`; it becomes a :class:`Malformed` message that
the caller counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Final, final

import orjson

from touchline_bot.core import book, units
from touchline_bot.core.value import Value


class LevelSide(StrEnum):
    """Which side of one token's book a level belongs to (Polymarket's own words)."""

    BUY = "BUY"
    SELL = "SELL"


@dataclass(frozen=True, slots=True)
class BookSnapshot:
    """A full book for one token (REST ``/book`` or a WS ``book`` event), levels unordered."""

    asset_id: str
    market: str
    bids: tuple[book.Level, ...]
    asks: tuple[book.Level, ...]
    timestamp_ms: int | None
    hash: str = ""
    tick_size: units.Price | None = None


@final
class LevelChange(Value):
    """One ``price_changes[]`` entry: the new total size at a level (zero removes it).

    :class:`~touchline_bot.core.value.Value` records, this and :class:`PriceChange`: built
    for every price change, the hot path.
    """

    _fields: ClassVar[tuple[str, ...]] = ("asset_id", "side", "price", "size")
    __slots__ = _fields

    def __init__(
        self,
        asset_id: str,
        side: LevelSide,
        price: units.Price,
        size: units.Qty,
    ) -> None:
        self.asset_id: Final = asset_id
        self.side: Final = side
        self.price: Final = price
        self.size: Final = size


@final
class PriceChange(Value):
    """A ``price_change`` event; its entries may belong to different tokens."""

    _fields: ClassVar[tuple[str, ...]] = ("market", "timestamp_ms", "changes")
    __slots__ = _fields

    def __init__(
        self,
        market: str,
        timestamp_ms: int | None,
        changes: tuple[LevelChange, ...],
    ) -> None:
        self.market: Final = market
        self.timestamp_ms: Final = timestamp_ms
        self.changes: Final = changes


@dataclass(frozen=True, slots=True)
class TickSizeChange:
    """The token's tick size changed (near the extremes of the price range)."""

    asset_id: str
    new_tick_size: units.Price
    timestamp_ms: int | None


@dataclass(frozen=True, slots=True)
class LastTrade:
    """A trade printed on the token (informational; the book follows separately)."""

    asset_id: str
    price: units.Price
    timestamp_ms: int | None


@dataclass(frozen=True, slots=True)
class BestBidAsk:
    """The venue's own top of book for a token (custom feature; informational)."""

    asset_id: str
    best_bid: units.Price
    best_ask: units.Price
    timestamp_ms: int | None


@dataclass(frozen=True, slots=True)
class TextFrame:
    """A plain-text frame: ``PONG``, ``NO NEW ASSETS``, ``INVALID OPERATION``..."""

    text: str


@dataclass(frozen=True, slots=True)
class Ignored:
    """A well-formed event we do not use (``new_market``, ``market_resolved``, acks)."""

    event_type: str


@dataclass(frozen=True, slots=True)
class Malformed:
    """An element we could not parse; ``reason`` is short and never echoes the payload."""

    reason: str


DataMessage = BookSnapshot | PriceChange | TickSizeChange | LastTrade | BestBidAsk
"""Messages that carry market data (their arrival proves the stream is alive)."""
Message = DataMessage | TextFrame | Ignored | Malformed


class _ParseError(ValueError):
    """Raised inside the parsers; turned into :class:`Malformed` at the frame boundary."""


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise _ParseError(f"missing {key}")
    return value


def _timestamp_ms(data: dict[str, Any]) -> int | None:
    value = data.get("timestamp")
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise _ParseError("bad timestamp") from exc


def _price(value: object, what: str) -> units.Price:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _ParseError(f"bad {what}")
    try:
        return units.parse_probability(value)
    except units.UnitsError as exc:
        raise _ParseError(f"bad {what}") from exc


def _size(value: object) -> units.Qty:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _ParseError("bad size")
    try:
        return units.parse_size(value)
    except units.UnitsError as exc:
        raise _ParseError("bad size") from exc


def _levels(raw: object, what: str) -> tuple[book.Level, ...]:
    if not isinstance(raw, list):
        raise _ParseError(f"{what} is not a list")
    levels: list[book.Level] = []
    for item in raw:
        if not isinstance(item, dict):
            raise _ParseError(f"{what} level is not an object")
        levels.append((_price(item.get("price"), "price"), _size(item.get("size"))))
    return tuple(levels)


def book_from_json(data: object) -> BookSnapshot:
    """Parse one order-book summary (REST) or ``book`` event (WS); raises ``ValueError``."""
    if not isinstance(data, dict):
        raise _ParseError("book is not an object")
    tick = data.get("tick_size")
    return BookSnapshot(
        asset_id=_str(data, "asset_id"),
        market=str(data.get("market", "")),
        bids=_levels(data.get("bids", []), "bids"),
        asks=_levels(data.get("asks", []), "asks"),
        timestamp_ms=_timestamp_ms(data),
        hash=str(data.get("hash", "")),
        tick_size=_price(tick, "tick_size") if tick not in (None, "") else None,
    )


def _change(entry: object) -> LevelChange:
    if not isinstance(entry, dict):
        raise _ParseError("price change entry is not an object")
    side = entry.get("side")
    if side not in (LevelSide.BUY, LevelSide.SELL):
        raise _ParseError("bad side")
    return LevelChange(
        asset_id=_str(entry, "asset_id"),
        side=LevelSide(side),
        price=_price(entry.get("price"), "price"),
        size=_size(entry.get("size")),
    )


def _price_change(data: dict[str, Any]) -> PriceChange:
    entries = data.get("price_changes")
    if not isinstance(entries, list):
        raise _ParseError("price_changes is not a list")
    changes = tuple(_change(entry) for entry in entries)
    return PriceChange(str(data.get("market", "")), _timestamp_ms(data), changes)


# The venue's plain shapes: a probability ``0``..``1`` with up to 4 decimals, a size with up to
# 2 (exact in integer units, so no rounding). Anything else takes the exact parser.
_PLAIN_PRICE = re.compile(r"([01])(?:\.([0-9]{1,4}))?").fullmatch
_PLAIN_SIZE = re.compile(r"([0-9]{1,18})(?:\.([0-9]{1,2}))?").fullmatch
_NO_TOP = 10**20
_Matcher = Callable[[str], "re.Match[str] | None"]
_MEMO_SIZE = 4096
"""Strings per memo before it is cleared (prices form a tiny set, sizes a larger one)."""
_PRICES: dict[str, units.Price] = {}
_SIZES: dict[str, units.Qty] = {}
_SIDES = {"BUY": LevelSide.BUY, "SELL": LevelSide.SELL}


def _plain(text: str, plain: _Matcher, decimals: int, top: int) -> int | None:
    """The integer units of a plain-shaped string no greater than ``top``, else ``None``."""
    match = plain(text)
    if match is None:
        return None
    frac = match[2] or ""
    scaled = int(match[1] + frac + "0" * (decimals - len(frac)))
    return scaled if scaled <= top else None


def memo_price(value: object) -> units.Price | None:
    """:func:`units.parse_probability` of a plain string, memoised; ``None`` for anything
    else (the exact parser then decides, and names what is wrong)."""
    if type(value) is not str:
        return None
    hit = _PRICES.get(value)
    if hit is None:
        scaled = _plain(value, _PLAIN_PRICE, units.PRICE_DECIMALS, units.PRICE_SCALE)
        if scaled is None:
            return None
        if len(_PRICES) >= _MEMO_SIZE:
            _PRICES.clear()
        hit = _PRICES[value] = units.Price(scaled)
    return hit


def memo_size(value: object) -> units.Qty | None:
    """:func:`units.parse_size` of a plain string, memoised; ``None`` for anything else."""
    if type(value) is not str:
        return None
    hit = _SIZES.get(value)
    if hit is None:
        scaled = _plain(value, _PLAIN_SIZE, units.QTY_DECIMALS, _NO_TOP)
        if scaled is None:
            return None
        if len(_SIZES) >= _MEMO_SIZE:
            _SIZES.clear()
        hit = _SIZES[value] = units.Qty(scaled)
    return hit


def _fast_price_change(data: Any) -> PriceChange | None:
    """The hot path: a ``price_change`` whose every field has the expected type and shape.
    ``None`` for anything else: :func:`_event` then parses it and says what is wrong."""
    try:
        if data["event_type"] != "price_change":
            return None
        entries, market, stamp = data["price_changes"], data.get("market", ""), data["timestamp"]
        timestamp_ms = None if stamp is None or stamp == "" else int(stamp)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if type(entries) is not list or type(market) is not str:
        return None
    changes: list[LevelChange] = []
    for entry in entries:
        change = _fast_change(entry)
        if change is None:
            return None
        changes.append(change)
    return PriceChange(market, timestamp_ms, tuple(changes))


def _fast_change(entry: Any) -> LevelChange | None:
    try:
        asset_id, side, price, size = (
            entry["asset_id"],
            _SIDES[entry["side"]],
            entry["price"],
            entry["size"],
        )
        price = _PRICES.get(price) or memo_price(price)
        size = _SIZES.get(size) or memo_size(size)
    except (KeyError, TypeError):
        return None
    if type(asset_id) is not str or not asset_id or price is None or size is None:
        return None
    return LevelChange(asset_id, side, price, size)


def _event(data: object) -> Message:
    if not isinstance(data, dict):
        raise _ParseError("event is not an object")
    kind = data.get("event_type")
    if kind == "book":
        return book_from_json(data)
    if kind == "price_change":
        return _price_change(data)
    if kind == "tick_size_change":
        tick = _price(data.get("new_tick_size"), "new_tick_size")
        return TickSizeChange(_str(data, "asset_id"), tick, _timestamp_ms(data))
    if kind == "last_trade_price":
        price = _price(data.get("price"), "price")
        return LastTrade(_str(data, "asset_id"), price, _timestamp_ms(data))
    if kind == "best_bid_ask":
        bid, ask = (
            _price(data.get("best_bid"), "best_bid"),
            _price(data.get("best_ask"), "best_ask"),
        )
        return BestBidAsk(_str(data, "asset_id"), bid, ask, _timestamp_ms(data))
    if isinstance(kind, str):
        return Ignored(kind)
    raise _ParseError("event without event_type")


def _safe_event(data: object) -> Message:
    fast = _fast_price_change(data)
    if fast is not None:
        return fast
    try:
        return _event(data)
    except _ParseError as exc:
        return Malformed(str(exc))


def parse_frame(text: str | bytes) -> list[Message]:
    """All messages in one WebSocket text frame, in order; never raises."""
    raw = text.encode() if isinstance(text, str) else text
    stripped = raw.strip()
    if not stripped.startswith((b"{", b"[")):
        return [TextFrame(stripped.decode("utf-8", "replace"))]
    try:
        data = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        return [Malformed("invalid JSON")]
    if isinstance(data, list):
        return [_safe_event(item) for item in data]
    return [_safe_event(data)]
