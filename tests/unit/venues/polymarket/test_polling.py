"""Polling intervals per phase (the seed's 2 s / 500 ms), kept within the published budgets,
and backoff that honours the server's hint or grows with jitter."""

from __future__ import annotations

import pytest

from touchline_bot.core import types
from touchline_bot.venues.polymarket import polling


@pytest.mark.parametrize(
    ("phase", "interval_ms", "staleness_ms", "live"),
    [
        pytest.param(types.MatchPhase.PREMATCH, 2_000, 10_000, True, id="prematch"),
        pytest.param(types.MatchPhase.INPLAY, 500, 3_000, True, id="inplay"),
        pytest.param(types.MatchPhase.STOP_QUOTING, 2_000, 10_000, False, id="stopped"),
    ],
)
def test_phase_timing_follows_the_seed(
    phase: types.MatchPhase, interval_ms: int, staleness_ms: int, live: bool
) -> None:
    timing = polling.timing_for(phase)
    assert (timing.poll_interval_ms, timing.staleness_ms, timing.live) == (
        interval_ms,
        staleness_ms,
        live,
    )


@pytest.mark.parametrize(
    ("tokens", "expected_ms"),
    [
        pytest.param(3, 500, id="few-tokens-poll-at-the-phase-rate"),
        pytest.param(500, 500, id="one-full-batch"),
    ],
)
def test_in_play_polling_stays_within_the_books_budget(tokens: int, expected_ms: int) -> None:
    interval_ms = polling.poll_interval_ms(polling.INPLAY, token_count=tokens)
    assert interval_ms == expected_ms
    requests_per_window = polling.WINDOW_MS / interval_ms * -(-tokens // 500)
    assert requests_per_window <= polling.BOOKS_LIMIT_PER_WINDOW


def test_a_budget_too_small_for_the_phase_slows_polling_down() -> None:
    fast = polling.PhaseTiming(poll_interval_ms=1, staleness_ms=3_000)
    assert polling.poll_interval_ms(fast, token_count=1_000) == 40


@pytest.mark.parametrize(
    ("attempt", "draw", "retry_after", "expected_ms"),
    [
        pytest.param(0, 0.0, None, 250, id="first-retry-floor"),
        pytest.param(0, 1.0, None, 500, id="first-retry-ceiling"),
        pytest.param(3, 1.0, None, 4_000, id="grows-exponentially"),
        pytest.param(20, 1.0, None, 30_000, id="capped"),
        pytest.param(5, 0.5, 2.0, 2_000, id="server-hint-wins"),
        pytest.param(0, 0.5, 999.0, 30_000, id="server-hint-capped"),
    ],
)
def test_backoff(attempt: int, draw: float, retry_after: float | None, expected_ms: int) -> None:
    delay = polling.backoff_ms(
        attempt, base_ms=500, max_ms=30_000, random_fn=lambda: draw, retry_after_secs=retry_after
    )
    assert delay == expected_ms
