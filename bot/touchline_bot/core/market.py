"""The static facts about one market that the core needs: its grid, its schedule, its fees.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from touchline_bot.core import units


class FeeType(StrEnum):
    """Kalshi series ``fee_type`` values."""

    QUADRATIC = "quadratic"
    QUADRATIC_WITH_MAKER_FEES = "quadratic_with_maker_fees"
    QUADRATIC_WITH_COMBO_MAKER_FEES = "quadratic_with_combo_maker_fees"
    FLAT = "flat"


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """A series' fee type and multiplier (an event override already applied).
    ``multiplier_bps`` is the series ``fee_multiplier`` in basis points (1.0 -> 10_000)."""

    fee_type: FeeType = FeeType.QUADRATIC
    multiplier_bps: int = 10_000


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """One Kalshi market as the core sees it."""

    market_id: str
    ticker: str
    kickoff_ms: int
    scheduled_end_ms: int
    grid: units.PriceGrid = field(default_factory=units.PriceGrid)
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    client_order_prefix: str = "tl"
    """Every client_order_id of this market starts with it (orphan cleanup on restart)."""
