"""Match phases from kickoff, scheduled end and now."""

from __future__ import annotations

import pytest

from touchline_bot.core import match_phase
from touchline_bot.core.types import MatchPhase

KICKOFF = 1_000_000
END = KICKOFF + 105 * 60_000
STOP = 600_000


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        pytest.param(KICKOFF - 1, MatchPhase.PREMATCH, id="before-kickoff"),
        pytest.param(KICKOFF, MatchPhase.INPLAY, id="at-kickoff"),
        pytest.param(END - STOP - 1, MatchPhase.INPLAY, id="just-before-stop"),
        pytest.param(END - STOP, MatchPhase.STOP_QUOTING, id="ten-minutes-before-end"),
        pytest.param(END + 1, MatchPhase.STOP_QUOTING, id="after-end"),
    ],
)
def test_phase_at(now: int, phase: MatchPhase) -> None:
    assert (
        match_phase.phase_at(now, kickoff_ms=KICKOFF, scheduled_end_ms=END, stop_before_end_ms=STOP)
        is phase
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(0, KICKOFF, id="prematch-next-is-kickoff"),
        pytest.param(KICKOFF, END - STOP, id="inplay-next-is-stop"),
        pytest.param(END - STOP - 1, END - STOP, id="last-inplay-ms-next-is-stop"),
        pytest.param(END, None, id="stopped-no-more"),
    ],
)
def test_next_change(now: int, expected: int | None) -> None:
    assert (
        match_phase.next_change_ms(
            now, kickoff_ms=KICKOFF, scheduled_end_ms=END, stop_before_end_ms=STOP
        )
        == expected
    )


@pytest.mark.parametrize(
    ("now", "phase", "change"),
    [
        pytest.param(KICKOFF - 1, MatchPhase.PREMATCH, KICKOFF, id="before-kickoff"),
        pytest.param(KICKOFF, MatchPhase.STOP_QUOTING, None, id="at-kickoff-already-stopped"),
    ],
)
def test_stop_margin_longer_than_the_match_never_quotes_in_play(
    now: int, phase: MatchPhase, change: int | None
) -> None:
    times = {
        "kickoff_ms": KICKOFF,
        "scheduled_end_ms": KICKOFF + 60_000,
        "stop_before_end_ms": STOP,
    }
    assert match_phase.phase_at(now, **times) is phase
    assert match_phase.next_change_ms(now, **times) == change
