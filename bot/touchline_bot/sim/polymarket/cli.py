"""``touchline sim polymarket``: run the simulated Polymarket on loopback, optionally driven
by a match scenario (fair paths and Polymarket faults), until interrupted.

The CLI integrator mounts :func:`register` under the ``sim`` sub-command and awaits
:func:`run`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from touchline_bot.core import units
from touchline_bot.sim import scenario as scenario_model
from touchline_bot.sim.polymarket import driver, gamma, server


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``polymarket`` simulator command."""
    parser = sub.add_parser("polymarket", help="run a simulated Polymarket (CLOB, WS, Gamma)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    parser.add_argument("--scenario", type=Path, help="match scenario to follow")
    parser.add_argument("--speed", type=float, default=1.0, help="scenario seconds per second")
    parser.add_argument("--event-slug", default="epl-ars-che-2026-03-01")
    parser.add_argument("--home", default="Arsenal")
    parser.add_argument("--away", default="Chelsea")
    parser.add_argument("--kickoff", default="2026-03-01T15:00:00Z", help="ISO kickoff time")
    parser.add_argument("--gamma-version", choices=("v1", "v2"), default="v1")


DEFAULT_FAIRS = {"home": "0.45", "draw": "0.28", "away": "0.27"}
"""Each outcome's starting probability without a scenario."""


def _starting_fairs(scn: scenario_model.Scenario | None) -> dict[str, units.Price]:
    starts = {k: str(v.start) for k, v in scn.outcomes.items()} if scn else DEFAULT_FAIRS
    return {name: units.parse_probability(starts.get(name, "0.33")) for name in gamma.OUTCOMES}


async def run(args: argparse.Namespace) -> int:
    """Serve until cancelled; prints the URLs and the YES token of each outcome."""
    scn = scenario_model.load(args.scenario) if args.scenario else None
    sim = await server.start_polymarket_sim(args.host, args.port)
    try:
        yes_ids = gamma.add_match(
            sim.catalog,
            sim.state,
            event_slug=args.event_slug,
            home=args.home,
            away=args.away,
            kickoff_iso=args.kickoff,
            fairs=_starting_fairs(scn),
            version=args.gamma_version,
        )
        lines = [f"clob  {sim.clob_url}", f"ws    {sim.ws_url}", f"gamma {sim.gamma_url}"]
        lines += [f"{name:5} {token}" for name, token in yes_ids.items()]
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        if scn is not None:
            driver.follow_paths(sim, scn, yes_ids, speed=args.speed)
            await driver.run_faults(sim, scn, speed=args.speed)
        await asyncio.Event().wait()
    finally:
        await sim.stop()
    return 0
