"""Integer units for prices, sizes and money, and conversions at the venue edge.

A price is an integer number of 1/10,000 dollar (Kalshi quotes up to 4 decimals); a quantity
is an integer number of 1/100 contract (Kalshi counts carry 2 decimals); money is an integer
number of 1/1,000,000 dollar, so that ``price * quantity`` is exact money. Floats never
represent money anywhere in the project.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import (
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import NewType

Price = NewType("Price", int)
"""A price in 1/10,000 dollar: ``Price(4300)`` is $0.43."""
Qty = NewType("Qty", int)
"""A quantity in 1/100 contract: ``Qty(1050)`` is 10.5 contracts."""
Money = NewType("Money", int)
"""Money in 1/1,000,000 dollar (micro-dollars): exactly ``Price * Qty``."""

PRICE_DECIMALS = 4
QTY_DECIMALS = 2
MONEY_DECIMALS = 6
PRICE_SCALE = 10_000  # 10**PRICE_DECIMALS
QTY_SCALE = 100  # 10**QTY_DECIMALS
MONEY_SCALE = 1_000_000  # 10**MONEY_DECIMALS

ONE_DOLLAR = Price(PRICE_SCALE)
ONE_CENT = Price(PRICE_SCALE // 100)
ONE_CONTRACT = Qty(QTY_SCALE)
ZERO_QTY = Qty(0)
ZERO_MONEY = Money(0)


class UnitsError(ValueError):
    """A string could not be converted exactly into an integer unit."""


def _to_decimal(text: str | int | float, what: str) -> Decimal:
    if isinstance(text, bool):
        raise UnitsError(f"{what}: expected a decimal string, got {text!r}")
    if isinstance(text, float):
        # Venues sometimes send JSON numbers; repr() gives the shortest exact round-trip.
        text = repr(text)
    raw = str(text).strip()
    if not raw.isascii():
        # Decimal() reads any Unicode digit ("١٢" is 12): a venue or a person means ASCII.
        raise UnitsError(f"{what}: {text!r} is not an ASCII decimal number")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise UnitsError(f"{what}: {text!r} is not a decimal number") from exc
    if not value.is_finite():
        raise UnitsError(f"{what}: {text!r} is not finite")
    if len(value.as_tuple().digits) > _MAX_DIGITS or abs(value.adjusted()) > _MAX_DIGITS:
        raise UnitsError(f"{what}: {text!r} has too many digits")
    return value


_MAX_DIGITS = 40
"""No venue number has more digits or a larger exponent: anything beyond is garbled."""
_EXACT = Context(prec=2 * _MAX_DIGITS + 10, traps=[InvalidOperation, Overflow, DivisionByZero])
"""Arithmetic on parsed values, wide enough to be exact for every accepted input (the default
28-digit context would round a long string silently)."""


def _exact(value: Decimal, scale: int, text: object, what: str) -> int:
    scaled = _EXACT.multiply(value, scale)
    if scaled != scaled.to_integral_value():
        raise UnitsError(f"{what}: {text!r} has more precision than 1/{scale}")
    return int(scaled)


def parse_dollars(text: str | int | float) -> Price:
    """Parse a Kalshi dollar string (``"0.4300"``) into an exact :data:`Price`."""
    value = _to_decimal(text, "dollars")
    return Price(_exact(value, PRICE_SCALE, text, "dollars"))


def parse_money(text: str | int | float) -> Money:
    """Parse a dollar amount with up to 6 decimals (balances, fees, PnL) into :data:`Money`."""
    value = _to_decimal(text, "money")
    return Money(_exact(value, MONEY_SCALE, text, "money"))


def parse_count(text: str | int | float) -> Qty:
    """Parse a Kalshi count string (``"10.00"``) into an exact :data:`Qty`."""
    value = _to_decimal(text, "count")
    return Qty(_exact(value, QTY_SCALE, text, "count"))


def parse_probability(text: str | int | float) -> Price:
    """Parse a Polymarket probability string (``"0.425"``) into the nearest :data:`Price`.

    Polymarket prices are a signal, not an order price, so sub-1/10,000 digits are rounded
    half-even rather than refused.
    """
    value = _to_decimal(text, "probability")
    if value < 0 or value > 1:
        raise UnitsError(f"probability: {text!r} is outside [0, 1]")
    scaled = _EXACT.multiply(value, PRICE_SCALE)
    return Price(int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN)))


def parse_size(text: str | int | float) -> Qty:
    """Parse a Polymarket size string into :data:`Qty`, rounding down to 1/100 contract."""
    value = _to_decimal(text, "size")
    if value < 0:
        raise UnitsError(f"size: {text!r} is negative")
    return Qty(int(_EXACT.multiply(value, QTY_SCALE).to_integral_value(rounding=ROUND_FLOOR)))


def format_dollars(price: int) -> str:
    """Format a :data:`Price` as Kalshi's 4-decimal dollar string (``"0.4300"``)."""
    return _format(price, PRICE_DECIMALS)


def format_money(money: int) -> str:
    """Format :data:`Money` as a 6-decimal dollar string."""
    return _format(money, MONEY_DECIMALS)


def format_count(qty: int) -> str:
    """Format a :data:`Qty` as Kalshi's 2-decimal count string (``"10.00"``)."""
    return _format(qty, QTY_DECIMALS)


def _format(value: int, decimals: int) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}"


def money_from_dollars(dollars: Decimal | int | str) -> Money:
    """Convert a configured dollar amount (a ``Decimal``) into :data:`Money`, exactly."""
    value = _to_decimal(str(dollars), "dollars")
    return Money(_exact(value, MONEY_SCALE, dollars, "dollars"))


def price_from_fraction(fraction: Decimal | str) -> Price:
    """Convert a configured fraction of a dollar (``Decimal("0.03")``) into :data:`Price`."""
    value = _to_decimal(str(fraction), "fraction")
    return Price(_exact(value, PRICE_SCALE, fraction, "fraction"))


def notional(price: int, qty: int) -> Money:
    """The money at risk buying ``qty`` at ``price``: exact, in micro-dollars."""
    return Money(price * qty)


def complement(price: int) -> Price:
    """The other leg of a binary: a NO price ``q`` is a YES price ``1 - q``."""
    return Price(ONE_DOLLAR - price)


def money_ceil_to_cent(micro: int) -> Money:
    """Round money up to the next whole cent (Kalshi rounds fees up to the cent)."""
    cent = MONEY_SCALE // 100
    return Money(-((-micro) // cent) * cent)


def dollars_to_decimal(value: int, scale: int) -> Decimal:
    """An exact ``Decimal`` for display and reports (never for arithmetic in the core)."""
    return Decimal(value) / Decimal(scale)


@dataclass(frozen=True, slots=True)
class PriceRange:
    """One band of a market's price grid: prices ``start + k * step`` within ``[start, end]``."""

    start: Price
    end: Price
    step: Price

    def __post_init__(self) -> None:
        if self.step <= 0 or self.start >= self.end or self.start < 0 or self.end > ONE_DOLLAR:
            raise UnitsError(f"invalid price range {self}")


LINEAR_CENT: tuple[PriceRange, ...] = (PriceRange(Price(0), ONE_DOLLAR, ONE_CENT),)
"""The grid of the vast majority of Kalshi markets: every whole cent."""


@dataclass(frozen=True, slots=True)
class PriceGrid:
    """A market's valid prices (``price_ranges``), strictly between $0 and $1.

    Snapping is integer floor/ceiling division inside the price's band; the bounds and the
    bands' starts are computed once, at construction (quoting snaps on every requote).
    """

    ranges: tuple[PriceRange, ...] = LINEAR_CENT
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _min: Price = field(init=False, repr=False, compare=False)
    _max: Price = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.ranges:
            raise UnitsError("a price grid needs at least one range")
        ordered = tuple(sorted(self.ranges, key=lambda r: r.start))
        first, last = ordered[0], ordered[-1]
        top = self._snap_in(last, last.end, ceiling=False)
        object.__setattr__(self, "ranges", ordered)
        object.__setattr__(self, "_starts", tuple(r.start for r in ordered))
        object.__setattr__(
            self, "_min", first.start if first.start > 0 else Price(first.start + first.step)
        )
        object.__setattr__(self, "_max", top if top < ONE_DOLLAR else Price(top - last.step))

    @property
    def min_price(self) -> Price:
        """The lowest valid price (one step above the grid's start, never $0)."""
        return self._min

    @property
    def max_price(self) -> Price:
        """The highest valid price (one step below $1 when the grid ends at $1)."""
        return self._max

    def _band(self, price: int) -> PriceRange:
        index = max(0, bisect.bisect_right(self._starts, price) - 1)
        return self.ranges[index]

    @staticmethod
    def _snap_in(band: PriceRange, price: int, *, ceiling: bool) -> Price:
        offset = price - band.start
        steps = -(-offset // band.step) if ceiling else offset // band.step
        return Price(band.start + steps * band.step)

    def is_valid(self, price: int) -> bool:
        """True when ``price`` is on the grid and strictly inside (0, $1)."""
        if price <= 0 or price >= ONE_DOLLAR:
            return False
        band = self._band(price)
        return band.start <= price <= band.end and (price - band.start) % band.step == 0

    def snap_down(self, price: int) -> Price:
        """The highest valid price at or below ``price``, clamped to the grid's bounds."""
        if price <= self._min:
            return self._min
        if price >= self._max:
            return self._max
        if len(self.ranges) == 1:
            band = self.ranges[0]
            return Price(price - (price - band.start) % band.step)
        return self._snap_in(self._band(price), price, ceiling=False)

    def snap_up(self, price: int) -> Price:
        """The lowest valid price at or above ``price``, clamped to the grid's bounds."""
        if price <= self._min:
            return self._min
        if price >= self._max:
            return self._max
        band = self.ranges[0] if len(self.ranges) == 1 else self._band(price)
        snapped = self._snap_in(band, price, ceiling=True)
        return snapped if snapped <= band.end else band.end

    def tick_at(self, price: int) -> Price:
        """The grid's step in the band holding ``price``."""
        return self._band(price).step

    def tick_below(self, price: int) -> Price:
        """The next valid price strictly below ``price`` (or the minimum)."""
        return self.snap_down(price - 1)

    def tick_above(self, price: int) -> Price:
        """The next valid price strictly above ``price`` (or the maximum)."""
        return self.snap_up(price + 1)
