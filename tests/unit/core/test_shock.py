"""Shock detection: quiet markets never pause; a jump pauses for the configured time."""

from __future__ import annotations

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
