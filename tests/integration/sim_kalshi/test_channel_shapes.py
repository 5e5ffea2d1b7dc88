"""Every WebSocket message type the simulator sends carries the AsyncAPI's required fields."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from tests.integration.sim_kalshi.support import ARS, Signer
from touchline_bot.core import units
from touchline_bot.sim.kalshi import exchange, lifecycle, model, server

# The ``required`` lists of the venue's AsyncAPI document (``msg`` object of each type).
REQUIRED: dict[str, set[str]] = {
    "orderbook_snapshot": {"market_ticker", "market_id"},
    "orderbook_delta": {"market_ticker", "market_id", "price_dollars", "delta_fp", "side"},
    "ticker": {
        "market_ticker",
        "market_id",
        "price_dollars",
        "yes_bid_dollars",
        "yes_ask_dollars",
        "yes_bid_size_fp",
        "yes_ask_size_fp",
        "last_trade_size_fp",
        "volume_fp",
        "open_interest_fp",
        "dollar_volume",
        "dollar_open_interest",
        "ts",
        "ts_ms",
        "time",
    },
    "trade": {
        "trade_id",
        "market_ticker",
        "yes_price_dollars",
        "no_price_dollars",
        "count_fp",
        "taker_side",
        "taker_outcome_side",
        "taker_book_side",
        "is_block_trade",
        "ts",
        "ts_ms",
    },
    "fill": {
        "trade_id",
        "order_id",
        "market_ticker",
        "exchange_index",
        "is_taker",
        "side",
        "yes_price_dollars",
        "count_fp",
        "fee_cost",
        "action",
        "outcome_side",
        "book_side",
        "ts",
        "ts_ms",
        "post_position_fp",
        "purchased_side",
    },
    "market_position": {
        "user_id",
        "market_ticker",
        "position_fp",
        "position_cost_dollars",
        "realized_pnl_dollars",
        "fees_paid_dollars",
        "position_fee_cost_dollars",
        "volume_fp",
    },
    "user_order": {
        "order_id",
        "user_id",
        "ticker",
        "status",
        "side",
        "is_yes",
        "outcome_side",
        "book_side",
        "yes_price_dollars",
        "fill_count_fp",
        "remaining_count_fp",
        "initial_count_fp",
        "taker_fill_cost_dollars",
        "maker_fill_cost_dollars",
        "taker_fees_dollars",
        "maker_fees_dollars",
        "client_order_id",
        "created_time",
        "created_ts_ms",
    },
    "market_lifecycle_v2": {"event_type", "market_ticker"},
    "order_group_updates": {"event_type", "order_group_id", "ts_ms"},
}
CHANNELS = [
    "orderbook_delta",
    "ticker",
    "trade",
    "fill",
    "user_orders",
    "market_positions",
    "market_lifecycle_v2",
    "order_group_updates",
]


async def test_every_message_type_has_the_required_fields(
    sim: server.RunningKalshiSim, signer: Signer, other: Signer
) -> None:
    headers = signer.headers("GET", "/trade-api/ws/v2", sim.shared.now_ms())
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(sim.ws_url, headers=headers) as ws,
    ):
        await ws.send_json(
            {"id": 1, "cmd": "subscribe", "params": {"channels": CHANNELS, "market_tickers": [ARS]}}
        )
        seen: dict[str, dict[str, Any]] = {}
        acks = 0
        while acks < len(CHANNELS):
            frame = await asyncio.wait_for(ws.receive_json(), 5)
            acks += frame["type"] == "subscribed"
            if frame["type"] in REQUIRED:
                seen.setdefault(frame["type"], frame["msg"])
        now = sim.shared.now_ms()
        group = lifecycle.create_group(sim.exchange, signer.key_id, units.parse_count("100"), now)
        for user, side in ((other.key_id, model.ASK), (signer.key_id, model.BID)):
            request = exchange.OrderRequest(
                ARS,
                side,
                units.parse_dollars("0.50"),
                units.parse_count("2"),
                model.GTC,
                model.STP_TAKER,
                order_group_id=group.order_group_id if user == signer.key_id else "",
            )
            sim.exchange.create(user, request, now)
        lifecycle.set_status(sim.exchange, ARS, model.MarketStatus.INACTIVE, now)
        sim.flush()
        while set(REQUIRED) - set(seen):
            frame = await asyncio.wait_for(ws.receive_json(), 5)
            if frame["type"] in REQUIRED:
                seen.setdefault(frame["type"], frame["msg"])
    for msg_type, fields in REQUIRED.items():
        assert fields <= set(seen[msg_type]), (msg_type, fields - set(seen[msg_type]))
