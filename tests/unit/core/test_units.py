"""Units: exact parsing and formatting of Kalshi strings, and snapping to price grids."""

from __future__ import annotations

import pytest

from touchline_bot.core import units
from touchline_bot.core.units import Price, PriceGrid, PriceRange


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("0.4300", 4300, id="four-decimals"),
        pytest.param("0.43", 4300, id="two-decimals"),
        pytest.param("0.0001", 1, id="smallest-step"),
        pytest.param("1.0000", 10_000, id="one-dollar"),
        pytest.param("0.080", 800, id="legacy-three-decimals"),
    ],
)
def test_parse_dollars_is_exact(text: str, expected: int) -> None:
    assert units.parse_dollars(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0.43001", id="five-decimals"),
        pytest.param("abc", id="not-a-number"),
        pytest.param("NaN", id="nan"),
        pytest.param("", id="empty"),
        pytest.param("1e999999999", id="huge-exponent"),
        pytest.param("1." + "0" * 40 + "1", id="rounds-to-a-dollar-in-28-digits"),
    ],
)
def test_parse_dollars_refuses_inexact_or_garbage(text: str) -> None:
    with pytest.raises(units.UnitsError):
        units.parse_dollars(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10.00", 1000), ("0.01", 1), ("1.55", 155), ("0", 0), ("-3.50", -350)],
)
def test_parse_count_is_exact(text: str, expected: int) -> None:
    assert units.parse_count(text) == expected


def test_parse_count_refuses_thousandths() -> None:
    with pytest.raises(units.UnitsError):
        units.parse_count("1.555")


@pytest.mark.parametrize(
    ("value", "text"), [(4300, "0.4300"), (1, "0.0001"), (10_000, "1.0000"), (-25, "-0.0025")]
)
def test_format_dollars(value: int, text: str) -> None:
    assert units.format_dollars(value) == text


@pytest.mark.parametrize(("value", "text"), [(1000, "10.00"), (155, "1.55"), (0, "0.00")])
def test_format_count(value: int, text: str) -> None:
    assert units.format_count(value) == text


@pytest.mark.parametrize(
    ("text", "expected"), [("0.425", 4250), ("0.42555", 4256), ("1", 10_000), (0.5, 5000)]
)
def test_parse_probability_rounds_half_even(text: str | float, expected: int) -> None:
    assert units.parse_probability(text) == expected


def test_parse_probability_refuses_outside_unit_interval() -> None:
    with pytest.raises(units.UnitsError):
        units.parse_probability("1.2")


def test_notional_is_price_times_qty_in_micro_dollars() -> None:
    # 10 contracts at $0.43 is $4.30.
    assert units.notional(Price(4300), units.Qty(1000)) == 4_300_000


def test_money_ceil_to_cent() -> None:
    assert units.money_ceil_to_cent(17_500) == 20_000
    assert units.money_ceil_to_cent(20_000) == 20_000
    assert units.money_ceil_to_cent(0) == 0


TAPERED = PriceGrid(
    (
        PriceRange(Price(0), Price(1000), Price(10)),
        PriceRange(Price(1000), Price(9000), Price(100)),
        PriceRange(Price(9000), Price(10_000), Price(10)),
    )
)


@pytest.mark.parametrize(
    ("grid", "price", "down", "up"),
    [
        pytest.param(PriceGrid(), 4350, 4300, 4400, id="linear-cent-between"),
        pytest.param(PriceGrid(), 4300, 4300, 4300, id="linear-cent-on-grid"),
        pytest.param(PriceGrid(), 0, 100, 100, id="linear-cent-never-zero"),
        pytest.param(PriceGrid(), 10_000, 9900, 9900, id="linear-cent-never-one"),
        pytest.param(TAPERED, 555, 550, 560, id="tapered-low-band"),
        pytest.param(TAPERED, 5555, 5500, 5600, id="tapered-middle-band"),
        pytest.param(TAPERED, 9555, 9550, 9560, id="tapered-high-band"),
        pytest.param(TAPERED, 1005, 1000, 1100, id="tapered-band-edge"),
    ],
)
def test_snap_to_grid(grid: PriceGrid, price: int, down: int, up: int) -> None:
    assert grid.snap_down(price) == down
    assert grid.snap_up(price) == up
    assert grid.is_valid(grid.snap_down(price))
    assert grid.is_valid(grid.snap_up(price))


def test_grid_bounds_exclude_zero_and_one_dollar() -> None:
    assert TAPERED.min_price == 10
    assert TAPERED.max_price == 9990
    assert not PriceGrid().is_valid(0)
    assert not PriceGrid().is_valid(10_000)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\u0661\u0662", id="arabic-indic"),
        pytest.param("\uff11\uff12", id="fullwidth"),
        pytest.param("1\u0663", id="mixed"),
    ],
)
def test_unicode_digits_are_not_numbers(text: str) -> None:
    for parse in (units.parse_money, units.parse_count, units.parse_dollars):
        with pytest.raises(units.UnitsError, match="ASCII"):
            parse(text)
