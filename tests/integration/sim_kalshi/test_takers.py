"""Taker flow on a running simulator: arrivals hit our resting quotes and show on the tape."""

from __future__ import annotations

import asyncio
import random

import aiohttp

from tests.integration.sim_kalshi.support import ARS, ManualClock, Signer
from touchline_bot.core import units
from touchline_bot.sim.kalshi import exchange, makers, model, server, takers


async def test_takers_started_in_process_trade_against_resting_quotes(
    sim: server.RunningKalshiSim, signer: Signer, clock: ManualClock
) -> None:
    for side, price in ((model.BID, "0.45"), (model.ASK, "0.55")):
        request = exchange.OrderRequest(
            ARS,
            side,
            units.parse_dollars(price),
            units.parse_count("500"),
            model.GTC,
            model.STP_TAKER,
        )
        sim.exchange.create(signer.key_id, request, clock.now)
    sim.flush()
    config = takers.TakerConfig(ARS, arrivals_per_min=600, informed_share_bps=0)
    fair = units.parse_dollars("0.50")
    flow = sim.start_takers(config, lambda _ms: fair, random.Random(3))
    headers = signer.headers("GET", "/trade-api/ws/v2", clock.now)
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(sim.ws_url, headers=headers) as ws,
    ):
        await ws.send_json({"id": 1, "cmd": "subscribe", "params": {"channels": ["fill"]}})
        assert (await asyncio.wait_for(ws.receive_json(), 5))["type"] == "subscribed"
        clock.now += 60_000  # the housekeeping loop steps the flow to the new time
        fill = await asyncio.wait_for(ws.receive_json(), 5)
    assert fill["type"] == "fill"
    assert fill["msg"]["is_taker"] is False
    assert flow.sent
    sim.stop_takers(ARS)


async def test_takers_started_over_the_admin_api_follow_the_fair_price(
    sim: server.RunningKalshiSim, signer: Signer, clock: ManualClock
) -> None:
    request = exchange.OrderRequest(
        ARS,
        model.ASK,
        units.parse_dollars("0.55"),
        units.parse_count("500"),
        model.GTC,
        model.STP_TAKER,
    )
    sim.exchange.create(signer.key_id, request, clock.now)
    headers = signer.headers("GET", "/trade-api/ws/v2", clock.now)
    async with (
        aiohttp.ClientSession(base_url=sim.root_url) as admin,
        admin.ws_connect(sim.ws_url, headers=headers) as ws,
    ):
        await ws.send_json({"id": 1, "cmd": "subscribe", "params": {"channels": ["fill"]}})
        assert (await asyncio.wait_for(ws.receive_json(), 5))["type"] == "subscribed"
        started = await admin.post(
            "/_sim/takers",
            json={
                "ticker": ARS,
                "fair_price_dollars": "0.50",
                "arrivals_per_min": 600,
                "informed_share_bps": 10_000,
                "seed": 1,
            },
        )
        assert started.status == 200
        await admin.post(f"/_sim/takers/{ARS}/fair", json={"fair_price_dollars": "0.70"})
        clock.now += 10_000
        fill = await asyncio.wait_for(ws.receive_json(), 5)
        assert (await admin.delete(f"/_sim/takers/{ARS}")).status == 200
    # Informed takers buy only when fair (0.70) is above the ask (0.55) by more than a cent.
    assert (fill["type"], fill["msg"]["book_side"]) == ("fill", model.ASK)
    assert {f.book_side for f in sim.exchange.fills if f.is_taker} == {model.BID}


async def test_other_makers_rested_over_the_admin_api_ladder_around_the_fair_price(
    sim: server.RunningKalshiSim,
) -> None:
    body = {"ticker": ARS, "fair_price_dollars": "0.50", "depth_contracts": "25", "levels": 2}
    async with aiohttp.ClientSession(base_url=sim.root_url) as admin:
        assert (await admin.post("/_sim/street", json=body)).status == 200
        moved = await admin.post("/_sim/street", json={**body, "fair_price_dollars": "0.60"})
        refused = await admin.post("/_sim/street", json={**body, "half_spread_dollars": "0.7"})
    assert (moved.status, await moved.json()) == (200, {"orders": 4})
    assert refused.status == 400
    resting = sorted(
        (o.book_side, units.format_dollars(o.price), o.remaining)
        for o in sim.exchange.orders.values()
        if o.user_id == makers.USER and o.is_resting
    )
    # The second ladder replaced the first: 0.09 and 0.10 from the new fair, on each side.
    assert resting == [
        (model.ASK, "0.6900", units.parse_count("25")),
        (model.ASK, "0.7000", units.parse_count("25")),
        (model.BID, "0.5000", units.parse_count("25")),
        (model.BID, "0.5100", units.parse_count("25")),
    ]
