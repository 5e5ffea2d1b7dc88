"""Parameter layers resolve seed defaults < fleet defaults < market overrides, exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from touchline_bot.core import params as core_params
from touchline_bot.core import units
from touchline_operator import params


def test_seed_defaults_are_complete_and_exact() -> None:
    doc = params.seed_defaults().to_document()
    assert doc["prematch"]["polyWeight"] == "0.7"
    assert doc["inplay"]["halfSpreadBase"] == "0.06"
    assert doc["risk"]["maxPositionNotionalDollars"] == "25"
    assert doc["quoting"]["maxOrderContracts"] == 25
    for section in ("prematch", "inplay", "fair", "shock", "quoting", "risk", "timing", "flatten"):
        fields = type(getattr(params.seed_defaults(), section)).model_fields
        assert len(doc[section]) == len(fields), section


@pytest.mark.parametrize(
    ("fleet", "market", "expected_weight", "expected_drawdown"),
    [
        pytest.param({}, {}, Decimal("0.7"), Decimal(50), id="seed-defaults"),
        pytest.param({"prematch": {"polyWeight": "0.6"}}, {}, Decimal("0.6"), Decimal(50),
                     id="fleet-over-seed"),
        pytest.param({"prematch": {"polyWeight": "0.6"}}, {"prematch": {"polyWeight": "0.65"}},
                     Decimal("0.65"), Decimal(50), id="market-over-fleet"),
        pytest.param({"risk": {"maxDrawdownDollars": "40"}}, {"prematch": {"polyWeight": "0.5"}},
                     Decimal("0.5"), Decimal(40), id="layers-merge-per-field"),
    ],
)  # fmt: skip
def test_resolve_layers_later_wins_field_by_field(
    fleet: dict[str, Any],
    market: dict[str, Any],
    expected_weight: Decimal,
    expected_drawdown: Decimal,
) -> None:
    resolved = params.resolve(
        params.seed_defaults(),
        params.Overrides.model_validate(fleet),
        params.Overrides.model_validate(market),
    )
    assert resolved.prematch.poly_weight == expected_weight
    assert resolved.risk.max_drawdown_dollars == expected_drawdown
    assert resolved.inplay.poly_weight == Decimal("0.85")


@pytest.mark.parametrize(
    "override",
    [
        pytest.param({"prematch": {"polyWeight": "0.12345"}}, id="weight-finer-than-bps"),
        pytest.param({"prematch": {"halfSpreadBase": "0.00001"}}, id="price-off-grid"),
        pytest.param({"risk": {"maxDrawdownDollars": "-1"}}, id="negative-limit"),
        pytest.param({"timing": {"warmupMs": 0}}, id="zero-duration"),
        pytest.param({"fair": {"narrowSpreadMax": "0.06", "wideSpreadMin": "0.02"}},
                     id="narrow-above-wide"),
    ],
)  # fmt: skip
def test_out_of_range_override_is_refused(override: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        params.Overrides.model_validate(override)


def test_resolving_an_inconsistent_pair_across_layers_is_refused() -> None:
    fleet = params.Overrides.model_validate({"quoting": {"minPrice": "0.5"}})
    market = params.Overrides.model_validate({"quoting": {"maxPrice": "0.4"}})
    with pytest.raises(ValueError, match="minPrice must be below maxPrice"):
        params.resolve(params.seed_defaults(), fleet, market)


def test_checksum_ignores_key_order_and_sees_values() -> None:
    a = {"x": 1, "y": {"b": "2", "a": "1"}}
    b = {"y": {"a": "1", "b": "2"}, "x": 1}
    assert params.checksum(a) == params.checksum(b)
    assert params.checksum(a) != params.checksum({**a, "x": 2})


def test_seed_defaults_follow_a_changed_core_default() -> None:
    strategy = core_params.StrategyParams(
        risk=core_params.RiskParams(max_drawdown=units.Money(12_500_000))
    )
    assert params.seed_defaults(strategy).risk.max_drawdown_dollars == Decimal("12.5")
