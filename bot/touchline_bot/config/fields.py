"""Field types for configuration: exact decimals with a range and a precision, and durations.

Decimal fields accept a ``Decimal``, an ``int`` or a decimal string, and refuse a Python
``float`` (our YAML reader never makes one; a programmatic caller passing ``0.7`` would smuggle
binary rounding into money). Each field states its unit in its name; these types state its
range and its precision, and their error messages name the value and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

import pydantic


def _no_float(value: Any) -> Any:
    # pydantic turns only ValueError into a validation error (a TypeError would escape), so
    # these type complaints are ValueErrors on purpose.
    if isinstance(value, bool):
        raise ValueError(f"{value} is not a number")  # noqa: TRY004
    if isinstance(value, float):
        raise ValueError(  # noqa: TRY004
            f"{value!r} is a binary float; write it as a decimal string ('{value!r}') "
            "or read the file with touchline_bot.config, which keeps decimals exact"
        )
    if isinstance(value, str) and not value.isascii():
        # Decimal() reads any Unicode digit ("١٢" is 12); a limit is written in ASCII.
        raise ValueError(f"{value!r} is not an ASCII decimal number")
    return value


def _within(
    low: Decimal, high: Decimal | None, places: int, *, low_open: bool = False
) -> Callable[[Decimal], Decimal]:
    top = "∞)" if high is None else f"{high}]"
    bounds = f"{'(' if low_open else '['}{low}, {top}"

    def check(value: Decimal) -> Decimal:
        too_low = value <= low if low_open else value < low
        if too_low or (high is not None and value > high):
            raise ValueError(f"{value} is not within {bounds}")
        if value != value.quantize(Decimal(1).scaleb(-places)):
            raise ValueError(f"{value} has more than {places} decimal places")
        return value

    return check


_NoFloat = pydantic.BeforeValidator(_no_float)
_ZERO, _ONE = Decimal(0), Decimal(1)

Fraction = Annotated[Decimal, _NoFloat, pydantic.AfterValidator(_within(_ZERO, _ONE, 4))]
"""A fraction in [0, 1] exact to one basis point (``0.70``); becomes ``_bps`` in the core."""
PositiveFraction = Annotated[
    Decimal, _NoFloat, pydantic.AfterValidator(_within(_ZERO, _ONE, 4, low_open=True))
]
"""A fraction in (0, 1] exact to one basis point."""
PriceDollars = Annotated[Decimal, _NoFloat, pydantic.AfterValidator(_within(_ZERO, _ONE, 4))]
"""A price or price distance per contract, in dollars, on the $0.0001 grid (``0.03`` = 3¢)."""
PositiveDollars = Annotated[
    Decimal, _NoFloat, pydantic.AfterValidator(_within(_ZERO, None, 6, low_open=True))
]
"""A positive amount of money in dollars, exact to the micro-dollar (``25``, ``3.50``)."""
PositiveContracts = Annotated[
    Decimal, _NoFloat, pydantic.AfterValidator(_within(_ZERO, None, 2, low_open=True))
]
"""A positive number of contracts, exact to 1/100 contract (Kalshi's fractional counts)."""
Sigmas = Annotated[
    Decimal, _NoFloat, pydantic.AfterValidator(_within(_ZERO, Decimal(100), 3, low_open=True))
]
"""A score in standard deviations, exact to 1/1,000 (``3.0``)."""

_MS_PER_DAY = 86_400_000


def _ms_within(low: int) -> Callable[[int], int]:
    def check(value: int) -> int:
        if not low <= value <= _MS_PER_DAY:
            raise ValueError(f"{value} is not within [{low}, {_MS_PER_DAY}] milliseconds")
        return value

    return check


PositiveMs = Annotated[int, pydantic.Field(strict=True), pydantic.AfterValidator(_ms_within(1))]
"""A duration in whole milliseconds, at least 1 ms and at most one day."""
NonNegativeMs = Annotated[int, pydantic.Field(strict=True), pydantic.AfterValidator(_ms_within(0))]
"""A duration in whole milliseconds, 0 allowed, at most one day."""


def _count_within(low: int, high: int) -> Callable[[int], int]:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"{value} is not within [{low}, {high}]")
        return value

    return check


LadderLevels = Annotated[
    int, pydantic.Field(strict=True), pydantic.AfterValidator(_count_within(1, 10))
]
"""Orders per side, 1 (a single quote) to 10."""
SampleCount = Annotated[
    int, pydantic.Field(strict=True), pydantic.AfterValidator(_count_within(1, 10_000))
]
"""A number of observations, 1 to 10,000."""
