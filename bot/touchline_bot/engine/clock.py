"""The only module that reads the wall clock or the system's randomness.

Everything else receives time (``ts_ms``) and randomness (``random_fn``) as inputs, so that
the core is pure and the engine can be driven by a simulated clock (:class:`LoopClock`)
(ruff's banned-api rule enforces this).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Protocol

NowMs = Callable[[], int]
"""A source of the current time in milliseconds since the Unix epoch."""


def now_ms() -> int:
    """Wall-clock time in milliseconds since the Unix epoch."""
    return time.time_ns() // 1_000_000


def monotonic_ms() -> int:
    """A monotonic clock in milliseconds, for durations and deadlines."""
    return time.monotonic_ns() // 1_000_000


def monotonic_ns() -> int:
    """A monotonic clock in nanoseconds, for latency measurement."""
    return time.monotonic_ns()


def system_random() -> random.Random:
    """A freshly seeded random generator (jitter for retries)."""
    return random.Random()  # noqa: S311 - jitter, not cryptography


class Clock(Protocol):
    """What the engine needs from time and chance: now, a monotonic reading for durations,
    how long a wait of this clock's time lasts on the event loop, and a generator for jitter."""

    def now_ms(self) -> int:
        """Milliseconds since the Unix epoch (possibly simulated)."""

    def monotonic_ms(self) -> int:
        """A monotonic reading in milliseconds on this clock, for durations and deadlines."""

    def real_secs(self, sim_ms: int) -> float:
        """Event-loop seconds to wait for ``sim_ms`` of this clock's time."""

    def rng(self) -> random.Random:
        """A random generator for retry jitter (seeded where the run must be reproducible)."""


class WallClock:
    """The real clock."""

    def now_ms(self) -> int:
        """Wall-clock time in milliseconds since the Unix epoch."""
        return now_ms()

    def monotonic_ms(self) -> int:
        """The system's monotonic clock."""
        return monotonic_ms()

    def real_secs(self, sim_ms: int) -> float:
        """Real time is simulated time."""
        return sim_ms / 1000.0

    def rng(self) -> random.Random:
        """A freshly seeded generator."""
        return system_random()


class LoopClock:
    """The clock of a run on a :class:`touchline_bot.engine.simloop.SimulatedEventLoop`: the
    event loop's own time, from ``start_ms``. Every component of the run (bots, simulators,
    risk service, the harness, every timer and timeout of every library) reads the same
    time, which advances only when all of them are idle, so scheduler delay on a busy machine
    never becomes time that passed in the match. Jitter comes from one seeded generator, so
    that a run is reproducible."""

    def __init__(self, loop: asyncio.AbstractEventLoop, *, start_ms: int, seed: int) -> None:
        self._loop = loop
        self._origin_secs = loop.time()
        self._start_ms = start_ms
        self._seeds = random.Random(seed)  # noqa: S311 - seeded simulation

    def now_ms(self) -> int:
        """Milliseconds since the Unix epoch, on the loop's time."""
        return self._start_ms + self.monotonic_ms()

    def monotonic_ms(self) -> int:
        """Milliseconds of loop time since this clock was made."""
        return round((self._loop.time() - self._origin_secs) * 1000)

    def real_secs(self, sim_ms: int) -> float:
        """Loop time is this clock's time."""
        return sim_ms / 1000.0

    def rng(self) -> random.Random:
        """The next generator of the run's seeded sequence."""
        return random.Random(self._seeds.getrandbits(64))  # noqa: S311 - seeded simulation
