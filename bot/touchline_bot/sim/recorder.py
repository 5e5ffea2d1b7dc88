"""Records what happened in a demo or scenario run, and measures trading quality from it.

Samples (fair price, both venues' mids, our quotes, position, PnL, exposure) are taken on a
fixed match-clock grid; fills are recorded as they happen. From these the result computes
spread capture (edge at the moment of the fill against the true fair price), fees, markouts at
30 s and 5 min (the true fair price later, against the fill price), time quoting and time paused
by reason. All money stays integer until the report formats it.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from touchline_bot.core import units
from touchline_bot.core.types import Side

MARKOUT_HORIZONS_SECS = (30, 300)


@dataclass(frozen=True, slots=True)
class Sample:
    """One market at one instant of match clock."""

    ts_ms: int
    fair: int | None
    true_fair: int
    poly_mid: int | None
    kalshi_mid: int | None
    bid: int | None
    ask: int | None
    position_qty: int
    pnl: int
    exposure: int
    exposure_limit: int
    state: str
    reason: str


@dataclass(frozen=True, slots=True)
class Fill:
    """One of our fills."""

    ts_ms: int
    side: Side
    price: int
    qty: int
    fee: int


@dataclass
class MarketRecord:
    """Everything recorded for one market."""

    samples: list[Sample] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    truth: list[tuple[int, int]] = field(default_factory=list)
    """(ts_ms, true fair) for markouts, appended in time order."""

    def true_fair_at(self, ts_ms: int) -> int | None:
        """The true fair price at ``ts_ms`` (the last value at or before it)."""
        index = bisect.bisect_right(self.truth, (ts_ms, 1 << 62)) - 1
        return self.truth[index][1] if index >= 0 else None


@dataclass
class Recorder:
    """Per-market records of one run."""

    markets: dict[str, MarketRecord] = field(default_factory=lambda: defaultdict(MarketRecord))

    def sample(self, market: str, sample: Sample) -> None:
        """Record one sample (and the truth at that instant)."""
        record = self.markets[market]
        record.samples.append(sample)
        record.truth.append((sample.ts_ms, sample.true_fair))

    def fill(self, market: str, fill: Fill) -> None:
        """Record one of our fills."""
        self.markets[market].fills.append(fill)


def quality(record: MarketRecord) -> dict[str, object]:
    """Trading-quality measures of one market (money as integer micro-dollars)."""
    capture = 0
    contracts = 0
    markouts: dict[int, list[int]] = {h: [] for h in MARKOUT_HORIZONS_SECS}
    for fill in record.fills:
        sign = fill.side.sign
        fair_then = record.true_fair_at(fill.ts_ms)
        if fair_then is not None:
            capture += sign * (fair_then - fill.price) * fill.qty
        contracts += fill.qty
        for horizon in MARKOUT_HORIZONS_SECS:
            later = record.true_fair_at(fill.ts_ms + horizon * 1000)
            if (
                later is not None
                and record.truth
                and record.truth[-1][0] >= fill.ts_ms + horizon * 1000
            ):
                markouts[horizon].append(sign * (later - fill.price))
    return {
        "fills": len(record.fills),
        "contracts": contracts,
        "fees": sum(f.fee for f in record.fills),
        "spread_capture": capture,
        "markouts": {f"{h}s": (sum(v) // len(v) if v else None) for h, v in markouts.items()},
    }


def time_by_state(record: MarketRecord) -> dict[str, int]:
    """Milliseconds spent per state (``PAUSED:<reason>`` for pauses)."""
    totals: dict[str, int] = defaultdict(int)
    for before, after in zip(record.samples, record.samples[1:], strict=False):
        key = before.state if before.state != "PAUSED" else f"PAUSED:{before.reason}"
        totals[key] += after.ts_ms - before.ts_ms
    return dict(totals)


def dollars(money: int) -> str:
    """Micro-dollars as a dollar string for the report."""
    return units.format_money(money)
