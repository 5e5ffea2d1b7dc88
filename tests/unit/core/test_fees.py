"""Kalshi's published fee formulas reproduce the published fee table exactly."""

from __future__ import annotations

import pytest

from touchline_bot.core import fees, units
from touchline_bot.core.market import FeeSchedule, FeeType
from touchline_bot.core.params import FeeMode, QuotingParams

QUADRATIC = FeeSchedule(FeeType.QUADRATIC)
MAKER = FeeSchedule(FeeType.QUADRATIC_WITH_MAKER_FEES)
COMBO = FeeSchedule(FeeType.QUADRATIC_WITH_COMBO_MAKER_FEES)


def _dollars(money: int) -> str:
    return units.format_money(money)[:-4]


@pytest.mark.parametrize(
    ("cents", "one", "hundred"),
    [
        pytest.param(1, "0.01", "0.07", id="1c"),
        pytest.param(10, "0.01", "0.63", id="10c"),
        pytest.param(25, "0.02", "1.32", id="25c"),
        pytest.param(50, "0.02", "1.75", id="50c"),
        pytest.param(90, "0.01", "0.63", id="90c"),
        pytest.param(99, "0.01", "0.07", id="99c"),
    ],
)
def test_taker_fee_matches_the_published_table(cents: int, one: str, hundred: str) -> None:
    price = units.Price(cents * 100)
    assert _dollars(fees.taker_fee(price, units.Qty(100), QUADRATIC)) == one
    assert _dollars(fees.taker_fee(price, units.Qty(10_000), QUADRATIC)) == hundred


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        pytest.param(QUADRATIC, "0.00", id="no-maker-fees"),
        pytest.param(MAKER, "0.44", id="maker-fees-0.0175"),  # 0.4375 rounded up
        pytest.param(COMBO, "0.88", id="combo-half-taker"),  # 0.875 rounded up
    ],
)
def test_maker_fee_depends_on_the_series_fee_type(schedule: FeeSchedule, expected: str) -> None:
    assert _dollars(fees.maker_fee(units.Price(5000), units.Qty(10_000), schedule)) == expected


@pytest.mark.parametrize(
    ("schedule", "taker", "maker"),
    [
        pytest.param(FeeSchedule(FeeType.QUADRATIC, 20_000), "3.50", "0.00", id="doubled"),
        pytest.param(
            FeeSchedule(FeeType.QUADRATIC_WITH_MAKER_FEES, 5_000), "0.88", "0.22", id="half"
        ),
        pytest.param(
            FeeSchedule(FeeType.QUADRATIC_WITH_MAKER_FEES, 0), "0.00", "0.00", id="fee-free"
        ),
        pytest.param(FeeSchedule(FeeType.FLAT), "1.75", "0.00", id="flat-treated-as-quadratic"),
    ],
)
def test_fee_multiplier_scales_taker_and_maker_fees(
    schedule: FeeSchedule, taker: str, maker: str
) -> None:
    price, hundred = units.Price(5000), units.Qty(10_000)
    assert _dollars(fees.taker_fee(price, hundred, schedule)) == taker
    assert _dollars(fees.maker_fee(price, hundred, schedule)) == maker


@pytest.mark.parametrize(
    ("price", "qty"),
    [
        pytest.param(0, 10_000, id="zero-price"),
        pytest.param(10_000, 10_000, id="one-dollar"),
        pytest.param(5_000, 0, id="no-contracts"),
    ],
)
def test_no_fee_without_risk(price: int, qty: int) -> None:
    assert fees.taker_fee(units.Price(price), units.Qty(qty), MAKER) == 0
    assert fees.maker_fee(units.Price(price), units.Qty(qty), MAKER) == 0


def test_fractional_contracts_are_charged_exactly_then_rounded_up() -> None:
    # 0.07 × 0.5 × 0.5 × 0.5 = $0.00875 → $0.01
    assert _dollars(fees.taker_fee(units.Price(5000), units.Qty(50), QUADRATIC)) == "0.01"


def test_conservative_fee_is_the_seeds_flat_rate() -> None:
    # 10% of 100 × $0.50 = $5.00
    assert _dollars(fees.conservative_fee(units.Price(5000), units.Qty(10_000), 1_000)) == "5.00"


@pytest.mark.parametrize(
    ("mode", "schedule", "expected"),
    [
        pytest.param(FeeMode.FORMULA, QUADRATIC, 0, id="formula-no-maker-fee"),
        pytest.param(FeeMode.FORMULA, MAKER, 44, id="formula-maker-fee"),
        pytest.param(FeeMode.CONSERVATIVE, QUADRATIC, 500, id="conservative-10pct"),
    ],
)
def test_fee_buffer_per_contract(mode: FeeMode, schedule: FeeSchedule, expected: int) -> None:
    params = QuotingParams(fee_mode=mode)
    assert fees.buffer_per_contract(units.Price(5000), schedule, params) == expected
