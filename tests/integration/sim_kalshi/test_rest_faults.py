"""REST over loopback: injected 5xx bursts and 429 storms, token-bucket 429s, admin control."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.integration.sim_kalshi.support import ARS, ManualClock, Signer
from touchline_bot.core import units
from touchline_bot.sim.kalshi import model, server

ORDERS = "/trade-api/v2/portfolio/events/orders"


def _order(price: str = "0.30") -> dict[str, Any]:
    return {
        "ticker": ARS,
        "side": "bid",
        "count": "1",
        "price": price,
        "time_in_force": "good_till_canceled",
        "self_trade_prevention_type": "taker_at_cross",
    }


@pytest.fixture
async def http(sim: server.RunningKalshiSim) -> AsyncIterator[httpx.AsyncClient]:
    # One connection pool per test: a client per request would build an SSL context each time.
    async with httpx.AsyncClient(base_url=sim.root_url) as client:
        yield client


async def _send(
    http: httpx.AsyncClient,
    sim: server.RunningKalshiSim,
    signer: Signer,
    method: str,
    path: str,
    body: Any = None,
) -> httpx.Response:
    headers = signer.headers(method, path, sim.shared.now_ms())
    return await http.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        pytest.param("server_errors", 503, id="5xx_burst"),
        pytest.param("rate_limit_storm", 429, id="429_storm"),
    ],
)
async def test_injected_rest_faults_fire_the_armed_number_of_times(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer, fault: str, status: int
) -> None:
    setattr(sim.faults, fault, 2)
    statuses = [
        (await _send(http, sim, signer, "GET", "/trade-api/v2/portfolio/balance")).status_code
        for _ in range(3)
    ]
    assert statuses == [status, status, 200]


async def test_write_bucket_refuses_the_eleventh_create_with_a_bare_429(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer, clock: ManualClock
) -> None:
    statuses = [
        (await _send(http, sim, signer, "POST", ORDERS, _order(f"0.{10 + i}"))).status_code
        for i in range(11)
    ]
    assert statuses == [201] * 10 + [429]
    refused = await _send(http, sim, signer, "POST", ORDERS, _order("0.05"))
    assert refused.json() == {
        "error": {"code": "too_many_requests", "message": "too many requests", "details": ""}
    }
    assert "Retry-After" not in refused.headers
    clock.now += 100  # 100 ms refill 10 tokens at Basic's 100 tokens/s: one more create
    assert (await _send(http, sim, signer, "POST", ORDERS, _order("0.06"))).status_code == 201


async def test_batch_that_does_not_fit_the_bucket_is_refused_whole(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer
) -> None:
    batch = {"orders": [_order(f"0.{10 + i}") for i in range(11)]}
    refused = await _send(http, sim, signer, "POST", ORDERS + "/batched", batch)
    assert refused.status_code == 429
    assert not sim.exchange.orders
    fits = {"orders": [_order(f"0.{10 + i}") for i in range(10)]}
    accepted = await _send(http, sim, signer, "POST", ORDERS + "/batched", fits)
    assert accepted.status_code == 201
    assert len(sim.exchange.orders) == 10


async def test_post_only_cross_over_http_is_400_invalid_order(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer, other: Signer
) -> None:
    ask = {**_order("0.50"), "side": "ask"}
    assert (await _send(http, sim, other, "POST", ORDERS, ask)).status_code == 201
    crossing = {**_order("0.50"), "post_only": True}
    refused = await _send(http, sim, signer, "POST", ORDERS, crossing)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_order"
    assert refused.json()["error"]["details"] == "post only cross"


async def test_garbled_body_is_a_counted_400(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer
) -> None:
    headers = signer.headers("POST", ORDERS, sim.shared.now_ms())
    response = await http.post(ORDERS, content=b"{nope", headers=headers)
    assert response.status_code == 400
    assert sim.shared.garbled_requests == 1


async def test_admin_api_drives_lifecycle_and_exposes_state(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer
) -> None:
    assert (await _send(http, sim, signer, "POST", ORDERS, _order())).status_code == 201
    closed = await http.post(f"/_sim/markets/{ARS}/status", json={"status": "closed"})
    assert closed.status_code == 200
    state = (await http.get("/_sim/state")).json()
    assert [o["status"] for o in state["orders"]] == ["canceled"]
    refused = await _send(http, sim, signer, "POST", ORDERS, _order())
    assert refused.json()["error"]["message"] == "MARKET_INACTIVE"


async def test_legacy_v1_order_mutations_are_refused_and_reads_still_work(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer
) -> None:
    legacy = await _send(http, sim, signer, "POST", "/trade-api/v2/portfolio/orders", _order())
    assert legacy.status_code == 400
    assert legacy.json()["error"]["message"] == "Please switch to the V2 endpoints"
    placed = (await _send(http, sim, signer, "POST", ORDERS, _order())).json()
    path = f"/trade-api/v2/portfolio/orders/{placed['order_id']}"
    assert (await _send(http, sim, signer, "GET", path)).json()["order"]["status"] == "resting"
    assert (await _send(http, sim, signer, "DELETE", path)).status_code == 400


async def test_admin_api_seeds_a_match_and_keys(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient
) -> None:
    seeded = await http.post(
        "/_sim/markets",
        json={"epl_match": True, "event": "KXEPLGAME-26DEC05LIVMUN", "home": "LIV", "away": "MUN"},
    )
    assert seeded.json()["tickers"] == [
        "KXEPLGAME-26DEC05LIVMUN-LIV",
        "KXEPLGAME-26DEC05LIVMUN-MUN",
        "KXEPLGAME-26DEC05LIVMUN-TIE",
    ]
    refused = await http.post("/_sim/keys", json={"key_id": "k", "public_key_pem": "not a key"})
    assert refused.status_code == 400


async def test_added_latency_delays_every_rest_response(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer
) -> None:
    loop = asyncio.get_running_loop()
    sim.faults.latency_ms = 120
    started = loop.time()
    response = await _send(http, sim, signer, "GET", "/trade-api/v2/portfolio/balance")
    assert response.status_code == 200
    assert loop.time() - started >= 0.12


async def test_in_process_controls_reach_rest_clients(
    sim: server.RunningKalshiSim, http: httpx.AsyncClient, signer: Signer
) -> None:
    sim.force_position(signer.key_id, ARS, units.parse_count("7"))
    positions = await _send(http, sim, signer, "GET", "/trade-api/v2/portfolio/positions")
    assert [p["position_fp"] for p in positions.json()["market_positions"]] == ["7.00"]
    sim.set_market_status(ARS, model.MarketStatus.INACTIVE)
    market = (await http.get(f"/trade-api/v2/markets/{ARS}")).json()["market"]
    assert market["status"] == "inactive"
