"""Unit conversions round-trip exactly, and grid snapping always lands on the grid."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from touchline_bot.core import units

TAPERED = units.PriceGrid(
    (
        units.PriceRange(units.Price(0), units.Price(1_000), units.Price(10)),
        units.PriceRange(units.Price(1_000), units.Price(9_000), units.Price(100)),
        units.PriceRange(units.Price(9_000), units.Price(10_000), units.Price(10)),
    )
)


@given(st.integers(-(10**9), 10**9))
def test_dollar_strings_round_trip(price: int) -> None:
    assert units.parse_dollars(units.format_dollars(price)) == price


@given(st.integers(-(10**9), 10**9))
def test_count_strings_round_trip(qty: int) -> None:
    assert units.parse_count(units.format_count(qty)) == qty


@given(st.integers(-(10**12), 10**12))
def test_money_strings_round_trip(money: int) -> None:
    assert units.parse_money(units.format_money(money)) == money


@given(st.integers(-500, 10_500), st.sampled_from([units.PriceGrid(), TAPERED]))
def test_snapping_lands_on_the_grid_on_the_right_side(price: int, grid: units.PriceGrid) -> None:
    down, up = grid.snap_down(price), grid.snap_up(price)
    assert grid.is_valid(down)
    assert grid.is_valid(up)
    if grid.min_price <= price <= grid.max_price:
        assert down <= price <= up
