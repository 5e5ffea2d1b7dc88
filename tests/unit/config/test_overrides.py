"""Overrides (as the operator's SoccerMarket provides them) merge onto defaults and are
validated like the file; Python floats are refused for decimal fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from touchline_bot import config
from touchline_bot.config import defaults, overrides


def test_camel_case_overrides_merge_onto_env_defaults() -> None:
    merged = config.merge_overrides(
        "prod", {"risk": {"maxDrawdownDollars": "15"}, "inplay": {"pollIntervalMs": 250}}
    )

    assert merged.risk.max_drawdown_dollars == Decimal(15)
    assert merged.inplay.poll_interval_ms == 250
    assert merged.risk.max_total_notional_dollars == Decimal(50)  # untouched prod default


def test_empty_overrides_leave_params_unchanged() -> None:
    base = config.merge_overrides("demo", None)

    assert config.merge_overrides(base, {}) == base
    assert overrides.version(config.merge_overrides(base, {})) == overrides.version(base)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"risk": {"maxDrawdownDollars": 50.5}},
            "spec.overrides.risk.max_drawdown_dollars: 50.5 is a binary float",
            id="float-money-refused",
        ),
        pytest.param(
            {"prematch": {"poly_weight": 0.7}},
            "spec.overrides.prematch.poly_weight: 0.7 is a binary float",
            id="float-weight-refused",
        ),
        pytest.param(
            {"prematch": {"poly_weight": True}},
            "spec.overrides.prematch.poly_weight: True is not a number",
            id="boolean-weight-refused",
        ),
        pytest.param(
            {"risk": {"maxPositionNotionalDollars": "0"}},
            "spec.overrides.risk.max_position_notional_dollars: 0 is not within (0, ∞)",
            id="zero-limit-refused",
        ),
        pytest.param(
            {"risk": {"fillRatePauseMs": 1.5}},
            "spec.overrides.risk.fill_rate_pause_ms: 1.5 is invalid",
            id="float-duration-refused",
        ),
        pytest.param(
            {"bogus": {}},
            "spec.overrides.bogus: unknown field",
            id="unknown-section-refused",
        ),
        pytest.param(
            ["risk"],
            "spec.overrides: ['risk'] is invalid: expected a mapping",
            id="not-a-mapping",
        ),
    ],
)
def test_bad_overrides_are_refused_under_their_location(changes: Any, expected: str) -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.merge_overrides("demo", changes, where="spec.overrides")

    assert expected in str(caught.value), str(caught.value)


def test_deep_merge_does_not_mutate_its_inputs() -> None:
    base = {"risk": {"a": 1, "b": 2}}
    changes = {"risk": {"b": 3}}

    merged = overrides.deep_merge(base, changes)

    assert merged == {"risk": {"a": 1, "b": 3}}
    assert base == {"risk": {"a": 1, "b": 2}}
    merged["risk"]["a"] = 9
    assert base["risk"]["a"] == 1


@pytest.mark.parametrize("text", ["\u0661\u0662", "\uff11\uff12", "1\u0663"])
def test_unicode_digits_are_not_a_decimal_parameter(text: str) -> None:
    with pytest.raises(config.ConfigError, match="ASCII"):
        overrides.merge(defaults.for_env("demo"), {"risk": {"max_drawdown_dollars": text}})
