"""The ``params`` section: every strategy parameter, with its unit in its name, validated.

A :class:`Params` is complete: defaults for the market's environment (:mod:`.defaults`) with
the file's and the operator's overrides merged on top (:mod:`.overrides`). Dollar amounts and
prices are exact ``Decimal`` dollars, fractions are ``Decimal`` in [0, 1] exact to a basis
point, durations are whole milliseconds. :mod:`.convert` turns it into the core's integers.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

import pydantic

from touchline_bot.config import fields


class _Section(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class FeeMode(StrEnum):
    """How the fee buffer in the half-spread is computed."""

    FORMULA = "formula"
    """Kalshi's published fee formula for the series (taker and maker)."""
    CONSERVATIVE = "conservative"
    """The seed's flat worst case: ``conservative_fee_rate`` of the price."""


class Phase(_Section):
    """What changes between PREMATCH and INPLAY."""

    poly_weight: fields.Fraction
    """Base weight of Polymarket's price in the fair price (the rest is Kalshi's microprice)."""
    half_spread_base_dollars: fields.PriceDollars
    """Base half-spread per contract before the adverse-selection and fee buffers."""
    stale_after_ms: fields.PositiveMs
    """A venue's data older than this is stale: its weight drops to 0 and quoting pauses."""
    poll_interval_ms: fields.PositiveMs
    """How often Polymarket's book is polled."""


class Fair(_Section):
    """Dynamic Polymarket weight adjustments."""

    narrow_spread_max_dollars: fields.PriceDollars
    """A Polymarket spread at or below this is narrow: the weight gains ``narrow_bonus``."""
    wide_spread_min_dollars: fields.PriceDollars
    """A Polymarket spread at or above this is wide: the weight loses ``wide_penalty``."""
    narrow_bonus: fields.Fraction
    """Weight added when Polymarket's spread is narrow (seed: +0.05)."""
    wide_penalty: fields.Fraction
    """Weight removed when Polymarket's spread is wide (seed: -0.10)."""
    min_depth_contracts: fields.PositiveContracts
    """Below this size at Polymarket's touch the weight is scaled down proportionally."""
    max_venue_divergence_dollars: fields.PriceDollars
    """Polymarket's mid further than this outside Kalshi's touch (best bid to best ask, others'
    orders) pauses quoting (``venues_diverge``); 1.00 turns the guard off."""

    @pydantic.model_validator(mode="after")
    def _narrow_below_wide(self) -> Self:
        if self.narrow_spread_max_dollars >= self.wide_spread_min_dollars:
            raise ValueError(
                f"narrow_spread_max_dollars {self.narrow_spread_max_dollars} must be below "
                f"wide_spread_min_dollars {self.wide_spread_min_dollars}"
            )
        return self


class Shock(_Section):
    """EWMA shock detection on fair-price changes."""

    ewma_alpha: fields.PositiveFraction
    """Weight of the newest squared change in the variance EWMA."""
    threshold_sigmas: fields.Sigmas
    """A change of this many EWMA standard deviations is a shock (seed: 3.0)."""
    pause_ms: fields.PositiveMs
    """How long quoting pauses after a shock (seed: 10 s)."""
    min_sigma_dollars: fields.PriceDollars
    """Floor on the EWMA standard deviation, so a quiet market does not flag noise."""
    warmup_samples: fields.SampleCount
    """Changes observed before a score may flag a shock."""
    alert_move_ticks: fields.SampleCount
    """A fair-price move of this many ticks of the market's grid (in one change or within 3 s)
    is a shock however volatile the recent past (the sigma rule goes deaf after a goal)."""


class Quoting(_Section):
    """Spread, size and ladder rules."""

    adverse_selection_buffer_dollars: fields.PriceDollars
    """Added to the half-spread per contract against informed flow."""
    fee_mode: FeeMode
    """``formula`` (Kalshi's series fee formula) or ``conservative`` (a flat rate)."""
    conservative_fee_rate: fields.Fraction
    """Fee as a fraction of the price in ``conservative`` mode (seed: 0.10)."""
    max_order_notional_dollars: fields.PositiveDollars
    """Largest cost of one order (seed: $3 demo, $1 live)."""
    max_order_contracts: fields.PositiveContracts
    """Largest size of one order (seed: 25 demo, 10 live)."""
    depth_fraction: fields.PositiveFraction
    """Largest order as a fraction of the visible depth at the touch (seed: 0.25)."""
    min_order_contracts: fields.PositiveContracts
    """Smaller quotes are not worth the fees and the rate budget, so none is placed."""
    inventory_skew_per_contract_dollars: fields.PriceDollars
    """Both quotes move by this per contract of position (long -> lower)."""
    inventory_size_taper: fields.Fraction
    """At the position limit, the side that adds exposure shrinks by this fraction."""
    ladder_levels: fields.LadderLevels
    """Orders per side (1 = a single quote)."""
    ladder_step_dollars: fields.PriceDollars
    """Distance between ladder levels."""
    refresh_tolerance_dollars: fields.PriceDollars
    """A live order within this distance of its desired price is left alone (no churn)."""
    size_tolerance: fields.Fraction
    """A resting order keeps its size while within this fraction of the desired size."""
    min_price_dollars: fields.PriceDollars
    """Never quote below this price."""
    max_price_dollars: fields.PriceDollars
    """Never quote above this price."""

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> Self:
        if not Decimal(0) < self.min_price_dollars < self.max_price_dollars < Decimal(1):
            raise ValueError(
                f"min_price_dollars {self.min_price_dollars} and max_price_dollars "
                f"{self.max_price_dollars} must satisfy 0 < min < max < 1"
            )
        if self.min_order_contracts > self.max_order_contracts:
            raise ValueError(
                f"min_order_contracts {self.min_order_contracts} exceeds "
                f"max_order_contracts {self.max_order_contracts}"
            )
        return self


class Risk(_Section):
    """Per-market limits (account-wide limits live in the global risk service)."""

    max_position_notional_dollars: fields.PositiveDollars
    """Largest worst-case exposure in this market (seed: $25 demo, $10 live)."""
    max_total_notional_dollars: fields.PositiveDollars
    """Largest exposure across all markets (seed: $125 demo, $50 live)."""
    fill_rate_max_notional_dollars: fields.PositiveDollars
    """Filled notional per window above which quoting pauses (seed: $20 per minute)."""
    fill_rate_window_ms: fields.PositiveMs
    """The fill-rate window (seed: one minute)."""
    fill_rate_pause_ms: fields.PositiveMs
    """How long quoting pauses after the fill rate is exceeded (seed: 120 s)."""
    max_drawdown_dollars: fields.PositiveDollars
    """Loss from the high-water mark that stops trading (seed: $50 demo)."""

    @pydantic.model_validator(mode="after")
    def _position_within_total(self) -> Self:
        if self.max_position_notional_dollars > self.max_total_notional_dollars:
            raise ValueError(
                f"max_position_notional_dollars {self.max_position_notional_dollars} exceeds "
                f"max_total_notional_dollars {self.max_total_notional_dollars}"
            )
        return self


class Timing(_Section):
    """State-machine timing."""

    warmup_ms: fields.NonNegativeMs
    """Fresh data from both venues must persist this long before the first quote (seed: 5 s)."""
    stop_quoting_before_end_ms: fields.PositiveMs
    """Quoting stops this long before the scheduled end (seed: 10 minutes)."""
    resume_cooldown_ms: fields.NonNegativeMs
    """Fresh data must persist this long before PAUSED returns to QUOTING."""


class Flatten(_Section):
    """Reducing a position: passive first, then crossing within a bounded loss."""

    enabled: Annotated[bool, pydantic.Field(strict=True)]
    """Flatten the position at STOP_QUOTING (otherwise it is held to settlement)."""
    passive_timeout_ms: fields.PositiveMs
    """How long a passive flatten order rests before crossing."""
    max_cross_loss_dollars: fields.PriceDollars
    """How far through fair a crossing flatten order may go, per contract."""


class Params(_Section):
    """Every strategy parameter of one market, resolved (no field is optional)."""

    prematch: Phase
    """Values before kickoff."""
    inplay: Phase
    """Values from kickoff until quoting stops."""
    fair: Fair
    """Fair-price weighting."""
    shock: Shock
    """Shock detection."""
    quoting: Quoting
    """Spreads, sizes, ladder."""
    risk: Risk
    """Per-market limits."""
    timing: Timing
    """State-machine timing."""
    flatten: Flatten
    """Position flattening."""
