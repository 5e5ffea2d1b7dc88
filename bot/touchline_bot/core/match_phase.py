"""Where the match is: PREMATCH before kickoff, INPLAY until the stop-quoting margin before the
scheduled end, then STOP_QUOTING.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from touchline_bot.core.types import MatchPhase


def phase_at(
    now_ms: int, *, kickoff_ms: int, scheduled_end_ms: int, stop_before_end_ms: int
) -> MatchPhase:
    """The phase at ``now_ms``."""
    if now_ms < kickoff_ms:
        return MatchPhase.PREMATCH
    if now_ms < scheduled_end_ms - stop_before_end_ms:
        return MatchPhase.INPLAY
    return MatchPhase.STOP_QUOTING


def next_change_ms(
    now_ms: int, *, kickoff_ms: int, scheduled_end_ms: int, stop_before_end_ms: int
) -> int | None:
    """The next phase boundary after ``now_ms`` (None once quoting has stopped for good)."""
    stop_ms = scheduled_end_ms - stop_before_end_ms
    for boundary in (kickoff_ms, stop_ms):
        if now_ms < boundary:
            return boundary
    return None
