"""Conversion, once, from validated configuration into the core's frozen integer dataclasses.

Fractions become basis points, dollar prices :data:`units.Price`, dollar amounts
:data:`units.Money`, contracts :data:`units.Qty`, times epoch milliseconds. Validation already
guaranteed the precision, so every conversion here is exact (``units`` raises otherwise).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from touchline_bot.config import market as config_market
from touchline_bot.config import params as config_params
from touchline_bot.core import market as core_market
from touchline_bot.core import params as core_params
from touchline_bot.core import units

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_MS = dt.timedelta(milliseconds=1)
CLIENT_ORDER_PREFIX_HEX_CHARS = 8


def scaled(value: Decimal, scale: int) -> int:
    """``value * scale`` as an int, refusing to round (validation guaranteed the precision)."""
    result = value * scale
    if result != result.to_integral_value():
        raise ValueError(f"{value} is not a whole number of 1/{scale}")
    return int(result)


def bps(fraction: Decimal) -> int:
    """``Decimal("0.70")`` -> ``7000`` (exact: fractions carry at most 4 decimals)."""
    return scaled(fraction, core_params.BPS)


def qty(contracts: Decimal) -> units.Qty:
    """``Decimal("25")`` -> ``Qty(2500)``."""
    return units.parse_count(str(contracts))


def epoch_ms(moment: dt.datetime) -> int:
    """An aware datetime as integer milliseconds since the Unix epoch (no float on the way)."""
    return (moment - _EPOCH) // _ONE_MS


def client_order_prefix(market_id: str) -> str:
    """``tl`` + 8 hex characters of SHA-256(market id): short, stable, and safe in Kalshi's
    ``client_order_id``. Fixed length, so no market's prefix is a prefix of another's."""
    digest = hashlib.sha256(market_id.encode("utf-8")).hexdigest()
    return f"tl{digest[:CLIENT_ORDER_PREFIX_HEX_CHARS]}"


def _phase(p: config_params.Phase) -> core_params.PhaseParams:
    return core_params.PhaseParams(
        poly_weight_bps=bps(p.poly_weight),
        half_spread_base=units.price_from_fraction(p.half_spread_base_dollars),
        stale_after_ms=p.stale_after_ms,
        poll_interval_ms=p.poll_interval_ms,
    )


def _fair(f: config_params.Fair) -> core_params.FairPriceParams:
    return core_params.FairPriceParams(
        narrow_spread_max=units.price_from_fraction(f.narrow_spread_max_dollars),
        wide_spread_min=units.price_from_fraction(f.wide_spread_min_dollars),
        narrow_bonus_bps=bps(f.narrow_bonus),
        wide_penalty_bps=bps(f.wide_penalty),
        min_depth_qty=qty(f.min_depth_contracts),
        max_venue_divergence=units.price_from_fraction(f.max_venue_divergence_dollars),
    )


def _shock(s: config_params.Shock) -> core_params.ShockParams:
    return core_params.ShockParams(
        ewma_alpha_bps=bps(s.ewma_alpha),
        threshold_milli=scaled(s.threshold_sigmas, 1000),
        pause_ms=s.pause_ms,
        min_sigma=units.price_from_fraction(s.min_sigma_dollars),
        warmup_samples=s.warmup_samples,
        alert_move_ticks=s.alert_move_ticks,
    )


def _quoting(q: config_params.Quoting) -> core_params.QuotingParams:
    return core_params.QuotingParams(
        adverse_selection_buffer=units.price_from_fraction(q.adverse_selection_buffer_dollars),
        fee_mode=core_params.FeeMode(q.fee_mode.value),
        conservative_fee_rate_bps=bps(q.conservative_fee_rate),
        max_order_notional=units.money_from_dollars(q.max_order_notional_dollars),
        max_order_qty=qty(q.max_order_contracts),
        depth_fraction_bps=bps(q.depth_fraction),
        min_order_qty=qty(q.min_order_contracts),
        inventory_skew_per_contract=units.price_from_fraction(
            q.inventory_skew_per_contract_dollars
        ),
        inventory_size_taper_bps=bps(q.inventory_size_taper),
        ladder_levels=q.ladder_levels,
        ladder_step=units.price_from_fraction(q.ladder_step_dollars),
        refresh_tolerance=units.price_from_fraction(q.refresh_tolerance_dollars),
        size_tolerance_bps=bps(q.size_tolerance),
        min_price=units.price_from_fraction(q.min_price_dollars),
        max_price=units.price_from_fraction(q.max_price_dollars),
    )


def _risk(r: config_params.Risk) -> core_params.RiskParams:
    return core_params.RiskParams(
        max_position_notional=units.money_from_dollars(r.max_position_notional_dollars),
        max_total_notional=units.money_from_dollars(r.max_total_notional_dollars),
        fill_rate_max_notional=units.money_from_dollars(r.fill_rate_max_notional_dollars),
        fill_rate_window_ms=r.fill_rate_window_ms,
        fill_rate_pause_ms=r.fill_rate_pause_ms,
        max_drawdown=units.money_from_dollars(r.max_drawdown_dollars),
    )


def strategy_params(p: config_params.Params, version: str) -> core_params.StrategyParams:
    """The core's :class:`~touchline_bot.core.params.StrategyParams`, tagged with ``version``."""
    return core_params.StrategyParams(
        prematch=_phase(p.prematch),
        inplay=_phase(p.inplay),
        fair=_fair(p.fair),
        shock=_shock(p.shock),
        quoting=_quoting(p.quoting),
        risk=_risk(p.risk),
        timing=core_params.TimingParams(
            warmup_ms=p.timing.warmup_ms,
            stop_quoting_before_end_ms=p.timing.stop_quoting_before_end_ms,
            resume_cooldown_ms=p.timing.resume_cooldown_ms,
        ),
        flatten=core_params.FlattenParams(
            enabled=p.flatten.enabled,
            passive_timeout_ms=p.flatten.passive_timeout_ms,
            max_cross_loss=units.price_from_fraction(p.flatten.max_cross_loss_dollars),
        ),
        version=version,
    )


def market_spec(m: config_market.Market) -> core_market.MarketSpec:
    """The core's :class:`~touchline_bot.core.market.MarketSpec`. The price grid and the fee
    schedule keep their defaults (whole cents, quadratic): the engine learns the real ones from
    Kalshi's market and series at start-up."""
    return core_market.MarketSpec(
        market_id=m.id,
        ticker=m.kalshi.ticker,
        kickoff_ms=epoch_ms(m.start_time_utc),
        scheduled_end_ms=epoch_ms(m.scheduled_end_time_utc),
        client_order_prefix=client_order_prefix(m.id),
    )
