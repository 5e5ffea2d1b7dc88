"""The ``touchline sim polymarket`` command serves a listed match on loopback, and a scenario
drives the books along the fair paths and injects the Polymarket faults at their times."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from touchline_bot.core import units
from touchline_bot.sim import scenario as scenario_model
from touchline_bot.sim.polymarket import cli, driver, gamma, server

SCENARIO = scenario_model.Scenario.model_validate(
    {
        "name": "t",
        "kickoff_secs": 0,
        "scheduled_end_secs": 10,
        "duration_secs": 20,
        "outcomes": {
            "home": {"start": "0.60"},
            "draw": {"start": "0.25"},
            "away": {"start": "0.15"},
        },
        "noise": {"sigma_per_sqrt_min": "0"},
        "faults": [
            {"at_secs": 0, "kind": "polymarket_5xx", "count": 2},
            {"at_secs": 0, "kind": "polymarket_freeze", "duration_secs": 0.3},
            {"at_secs": 0.1, "kind": "kalshi_ws_drop"},
        ],
    }
)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["polymarket", *argv])


def test_arguments_default_to_loopback_and_a_free_port() -> None:
    args = _parse([])
    assert (args.host, args.port, args.scenario) == ("127.0.0.1", 0, None)


async def test_run_serves_books_until_cancelled(capsys: pytest.CaptureFixture[str]) -> None:
    task = asyncio.create_task(cli.run(_parse(["--gamma-version", "v2"])))
    output = ""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while "home" not in output:
        assert loop.time() < deadline, "the simulator did not print its URLs"
        await asyncio.sleep(0.01)
        output += capsys.readouterr().out
    urls = dict(line.split(maxsplit=1) for line in output.splitlines())
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{urls['clob']}/midpoint", params={"token_id": urls["home"]})
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert response.json() == {"mid": "0.45"}


def _frozen(sim: server.RunningPolySim) -> bool:
    return sim.faults.frozen


@pytest.fixture
async def sim_with_match() -> AsyncIterator[tuple[server.RunningPolySim, dict[str, str]]]:
    sim = await server.start_polymarket_sim()
    fairs = {name: units.Price(3000) for name in gamma.OUTCOMES}
    yes = gamma.add_match(
        sim.catalog,
        sim.state,
        event_slug="e",
        home="A",
        away="B",
        kickoff_iso="2026-03-01T15:00:00Z",
        fairs=fairs,
    )
    yield sim, yes
    await sim.stop()


async def test_scenario_paths_move_the_books_and_faults_fire_in_order(
    sim_with_match: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    sim, yes = sim_with_match
    driver.follow_paths(sim, SCENARIO, yes, step_ms=20)
    faults = asyncio.create_task(driver.run_faults(sim, SCENARIO))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while not _frozen(sim):
        assert loop.time() < deadline, "the freeze never started"
        await asyncio.sleep(0.005)
    await faults
    assert not sim.faults.frozen
    assert sim.faults.http_5xx == 2
    assert sim.state.books[yes["home"]].best_bid() == units.Price(5900)


async def test_stopping_the_faults_mid_freeze_unfreezes_the_simulator(
    sim_with_match: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    sim, _ = sim_with_match
    long_freeze = SCENARIO.model_copy(
        update={
            "faults": [
                scenario_model.Fault.model_validate(
                    {"at_secs": 0, "kind": "polymarket_freeze", "duration_secs": 600}
                ),
                scenario_model.Fault.model_validate(
                    {"at_secs": 300, "kind": "polymarket_5xx", "count": 1}
                ),
            ]
        }
    )
    faults = asyncio.create_task(driver.run_faults(sim, long_freeze))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while not _frozen(sim):
        assert loop.time() < deadline, "the freeze never started"
        await asyncio.sleep(0.005)
    faults.cancel()
    with pytest.raises(asyncio.CancelledError):
        await faults
    assert not sim.faults.frozen
    assert sim.faults.http_5xx == 0


def test_starting_fairs_come_from_the_scenario() -> None:
    assert cli._starting_fairs(SCENARIO)["draw"] == units.Price(2500)
    assert cli._starting_fairs(None)["home"] == units.Price(4500)


def test_scenario_files_in_the_repository_load_for_the_cli() -> None:
    root = Path(__file__).parents[3] / "config" / "scenarios"
    loaded = [scenario_model.load(path) for path in sorted(root.glob("*.yaml"))]
    assert all(set(gamma.OUTCOMES) <= set(scn.outcomes) for scn in loaded)
