"""The event loop of one market: events in, the core decides, the executor acts.

Events arrive from the venue feeds, the executor, timers, the lease client and hot reloads. Book
and signal updates are coalesced (only the newest view matters; a burst of deltas costs one core
step), everything else is processed in arrival order. A book or signal change reaches a decision
immediately: there is no tick to wait for. ``WakeAt`` decisions become timers that deliver
``TimerFired``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from touchline_bot.core import decisions, events
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import executor as engine_executor

log = logging.getLogger(__name__)

Step = Callable[[events.Event], tuple[decisions.Decision, ...]]
"""One core step over the market's current state (the host keeps the state)."""
Observer = Callable[[events.Event, tuple[decisions.Decision, ...], float], None]
"""Called after each step with the event, its decisions and the step's latency in seconds."""

_COALESCED = (events.BookUpdated, events.SignalUpdated)


@dataclass
class MarketRunner:
    """Runs one market until stopped."""

    market_id: str
    step: Step
    executor: engine_executor.Executor
    clock: engine_clock.Clock
    monotonic_ns: Callable[[], int]
    observe: Observer | None = None
    _queue: asyncio.Queue[events.Event | type] = field(default_factory=asyncio.Queue)
    _latest: dict[type, events.Event] = field(default_factory=dict)
    _timers: dict[int, asyncio.TimerHandle] = field(default_factory=dict)
    _stopped: asyncio.Event = field(default_factory=asyncio.Event)
    steps: int = 0

    def submit(self, event: events.Event) -> None:
        """Queue an event (safe to call from callbacks on the loop)."""
        kind = type(event)
        if isinstance(event, _COALESCED):
            if kind not in self._latest:
                self._queue.put_nowait(kind)
            self._latest[kind] = event
            return
        self._queue.put_nowait(event)

    def _take(self, item: events.Event | type) -> events.Event:
        if isinstance(item, type):
            return self._latest.pop(item)
        return item

    async def run(self) -> None:
        """Process events until :meth:`stop`."""
        while not self._stopped.is_set():
            item = await self._queue.get()
            if item is _STOP:
                break
            self.process(self._take(item))

    def process(self, event: events.Event) -> tuple[decisions.Decision, ...]:
        """One step: the core decides, timers are set, the executor acts."""
        started = self.monotonic_ns()
        batch = self.step(event)
        self.steps += 1
        for decision in batch:
            if isinstance(decision, decisions.WakeAt):
                self._schedule(decision.ts_ms)
            elif isinstance(decision, decisions.StateChanged):
                log.info(
                    "state changed",
                    extra={
                        "market": self.market_id,
                        "from": decision.previous.value,
                        "to": decision.state.value,
                        "reason": decision.reason,
                    },
                )
        self.executor.execute(batch)
        if self.observe is not None:
            self.observe(event, batch, (self.monotonic_ns() - started) / 1e9)
        return batch

    def _schedule(self, ts_ms: int) -> None:
        if ts_ms in self._timers:
            return
        delay = max(0.0, self.clock.real_secs(ts_ms - self.clock.now_ms()))
        loop = asyncio.get_running_loop()
        self._timers[ts_ms] = loop.call_later(delay, self._fire, ts_ms)

    def _fire(self, ts_ms: int) -> None:
        self._timers.pop(ts_ms, None)
        self.submit(events.TimerFired(max(ts_ms, self.clock.now_ms())))

    def stop(self) -> None:
        """Stop after the current event; pending timers are cancelled."""
        self._stopped.set()
        self._queue.put_nowait(_STOP)
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()


class _Stop:
    """Sentinel type that ends :meth:`MarketRunner.run`."""


_STOP = _Stop
