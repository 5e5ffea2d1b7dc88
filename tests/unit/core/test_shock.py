"""Shock detection: quiet markets never pause; a jump pauses for the configured time."""

from __future__ import annotations

import dataclasses

import pytest

from touchline_bot.core import shock, units
from touchline_bot.core.params import ShockParams

PARAMS = ShockParams()


def _feed(prices: list[int], start_ms: int = 0, step_ms: int = 1_000) -> shock.ShockState:
    state = shock.INITIAL
    for i, price in enumerate(prices):
        state = shock.update(state, units.Price(price), start_ms + i * step_ms, PARAMS)
    return state


def test_steady_small_moves_never_shock() -> None:
    wiggle = [4_500 + (10 if i % 2 else -10) for i in range(200)]
    state = _feed(wiggle)
    assert not shock.in_shock(state, 200_000)
    assert state.paused_until_ms == 0


def test_a_jump_shocks_and_pauses_for_pause_ms() -> None:
    prices = [4_500 + (10 if i % 2 else -10) for i in range(20)] + [6_500]
    state = _feed(prices)
    jump_ms = 20 * 1_000
    assert state.score >= 3.0
    assert shock.in_shock(state, jump_ms + PARAMS.pause_ms - 1)
    assert not shock.in_shock(state, jump_ms + PARAMS.pause_ms)


def test_no_shock_during_warmup() -> None:
    state = _feed([4_500, 9_000])
    assert not shock.in_shock(state, 1_000)


def test_unchanged_price_is_not_a_sample() -> None:
    state = _feed([4_500, 4_510])
    assert shock.update(state, units.Price(4_510), 5_000, PARAMS) == state


@pytest.mark.parametrize(
    ("quiet_changes", "jump", "shocked"),
    [
        pytest.param(4, 2_000, False, id="jump-as-fifth-change-still-warming-up"),
        pytest.param(5, 2_000, True, id="jump-as-sixth-change-after-warmup"),
        pytest.param(20, 140, False, id="below-three-floor-sigmas"),
        pytest.param(20, 150, True, id="three-floor-sigmas-exactly"),
        pytest.param(20, -2_000, True, id="a-fall-is-a-shock-too"),
    ],
)
def test_shock_needs_warmup_and_three_sigmas(quiet_changes: int, jump: int, shocked: bool) -> None:
    quiet = [4_500 + (10 if i % 2 else -10) for i in range(quiet_changes + 1)]
    state = _feed([*quiet, quiet[-1] + jump])
    assert shock.in_shock(state, quiet_changes * 1_000 + 1_000) is shocked


def test_score_uses_the_sigma_before_the_jump() -> None:
    quiet = [4_500 + (10 if i % 2 else -10) for i in range(21)]
    state = _feed([*quiet, quiet[-1] + 500])
    # sigma of ±20 moves is floored at min_sigma (50): 500 / 50 = 10
    assert state.score == pytest.approx(10.0)


def test_a_second_shock_extends_the_pause() -> None:
    quiet = [4_500 + (10 if i % 2 else -10) for i in range(21)]
    first = _feed([*quiet, quiet[-1] + 2_000])
    later_ms = 21_000 + 5_000
    assert first.last_fair is not None
    # Back down by as much: sigma is ~620 after the first jump, so 2,000 scores over 3.
    second = shock.update(first, units.Price(first.last_fair - 2_000), later_ms, PARAMS)
    assert second.paused_until_ms == later_ms + PARAMS.pause_ms


@pytest.mark.parametrize(
    ("silence_ms", "shocked"),
    [
        pytest.param(1_000, False, id="right-after-a-goal-the-next-jump-is-ordinary"),
        pytest.param(600_000, True, id="ten-quiet-minutes-later-it-is-a-shock-again"),
    ],
)
def test_variance_fades_with_time(silence_ms: int, shocked: bool) -> None:
    # The sigma rule alone (the tick rule, which pauses on both, is off here).
    sigma_only = dataclasses.replace(PARAMS, alert_move_ticks=0)
    quiet = [4_500 + (10 if i % 2 else -10) for i in range(21)]
    goal = _feed([*quiet, quiet[-1] + 3_000, quiet[-1] + 3_000 + 2_000])
    later_ms = 22_000 + silence_ms
    after = shock.update(goal, units.Price(quiet[-1] + 3_000), later_ms, sigma_only)
    assert (after.score * 1_000 >= PARAMS.threshold_milli) is shocked
    assert (after.paused_until_ms == later_ms + PARAMS.pause_ms) is shocked


def _after_a_goal() -> tuple[shock.ShockState, int]:
    quiet = [4_500 + (10 if i % 2 else -10) for i in range(20)]
    state = _feed([*quiet, 6_500])  # the goal: +20c, a shock
    goal_ms = 20 * 1_000
    assert shock.in_shock(state, goal_ms)
    return state, goal_ms


@pytest.mark.parametrize(
    ("move", "shocked"),
    [
        pytest.param(500, True, id="five-ticks-pause-again"),
        pytest.param(-500, True, id="five-ticks-down-too"),
        pytest.param(400, False, id="four-ticks-left-to-the-sigma-rule"),
    ],
)
def test_the_detector_stays_alert_after_a_goal(move: int, shocked: bool) -> None:
    # 20 s after a 20c goal the variance still says "a 17c move is normal"; a move of
    # alert_move_ticks (5 ticks of the grid) pauses however volatile the recent past.
    state, goal_ms = _after_a_goal()
    later_ms = goal_ms + 20_000
    state = shock.update(state, units.Price(6_500 + move), later_ms, PARAMS)
    assert shock.in_shock(state, later_ms + 1) is shocked


def test_the_alert_move_is_counted_in_ticks_of_the_grid() -> None:
    # On a tenth-of-a-cent band 5 ticks are 0.5c: the same 0.4c move is 4 ticks, 0.5c is 5.
    state, goal_ms = _after_a_goal()
    fine = units.Price(10)
    later_ms = goal_ms + 20_000
    below = shock.update(state, units.Price(6_540), later_ms, PARAMS, tick=fine)
    assert not shock.in_shock(below, later_ms + 1)
    at = shock.update(state, units.Price(6_550), later_ms, PARAMS, tick=fine)
    assert shock.in_shock(at, later_ms + 1)
