"""Exact field readers for Kalshi JSON: the one place venue strings become integer units.

``*_dollars`` strings become :data:`units.Price` (or :data:`units.Money` for amounts that may
carry 6 decimals), ``*_fp`` count strings become :data:`units.Qty`. JSON numbers are accepted
too (the venue sometimes sends them). A missing or garbled field raises
:class:`errors.KalshiProtocolError`, which callers count as a malformed payload.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from touchline_bot.core import units
from touchline_bot.venues.kalshi import errors

Doc = Mapping[str, Any]
_U = TypeVar("_U", units.Price, units.Qty)
# Runtime checks use ``dict`` (what orjson returns): an ABC ``isinstance`` is slow on the hot path.


def _get(doc: Doc, key: str) -> Any:
    try:
        return doc[key]
    except (KeyError, TypeError):
        raise errors.KalshiProtocolError(f"missing field {key!r}") from None


def text(doc: Doc, key: str, default: str | None = None) -> str:
    """A string field (``default`` when absent or null, if given)."""
    value = doc.get(key) if isinstance(doc, dict) else None
    if value is None:
        if default is not None:
            return default
        value = _get(doc, key)
    if not isinstance(value, str):
        raise errors.KalshiProtocolError(f"field {key!r} is not a string")
    return value


def integer(doc: Doc, key: str, default: int | None = None) -> int:
    """An integer field."""
    value = doc.get(key) if isinstance(doc, dict) else None
    if value is None and default is not None:
        return default
    value = _get(doc, key) if value is None else value
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.KalshiProtocolError(f"field {key!r} is not an integer")
    return value


def flag(doc: Doc, key: str, default: bool = False) -> bool:
    """A boolean field."""
    value = doc.get(key, default)
    if not isinstance(value, bool):
        raise errors.KalshiProtocolError(f"field {key!r} is not a boolean")
    return value


def _fast_fixed(value: object, decimals: int) -> int | None:
    """The hot-path parse of a plain ``[-]digits[.digits]`` string with at most ``decimals``
    decimals; ``None`` for anything else (the exact ``units`` parser then decides)."""
    if not isinstance(value, str) or not value.isascii():
        return None
    body = value[1:] if value.startswith("-") else value
    whole, _, frac = body.partition(".")
    if not whole.isdigit() or len(frac) > decimals or (frac and not frac.isdigit()):
        return None
    scale: int = 10 ** (decimals - len(frac))
    scaled: int = int(whole) * 10**decimals + (int(frac) * scale if frac else 0)
    return -scaled if body is not value else scaled


# The venue's own shapes, exactly 4 and 2 ASCII decimals: the scaled integer is the digits.
# Longer strings take the exact path (as do numbers past _SMALL), whatever it then does.
_PLAIN_PRICE = re.compile(r"-?[0-9]{1,18}\.[0-9]{4}").fullmatch
_PLAIN_QTY = re.compile(r"-?[0-9]{1,18}\.[0-9]{2}").fullmatch
_SMALL = 10**18
_MEMO_SIZE = 16_384
"""Strings per memo before it is cleared: price strings form a tiny set, counts a larger one."""
PRICE_MEMO: dict[str, units.Price] = {}
"""Dollar string → :func:`to_price` of it. Read-only outside this module."""
QTY_MEMO: dict[str, units.Qty] = {}
"""Count string → :func:`to_qty` of it. Read-only outside this module."""
_Plain = Callable[[str], object]


def memo_price(value: object) -> units.Price | None:
    """:func:`to_price` of a dollar string or number, memoised for strings; ``None`` where
    :func:`to_price` would raise (the caller then reads the field the slow way, which raises
    the typed error naming it)."""
    if type(value) is str:
        hit = PRICE_MEMO.get(value)
        return (
            hit
            if hit is not None
            else _learn(PRICE_MEMO, value, _PLAIN_PRICE, units.Price, to_price)
        )
    if type(value) is int and -_SMALL < value < _SMALL:
        return units.Price(value * units.PRICE_SCALE)
    return _exact_or_none(to_price, value)


def memo_qty(value: object) -> units.Qty | None:
    """:func:`to_qty` of a count string or number, memoised for strings; ``None`` where
    :func:`to_qty` would raise."""
    if type(value) is str:
        hit = QTY_MEMO.get(value)
        return hit if hit is not None else _learn(QTY_MEMO, value, _PLAIN_QTY, units.Qty, to_qty)
    if type(value) is int and -_SMALL < value < _SMALL:
        return units.Qty(value * units.QTY_SCALE)
    return _exact_or_none(to_qty, value)


def _learn(
    memo: dict[str, _U],
    text: str,
    plain: _Plain,
    unit: Callable[[int], _U],
    convert: Callable[[object], _U],
) -> _U | None:
    """Convert a memo miss (the plain shape directly, else exactly) and remember it."""
    value = unit(int(text.replace(".", ""))) if plain(text) else _exact_or_none(convert, text)
    if value is not None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[text] = value
    return value


def _exact_or_none(convert: Callable[[object], _U], value: object) -> _U | None:
    try:
        return convert(value)
    except (errors.KalshiProtocolError, ValueError, ArithmeticError):
        return None  # whatever it was, the slow path meets it again and reports it as ever


def price(doc: Doc, key: str) -> units.Price:
    """An exact 4-decimal dollar price."""
    return to_price(_get(doc, key), key)


def to_price(value: object, key: str = "price") -> units.Price:
    """Convert one dollar string (or number) to a :data:`units.Price`, exactly."""
    fast = _fast_fixed(value, units.PRICE_DECIMALS)
    if fast is not None:
        return units.Price(fast)
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise errors.KalshiProtocolError(f"field {key!r} is not a dollar value")
    try:
        return units.parse_dollars(value)
    except units.UnitsError as exc:
        raise errors.KalshiProtocolError(f"field {key!r}: {exc}") from None


def money(doc: Doc, key: str, default: int | None = None) -> units.Money:
    """A dollar amount with up to 6 decimals (fees, balances, PnL)."""
    value = doc.get(key) if isinstance(doc, dict) else None
    if value is None and default is not None:
        return units.Money(default)
    value = _get(doc, key) if value is None else value
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise errors.KalshiProtocolError(f"field {key!r} is not a dollar amount")
    try:
        return units.parse_money(value)
    except units.UnitsError as exc:
        raise errors.KalshiProtocolError(f"field {key!r}: {exc}") from None


def qty(doc: Doc, key: str, default: int | None = None) -> units.Qty:
    """An exact 2-decimal contract count."""
    value = doc.get(key) if isinstance(doc, dict) else None
    if value is None and default is not None:
        return units.Qty(default)
    return to_qty(_get(doc, key) if value is None else value, key)


def to_qty(value: object, key: str = "count") -> units.Qty:
    """Convert one count string (or number) to a :data:`units.Qty`, exactly."""
    fast = _fast_fixed(value, units.QTY_DECIMALS)
    if fast is not None:
        return units.Qty(fast)
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise errors.KalshiProtocolError(f"field {key!r} is not a count")
    try:
        return units.parse_count(value)
    except units.UnitsError as exc:
        raise errors.KalshiProtocolError(f"field {key!r}: {exc}") from None


def levels(value: object, key: str) -> list[tuple[units.Price, units.Qty]]:
    """A list of ``[price, count]`` pairs (an absent side is ``None`` → empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.KalshiProtocolError(f"field {key!r} is not a list of levels")
    out: list[tuple[units.Price, units.Qty]] = []
    for level in value:
        if not isinstance(level, list | tuple) or len(level) < 2:
            raise errors.KalshiProtocolError(f"field {key!r} has a malformed level")
        out.append((to_price(level[0], key), to_qty(level[1], key)))
    return out


def obj(doc: Doc, key: str) -> Doc:
    """A nested object field."""
    value = _get(doc, key)
    if not isinstance(value, dict):
        raise errors.KalshiProtocolError(f"field {key!r} is not an object")
    return value


def items(doc: Doc, key: str) -> list[Doc]:
    """A list-of-objects field (absent or null → empty)."""
    value = doc.get(key) if isinstance(doc, dict) else None
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise errors.KalshiProtocolError(f"field {key!r} is not a list of objects")
    return value
