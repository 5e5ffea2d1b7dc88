"""Strategy parameters in core units, frozen. The pydantic configuration
(``touchline_bot.config``) validates the user's YAML and converts it into these once.

Weights and fractions are integers in basis points (1/10,000); prices in :data:`units.Price`;
money in :data:`units.Money`; quantities in :data:`units.Qty`; durations in milliseconds.
Defaults are the seed's demo values.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from touchline_bot.core import units
from touchline_bot.core.types import MatchPhase

BPS = 10_000
"""Basis points in one whole: a weight of 0.70 is ``7_000`` bps."""


class FeeMode(StrEnum):
    """How the quoting fee buffer is computed."""

    FORMULA = "formula"
    """Kalshi's published formulas for the series (taker and maker)."""
    CONSERVATIVE = "conservative"
    """The seed's flat worst case: ``conservative_fee_rate_bps`` of the price."""


@dataclass(frozen=True, slots=True)
class PhaseParams:
    """What changes between PREMATCH and INPLAY."""

    poly_weight_bps: int = 7_000
    half_spread_base: units.Price = units.Price(300)
    stale_after_ms: int = 10_000
    poll_interval_ms: int = 2_000


PREMATCH_DEFAULTS = PhaseParams()
INPLAY_DEFAULTS = PhaseParams(
    poly_weight_bps=8_500,
    half_spread_base=units.Price(600),
    stale_after_ms=3_000,
    poll_interval_ms=500,
)


@dataclass(frozen=True, slots=True)
class FairPriceParams:
    """The seed's dynamic Polymarket weight adjustments."""

    narrow_spread_max: units.Price = units.Price(200)
    """Polymarket spread at or below this is 'narrow' (+``narrow_bonus_bps``)."""
    wide_spread_min: units.Price = units.Price(600)
    """Polymarket spread at or above this is 'wide' (-``wide_penalty_bps``)."""
    narrow_bonus_bps: int = 500
    wide_penalty_bps: int = 1_000
    min_depth_qty: units.Qty = units.Qty(1_000)
    """Below this size at Polymarket's touch (either side), the weight is scaled down
    proportionally (depth-aware weighting)."""
    max_venue_divergence: units.Price = units.Price(500)
    """Polymarket's mid further than this outside Kalshi's touch (others' orders) pauses
    quoting (``venues_diverge``): one venue is stale, and quoting between them is the trade an
    informed taker waits for."""


@dataclass(frozen=True, slots=True)
class ShockParams:
    """EWMA shock detection on fair-price changes."""

    ewma_alpha_bps: int = 1_000
    """Weight of the newest squared change in the variance EWMA."""
    threshold_milli: int = 3_000
    """Shock when |change| / ewma_sigma reaches this score (3.0 -> 3_000)."""
    pause_ms: int = 10_000
    min_sigma: units.Price = units.Price(50)
    """Floor on the EWMA standard deviation so that a quiet market does not flag noise."""
    warmup_samples: int = 5
    """Changes seen before a score can flag a shock."""
    variance_half_life_ms: int = 60_000
    """The EWMA variance halves over this much time without changes."""
    jump_window_ms: int = 3_000
    """Moves are also scored from the price this long ago (a jump in several steps)."""
    alert_move_ticks: int = 5
    """A move of this many ticks of the market's grid (in one change or over the jump window)
    is a shock however volatile the recent past: the sigma rule alone goes deaf after a goal.
    0 turns it off."""


@dataclass(frozen=True, slots=True)
class QuotingParams:
    """Spread, size and ladder rules."""

    adverse_selection_buffer: units.Price = units.Price(100)
    fee_mode: FeeMode = FeeMode.FORMULA
    conservative_fee_rate_bps: int = 1_000
    max_order_notional: units.Money = units.Money(3 * units.MONEY_SCALE)
    max_order_qty: units.Qty = units.Qty(25 * units.QTY_SCALE)
    depth_fraction_bps: int = 2_500
    min_order_qty: units.Qty = units.Qty(100)
    """Smaller quotes are not worth the fees and the rate budget."""
    inventory_skew_per_contract: units.Price = units.Price(10)
    """Price shift of both quotes per contract of position (long -> lower)."""
    inventory_size_taper_bps: int = 5_000
    """At the position limit, the side that adds exposure is shrunk by this fraction."""
    ladder_levels: int = 1
    ladder_step: units.Price = units.Price(100)
    refresh_tolerance: units.Price = units.Price(100)
    """A live order within this distance of its desired price is left alone."""
    size_tolerance_bps: int = 2_000
    """A resting order at a quote's price keeps its size while it is within this fraction of
    the size quoting asks for (and within the per-order caps): the depth-proportional size
    would otherwise be amended on every change of the touch's size."""
    min_price: units.Price = units.Price(200)
    max_price: units.Price = units.Price(9_800)


@dataclass(frozen=True, slots=True)
class RiskParams:
    """Per-market limits (the account-wide ones live in the global risk service)."""

    max_position_notional: units.Money = units.Money(25 * units.MONEY_SCALE)
    max_total_notional: units.Money = units.Money(125 * units.MONEY_SCALE)
    fill_rate_max_notional: units.Money = units.Money(20 * units.MONEY_SCALE)
    fill_rate_window_ms: int = 60_000
    fill_rate_pause_ms: int = 120_000
    max_drawdown: units.Money = units.Money(50 * units.MONEY_SCALE)


@dataclass(frozen=True, slots=True)
class TimingParams:
    """State-machine timing."""

    warmup_ms: int = 5_000
    stop_quoting_before_end_ms: int = 600_000
    resume_cooldown_ms: int = 1_000
    """Fresh data must persist this long before PAUSED returns to QUOTING."""


@dataclass(frozen=True, slots=True)
class FlattenParams:
    """Reducing a position: passive first, then crossing within a bounded loss."""

    enabled: bool = False
    passive_timeout_ms: int = 30_000
    max_cross_loss: units.Price = units.Price(300)
    """How far through fair a crossing flatten order may go, per contract."""


@dataclass(frozen=True, slots=True)
class StrategyParams:
    """Everything the core needs to decide, versioned for hot reload."""

    prematch: PhaseParams = PREMATCH_DEFAULTS
    inplay: PhaseParams = INPLAY_DEFAULTS
    fair: FairPriceParams = field(default_factory=FairPriceParams)
    shock: ShockParams = field(default_factory=ShockParams)
    quoting: QuotingParams = field(default_factory=QuotingParams)
    risk: RiskParams = field(default_factory=RiskParams)
    timing: TimingParams = field(default_factory=TimingParams)
    flatten: FlattenParams = field(default_factory=FlattenParams)
    version: str = "defaults"

    def for_phase(self, phase: MatchPhase) -> PhaseParams:
        """Per-phase parameters; STOP_QUOTING uses the in-play values for staleness."""
        return self.prematch if phase is MatchPhase.PREMATCH else self.inplay
