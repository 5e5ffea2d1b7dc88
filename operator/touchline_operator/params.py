"""Strategy parameter overrides as the ``SoccerMarket`` spec and the fleet defaults spell them,
and how they resolve: the environment's defaults (demo and prod differ), then the fleet's
defaults, then the market's overrides, validated by the bot's own configuration models.

Every field is optional (an override) and named as in the bot config's ``params`` (camelCase
here); dollar amounts and prices are exact decimals, weights and fractions are decimals in
[0, 1] with at most 4 places. The resolved document is what the operator writes into each
market's ConfigMap and what the bot hot-reloads.
"""

from __future__ import annotations

import functools
import hashlib
import json
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import pydantic
from pydantic import alias_generators

from touchline_bot import config
from touchline_bot.config import overrides as config_overrides
from touchline_bot.config import params as config_params

Weight = Annotated[Decimal, pydantic.Field(ge=0, le=1, decimal_places=4)]
"""A fraction in [0, 1], exact to one basis point."""
PriceDollars = Annotated[Decimal, pydantic.Field(ge=0, le=1, decimal_places=4)]
"""A price or price distance in dollars per contract, on the 1/10,000 $ grid."""
PositiveDollars = Annotated[Decimal, pydantic.Field(gt=0, lt=1_000_000, decimal_places=6)]
"""A positive money limit in dollars below $1,000,000 (as the CRD), exact to the micro-dollar;
the fleet's ceilings bound it further."""
PositiveMs = Annotated[int, pydantic.Field(ge=1, le=86_400_000)]
PositiveCount = Annotated[int, pydantic.Field(ge=1, le=1_000_000)]
OrderContracts = Annotated[int, pydantic.Field(ge=1, le=10_000)]
"""Contracts per order (as the CRD); the fleet's ceilings bound it further."""


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
    half_spread_base_dollars: PriceDollars | None = None
    stale_after_ms: PositiveMs | None = None
    poll_interval_ms: PositiveMs | None = None


class Fair(_Section):
    """Dynamic Polymarket weight adjustments."""

    narrow_spread_max_dollars: PriceDollars | None = None
    wide_spread_min_dollars: PriceDollars | None = None
    narrow_bonus: Weight | None = None
    wide_penalty: Weight | None = None
    min_depth_contracts: PositiveCount | None = None
    max_venue_divergence_dollars: PriceDollars | None = None

    @pydantic.model_validator(mode="after")
    def _narrow_below_wide(self) -> Fair:
        _require_below(
            self.narrow_spread_max_dollars,
            self.wide_spread_min_dollars,
            "narrowSpreadMaxDollars",
            "wideSpreadMinDollars",
        )
        return self


class Shock(_Section):
    """EWMA shock detection."""

    ewma_alpha: Weight | None = None
    threshold_sigmas: Annotated[Decimal, pydantic.Field(gt=0, decimal_places=3)] | None = None
    pause_ms: PositiveMs | None = None
    min_sigma_dollars: PriceDollars | None = None
    warmup_samples: PositiveCount | None = None
    alert_move_ticks: PositiveCount | None = None


class Quoting(_Section):
    """Spread, size and ladder rules."""

    adverse_selection_buffer_dollars: PriceDollars | None = None
    fee_mode: FeeMode | None = None
    conservative_fee_rate: Weight | None = None
    max_order_notional_dollars: PositiveDollars | None = None
    max_order_contracts: OrderContracts | None = None
    depth_fraction: Weight | None = None
    min_order_contracts: OrderContracts | None = None
    inventory_skew_per_contract_dollars: PriceDollars | None = None
    inventory_size_taper: Weight | None = None
    ladder_levels: Annotated[int, pydantic.Field(ge=1, le=10)] | None = None
    ladder_step_dollars: PriceDollars | None = None
    refresh_tolerance_dollars: PriceDollars | None = None
    size_tolerance: Weight | None = None
    min_price_dollars: PriceDollars | None = None
    max_price_dollars: PriceDollars | None = None

    @pydantic.model_validator(mode="after")
    def _min_below_max(self) -> Quoting:
        _require_below(
            self.min_price_dollars, self.max_price_dollars, "minPriceDollars", "maxPriceDollars"
        )
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
    max_cross_loss_dollars: PriceDollars | None = None


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


@functools.lru_cache(maxsize=4096)
def resolve(env: str, *layers: Overrides) -> config_params.Params:
    """The environment's defaults (``touchline_bot.config``: demo and prod differ), then each
    layer field by field; validated exactly as the bot validates its file.

    Raises ``ValueError`` (the bot config's ``ConfigError``) naming the offending field. Cached:
    the inputs and the result are frozen, and a reconcile asks several times.
    """
    resolved = config.merge_overrides(env, {}, where="defaults")
    for index, layer in enumerate(layers):
        resolved = config.merge_overrides(resolved, layer.to_document(), where=f"layer{index}")
    return resolved


def document(resolved: config_params.Params) -> dict[str, Any]:
    """The resolved parameters as the bot reads them (the YAML ``params`` shape, snake_case)."""
    return resolved.model_dump(mode="json")


def version(resolved: config_params.Params) -> str:
    """The version the bot reports after loading these parameters (``paramsVersion``)."""
    return config_overrides.version(resolved)


def checksum(document: dict[str, Any]) -> str:
    """A short, stable version of a JSON document (key order does not matter)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
