"""Shared set-up for the Polymarket integration tests: the simulator on loopback with one
1X2 match listed, and a helper that waits on a condition with a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from touchline_bot.core import units
from touchline_bot.sim.polymarket import gamma, server

FAIRS = {"home": units.Price(4300), "draw": units.Price(2700), "away": units.Price(3000)}


@dataclass
class Venue:
    """The running simulator and the YES token of each outcome."""

    sim: server.RunningPolySim
    yes: dict[str, str]


async def wait_until(condition: Callable[[], bool], *, timeout_secs: float) -> float:
    """Wait until ``condition()`` holds; returns the seconds it took, fails at the deadline."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not condition():
        if loop.time() - started > timeout_secs:
            pytest.fail(f"condition not met within {timeout_secs} s")
        await asyncio.sleep(0.01)
    return loop.time() - started


@pytest.fixture
async def venue() -> AsyncIterator[Venue]:
    sim = await server.start_polymarket_sim()
    yes = gamma.add_match(
        sim.catalog,
        sim.state,
        event_slug="epl-ars-che-2026-03-01",
        home="Arsenal",
        away="Chelsea",
        kickoff_iso="2026-03-01T15:00:00Z",
        fairs=FAIRS,
    )
    yield Venue(sim, yes)
    await sim.stop()
