"""Drive the simulated Polymarket from a match scenario: each outcome's YES book follows its
fair-probability path, and the scenario's Polymarket faults (WebSocket drop, silent freeze,
5xx bursts) happen at their times. ``speed`` compresses scenario time into real time.
"""

from __future__ import annotations

import asyncio
import logging

from touchline_bot import tasks
from touchline_bot.sim import fairpath
from touchline_bot.sim import scenario as scenario_model
from touchline_bot.sim.polymarket import server

log = logging.getLogger(__name__)

Kind = scenario_model.FaultKind
POLYMARKET_FAULTS = frozenset(
    {Kind.POLYMARKET_WS_DROP, Kind.POLYMARKET_FREEZE, Kind.POLYMARKET_5XX}
)


def follow_paths(
    sim: server.RunningPolySim,
    scn: scenario_model.Scenario,
    yes_ids: dict[str, str],
    *,
    speed: float = 1.0,
    step_ms: int = 250,
) -> None:
    """Make each outcome's YES book follow the scenario's fair path."""
    paths = fairpath.build_all(scn)
    sim.drive(
        {yes_ids[name]: paths[name].at for name in paths if name in yes_ids},
        step_ms=step_ms,
        speed=speed,
    )


async def _inject(sim: server.RunningPolySim, fault: scenario_model.Fault, speed: float) -> None:
    if fault.kind is Kind.POLYMARKET_WS_DROP:
        dropped = await sim.disconnect()
        log.info("polymarket sim dropped sockets", extra={"count": dropped})
    elif fault.kind is Kind.POLYMARKET_5XX:
        sim.faults.http_5xx += fault.count
    elif fault.kind is Kind.POLYMARKET_FREEZE:
        sim.faults.frozen = True
        log.info("polymarket sim frozen", extra={"secs": fault.duration_secs})
        try:
            await asyncio.sleep(fault.duration_secs / speed)
        finally:
            # Also when the scenario is stopped mid-freeze: a simulator left frozen would
            # starve whatever runs against it next.
            sim.faults.frozen = False


async def run_faults(
    sim: server.RunningPolySim, scn: scenario_model.Scenario, *, speed: float = 1.0
) -> None:
    """Inject the scenario's Polymarket faults at their (compressed) times, in order. Cancelled,
    it stops the faults it started too (a freeze ends)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    pending: set[asyncio.Task[None]] = set()
    try:
        for fault in sorted(scn.faults, key=lambda f: f.at_secs):
            if fault.kind not in POLYMARKET_FAULTS:
                continue
            wait_secs = fault.at_secs / speed - (loop.time() - started)
            await asyncio.sleep(max(0.0, wait_secs))
            task = asyncio.create_task(_inject(sim, fault, speed))
            pending.add(task)
            task.add_done_callback(pending.discard)
        if pending:
            await asyncio.gather(*pending)
    finally:
        await tasks.stop_all(list(pending), log)
