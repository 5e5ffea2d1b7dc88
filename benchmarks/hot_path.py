"""Benchmark: one market's hot path — parse → book → fair price → quoting → risk → reconcile.

Replays 100,000 recorded-format Kalshi deltas with Polymarket updates mixed in (about one per
ten, see ``benchmarks/fixtures.py``) through the real parsers, the real Kalshi feed state and
book, the real Polymarket signal store and the core's ``transition`` as the engine's
``MarketHost`` steps it. The venue acknowledges every order action 40 ms (of tape time) after
it was decided, so the live-order view stays realistic. Prints one JSON line: wall-clock
latency percentiles per message, messages/s by wall clock and by CPU time, the ratio (in CPU
time) to a bare ``orjson.loads`` of the same bytes, the peak RSS, and what the bot did (share
of messages spent QUOTING, decisions, state changes). Targets on a 2-core machine: p99 ≤ 200
µs, ≥ 30,000 messages/s, ratio ≤ 15, peak RSS ≤ 120 MB. ``--profile`` prints the top cProfile
entries to stderr instead.

    .venv/bin/python benchmarks/hot_path.py [--deltas 100000] [--seed 7] [--repeat 3] [--profile]

Each replay runs a fresh bot warmed up on the same first minutes of tape, in slices of 1,000
frames, each slice followed by ``orjson.loads`` over its bytes: the ratio's two costs are measured
side by side, since the load of a shared 2-core machine changes within seconds. The line reports
the replay of median ratio (``ratio_each`` lists every replay's).

By default the source tree runs; with ``TOUCHLINE_PACKAGE_DIR`` set to a build of the package
(``scripts/build-compiled.sh build/compiled``, the core compiled by mypyc as a production image
builds it) that build runs instead. ``core`` in the output says which ran.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import resource
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import orjson

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = os.environ.get("TOUCHLINE_PACKAGE_DIR") or str(ROOT / "bot")
sys.path[:0] = [str(ROOT), PACKAGE_DIR]

from benchmarks import fixtures  # noqa: E402

from touchline_bot.core import decisions, events, orders, transition, units  # noqa: E402
from touchline_bot.core import market as core_market  # noqa: E402
from touchline_bot.core import params as core_params  # noqa: E402
from touchline_bot.core import types as core_types  # noqa: E402
from touchline_bot.engine import host  # noqa: E402
from touchline_bot.venues.kalshi import feed as kalshi_feed  # noqa: E402
from touchline_bot.venues.kalshi import messages as kalshi_messages  # noqa: E402
from touchline_bot.venues.polymarket import messages as poly_messages  # noqa: E402
from touchline_bot.venues.polymarket import store as poly_store  # noqa: E402

START_MS = 1_795_867_200_000
"""2026-11-28 12:00 UTC: three hours before the replayed market's kickoff."""
WARMUP_DELTAS = 5_000
"""Replayed untimed first: about two minutes of tape, past the bot's 5 s warmup."""
ACK_LATENCY_MS = 40
"""How long after a decision (tape time) the venue answers every order action in flight."""
BOOK_LEVELS = 2
"""What the engine hands the core: the touch and the level behind it
(``engine.kalshi_feed.KalshiFeed.levels``; a test checks they agree — importing the engine here
would load aiohttp into the measured RSS)."""
ORDER_ACTIONS = (decisions.PlaceOrder, decisions.AmendOrder, decisions.DecreaseOrder,
                 decisions.CancelOrder)  # fmt: skip
TARGETS = {"p99_us": 200.0, "msgs_per_sec": 30_000.0, "ratio_to_parse": 15.0, "rss_mb": 120.0}


class Pipeline:
    """One market's hot path as the engine runs it, without sockets, tasks or metrics."""

    def __init__(self, *, start_ms: int) -> None:
        self.feed = kalshi_feed.FeedState([fixtures.TICKER], use_yes_price=False, private=False)
        self.book = self.feed.books[fixtures.TICKER]
        """The market's book (snapshots and deltas change it in place)."""
        self.store = poly_store.SignalStore([fixtures.TOKEN])
        kickoff_ms = start_ms + 3 * 3_600_000
        spec = core_market.MarketSpec(
            "bench", fixtures.TICKER, kickoff_ms=kickoff_ms, scheduled_end_ms=kickoff_ms + 6_300_000
        )
        state = transition.initial(spec, core_params.StrategyParams(), now_ms=start_ms)
        self.host = host.MarketHost("bench", state)
        budget = units.Money(125 * units.MONEY_SCALE)
        self.host.step(events.LeaseGranted(start_ms, budget, expires_at_ms=kickoff_ms))
        self.ack_due_ms: int | None = None
        self.reset_counts()

    def reset_counts(self) -> None:
        """Forget what the warmup produced."""
        self.decisions: dict[str, int] = {}
        self.state_changes: list[str] = []
        self.ack_events = 0
        self.quoting_frames = 0
        self.quoting = self.host.machine_state is core_types.MachineState.QUOTING
        """Whether the bot is quoting (kept from the ``StateChanged`` decisions: the timed loop
        carries no instrumentation beyond the two clock reads around each frame)."""

    def on_frame(self, frame: fixtures.Frame) -> None:
        """Parse one frame, apply it to its book and step the core with the event it makes."""
        kalshi = frame.venue is core_types.Venue.KALSHI
        event = self._kalshi(frame) if kalshi else self._poly(frame)
        if event is not None:
            self._step(event)
        self.quoting_frames += self.quoting

    def _kalshi(self, frame: fixtures.Frame) -> events.Event | None:
        message = kalshi_messages.parse_frame(frame.raw, use_yes_price=False)
        if message is None:
            return None
        self.feed.handle(message)
        return events.BookUpdated(frame.ts_ms, self.book.top(BOOK_LEVELS))

    def _poly(self, frame: fixtures.Frame) -> events.Event | None:
        changed: list[str] = []
        for message in poly_messages.parse_frame(frame.raw):
            changed += self.store.apply(message, now_ms=frame.ts_ms, source=poly_store.Source.WS)
        top = self.store.top(fixtures.TOKEN)
        if fixtures.TOKEN not in changed or top is None:
            return None
        return events.SignalUpdated(
            frame.ts_ms, top, self.store.newest_source_ts_ms(fixtures.TOKEN)
        )

    def _step(self, event: events.Event) -> None:
        for decision in self.host.step(event):
            name = type(decision).__name__
            self.decisions[name] = self.decisions.get(name, 0) + 1
            if isinstance(decision, decisions.StateChanged):
                self.state_changes.append(f"{decision.state.value}:{decision.reason}")
                self.quoting = decision.state is core_types.MachineState.QUOTING
            if isinstance(decision, ORDER_ACTIONS) and self.ack_due_ms is None:
                self.ack_due_ms = event.ts_ms + ACK_LATENCY_MS

    def deliver_acks(self, now_ms: int) -> None:
        """When due, the venue carries out every order action in flight on its terms."""
        if self.ack_due_ms is None or now_ms < self.ack_due_ms:
            return
        self.ack_due_ms = None
        for cid in list(self.host.state.live):
            # Read each order afresh: an earlier answer may have moved it again.
            order = self.host.state.live.get(cid)
            answer: events.Event
            if order is None:
                continue
            if order.status is orders.OrderStatus.PENDING_CANCEL:
                answer = events.OrderCancelled(now_ms, cid)
            elif order.in_flight:
                price = order.price if order.pending_price is None else order.pending_price
                qty = order.qty if order.pending_qty is None else order.pending_qty
                answer = events.OrderAcknowledged(now_ms, cid, f"v-{cid}", price, qty)
            else:
                continue
            self.ack_events += 1
            self._step(answer)


def _percentile_us(sorted_ns: list[int], fraction: float) -> float:
    index = min(len(sorted_ns) - 1, int(fraction * len(sorted_ns)))
    return sorted_ns[index] / 1_000


class Span(NamedTuple):
    """How long a loop took: wall-clock and this process's CPU time, in ns."""

    wall_ns: int
    cpu_ns: int


CHUNK = 1_000
"""Frames per slice of the replay: after each slice, ``orjson.loads`` parses the slice's bytes
again, so the ratio's two costs are measured side by side (a shared machine's load changes
within seconds, and would otherwise weigh on one side of the ratio only)."""


class Timed(NamedTuple):
    """A replay: per-message wall latencies (ns, acknowledgements excluded), the span of the
    hot path alone, and the CPU time of parsing the same bytes with ``orjson.loads``."""

    latencies: list[int]
    span: Span
    parse_cpu_ns: int


def _replay(run: Pipeline, frames: list[fixtures.Frame]) -> Timed:
    """Replay ``frames`` in slices, each followed by its parse-only pass (not in ``span``)."""
    latencies = [0] * len(frames)
    clock, cpu, loads = time.perf_counter_ns, time.process_time_ns, orjson.loads
    wall_ns = cpu_ns = parse_ns = 0
    for start in range(0, len(frames), CHUNK):
        part = frames[start : start + CHUNK]
        begin, begin_cpu = clock(), cpu()
        for i, frame in enumerate(part, start):
            if run.ack_due_ms is not None:
                run.deliver_acks(frame.ts_ms)
            t0 = clock()
            run.on_frame(frame)
            latencies[i] = clock() - t0
        wall_ns += clock() - begin
        cpu_ns += cpu() - begin_cpu
        begin_cpu = cpu()
        for frame in part:
            loads(frame.raw)
        parse_ns += cpu() - begin_cpu
    return Timed(latencies, Span(wall_ns, cpu_ns), parse_ns)


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: the peak of the whole process, frames included.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Replay(NamedTuple):
    """One timed replay, summed up (the per-message latencies are not kept: three lists of
    110,000 ints would show in the peak RSS)."""

    run: Pipeline
    span: Span
    parse_cpu_ns: int
    p50_us: float
    p99_us: float
    max_us: float

    @property
    def ratio(self) -> float:
        """The hot path's CPU time over that of parsing the same bytes."""
        return self.span.cpu_ns / self.parse_cpu_ns


def _summed(run: Pipeline, timed: Timed) -> Replay:
    ordered = sorted(timed.latencies)
    return Replay(
        run,
        timed.span,
        timed.parse_cpu_ns,
        _percentile_us(ordered, 0.50),
        _percentile_us(ordered, 0.99),
        ordered[-1] / 1_000,
    )


def _report(replay: Replay, frames: list[fixtures.Frame]) -> dict[str, Any]:
    run, span, count = replay.run, replay.span, len(frames)
    kalshi = sum(f.venue is core_types.Venue.KALSHI for f in frames)
    return {
        "benchmark": "hot_path",
        "core": "compiled" if transition.__file__.endswith(".so") else "source",
        "messages": count,
        "kalshi_deltas": kalshi,
        "poly_updates": count - kalshi,
        "p50_us": round(replay.p50_us, 2),
        "p99_us": round(replay.p99_us, 2),
        "max_us": round(replay.max_us, 2),
        "msgs_per_sec": round(count * 1e9 / span.wall_ns),
        "cpu_msgs_per_sec": round(count * 1e9 / span.cpu_ns),
        "parse_only_us": round(replay.parse_cpu_ns / count / 1_000, 3),
        # Both costs in CPU time: other processes on the machine inflate wall time unevenly.
        "ratio_to_parse": round(replay.ratio, 1),
        "rss_mb": round(_rss_mb(), 1),
        "quoting_fraction": round(run.quoting_frames / count, 4),
        "ack_events": run.ack_events,
        "decisions": dict(sorted(run.decisions.items())),
        "state_changes": run.state_changes,
    }


def _targets_met(result: dict[str, Any]) -> dict[str, bool]:
    return {
        "p99_us": result["p99_us"] <= TARGETS["p99_us"],
        "msgs_per_sec": result["msgs_per_sec"] >= TARGETS["msgs_per_sec"],
        "ratio_to_parse": result["ratio_to_parse"] <= TARGETS["ratio_to_parse"],
        "rss_mb": result["rss_mb"] <= TARGETS["rss_mb"],
    }


def main(argv: list[str] | None = None) -> int:
    """Build the tape, then replay it timed ``--repeat`` times (a fresh, warmed-up bot each
    time) and print one JSON line for the replay of median ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deltas", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="replays; the median is reported")
    parser.add_argument("--profile", action="store_true", help="cProfile top entries to stderr")
    args = parser.parse_args(argv)
    tape = fixtures.generate(WARMUP_DELTAS + args.deltas, seed=args.seed, start_ms=START_MS)
    split = _after_deltas(tape, WARMUP_DELTAS)
    warmup, frames = tape[:split], tape[split:]
    if args.profile:
        run = _warmed_up(warmup)
        profiler = cProfile.Profile()
        profiler.runcall(_replay, run, frames)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
        return 0
    replays: list[Replay] = []
    for _ in range(max(1, args.repeat)):
        run = _warmed_up(warmup)
        # The tape is the benchmark's own data, not the bot's: keep the cyclic GC from walking it.
        gc.freeze()
        try:
            timed = _replay(run, frames)
        finally:
            gc.unfreeze()
        replays.append(_summed(run, timed))
        del timed
    replays.sort(key=lambda replay: replay.ratio)
    result = _report(replays[len(replays) // 2], frames)
    result["replays"] = len(replays)
    result["ratio_each"] = [round(r.ratio, 1) for r in replays]
    result["targets_met"] = _targets_met(result)
    print(json.dumps(result))
    return 0


def _warmed_up(warmup: list[fixtures.Frame]) -> Pipeline:
    """A fresh bot past its warmup, its counts reset."""
    run = Pipeline(start_ms=START_MS)
    _replay(run, warmup)
    run.reset_counts()
    gc.collect()
    return run


def _after_deltas(tape: list[fixtures.Frame], deltas: int) -> int:
    """The index just past the ``deltas``-th Kalshi delta (the snapshots come first)."""
    seen = 0
    for i, frame in enumerate(tape[2:], start=2):
        seen += frame.venue is core_types.Venue.KALSHI
        if seen == deltas:
            return i + 1
    return len(tape)


if __name__ == "__main__":
    sys.exit(main())
