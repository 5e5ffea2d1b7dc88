"""The only module that reads the wall clock or the system's randomness.

Everything else receives time (``ts_ms``) and randomness (``random_fn``) as inputs, so that
the core is pure and the engine can be driven by an accelerated or simulated clock
(ruff's banned-api rule enforces this).
"""

from __future__ import annotations

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
    """What the engine needs from time: now, and how long a simulated wait really takes."""

    def now_ms(self) -> int:
        """Milliseconds since the Unix epoch (possibly accelerated)."""

    def real_secs(self, sim_ms: int) -> float:
        """Real seconds to wait for ``sim_ms`` of this clock's time."""


class WallClock:
    """The real clock."""

    def now_ms(self) -> int:
        """Wall-clock time in milliseconds since the Unix epoch."""
        return now_ms()

    def real_secs(self, sim_ms: int) -> float:
        """Real time is simulated time."""
        return sim_ms / 1000.0


class AcceleratedClock:
    """A clock that runs ``speed`` times faster than the wall clock from ``start_ms``.

    The demo and the scenario runner use it so that a 100-minute match plays in minutes while
    every component still reads one consistent notion of time.
    """

    def __init__(self, *, start_ms: int, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self._start_ms = start_ms
        self._speed = speed
        self._origin_mono_ns = time.monotonic_ns()

    @property
    def speed(self) -> float:
        """How many simulated milliseconds pass per real millisecond."""
        return self._speed

    def now_ms(self) -> int:
        """The accelerated time in milliseconds since the Unix epoch."""
        elapsed_ns = time.monotonic_ns() - self._origin_mono_ns
        return self._start_ms + int(elapsed_ns * self._speed) // 1_000_000

    def real_secs(self, sim_ms: int) -> float:
        """How many real seconds a simulated duration takes."""
        return sim_ms / 1000.0 / self._speed
