"""Parameter layers resolve env defaults < fleet defaults < market overrides, exactly, with the
bot's own configuration models (so the bot can load what the operator writes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from touchline_bot.config import params as config_params
from touchline_operator import params


def _o(doc: dict[str, Any]) -> params.Overrides:
    return params.Overrides.model_validate(doc)


def test_override_fields_are_exactly_the_bot_configs_params() -> None:
    for name, field in config_params.Params.model_fields.items():
        theirs = set(field.annotation.model_fields)  # type: ignore[union-attr]
        mine = set(params.Overrides.model_fields[name].annotation.model_fields)  # type: ignore[union-attr]
        assert mine == theirs, name


@pytest.mark.parametrize(
    ("env", "fleet", "market", "weight", "drawdown"),
    [
        pytest.param("demo", {}, {}, Decimal("0.70"), Decimal(50), id="demo-defaults"),
        pytest.param("prod", {}, {}, Decimal("0.70"), Decimal(20), id="prod-defaults-are-stricter"),
        pytest.param("demo", {"prematch": {"polyWeight": "0.6"}}, {}, Decimal("0.6"), Decimal(50),
                     id="fleet-over-env"),
        pytest.param("demo", {"prematch": {"polyWeight": "0.6"}},
                     {"prematch": {"polyWeight": "0.65"}}, Decimal("0.65"), Decimal(50),
                     id="market-over-fleet"),
        pytest.param("demo", {"risk": {"maxDrawdownDollars": "40"}},
                     {"prematch": {"polyWeight": 0.5}}, Decimal("0.5"), Decimal(40),
                     id="layers-merge-per-field"),
    ],
)  # fmt: skip
def test_resolve_layers_later_wins_field_by_field(
    env: str, fleet: dict[str, Any], market: dict[str, Any], weight: Decimal, drawdown: Decimal
) -> None:
    resolved = params.resolve(env, _o(fleet), _o(market))
    assert resolved.prematch.poly_weight == weight
    assert resolved.risk.max_drawdown_dollars == drawdown


@pytest.mark.parametrize(
    "override",
    [
        pytest.param({"prematch": {"polyWeight": "0.12345"}}, id="weight-finer-than-bps"),
        pytest.param({"prematch": {"halfSpreadBaseDollars": "0.00001"}}, id="price-off-grid"),
        pytest.param({"risk": {"maxDrawdownDollars": "-1"}}, id="negative-limit"),
        pytest.param({"timing": {"warmupMs": 0}}, id="zero-duration"),
        pytest.param({"fair": {"narrowSpreadMaxDollars": "0.06", "wideSpreadMinDollars": "0.02"}},
                     id="narrow-above-wide"),
        pytest.param({"quoting": {"minPrice": "0.1"}}, id="name-without-unit"),
    ],
)  # fmt: skip
def test_out_of_range_override_is_refused(override: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        params.Overrides.model_validate(override)


def test_inconsistent_layers_are_refused_naming_the_field() -> None:
    fleet = _o({"quoting": {"minPriceDollars": "0.5"}})
    market = _o({"quoting": {"maxPriceDollars": "0.4"}})
    with pytest.raises(ValueError, match="min_price_dollars"):
        params.resolve("demo", fleet, market)


def test_version_ignores_spelling_and_sees_values() -> None:
    a = params.resolve("demo", _o({"prematch": {"polyWeight": "0.70"}}))
    b = params.resolve("demo", _o({"prematch": {"polyWeight": 0.7}}))
    c = params.resolve("demo", _o({"prematch": {"polyWeight": "0.71"}}))
    assert params.version(a) == params.version(b)
    assert params.version(a) != params.version(c)


def test_document_is_exact_and_snake_case() -> None:
    doc = params.document(params.resolve("prod", _o({"risk": {"maxDrawdownDollars": "15"}})))
    assert doc["risk"]["max_drawdown_dollars"] == "15"
    assert isinstance(doc["prematch"]["poly_weight"], str)


def test_checksum_ignores_key_order_and_sees_values() -> None:
    a = {"x": 1, "y": {"b": "2", "a": "1"}}
    b = {"y": {"a": "1", "b": "2"}, "x": 1}
    assert params.checksum(a) == params.checksum(b)
    assert params.checksum(a) != params.checksum({**a, "x": 2})
