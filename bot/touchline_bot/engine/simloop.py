"""A discrete-event asyncio loop for simulated runs (scenarios, the demo, replays).

Every component of a run (the venue simulators, the risk service, the bots, the harness)
shares one event loop and so one notion of time: the loop's. Here the loop's time is
simulated. It stands still while any callback is ready, any socket has data to read or room
to write, or any job handed to a thread is unfinished; once everything is idle it jumps to
the next timer. So however busy the machine is, a bot's reaction, a venue's answer and the
harness's checks take no simulated time, every invariant is measured against the time the
components saw, and a run is reproducible.

``pace`` caps how fast simulated time may run against real time (the demo plays at 30x so
that a person can watch); ``None`` runs as fast as the processor allows.

Data written to a loopback socket is normally in the peer's queue when the write returns;
before jumping, the loop still waits ``settle_secs`` of real time for data in flight, so that
a message is never overtaken by a timer that is due later.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import selectors
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple

from touchline_bot.engine import clock as engine_clock

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

T = TypeVar("T")
Ts = TypeVarTuple("Ts")
SETTLE_SECS = 0.001
"""Real time waited for loopback data in flight before simulated time jumps."""
JOB_POLL_SECS = 0.05
"""Real time between looks at the loop while a thread's job is unfinished."""


class SimulatedEventLoop(asyncio.SelectorEventLoop):
    """An event loop whose ``time()`` is simulated (seconds from 0)."""

    def __init__(self, *, pace: float | None = None, settle_secs: float = SETTLE_SECS) -> None:
        if pace is not None and pace <= 0:
            raise ValueError(f"pace must be positive, got {pace}")
        self._sim_secs = 0.0
        self._jobs = 0
        self._jumps = 0
        self._pace = pace
        self._settle_secs = settle_secs
        self._real_origin_ns = engine_clock.monotonic_ns()
        super().__init__(_IdleSelector(selectors.DefaultSelector(), self))
        # Timers are due when simulated time reaches them exactly; the default (the
        # monotonic clock's resolution) would do, but a microsecond keeps float sums safe.
        self._clock_resolution = 1e-6

    def time(self) -> float:
        """Simulated seconds since the loop was made."""
        return self._sim_secs

    @property
    def jumps(self) -> int:
        """How many times simulated time jumped to the next timer."""
        return self._jumps

    def run_in_executor(
        self, executor: Executor | None, func: Callable[[*Ts], T], *args: *Ts
    ) -> asyncio.Future[T]:
        """Run ``func`` in a thread; simulated time waits for it."""
        future = super().run_in_executor(executor, func, *args)
        self._jobs += 1
        future.add_done_callback(self._job_done)
        return future

    def _job_done(self, _future: asyncio.Future[Any]) -> None:
        self._jobs -= 1

    def idle_select(self, inner: selectors.BaseSelector, timeout: float | None) -> list[Any]:
        """Nothing is ready: wait for threads, then for data in flight, then jump."""
        while self._jobs:
            events = inner.select(JOB_POLL_SECS)
            if events:
                return events
        events = inner.select(self._settle_secs)
        if events or timeout is None:
            # Nothing scheduled at all: only outside input (a signal, a thread) can wake us.
            return events or inner.select(None)
        target = self._sim_secs + timeout
        if self._pace is not None:
            events = self._wait_for_pace(inner, target)
            if events:
                return events
        self._sim_secs = target
        self._jumps += 1
        return []

    def _wait_for_pace(self, inner: selectors.BaseSelector, target: float) -> list[Any]:
        """Hold simulated time to at most ``pace`` times real time; outside input that
        arrives while holding moves time only as far as real time allows."""
        assert self._pace is not None
        due_real_secs = target / self._pace
        real_secs = (engine_clock.monotonic_ns() - self._real_origin_ns) / 1e9
        if real_secs >= due_real_secs:
            return []
        events = inner.select(due_real_secs - real_secs)
        if events:
            real_secs = (engine_clock.monotonic_ns() - self._real_origin_ns) / 1e9
            self._sim_secs = max(self._sim_secs, min(target, real_secs * self._pace))
        return events


class _IdleSelector(selectors.BaseSelector):
    """The platform's selector, asked without blocking; idleness goes to the loop."""

    def __init__(self, inner: selectors.BaseSelector, loop: SimulatedEventLoop) -> None:
        self._inner = inner
        self._loop = loop

    def register(
        self, fileobj: FileDescriptorLike, events: int, data: Any = None
    ) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: FileDescriptorLike) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def modify(
        self, fileobj: FileDescriptorLike, events: int, data: Any = None
    ) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events = self._inner.select(0)
        if events or (timeout is not None and timeout <= 0):
            return events
        return self._loop.idle_select(self._inner, timeout)

    def get_map(self) -> Mapping[FileDescriptorLike, selectors.SelectorKey]:
        return self._inner.get_map()

    def close(self) -> None:
        self._inner.close()


class _LoopTime:
    """Stands in for the ``time`` module inside libraries that read the monotonic clock
    themselves (httpcore's keep-alive expiry): their ``monotonic()`` is the loop's time."""

    def __init__(self, loop: SimulatedEventLoop) -> None:
        self._loop = loop

    def monotonic(self) -> float:
        return self._loop.time()

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


_REAL_TIME_READERS = ("httpcore._async.http11", "httpcore._async.http2")
"""Modules that read ``time.monotonic()`` for timeouts of their own."""


@contextlib.contextmanager
def _library_time(loop: SimulatedEventLoop) -> Iterator[None]:
    """Point the libraries that read the monotonic clock directly at the loop's time: an
    idle connection then expires after simulated seconds, as everything else does, and
    never because the machine was slow."""
    modules = [importlib.import_module(name) for name in _REAL_TIME_READERS]
    saved = [module.time for module in modules]
    for module in modules:
        module.time = _LoopTime(loop)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.time = original  # type: ignore[attr-defined]


def run(main: Callable[[], Any], *, pace: float | None = None) -> Any:
    """Run the coroutine made by ``main`` to completion on a fresh simulated loop."""
    loop = SimulatedEventLoop(pace=pace)
    with asyncio.Runner(loop_factory=lambda: loop) as runner, _library_time(loop):
        return runner.run(main())
