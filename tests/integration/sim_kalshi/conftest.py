"""The Kalshi simulator on loopback in the test's event loop, with a manual clock and keys."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.sim_kalshi import support
from touchline_bot.sim.kalshi import seed, server


@pytest.fixture
def clock() -> support.ManualClock:
    return support.ManualClock(1_795_000_000_000)


@pytest.fixture
async def sim(clock: support.ManualClock) -> AsyncIterator[server.RunningKalshiSim]:
    running = await server.start_kalshi_sim(ping_interval_secs=0.05, now_ms=clock)
    seed.epl_match(running.exchange, running.shared.now_ms())
    running.flush()
    yield running
    await running.stop()


@pytest.fixture
def signer(sim: server.RunningKalshiSim) -> support.Signer:
    return support.register(sim, support.KEY_ID)


@pytest.fixture
def other(sim: server.RunningKalshiSim) -> support.Signer:
    return support.register(sim, support.OTHER_KEY_ID)
