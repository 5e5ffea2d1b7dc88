"""Conversion into the core's integer units is exact, and the derived identifiers are stable."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.unit.config import valid
from touchline_bot import config
from touchline_bot.config import convert
from touchline_bot.core import params as core_params
from touchline_bot.core import units

Strategy = core_params.StrategyParams


def _strategy(params: dict[str, Any]) -> Strategy:
    return config.load_text(valid.as_yaml(valid.document(params=params))).markets[0].strategy


@pytest.mark.parametrize(
    ("params", "read", "expected"),
    [
        pytest.param(
            {"quoting": {"max_order_notional_dollars": "3"}},
            lambda s: s.quoting.max_order_notional,
            units.Money(3_000_000),
            id="3-dollars-is-3-million-micro-dollars",
        ),
        pytest.param(
            {"risk": {"max_drawdown_dollars": "0.000001"}},
            lambda s: s.risk.max_drawdown,
            units.Money(1),
            id="one-micro-dollar",
        ),
        pytest.param(
            {"prematch": {"poly_weight": "0.70"}},
            lambda s: s.prematch.poly_weight_bps,
            7_000,
            id="weight-0.70-is-7000-bps",
        ),
        pytest.param(
            {"inplay": {"poly_weight": "0.8525"}},
            lambda s: s.inplay.poly_weight_bps,
            8_525,
            id="weight-to-one-basis-point",
        ),
        pytest.param(
            {"prematch": {"half_spread_base_dollars": "0.03"}},
            lambda s: s.prematch.half_spread_base,
            units.Price(300),
            id="3-percent-is-price-300",
        ),
        pytest.param(
            {"quoting": {"ladder_step_dollars": "0.0001"}},
            lambda s: s.quoting.ladder_step,
            units.Price(1),
            id="one-hundredth-of-a-cent",
        ),
        pytest.param(
            {"quoting": {"max_order_contracts": "12.5"}},
            lambda s: s.quoting.max_order_qty,
            units.Qty(1_250),
            id="fractional-contracts",
        ),
        pytest.param(
            {"shock": {"threshold_sigmas": "3.0"}},
            lambda s: s.shock.threshold_milli,
            3_000,
            id="shock-score-3-is-3000-milli",
        ),
        pytest.param(
            {"quoting": {"fee_mode": "conservative", "conservative_fee_rate": "0.10"}},
            lambda s: (s.quoting.fee_mode, s.quoting.conservative_fee_rate_bps),
            (core_params.FeeMode.CONSERVATIVE, 1_000),
            id="conservative-fee-10-percent",
        ),
        pytest.param(
            {"timing": {"stop_quoting_before_end_ms": 600_000}},
            lambda s: s.timing.stop_quoting_before_end_ms,
            600_000,
            id="ten-minutes-in-ms",
        ),
    ],
)
def test_configured_value_converts_exactly_to_core_units(
    params: dict[str, Any], read: Callable[[Strategy], object], expected: object
) -> None:
    assert read(_strategy(params)) == expected


def test_market_spec_carries_ticker_and_schedule_in_epoch_ms() -> None:
    spec = config.load_text(valid.as_yaml(valid.document())).markets[0].spec

    assert spec.market_id == "epl-ars-che-20261128-ars"
    assert spec.ticker == "KXEPLGAME-26NOV28ARSCHE-ARS"
    assert spec.kickoff_ms == 1_795_878_000_000
    assert spec.scheduled_end_ms - spec.kickoff_ms == 115 * 60 * 1_000


@pytest.mark.parametrize(
    ("moment", "expected_ms"),
    [
        pytest.param(dt.datetime(1970, 1, 1, tzinfo=dt.UTC), 0, id="epoch"),
        pytest.param(
            dt.datetime(2026, 11, 28, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            1_795_878_000_000,
            id="offset-zone-is-the-same-instant",
        ),
        pytest.param(
            dt.datetime(2026, 11, 28, 15, 0, 0, 999_999, tzinfo=dt.UTC),
            1_795_878_000_999,
            id="microseconds-truncate-to-ms",
        ),
    ],
)
def test_epoch_ms_is_integer_arithmetic(moment: dt.datetime, expected_ms: int) -> None:
    assert convert.epoch_ms(moment) == expected_ms


def test_client_order_prefix_is_short_stable_safe_and_distinct() -> None:
    ids = ["epl-ars-che-20261128-ars", "epl-ars-che-20261128-che", "epl-ars-che-20261128-tie"]

    prefixes = [convert.client_order_prefix(market_id) for market_id in ids]

    assert prefixes == [convert.client_order_prefix(market_id) for market_id in ids]
    assert len(set(prefixes)) == 3
    assert all(re.fullmatch(r"tl[0-9a-f]{8}", p) for p in prefixes)


def test_params_version_ignores_spelling_and_follows_values() -> None:
    same_a = _strategy({"prematch": {"poly_weight": "0.7"}}).version
    same_b = _strategy({"prematch": {"poly_weight": "0.70"}}).version
    other = _strategy({"prematch": {"poly_weight": "0.71"}}).version

    assert same_a == same_b
    assert same_a != other
    assert re.fullmatch(r"[0-9a-f]{12}", same_a)
