"""WebSocket: authenticated upgrade, per-sid seq, snapshots, deltas, gaps, pings, faults."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tests.integration.sim_kalshi.support import ARS, Signer
from touchline_bot.core import units
from touchline_bot.sim.kalshi import exchange, lifecycle, model, server

DEADLINE_SECS = 5


async def _connect(
    session: aiohttp.ClientSession, sim: server.RunningKalshiSim, signer: Signer, **kwargs: Any
) -> aiohttp.ClientWebSocketResponse:
    headers = signer.headers("GET", "/trade-api/ws/v2", sim.shared.now_ms())
    ws: aiohttp.ClientWebSocketResponse = await session.ws_connect(
        sim.ws_url, headers=headers, **kwargs
    )
    return ws


async def _next(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    frame: dict[str, Any] = await asyncio.wait_for(ws.receive_json(), DEADLINE_SECS)
    return frame


def _place(sim: server.RunningKalshiSim, user: str, side: str, price: str, count: str) -> None:
    request = exchange.OrderRequest(
        ARS, side, units.parse_dollars(price), units.parse_count(count), model.GTC, model.STP_TAKER
    )
    sim.exchange.create(user, request, sim.shared.now_ms())
    sim.flush()


async def _subscribe_book(ws: aiohttp.ClientWebSocketResponse, **params: Any) -> int:
    await ws.send_json(
        {
            "id": 1,
            "cmd": "subscribe",
            "params": {"channels": ["orderbook_delta"], "market_tickers": [ARS], **params},
        }
    )
    ack = await _next(ws)
    assert ack["type"] == "subscribed"
    sid: int = ack["msg"]["sid"]
    return sid


async def test_book_subscription_sends_snapshot_then_deltas_with_seq_per_sid(
    sim: server.RunningKalshiSim, signer: Signer, other: Signer
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        sid = await _subscribe_book(ws)
        snapshot = await _next(ws)
        assert (snapshot["type"], snapshot["sid"], snapshot["seq"]) == (
            "orderbook_snapshot",
            sid,
            1,
        )
        assert "yes_dollars_fp" not in snapshot["msg"]
        assert "no_dollars_fp" not in snapshot["msg"]
        _place(sim, signer.key_id, model.BID, "0.45", "10")
        _place(sim, other.key_id, model.ASK, "0.55", "2.5")
        first, second = await _next(ws), await _next(ws)
        assert [first["seq"], second["seq"]] == [2, 3]
        assert first["msg"]["price_dollars"] == "0.4500"
        assert first["msg"]["delta_fp"] == "10.00"
        assert first["msg"]["side"] == "yes"
        assert "client_order_id" not in second["msg"]
        # The NO side is in NO price by default: an ask at 0.55 is a NO bid at 0.45.
        assert (second["msg"]["side"], second["msg"]["price_dollars"]) == ("no", "0.4500")


async def test_use_yes_price_reports_no_levels_on_the_yes_scale(
    sim: server.RunningKalshiSim, signer: Signer
) -> None:
    _place(sim, signer.key_id, model.ASK, "0.55", "3")
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        await _subscribe_book(ws, use_yes_price=True)
        snapshot = await _next(ws)
        assert snapshot["msg"]["no_dollars_fp"] == [["0.5500", "3.00"]]


async def test_dropped_delta_shows_as_a_seq_gap_and_get_snapshot_resyncs(
    sim: server.RunningKalshiSim, signer: Signer
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        sid = await _subscribe_book(ws)
        await _next(ws)  # snapshot, seq 1
        sim.faults.drop_deltas = 1
        _place(sim, signer.key_id, model.BID, "0.40", "1")
        _place(sim, signer.key_id, model.BID, "0.41", "1")
        after_gap = await _next(ws)
        assert after_gap["seq"] == 3
        assert sim.faults.fired["drop_delta"] == 1
        await ws.send_json(
            {
                "id": 9,
                "cmd": "update_subscription",
                "params": {"sid": sid, "action": "get_snapshot", "market_tickers": [ARS]},
            }
        )
        fresh = await _next(ws)
        assert (fresh["type"], fresh["id"], fresh["seq"]) == ("orderbook_snapshot", 9, 4)
        assert fresh["msg"]["yes_dollars_fp"] == [["0.4000", "1.00"], ["0.4100", "1.00"]]


async def test_fill_channel_reports_post_position(
    sim: server.RunningKalshiSim, signer: Signer, other: Signer
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        await ws.send_json({"id": 2, "cmd": "subscribe", "params": {"channels": ["fill"]}})
        assert (await _next(ws))["type"] == "subscribed"
        _place(sim, other.key_id, model.ASK, "0.50", "4")
        _place(sim, signer.key_id, model.BID, "0.50", "4")
        fill = await _next(ws)
        assert fill["type"] == "fill"
        assert "seq" not in fill
        assert (fill["msg"]["post_position_fp"], fill["msg"]["is_taker"]) == ("4.00", True)


async def test_server_pings_with_a_heartbeat_body(
    sim: server.RunningKalshiSim, signer: Signer
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        await _connect(session, sim, signer, autoping=False) as ws,
    ):
        message = await asyncio.wait_for(ws.receive(), DEADLINE_SECS)
        assert message.type == aiohttp.WSMsgType.PING
        assert message.data == b"heartbeat"


async def test_upgrade_with_a_bad_signature_is_refused_with_401(
    sim: server.RunningKalshiSim, signer: Signer
) -> None:
    headers = signer.headers("GET", "/trade-api/ws/v2/wrong", sim.shared.now_ms())
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(sim.ws_url, headers=headers)
    assert refused.value.status == 401


async def test_disconnect_fault_closes_every_connection(
    sim: server.RunningKalshiSim, signer: Signer
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        await sim.disconnect_websockets()
        message = await asyncio.wait_for(ws.receive(), DEADLINE_SECS)
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


async def test_freeze_holds_frames_until_thawed(
    sim: server.RunningKalshiSim, signer: Signer
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        await _subscribe_book(ws)
        await _next(ws)
        sim.faults.freeze(True)
        _place(sim, signer.key_id, model.BID, "0.40", "1")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.receive_json(), 0.2)
        sim.faults.freeze(False)
        assert (await _next(ws))["seq"] == 2


@pytest.mark.parametrize(
    ("command", "code"),
    [
        pytest.param({"id": 3, "cmd": "dance"}, 5, id="unknown_command"),
        pytest.param(
            {"id": 3, "cmd": "subscribe", "params": {"channels": ["nope"]}}, 8, id="unknown_channel"
        ),
        pytest.param(
            {"id": 3, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"]}},
            14,
            id="book_without_ticker",
        ),
        pytest.param(
            {"id": 3, "cmd": "unsubscribe", "params": {"sids": [999]}}, 7, id="unknown_sid"
        ),
    ],
)
async def test_bad_commands_get_error_frames(
    sim: server.RunningKalshiSim, signer: Signer, command: dict[str, Any], code: int
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        await ws.send_json(command)
        reply = await _next(ws)
        assert (reply["type"], reply["msg"]["code"]) == ("error", code)


@pytest.mark.parametrize(
    "garbled",
    [
        pytest.param("{not json", id="not_json"),
        pytest.param("[1, 2]", id="not_an_object"),
        pytest.param('{"id": 1, "cmd": "subscribe", "params": {"channels": [{}]}}', id="ill_typed"),
    ],
)
async def test_garbled_command_is_counted_and_the_connection_survives(
    sim: server.RunningKalshiSim, signer: Signer, garbled: str
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        await ws.send_str(garbled)
        assert (await _next(ws))["msg"]["code"] == 1
        await ws.send_json({"id": 4, "cmd": "list_subscriptions"})
        assert (await _next(ws))["type"] == "ok"
    assert sim.shared.hub.garbled_commands == 1


async def test_each_sid_counts_its_own_seq(
    sim: server.RunningKalshiSim, signer: Signer, other: Signer
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        await ws.send_json(
            {
                "id": 1,
                "cmd": "subscribe",
                "params": {"channels": ["orderbook_delta", "trade"], "market_tickers": [ARS]},
            }
        )
        sids: dict[str, int] = {}
        frames: list[dict[str, Any]] = []
        while len(sids) < 2:
            frame = await _next(ws)
            if frame["type"] == "subscribed":
                sids[frame["msg"]["channel"]] = frame["msg"]["sid"]
            else:
                frames.append(frame)
        _place(sim, other.key_id, model.ASK, "0.50", "1")
        _place(sim, signer.key_id, model.BID, "0.50", "1")
        while len([f for f in frames if f.get("sid") == sids["trade"]]) < 1:
            frames.append(await _next(ws))
        while len([f for f in frames if f.get("sid") == sids["orderbook_delta"]]) < 3:
            frames.append(await _next(ws))
    book = [f["seq"] for f in frames if f["sid"] == sids["orderbook_delta"]]
    trade = [f["seq"] for f in frames if f["sid"] == sids["trade"]]
    assert book == [1, 2, 3]  # snapshot, resting ask, ask filled
    assert trade == [1]


async def test_lifecycle_channel_reports_pause_determination_and_settlement(
    sim: server.RunningKalshiSim, signer: Signer
) -> None:
    async with aiohttp.ClientSession() as session, await _connect(session, sim, signer) as ws:
        await ws.send_json(
            {
                "id": 1,
                "cmd": "subscribe",
                "params": {"channels": ["market_lifecycle_v2"], "market_tickers": [ARS]},
            }
        )
        assert (await _next(ws))["type"] == "subscribed"
        now = sim.shared.now_ms()
        for status in (model.MarketStatus.INACTIVE, model.MarketStatus.DETERMINED):
            lifecycle.set_status(sim.exchange, ARS, status, now, result="yes")
        lifecycle.set_status(sim.exchange, ARS, model.MarketStatus.FINALIZED, now)
        sim.flush()
        frames = [await _next(ws) for _ in range(3)]
    assert [f["seq"] for f in frames] == [1, 2, 3]
    paused, determined, settled = (f["msg"] for f in frames)
    assert (paused["event_type"], paused["is_deactivated"]) == ("deactivated", True)
    assert (determined["event_type"], determined["result"]) == ("determined", "yes")
    assert determined["settlement_value"] == "1.0000"
    assert settled["event_type"] == "settled"
