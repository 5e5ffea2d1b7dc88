"""The seed's parameter defaults for Kalshi demo and for production, as a user would write them.

The demo values are the seed's (and equal the core's ``StrategyParams()`` defaults, which a test
checks). Production differs only where the seed gives live values: orders of $1 and 10 contracts,
$10 per market, $50 in total. The seed states the fill-rate and drawdown limits for demo only; for
real money we scale them like its other limits (x0.4): $8 per minute and a $20 drawdown.
"""

from __future__ import annotations

import copy
from typing import Any

from touchline_bot.config import errors, overrides
from touchline_bot.config import params as config_params

DEMO: dict[str, Any] = {
    "prematch": {
        "poly_weight": "0.70",
        "half_spread_base_dollars": "0.03",
        "stale_after_ms": 10_000,
        "poll_interval_ms": 2_000,
    },
    "inplay": {
        "poly_weight": "0.85",
        "half_spread_base_dollars": "0.06",
        "stale_after_ms": 3_000,
        "poll_interval_ms": 500,
    },
    "fair": {
        "narrow_spread_max_dollars": "0.02",
        "wide_spread_min_dollars": "0.06",
        "narrow_bonus": "0.05",
        "wide_penalty": "0.10",
        "min_depth_contracts": "10",
        "max_venue_divergence_dollars": "0.05",
    },
    "shock": {
        "ewma_alpha": "0.10",
        "threshold_sigmas": "3.0",
        "pause_ms": 10_000,
        "min_sigma_dollars": "0.005",
        "warmup_samples": 5,
        "alert_move_ticks": 5,
    },
    "quoting": {
        "adverse_selection_buffer_dollars": "0.01",
        "fee_mode": "formula",
        "conservative_fee_rate": "0.10",
        "max_order_notional_dollars": "3",
        "max_order_contracts": "25",
        "depth_fraction": "0.25",
        "min_order_contracts": "1",
        "inventory_skew_per_contract_dollars": "0.001",
        "inventory_size_taper": "0.50",
        "ladder_levels": 1,
        "ladder_step_dollars": "0.01",
        "refresh_tolerance_dollars": "0.01",
        "size_tolerance": "0.20",
        "min_price_dollars": "0.02",
        "max_price_dollars": "0.98",
    },
    "risk": {
        "max_position_notional_dollars": "25",
        "max_total_notional_dollars": "125",
        "fill_rate_max_notional_dollars": "20",
        "fill_rate_window_ms": 60_000,
        "fill_rate_pause_ms": 120_000,
        "max_drawdown_dollars": "50",
    },
    "timing": {
        "warmup_ms": 5_000,
        "stop_quoting_before_end_ms": 600_000,
        "resume_cooldown_ms": 1_000,
    },
    "flatten": {
        "enabled": False,
        "passive_timeout_ms": 30_000,
        "max_cross_loss_dollars": "0.03",
    },
}
"""The seed's demo values."""

LIVE_CHANGES: dict[str, Any] = {
    "quoting": {"max_order_notional_dollars": "1", "max_order_contracts": "10"},
    "risk": {
        "max_position_notional_dollars": "10",
        "max_total_notional_dollars": "50",
        "fill_rate_max_notional_dollars": "8",
        "max_drawdown_dollars": "20",
    },
}
"""Where production differs from demo."""


def document_for(env: str) -> dict[str, Any]:
    """A fresh, complete parameter document (plain dict) for ``env`` (``demo`` or ``prod``)."""
    if env == "demo":
        return copy.deepcopy(DEMO)
    if env == "prod":
        return overrides.deep_merge(DEMO, LIVE_CHANGES)
    raise errors.single("env", f"{env!r} is not one of 'demo', 'prod'")


def for_env(env: str) -> config_params.Params:
    """The validated default :class:`~.params.Params` for ``env`` (``demo`` or ``prod``)."""
    return config_params.Params.model_validate(document_for(env))
