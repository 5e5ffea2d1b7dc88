"""Fees per the published formula, rounded up to the cent; maker fees only on maker-fee series."""

from __future__ import annotations

import pytest

from tests.unit.sim.kalshi.orderflow import TICKER, place
from touchline_bot.core import units
from touchline_bot.sim.kalshi import exchange, fees, model


@pytest.mark.parametrize(
    ("price", "count", "taker"),
    [
        pytest.param("0.01", "1", "0.010000", id="1c_x1"),
        pytest.param("0.01", "100", "0.070000", id="1c_x100"),
        pytest.param("0.10", "100", "0.630000", id="10c_x100"),
        pytest.param("0.25", "100", "1.320000", id="25c_x100"),
        pytest.param("0.50", "1", "0.020000", id="50c_x1"),
        pytest.param("0.50", "100", "1.750000", id="50c_x100"),
        pytest.param("0.90", "100", "0.630000", id="90c_x100"),
        pytest.param("0.99", "100", "0.070000", id="99c_x100"),
    ],
)
def test_taker_fee_matches_the_published_fee_table(price: str, count: str, taker: str) -> None:
    series = model.Series("S", "S", model.FEE_QUADRATIC)
    fee = fees.taker_fee(series, units.parse_dollars(price), units.parse_count(count))
    assert units.format_money(fee) == taker


@pytest.mark.parametrize(
    ("fee_type", "multiplier_bps", "maker"),
    [
        pytest.param(model.FEE_QUADRATIC, 10_000, "0.000000", id="quadratic_no_maker_fee"),
        pytest.param(model.FEE_QUADRATIC_MAKER, 10_000, "0.440000", id="maker_quarter_of_taker"),
        pytest.param(model.FEE_QUADRATIC_COMBO_MAKER, 10_000, "0.880000", id="combo_maker_half"),
        pytest.param(model.FEE_QUADRATIC_MAKER, 5_000, "0.220000", id="multiplier_half"),
        pytest.param(model.FEE_QUADRATIC_MAKER, 0, "0.000000", id="fee_free_series"),
    ],
)
def test_maker_fee_depends_on_fee_type_and_multiplier(
    fee_type: str, multiplier_bps: int, maker: str
) -> None:
    series = model.Series("S", "S", fee_type, multiplier_bps)
    fee = fees.maker_fee(series, units.parse_dollars("0.50"), units.parse_count("100"))
    assert units.format_money(fee) == maker


def test_a_trade_charges_taker_and_maker_fees_on_the_epl_series(ex: exchange.Exchange) -> None:
    maker = place(ex, "bob", model.ASK, "0.50", "100")
    taker = place(ex, "alice", model.BID, "0.50", "100")
    assert units.format_money(taker.taker_fees) == "1.750000"
    assert units.format_money(maker.maker_fees) == "0.440000"
    by_user = {f.user_id: units.format_money(f.fee) for f in ex.fills}
    assert by_user == {"alice": "1.750000", "bob": "0.440000"}
    # alice paid 50.00 + 1.75; bob (buying NO at 0.50) paid 50.00 + 0.44.
    assert units.format_money(ex.accounts["alice"].balance) == "948.250000"
    assert units.format_money(ex.accounts["bob"].balance) == "949.560000"
    assert ex.accounts["alice"].position(TICKER).position == units.parse_count("100")
    assert ex.accounts["bob"].position(TICKER).position == -units.parse_count("100")
