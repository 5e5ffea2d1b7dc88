"""Strategy parameter overrides as the ``SoccerMarket`` spec and the fleet defaults spell them,
and how they resolve: the seed's defaults, then the fleet's defaults, then the market's overrides.

Every field is optional (an override); dollar amounts and prices are exact decimals, weights
and fractions are decimals in [0, 1] with at most 4 places (basis points). The resolved document
is what the operator writes into each market's ConfigMap and what the bot hot-reloads.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import pydantic
from pydantic import alias_generators

from touchline_bot.core import params as core_params
from touchline_bot.core import units

Weight = Annotated[Decimal, pydantic.Field(ge=0, le=1, decimal_places=4)]
"""A fraction in [0, 1], exact to one basis point."""
PriceDollars = Annotated[Decimal, pydantic.Field(ge=0, le=1, decimal_places=4)]
"""A price or price distance in dollars per contract, on the 1/10,000 $ grid."""
PositiveDollars = Annotated[Decimal, pydantic.Field(gt=0, decimal_places=6)]
"""A positive money limit in dollars, exact to the micro-dollar."""
PositiveMs = Annotated[int, pydantic.Field(ge=1, le=86_400_000)]
PositiveCount = Annotated[int, pydantic.Field(ge=1, le=1_000_000)]


class FeeMode(StrEnum):
    """How the quoting fee buffer is computed (mirrors the core's ``FeeMode``)."""

    FORMULA = "formula"
    CONSERVATIVE = "conservative"


class _Section(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=alias_generators.to_camel,
        populate_by_name=True,
    )


def _require_below(
    low: Decimal | None, high: Decimal | None, low_name: str, high_name: str
) -> None:
    if low is not None and high is not None and low >= high:
        raise ValueError(f"{low_name} must be below {high_name}")


class Phase(_Section):
    """What changes between PREMATCH and INPLAY."""

    poly_weight: Weight | None = None
    half_spread_base: PriceDollars | None = None
    stale_after_ms: PositiveMs | None = None
    poll_interval_ms: PositiveMs | None = None


class Fair(_Section):
    """Dynamic Polymarket weight adjustments."""

    narrow_spread_max: PriceDollars | None = None
    wide_spread_min: PriceDollars | None = None
    narrow_bonus: Weight | None = None
    wide_penalty: Weight | None = None
    min_depth_contracts: PositiveCount | None = None

    @pydantic.model_validator(mode="after")
    def _narrow_below_wide(self) -> Fair:
        _require_below(
            self.narrow_spread_max, self.wide_spread_min, "narrowSpreadMax", "wideSpreadMin"
        )
        return self


class Shock(_Section):
    """EWMA shock detection."""

    ewma_alpha: Weight | None = None
    threshold: Annotated[Decimal, pydantic.Field(gt=0, decimal_places=3)] | None = None
    pause_ms: PositiveMs | None = None
    min_sigma: PriceDollars | None = None
    warmup_samples: PositiveCount | None = None


class Quoting(_Section):
    """Spread, size and ladder rules."""

    adverse_selection_buffer: PriceDollars | None = None
    fee_mode: FeeMode | None = None
    conservative_fee_rate: Weight | None = None
    max_order_notional_dollars: PositiveDollars | None = None
    max_order_contracts: PositiveCount | None = None
    depth_fraction: Weight | None = None
    min_order_contracts: PositiveCount | None = None
    inventory_skew_per_contract: PriceDollars | None = None
    inventory_size_taper: Weight | None = None
    ladder_levels: Annotated[int, pydantic.Field(ge=1, le=10)] | None = None
    ladder_step: PriceDollars | None = None
    refresh_tolerance: PriceDollars | None = None
    min_price: PriceDollars | None = None
    max_price: PriceDollars | None = None

    @pydantic.model_validator(mode="after")
    def _min_below_max(self) -> Quoting:
        _require_below(self.min_price, self.max_price, "minPrice", "maxPrice")
        return self


class Risk(_Section):
    """Per-market limits."""

    max_position_notional_dollars: PositiveDollars | None = None
    max_total_notional_dollars: PositiveDollars | None = None
    fill_rate_max_notional_dollars: PositiveDollars | None = None
    fill_rate_window_ms: PositiveMs | None = None
    fill_rate_pause_ms: PositiveMs | None = None
    max_drawdown_dollars: PositiveDollars | None = None

    @pydantic.model_validator(mode="after")
    def _position_within_total(self) -> Risk:
        low, high = self.max_position_notional_dollars, self.max_total_notional_dollars
        if low is not None and high is not None and low > high:
            raise ValueError("maxPositionNotionalDollars must not exceed maxTotalNotionalDollars")
        return self


class Timing(_Section):
    """State-machine timing."""

    warmup_ms: PositiveMs | None = None
    stop_quoting_before_end_ms: PositiveMs | None = None
    resume_cooldown_ms: PositiveMs | None = None


class Flatten(_Section):
    """Position reduction."""

    enabled: bool | None = None
    passive_timeout_ms: PositiveMs | None = None
    max_cross_loss: PriceDollars | None = None


class Overrides(_Section):
    """A partial parameter set: any field left out keeps the value from the layer below."""

    prematch: Phase = Phase()
    inplay: Phase = Phase()
    fair: Fair = Fair()
    shock: Shock = Shock()
    quoting: Quoting = Quoting()
    risk: Risk = Risk()
    timing: Timing = Timing()
    flatten: Flatten = Flatten()

    def to_document(self) -> dict[str, Any]:
        """The JSON form (camelCase keys, decimals as strings), without unset fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _phase(p: core_params.PhaseParams) -> Phase:
    return Phase(
        poly_weight=_bps(p.poly_weight_bps),
        half_spread_base=_price(p.half_spread_base),
        stale_after_ms=p.stale_after_ms,
        poll_interval_ms=p.poll_interval_ms,
    )


def _bps(bps: int) -> Decimal:
    return Decimal(bps) / Decimal(core_params.BPS)


def _price(price: int) -> Decimal:
    return units.dollars_to_decimal(price, units.PRICE_SCALE)


def _money(money: int) -> Decimal:
    return units.dollars_to_decimal(money, units.MONEY_SCALE)


def _contracts(qty: int) -> int:
    return qty // units.QTY_SCALE


def seed_defaults(strategy: core_params.StrategyParams | None = None) -> Overrides:
    """The complete parameter set of the core's defaults (the seed's demo values)."""
    s = strategy or core_params.StrategyParams()
    q, r = s.quoting, s.risk
    return Overrides(
        prematch=_phase(s.prematch),
        inplay=_phase(s.inplay),
        fair=Fair(
            narrow_spread_max=_price(s.fair.narrow_spread_max),
            wide_spread_min=_price(s.fair.wide_spread_min),
            narrow_bonus=_bps(s.fair.narrow_bonus_bps),
            wide_penalty=_bps(s.fair.wide_penalty_bps),
            min_depth_contracts=_contracts(s.fair.min_depth_qty),
        ),
        shock=Shock(
            ewma_alpha=_bps(s.shock.ewma_alpha_bps),
            threshold=Decimal(s.shock.threshold_milli) / 1000,
            pause_ms=s.shock.pause_ms,
            min_sigma=_price(s.shock.min_sigma),
            warmup_samples=s.shock.warmup_samples,
        ),
        quoting=Quoting(
            adverse_selection_buffer=_price(q.adverse_selection_buffer),
            fee_mode=FeeMode(q.fee_mode.value),
            conservative_fee_rate=_bps(q.conservative_fee_rate_bps),
            max_order_notional_dollars=_money(q.max_order_notional),
            max_order_contracts=_contracts(q.max_order_qty),
            depth_fraction=_bps(q.depth_fraction_bps),
            min_order_contracts=_contracts(q.min_order_qty),
            inventory_skew_per_contract=_price(q.inventory_skew_per_contract),
            inventory_size_taper=_bps(q.inventory_size_taper_bps),
            ladder_levels=q.ladder_levels,
            ladder_step=_price(q.ladder_step),
            refresh_tolerance=_price(q.refresh_tolerance),
            min_price=_price(q.min_price),
            max_price=_price(q.max_price),
        ),
        risk=Risk(
            max_position_notional_dollars=_money(r.max_position_notional),
            max_total_notional_dollars=_money(r.max_total_notional),
            fill_rate_max_notional_dollars=_money(r.fill_rate_max_notional),
            fill_rate_window_ms=r.fill_rate_window_ms,
            fill_rate_pause_ms=r.fill_rate_pause_ms,
            max_drawdown_dollars=_money(r.max_drawdown),
        ),
        timing=Timing(
            warmup_ms=s.timing.warmup_ms,
            stop_quoting_before_end_ms=s.timing.stop_quoting_before_end_ms,
            resume_cooldown_ms=s.timing.resume_cooldown_ms,
        ),
        flatten=Flatten(
            enabled=s.flatten.enabled,
            passive_timeout_ms=s.flatten.passive_timeout_ms,
            max_cross_loss=_price(s.flatten.max_cross_loss),
        ),
    )


def resolve(*layers: Overrides) -> Overrides:
    """Merge layers field by field, later layers winning; the result is validated again."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for section, values in layer.to_document().items():
            merged.setdefault(section, {}).update(values)
    return Overrides.model_validate(merged)


def checksum(document: dict[str, Any]) -> str:
    """A short, stable version of a JSON document (key order does not matter)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
