"""Markets whose match is over before their bot starts.

A bot started after its quoting window (the scheduled end less the stop-quoting margin) would go
straight to DONE and sit there saying nothing. ``touchline run`` and ``touchline bot --config``
therefore quote only the markets still to play and name each finished one in one line; with
none left they stop with the usage-error code (2). A pod's bot (``touchline bot --config-dir``)
starts anyway and reports DONE: that report is how the operator learns to scale it to zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from touchline_bot import config
from touchline_bot.core import match_phase
from touchline_bot.core.types import MatchPhase

MINUTE_MS = 60_000


def is_over(resolved: config.ResolvedMarket, now_ms: int) -> bool:
    """Whether ``now_ms`` is past the market's quoting window (its phase is STOP_QUOTING)."""
    phase = match_phase.phase_at(
        now_ms,
        kickoff_ms=resolved.spec.kickoff_ms,
        scheduled_end_ms=resolved.spec.scheduled_end_ms,
        stop_before_end_ms=resolved.strategy.timing.stop_quoting_before_end_ms,
    )
    return phase is MatchPhase.STOP_QUOTING


def split(
    markets: Iterable[config.ResolvedMarket], now_ms: int
) -> tuple[tuple[config.ResolvedMarket, ...], tuple[config.ResolvedMarket, ...]]:
    """(still to play, over), each in the file's order."""
    markets = tuple(markets)
    return (
        tuple(m for m in markets if not is_over(m, now_ms)),
        tuple(m for m in markets if is_over(m, now_ms)),
    )


def _iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms // 1000, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(resolved: config.ResolvedMarket) -> str:
    """One line naming the market and when its quoting stopped."""
    end_ms = resolved.spec.scheduled_end_ms
    margin_ms = resolved.strategy.timing.stop_quoting_before_end_ms
    return (
        f"market {resolved.market.id} ({resolved.market.match_name}): the match is over — "
        f"quoting stopped at {_iso(end_ms - margin_ms)}, {margin_ms / MINUTE_MS:g} min before "
        f"its scheduled end {_iso(end_ms)}; nothing to quote"
    )
