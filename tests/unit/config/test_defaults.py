"""Demo and production defaults are the seed's, and an explicit value overrides both."""

from __future__ import annotations

import pydantic
import pytest

from tests.unit.config import valid
from touchline_bot import config
from touchline_bot.config import convert, defaults, document
from touchline_bot.config import market as config_market
from touchline_bot.config import params as config_params
from touchline_bot.core import params as core_params
from touchline_bot.core import units


def _strategy(env: str, params: dict[str, object] | None = None) -> core_params.StrategyParams:
    doc = valid.document(
        valid.market(kalshi={"env": env, "ticker": "KXEPLGAME-26NOV28ARSCHE-ARS"}), params=params
    )
    return config.load_text(valid.as_yaml(doc)).markets[0].strategy


@pytest.mark.parametrize(
    ("field", "demo", "prod"),
    [
        pytest.param(
            lambda s: s.quoting.max_order_notional,
            units.Money(3_000_000),
            units.Money(1_000_000),
            id="order-notional-3-vs-1-dollars",
        ),
        pytest.param(
            lambda s: s.quoting.max_order_qty,
            units.Qty(2_500),
            units.Qty(1_000),
            id="order-size-25-vs-10-contracts",
        ),
        pytest.param(
            lambda s: s.risk.max_position_notional,
            units.Money(25_000_000),
            units.Money(10_000_000),
            id="position-25-vs-10-dollars",
        ),
        pytest.param(
            lambda s: s.risk.max_total_notional,
            units.Money(125_000_000),
            units.Money(50_000_000),
            id="total-125-vs-50-dollars",
        ),
        pytest.param(
            lambda s: s.risk.fill_rate_max_notional,
            units.Money(20_000_000),
            units.Money(8_000_000),
            id="fill-rate-20-vs-8-dollars-per-minute",
        ),
        pytest.param(
            lambda s: s.risk.max_drawdown,
            units.Money(50_000_000),
            units.Money(20_000_000),
            id="drawdown-50-vs-20-dollars",
        ),
        pytest.param(lambda s: s.prematch.poly_weight_bps, 7_000, 7_000, id="prematch-weight"),
        pytest.param(lambda s: s.inplay.poly_weight_bps, 8_500, 8_500, id="inplay-weight"),
        pytest.param(lambda s: s.risk.fill_rate_pause_ms, 120_000, 120_000, id="fill-pause"),
    ],
)
def test_env_selects_the_seed_defaults(field: object, demo: int, prod: int) -> None:
    assert callable(field)
    assert field(_strategy("demo")) == demo
    assert field(_strategy("prod")) == prod


def test_demo_defaults_equal_the_core_defaults() -> None:
    demo = convert.strategy_params(defaults.for_env("demo"), "defaults")

    assert demo == core_params.StrategyParams()


@pytest.mark.parametrize("env", ["demo", "prod"])
def test_explicit_params_override_the_env_defaults(env: str) -> None:
    strategy = _strategy(env, params={"risk": {"max_position_notional_dollars": "7.5"}})

    assert strategy.risk.max_position_notional == units.Money(7_500_000)


def test_market_params_override_the_shared_params() -> None:
    entry = valid.market(params={"quoting": {"max_order_notional_dollars": "0.5"}})
    doc = valid.document(entry, params={"quoting": {"max_order_notional_dollars": "2"}})

    strategy = config.load_text(valid.as_yaml(doc)).markets[0].strategy

    assert strategy.quoting.max_order_notional == units.Money(500_000)


def test_unknown_env_name_for_defaults_is_refused() -> None:
    with pytest.raises(config.ConfigError, match="'staging' is not one of 'demo', 'prod'"):
        defaults.for_env("staging")


@pytest.mark.parametrize(
    "model",
    [
        config_params.Params,
        *(f.annotation for f in config_params.Params.model_fields.values()),
        config_market.Market,
        config_market.Kalshi,
        config_market.Polymarket,
        config_market.SettlementEquivalence,
        document.Document,
    ],
    ids=lambda m: getattr(m, "__name__", str(m)),
)
def test_every_configuration_field_has_a_description(model: type[pydantic.BaseModel]) -> None:
    undocumented = [name for name, info in model.model_fields.items() if not info.description]

    assert undocumented == []
