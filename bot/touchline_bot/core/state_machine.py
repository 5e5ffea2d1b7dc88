"""The per-market state machine: INIT -> WAIT_DATA -> QUOTING <-> PAUSED -> FLATTENING -> DONE.

``step`` takes the machine and a snapshot of the conditions (freshness, shock, risk gates, halt,
mode, match phase, position) and returns the next machine with one ``StateChanged`` per move,
each with its reason:

* INIT -> WAIT_DATA on start.
* WAIT_DATA -> QUOTING when both venues have been fresh for ``warmup_ms`` and nothing blocks.
* QUOTING -> PAUSED on the first blocker, in order: ``halted``, ``mode_paused``,
  ``drawdown_limit`` / ``fill_rate_limit`` (risk gates), ``stale_kalshi`` /
  ``stale_polymarket``, the signal's problem (``polymarket_one_sided``, ...), ``shock``.
* PAUSED -> QUOTING once nothing has blocked for ``resume_cooldown_ms``.
* at STOP_QUOTING, on mode ``flatten`` or on shutdown: FLATTENING when flattening is asked for and
  the position is not flat, else DONE; FLATTENING -> DONE when flat. A halt while flattening
  pauses (cancel everything) until a person resets it. DONE is final.

A lost lease is not a state: risk clipping then lets only position-reducing quotes through.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Final, final

from touchline_bot.core import decisions
from touchline_bot.core.params import TimingParams
from touchline_bot.core.types import FINAL_STATES, MachineState, MatchPhase, Mode
from touchline_bot.core.value import Value

S = MachineState


@final
class Conditions(Value):
    """Everything the machine looks at, evaluated at ``now_ms`` (a record: one is built per
    evaluation)."""

    _fields: ClassVar[tuple[str, ...]] = (
        "now_ms",
        "phase",
        "kalshi_fresh",
        "poly_fresh",
        "shock",
        "risk_block",
        "halted",
        "mode",
        "position_qty",
        "flatten_enabled",
        "shutdown",
        "shutdown_flatten",
        "signal_problem",
    )
    __slots__ = _fields

    def __init__(  # noqa: PLR0917 (a record: its fields, in order)
        self,
        now_ms: int,
        phase: MatchPhase,
        kalshi_fresh: bool,
        poly_fresh: bool,
        shock: bool = False,
        risk_block: str | None = None,
        halted: bool = False,
        mode: Mode = Mode.QUOTING,
        position_qty: int = 0,
        flatten_enabled: bool = False,
        shutdown: str | None = None,
        shutdown_flatten: bool = False,
        signal_problem: str | None = None,
    ) -> None:
        self.now_ms: Final = now_ms
        self.phase: Final = phase
        self.kalshi_fresh: Final = kalshi_fresh
        self.poly_fresh: Final = poly_fresh
        self.shock: Final = shock
        # A risk gate's reason (``risk.gate``), if one forbids quoting.
        self.risk_block: Final = risk_block
        self.halted: Final = halted
        self.mode: Final = mode
        self.position_qty: Final = position_qty
        self.flatten_enabled: Final = flatten_enabled
        # The reason of a requested shutdown, if any.
        self.shutdown: Final = shutdown
        self.shutdown_flatten: Final = shutdown_flatten
        # Why the fresh venues give no usable signal (a one-sided Polymarket book, the venues
        # disagreeing), if so.
        self.signal_problem: Final = signal_problem


@dataclass(frozen=True, slots=True)
class Machine:
    """The state, why it is there, since when, and the clocks of the warmup and cooldown."""

    state: MachineState = S.INIT
    reason: str = "created"
    since_ms: int = 0
    fresh_since_ms: int | None = None
    """Since when both feeds have been fresh without interruption."""
    clear_since_ms: int | None = None
    """Since when nothing has blocked quoting without interruption."""


INITIAL: Machine = Machine()


def blocker(c: Conditions) -> str | None:  # noqa: PLR0911 (one return per blocker, by priority)
    """The first reason quoting is not allowed now, or ``None``."""
    if c.halted or c.mode is Mode.HALTED:
        return "halted"
    if c.mode is Mode.PAUSED:
        return "mode_paused"
    if c.risk_block is not None:
        return c.risk_block
    if not c.kalshi_fresh:
        return "stale_kalshi"
    if not c.poly_fresh:
        return "stale_polymarket"
    if c.signal_problem is not None:
        return c.signal_problem
    if c.shock:
        return "shock"
    return None


def _ending(c: Conditions) -> tuple[str, bool] | None:
    """Why the market must stop quoting for good, and whether to flatten first."""
    if c.shutdown is not None:
        return c.shutdown, c.shutdown_flatten
    if c.mode is Mode.FLATTEN:
        return "mode_flatten", True
    if c.phase is MatchPhase.STOP_QUOTING:
        return "stop_quoting", c.flatten_enabled
    return None


def step(
    machine: Machine, c: Conditions, timing: TimingParams
) -> tuple[Machine, tuple[decisions.StateChanged, ...]]:
    """The next machine and the moves made to get there."""
    machine = _clocks(machine, c)
    moves: list[decisions.StateChanged] = []
    if machine.state in FINAL_STATES:
        return machine, ()
    if machine.state is S.INIT:
        machine = _move(machine, S.WAIT_DATA, "started", c.now_ms, moves)
    target, reason = _target(machine, c, timing)
    if target is not machine.state:
        machine = _move(machine, target, reason, c.now_ms, moves)
    elif machine.state is S.PAUSED and reason and reason != machine.reason:
        # Still paused, for another reason now (stale, then halted): status shows the current one.
        machine = replace(machine, reason=reason)
    return machine, tuple(moves)


def _target(machine: Machine, c: Conditions, timing: TimingParams) -> tuple[MachineState, str]:
    ending = _ending(c)
    if ending is not None:
        return _end_target(machine, c, *ending)
    block = blocker(c)
    if machine.state is S.WAIT_DATA:
        return (S.QUOTING, "warmed_up") if _warm(machine, c, timing) else (S.WAIT_DATA, "")
    if machine.state is S.FLATTENING:
        # Mode flatten was lifted before the position was flat: back to normal quoting.
        return (S.PAUSED, block) if block else (S.QUOTING, "flatten_cancelled")
    if block is not None:
        return S.PAUSED, block
    if machine.state is S.PAUSED and not _cooled(machine, c, timing):
        return S.PAUSED, ""
    return S.QUOTING, "resumed"


def _end_target(
    machine: Machine, c: Conditions, reason: str, flatten: bool
) -> tuple[MachineState, str]:
    if flatten and c.position_qty != 0:
        return (S.PAUSED, "halted") if c.halted else (S.FLATTENING, reason)
    # A shutdown is not the end of the match: a stopped process says so (the operator takes
    # DONE for the match's end).
    final = S.STOPPED if c.shutdown is not None else S.DONE
    return final, "flattened" if machine.state is S.FLATTENING else reason


def _warm(machine: Machine, c: Conditions, timing: TimingParams) -> bool:
    fresh = machine.fresh_since_ms
    ready = fresh is not None and c.now_ms - fresh >= timing.warmup_ms
    return ready and blocker(c) is None


def _cooled(machine: Machine, c: Conditions, timing: TimingParams) -> bool:
    clear = machine.clear_since_ms
    return clear is not None and c.now_ms - clear >= timing.resume_cooldown_ms


def _clocks(machine: Machine, c: Conditions) -> Machine:
    fresh = c.kalshi_fresh and c.poly_fresh
    fresh_since = _keep(machine.fresh_since_ms, c.now_ms) if fresh else None
    clear_since = _keep(machine.clear_since_ms, c.now_ms) if blocker(c) is None else None
    if fresh_since == machine.fresh_since_ms and clear_since == machine.clear_since_ms:
        return machine
    return replace(machine, fresh_since_ms=fresh_since, clear_since_ms=clear_since)


def _keep(since_ms: int | None, now_ms: int) -> int:
    return now_ms if since_ms is None else since_ms


def _move(
    machine: Machine,
    state: MachineState,
    reason: str,
    now_ms: int,
    moves: list[decisions.StateChanged],
) -> Machine:
    moves.append(decisions.StateChanged(machine.state, state, reason))
    return replace(machine, state=state, reason=reason, since_ms=now_ms)


def deadlines(machine: Machine, timing: TimingParams) -> list[int]:
    """When the machine may move by the passing of time alone (warmup end, cooldown end)."""
    times: list[int] = []
    if machine.state is S.WAIT_DATA and machine.fresh_since_ms is not None:
        times.append(machine.fresh_since_ms + timing.warmup_ms)
    if machine.state is S.PAUSED and machine.clear_since_ms is not None:
        times.append(machine.clear_since_ms + timing.resume_cooldown_ms)
    return times
