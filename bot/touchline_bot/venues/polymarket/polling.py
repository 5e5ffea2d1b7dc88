"""How often to read Polymarket and how long to back off: pure functions of the match phase,
the published rate limits and an injected random source.

The seed polls every 2 s before kickoff and every 500 ms in play, and calls the data stale
after 10 s / 3 s of silence. The published budgets are per 10-second sliding window; we poll
all tokens with one ``POST /books`` per interval, so the phase interval is far inside them,
but :func:`poll_interval_ms` still refuses to go faster than a budget allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from touchline_bot.core import types

WINDOW_MS = 10_000
BOOK_LIMIT_PER_WINDOW = 1_500
BOOKS_LIMIT_PER_WINDOW = 500


@dataclass(frozen=True, slots=True)
class PhaseTiming:
    """Polling and staleness for one phase. ``live`` is false when silence is expected (the
    market is not trading, or we stopped quoting), so silence must not count as a freeze."""

    poll_interval_ms: int
    staleness_ms: int
    live: bool = True


PREMATCH = PhaseTiming(poll_interval_ms=2_000, staleness_ms=10_000)
INPLAY = PhaseTiming(poll_interval_ms=500, staleness_ms=3_000)
STOPPED = PhaseTiming(poll_interval_ms=2_000, staleness_ms=10_000, live=False)


def timing_for(phase: types.MatchPhase) -> PhaseTiming:
    """The seed's timing for a match phase."""
    if phase is types.MatchPhase.INPLAY:
        return INPLAY
    if phase is types.MatchPhase.PREMATCH:
        return PREMATCH
    return STOPPED


def min_interval_ms(limit_per_window: int, *, requests_per_poll: int = 1) -> int:
    """The shortest interval that keeps ``requests_per_poll`` requests per poll within a
    budget of ``limit_per_window`` requests per 10 s (rounded up)."""
    if limit_per_window <= 0 or requests_per_poll <= 0:
        raise ValueError("limits and request counts must be positive")
    return -(-WINDOW_MS * requests_per_poll // limit_per_window)


def poll_interval_ms(timing: PhaseTiming, *, token_count: int) -> int:
    """The phase's interval, slowed down if one ``/books`` request per 500 tokens per poll
    would exceed the batch budget."""
    requests = max(1, -(-token_count // 500))
    return max(
        timing.poll_interval_ms, min_interval_ms(BOOKS_LIMIT_PER_WINDOW, requests_per_poll=requests)
    )


def backoff_ms(
    attempt: int,
    *,
    base_ms: int,
    max_ms: int,
    random_fn: Callable[[], float],
    retry_after_secs: float | None = None,
) -> int:
    """Milliseconds to wait before retry ``attempt`` (0-based): the server's hint when it gave
    one (capped at ``max_ms``), else full-jitter exponential backoff in ``[base/2, ceiling]``."""
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, got {attempt}")
    if retry_after_secs is not None:
        return min(max_ms, int(retry_after_secs * 1000))
    ceiling = min(max_ms, base_ms * int(2 ** min(attempt, 32)))
    floor = min(ceiling, base_ms // 2)
    draw = min(1.0, max(0.0, random_fn()))
    return floor + int((ceiling - floor) * draw)
