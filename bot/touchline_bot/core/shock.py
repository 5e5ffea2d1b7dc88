"""Shock detection: an EWMA of squared fair-price changes, fading with a half-life in time,
gives a typical move (sigma); a change of ``threshold`` sigmas or more is a shock and pauses
quoting for ``pause_ms``. A jump that arrives in several steps (a book rebuilt level by level,
one venue moving before the other) is scored over ``jump_window_ms`` too: the move from the
price at the window's start, against the sigma of that moment.

The sigma rule alone goes deaf after a move: 20 s after a 20¢ goal the faded variance still
needs ~17¢ to flag, while 1.5¢ flags in a quiet market. So a move of ``alert_move_ticks`` ticks
of the market's grid (in one change or over the jump window) is a shock whatever the recent
variance.

The score is dimensionless, so it is a float; prices stay integers.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

import math
from typing import ClassVar, Final, final

from touchline_bot.core import units
from touchline_bot.core.params import BPS, ShockParams
from touchline_bot.core.value import Value


@final
class ShockState(Value):
    """What the detector remembers between fair prices (a record: one is built per
    evaluation)."""

    _fields: ClassVar[tuple[str, ...]] = (
        "last_fair",
        "last_ts_ms",
        "ewma_var",
        "samples",
        "score",
        "paused_until_ms",
        "anchor_fair",
        "anchor_ts_ms",
        "anchor_sigma",
    )
    __slots__ = _fields

    def __init__(  # noqa: PLR0917 (a record: its fields, in order)
        self,
        last_fair: units.Price | None = None,
        last_ts_ms: int = 0,
        ewma_var: float = 0.0,
        samples: int = 0,
        score: float = 0.0,
        paused_until_ms: int = 0,
        anchor_fair: units.Price | None = None,
        anchor_ts_ms: int = 0,
        anchor_sigma: float = 1.0,
    ) -> None:
        self.last_fair: Final = last_fair
        self.last_ts_ms: Final = last_ts_ms
        self.ewma_var: Final = ewma_var
        self.samples: Final = samples
        self.score: Final = score
        self.paused_until_ms: Final = paused_until_ms
        self.anchor_fair: Final = anchor_fair
        self.anchor_ts_ms: Final = anchor_ts_ms
        self.anchor_sigma: Final = anchor_sigma


INITIAL: ShockState = ShockState()


def update(
    state: ShockState,
    fair: units.Price,
    ts_ms: int,
    params: ShockParams,
    *,
    tick: units.Price = units.ONE_CENT,
) -> ShockState:
    """Feed one fair price; an unchanged price only ages nothing (no sample). ``tick`` is the
    market's grid step at the fair (the unit of ``alert_move_ticks``)."""
    if state.last_fair is None:
        return ShockState(fair, ts_ms, 0.0, 0, 0.0, state.paused_until_ms, fair, ts_ms)
    change = fair - state.last_fair
    if change == 0:
        return state
    # The variance fades with elapsed time, not with the number of changes: after a goal the
    # detector must not stay deaf to the next jump for the rest of the match.
    elapsed_ms = max(0, ts_ms - state.last_ts_ms)
    faded = state.ewma_var * 0.5 ** (elapsed_ms / params.variance_half_life_ms)
    sigma = max(math.sqrt(faded), float(params.min_sigma))
    anchor, anchor_ts, anchor_sigma = state.anchor_fair, state.anchor_ts_ms, state.anchor_sigma
    if anchor is None or ts_ms - anchor_ts >= params.jump_window_ms:
        anchor, anchor_ts, anchor_sigma = state.last_fair, state.last_ts_ms, sigma
    moved = max(abs(change), abs(fair - anchor))
    score = max(abs(change) / sigma, abs(fair - anchor) / anchor_sigma)
    alpha = params.ewma_alpha_bps / BPS
    var = (1 - alpha) * faded + alpha * float(change * change)
    samples = state.samples + 1
    paused = state.paused_until_ms
    alert = params.alert_move_ticks > 0 and moved >= params.alert_move_ticks * tick
    if samples > params.warmup_samples and (score * 1000 >= params.threshold_milli or alert):
        paused = max(paused, ts_ms + params.pause_ms)
    return ShockState(fair, ts_ms, var, samples, score, paused, anchor, anchor_ts, anchor_sigma)


def in_shock(state: ShockState, now_ms: int) -> bool:
    """True while the pause after the last shock lasts."""
    return now_ms < state.paused_until_ms
