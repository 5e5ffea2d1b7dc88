"""The simulator over loopback: REST error bodies and injected faults, the WebSocket's
subscribe / PING / freeze behaviour, and the Gamma endpoints the resolver uses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import httpx
import orjson
import pytest

from touchline_bot.core import units
from touchline_bot.sim.polymarket import gamma, server
from touchline_bot.venues.polymarket import gamma as gamma_parse
from touchline_bot.venues.polymarket import resolver


@pytest.fixture
async def sim() -> AsyncIterator[tuple[server.RunningPolySim, dict[str, str]]]:
    running = await server.start_polymarket_sim()
    yes = gamma.add_match(
        running.catalog,
        running.state,
        event_slug="lal-rma-sev-2026-11-29",
        home="Real Madrid",
        away="Sevilla",
        kickoff_iso="2026-11-29T20:00:00Z",
        fairs={"home": units.Price(5500), "draw": units.Price(2500), "away": units.Price(2000)},
        version="v2",
    )
    yield running, yes
    await running.stop()


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        pytest.param(
            "/book?token_id=9",
            404,
            "No orderbook exists for the requested token id",
            id="unknown-token",
        ),
        pytest.param("/book", 400, "Invalid token id", id="missing-token"),
        pytest.param(
            "/price?token_id=9&side=BUY",
            404,
            "No orderbook exists for the requested token id",
            id="price-unknown-token",
        ),
    ],
)
async def test_rest_errors_carry_the_venue_error_text(
    sim: tuple[server.RunningPolySim, dict[str, str]], path: str, status: int, error: str
) -> None:
    running, _ = sim
    async with httpx.AsyncClient() as client:
        response = await client.get(running.clob_url + path)
    assert response.status_code == status
    assert response.json() == {"error": error}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"{", 400, id="not-json"),
        pytest.param(b'{"token_id":"1"}', 400, id="not-a-list"),
        pytest.param(orjson.dumps([{"token_id": str(n)} for n in range(501)]), 400, id="over-500"),
    ],
)
async def test_books_refuses_bad_payloads(
    sim: tuple[server.RunningPolySim, dict[str, str]], body: bytes, status: int
) -> None:
    running, _ = sim
    async with httpx.AsyncClient() as client:
        response = await client.post(running.clob_url + "/books", content=body)
    assert response.status_code == status
    assert response.json() == {"error": "Invalid payload"}


async def test_injected_faults_answer_once_each_then_clear(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes = sim
    running.faults.http_5xx = 1
    running.faults.throttle = 1
    running.faults.cloudflare_block = 1
    async with httpx.AsyncClient() as client:
        url = f"{running.clob_url}/book?token_id={yes['home']}"
        statuses = [(await client.get(url)).status_code for _ in range(4)]
    assert statuses == [500, 429, 403, 200]


async def test_stale_rest_timestamps_report_the_frozen_time(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes = sim
    running.faults.stale_rest_since_ms = 1_234
    async with httpx.AsyncClient() as client:
        body = (await client.get(f"{running.clob_url}/book?token_id={yes['home']}")).json()
    assert body["timestamp"] == "1234"


async def _next_text(ws: aiohttp.ClientWebSocketResponse) -> str:
    frame = await asyncio.wait_for(ws.receive(), timeout=5)
    return str(frame.data)


async def test_ws_dumps_books_answers_ping_and_refuses_a_second_initial_subscribe(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes = sim
    async with aiohttp.ClientSession() as session, session.ws_connect(running.ws_url) as ws:
        await ws.send_str(orjson.dumps({"assets_ids": [yes["home"]], "type": "market"}).decode())
        dump = orjson.loads(await _next_text(ws))
        assert [event["event_type"] for event in dump] == ["book"]
        await ws.send_str("PING")
        assert await _next_text(ws) == "PONG"
        await ws.send_str(orjson.dumps({"assets_ids": [yes["draw"]], "type": "market"}).decode())
        assert await _next_text(ws) == "INVALID OPERATION"


async def test_ws_freeze_swallows_data_but_keeps_answering_ping(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes = sim
    async with aiohttp.ClientSession() as session, session.ws_connect(running.ws_url) as ws:
        await ws.send_str(orjson.dumps({"assets_ids": [yes["home"]], "type": "market"}).decode())
        await _next_text(ws)
        running.faults.frozen = True
        running.set_fair(yes["home"], units.Price(6000))
        await ws.send_str("PING")
        assert await _next_text(ws) == "PONG"
        assert running.faults.ws_frames_dropped == 1
        running.faults.frozen = False
        running.set_fair(yes["home"], units.Price(6500))
        event = orjson.loads(await _next_text(ws))
        assert event["event_type"] == "price_change"


async def test_gamma_serves_a_v2_match_the_resolver_understands(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes = sim
    async with httpx.AsyncClient() as client:
        gamma_api = resolver.PolymarketResolver(client, running.gamma_url)
        match = await gamma_api.match("lal-rma-sev-2026-11-29")
        market = await gamma_api.verify(match.home.slug, yes["home"])
        with pytest.raises(gamma_parse.GammaError, match="not an outcome"):
            await gamma_api.verify(match.home.slug, yes["away"])
    assert match.draw.yes_token == yes["draw"]
    assert market.version == "v2"
    assert match.kickoff_ms == 1795982400000
