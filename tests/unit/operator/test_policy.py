"""What a SoccerMarket may name: the allowed Kalshi key Secrets and whether prod is allowed."""

from __future__ import annotations

import pytest

from tests.unit.operator import samples
from touchline_bot.config import params as config_params
from touchline_operator import fleet, models, params, policy


def _spec(**changes: object) -> models.SoccerMarketSpec:
    return models.parse_spec(samples.spec(**changes))


def test_the_default_allows_only_the_charts_secret_on_demo() -> None:
    policy.MarketPolicy().check(_spec())
    with pytest.raises(
        policy.NotAllowedError, match=r"'other' is not an allowed.*touchline-kalshi"
    ):
        policy.MarketPolicy().check(_spec(kalshi__keySecretName="other"))
    with pytest.raises(policy.NotAllowedError, match="prod is not allowed"):
        policy.MarketPolicy().check(_spec(kalshi__env="prod"))


def test_every_refused_field_is_named_at_once() -> None:
    with pytest.raises(policy.NotAllowedError, match=r"keySecretName.*; spec\.kalshi\.env"):
        policy.MarketPolicy().check(_spec(kalshi__keySecretName="other", kalshi__env="prod"))


def test_an_empty_allow_list_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        policy.MarketPolicy(allowed_key_secrets=frozenset())


def _resolved(**market: object) -> config_params.Params:
    overrides = params.Overrides.model_validate(market)
    return params.resolve("demo", params.Overrides(), overrides)


def test_the_seed_defaults_are_within_the_default_ceilings() -> None:
    policy.check_ceilings(params.resolve("demo"), fleet.Ceilings())
    policy.check_ceilings(params.resolve("prod"), fleet.Ceilings())


def test_limits_above_the_ceilings_are_refused_each_named() -> None:
    resolved = _resolved(
        quoting={"maxOrderContracts": 300},
        risk={"maxPositionNotionalDollars": "25", "maxTotalNotionalDollars": "100000"},
    )
    with pytest.raises(policy.NotAllowedError) as refused:
        policy.check_ceilings(resolved, fleet.Ceilings())
    message = str(refused.value)
    assert "risk.maxTotalNotionalDollars: 100000 is above the fleet's ceiling 125" in message
    assert "quoting.maxOrderContracts: 300 is above the fleet's ceiling 100" in message
    assert "maxPositionNotionalDollars" not in message


def test_the_crd_bounds_are_the_models_bounds() -> None:
    with pytest.raises(ValueError, match="less than 1000000"):
        params.Overrides.model_validate({"risk": {"maxDrawdownDollars": "1000000"}})
    with pytest.raises(ValueError, match="less than or equal to 10000"):
        params.Overrides.model_validate({"quoting": {"maxOrderContracts": 10_001}})
