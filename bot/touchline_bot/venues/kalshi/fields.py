"""Exact field readers for Kalshi JSON: the one place venue strings become integer units.

``*_dollars`` strings become :data:`units.Price` (or :data:`units.Money` for amounts that may
carry 6 decimals), ``*_fp`` count strings become :data:`units.Qty`. JSON numbers are accepted
too (the venue sometimes sends them). A missing or garbled field raises
:class:`errors.KalshiProtocolError`, which callers count as a malformed payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from touchline_bot.core import units
from touchline_bot.venues.kalshi import errors

Doc = Mapping[str, Any]
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
