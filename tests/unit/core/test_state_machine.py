"""State machine: every move of the seed's machine happens on its condition, with its reason."""

from __future__ import annotations

import pytest

from touchline_bot.core import decisions, state_machine
from touchline_bot.core.params import TimingParams
from touchline_bot.core.state_machine import Conditions, Machine
from touchline_bot.core.types import MachineState, MatchPhase, Mode

S = MachineState
TIMING = TimingParams(warmup_ms=5_000, resume_cooldown_ms=1_000)
FRESH = Conditions(now_ms=100_000, phase=MatchPhase.PREMATCH, kalshi_fresh=True, poly_fresh=True)


def _at(state: MachineState, **clocks: int | None) -> Machine:
    return Machine(state=state, reason="test", since_ms=0, **clocks)


def _with(**changes: object) -> Conditions:
    return FRESH._replace(**changes)


@pytest.mark.parametrize(
    ("machine", "conditions", "expected_state", "expected_reason"),
    [
        pytest.param(state_machine.INITIAL, FRESH, S.WAIT_DATA, "started",
                     id="init-moves-to-wait-data-on-start"),
        pytest.param(_at(S.WAIT_DATA, fresh_since_ms=96_000), FRESH, S.WAIT_DATA, "test",
                     id="wait-data-stays-before-warmup-ends"),
        pytest.param(_at(S.WAIT_DATA, fresh_since_ms=95_000), FRESH, S.QUOTING, "warmed_up",
                     id="wait-data-quotes-after-5s-of-fresh-data"),
        pytest.param(_at(S.WAIT_DATA, fresh_since_ms=95_000), _with(poly_fresh=False),
                     S.WAIT_DATA, "test", id="wait-data-needs-both-venues-fresh"),
        pytest.param(_at(S.QUOTING), _with(poly_fresh=False), S.PAUSED, "stale_polymarket",
                     id="quoting-pauses-on-stale-polymarket"),
        pytest.param(_at(S.QUOTING), _with(kalshi_fresh=False), S.PAUSED, "stale_kalshi",
                     id="quoting-pauses-on-stale-kalshi"),
        pytest.param(_at(S.QUOTING), _with(shock=True), S.PAUSED, "shock",
                     id="quoting-pauses-on-shock"),
        pytest.param(_at(S.QUOTING), _with(risk_block="fill_rate_limit"), S.PAUSED,
                     "fill_rate_limit", id="quoting-pauses-on-risk-limit"),
        pytest.param(_at(S.QUOTING), _with(halted=True, shock=True), S.PAUSED, "halted",
                     id="halt-is-the-first-reason"),
        pytest.param(_at(S.QUOTING), _with(mode=Mode.PAUSED), S.PAUSED, "mode_paused",
                     id="quoting-pauses-on-mode-paused"),
        pytest.param(_at(S.PAUSED, clear_since_ms=99_500), FRESH, S.PAUSED, "test",
                     id="paused-waits-for-cooldown"),
        pytest.param(_at(S.PAUSED, clear_since_ms=99_000), FRESH, S.QUOTING, "resumed",
                     id="paused-resumes-after-cooldown"),
        pytest.param(_at(S.PAUSED, clear_since_ms=None), _with(shock=True), S.PAUSED, "shock",
                     id="paused-stays-while-blocked-showing-the-blocker"),
        pytest.param(_at(S.QUOTING), _with(phase=MatchPhase.STOP_QUOTING), S.DONE,
                     "stop_quoting", id="stop-quoting-ends-without-flatten"),
        pytest.param(_at(S.QUOTING), _with(phase=MatchPhase.STOP_QUOTING, flatten_enabled=True),
                     S.DONE, "stop_quoting", id="stop-quoting-flat-position-ends"),
        pytest.param(_at(S.PAUSED),
                     _with(phase=MatchPhase.STOP_QUOTING, flatten_enabled=True, position_qty=500),
                     S.FLATTENING, "stop_quoting", id="stop-quoting-with-position-flattens"),
        pytest.param(_at(S.FLATTENING),
                     _with(phase=MatchPhase.STOP_QUOTING, flatten_enabled=True, position_qty=0),
                     S.DONE, "flattened", id="flattening-ends-when-flat"),
        pytest.param(_at(S.FLATTENING),
                     _with(phase=MatchPhase.STOP_QUOTING, flatten_enabled=True, position_qty=10,
                           halted=True),
                     S.PAUSED, "halted", id="halt-stops-flattening"),
        pytest.param(_at(S.QUOTING), _with(mode=Mode.FLATTEN, position_qty=-300), S.FLATTENING,
                     "mode_flatten", id="mode-flatten-flattens"),
        pytest.param(_at(S.QUOTING), _with(shutdown="sigterm"), S.STOPPED, "sigterm",
                     id="shutdown-stops-not-done"),
        pytest.param(_at(S.FLATTENING), _with(position_qty=300), S.QUOTING, "flatten_cancelled",
                     id="mode-flatten-lifted-before-flat-quotes-again"),
        pytest.param(_at(S.FLATTENING), _with(position_qty=300, shock=True), S.PAUSED, "shock",
                     id="mode-flatten-lifted-while-blocked-pauses"),
        pytest.param(_at(S.QUOTING), _with(shutdown="sigterm", shutdown_flatten=True,
                                           position_qty=100),
                     S.FLATTENING, "sigterm", id="shutdown-asking-to-flatten-flattens"),
        pytest.param(_at(S.DONE), _with(), S.DONE, "test", id="done-is-final"),
    ],
)  # fmt: skip
def test_step_moves_on_its_condition_with_its_reason(
    machine: Machine, conditions: Conditions, expected_state: MachineState, expected_reason: str
) -> None:
    after, moves = state_machine.step(machine, conditions, TIMING)
    assert (after.state, after.reason) == (expected_state, expected_reason)
    if expected_state is not machine.state:
        assert moves[-1] == decisions.StateChanged(
            moves[-1].previous, expected_state, expected_reason
        )
    else:
        assert moves == ()


def test_fresh_clock_starts_when_both_feeds_become_fresh_and_sets_a_warmup_deadline() -> None:
    machine, _ = state_machine.step(state_machine.INITIAL, FRESH, TIMING)
    assert machine.fresh_since_ms == 100_000
    assert state_machine.deadlines(machine, TIMING) == [105_000]
    later, moves = state_machine.step(machine, _with(now_ms=105_000), TIMING)
    assert later.state is S.QUOTING
    assert moves == (decisions.StateChanged(S.WAIT_DATA, S.QUOTING, "warmed_up"),)


def test_staleness_restarts_the_warmup() -> None:
    machine, _ = state_machine.step(state_machine.INITIAL, FRESH, TIMING)
    machine, _ = state_machine.step(machine, _with(now_ms=103_000, poly_fresh=False), TIMING)
    machine, _ = state_machine.step(machine, _with(now_ms=104_000), TIMING)
    assert state_machine.deadlines(machine, TIMING) == [109_000]


def test_pause_sets_a_cooldown_deadline_once_clear() -> None:
    paused, _ = state_machine.step(_at(S.QUOTING), _with(shock=True), TIMING)
    clear, _ = state_machine.step(paused, _with(now_ms=110_000), TIMING)
    assert clear.state is S.PAUSED
    assert state_machine.deadlines(clear, TIMING) == [111_000]


def test_paused_reason_follows_the_current_blocker_without_a_move() -> None:
    machine, moves = state_machine.step(_at(S.PAUSED), _with(poly_fresh=False, halted=True), TIMING)
    assert moves == ()
    assert machine.reason == "halted"
