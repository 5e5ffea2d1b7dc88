"""The WebSocket endpoint: subscriptions, per-``sid`` ``seq``, 10 s pings, faults on the way out.

Every connection is authenticated at the upgrade like a REST request (signed path
``/trade-api/ws/v2``). Each channel of a ``subscribe`` gets its own ``sid``; sequenced channels
stamp ``seq`` = 1, 2, 3... per sid (the snapshot included). A dropped delta still consumes its
``seq``, so the client sees a gap exactly as it would on the venue.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web

from touchline_bot.sim.kalshi import channels, commands, events, exchange, faults
from touchline_bot.tasks import cancel_and_wait

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Subscription:
    """One channel subscription of one connection."""

    sid: int
    channel: str
    tickers: set[str] | None
    use_yes_price: bool = False
    seq: int = 0


class Connection:
    """One client connection: its subscriptions and its outgoing queue."""

    def __init__(self, ws: web.WebSocketResponse, user_id: str, hub: Hub) -> None:
        self.ws = ws
        self.user_id = user_id
        self.hub = hub
        self.subs: dict[int, Subscription] = {}
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def emit(self, sub: Subscription, msg_type: str, msg: Any, *, cmd_id: int = 0) -> None:
        """Queue one data frame on ``sub``, stamping ``seq`` on sequenced channels."""
        frame: dict[str, Any] = {"type": msg_type, "sid": sub.sid}
        if cmd_id:
            frame["id"] = cmd_id
        if sub.channel in channels.SEQUENCED:
            sub.seq += 1
            frame["seq"] = sub.seq
        frame["msg"] = msg
        if msg_type == "orderbook_delta" and self.hub.faults.take_drop_delta():
            return
        self.queue.put_nowait(frame)

    def reply(self, frame: dict[str, Any]) -> None:
        """Queue a command reply."""
        self.queue.put_nowait(frame)

    def error(self, cmd_id: int, code: int, text: str) -> None:
        """Queue an error frame (codes as in the venue reference)."""
        self.reply({"id": cmd_id, "type": "error", "msg": {"code": code, "msg": text}})


class Hub:
    """Every open connection, and the fan-out of exchange events to their subscriptions."""

    def __init__(
        self,
        ex: exchange.Exchange,
        flt: faults.Faults,
        now_ms: Callable[[], int],
        *,
        ping_interval_secs: float = 10.0,
    ) -> None:
        self.exchange = ex
        self.faults = flt
        self.now_ms = now_ms
        self.ping_interval_secs = ping_interval_secs
        self.connections: dict[Connection, None] = {}
        """Insertion-ordered (a set would fan out in memory-address order: runs differ)."""
        self.garbled_commands = 0
        self._next_sid = 0

    def new_sid(self) -> int:
        """A fresh subscription id."""
        self._next_sid += 1
        return self._next_sid

    def publish(self, evs: list[events.Event]) -> None:
        """Turn exchange events into frames for every matching subscription."""
        for e in evs:
            if isinstance(e, events.BookChanged):
                self._publish_delta(e)
                continue
            for channel, ticker, user_id, msg_type, msg in channels.route(self.exchange, e):
                for conn, sub in self._subscribers(channel, ticker):
                    if channel in channels.PRIVATE and conn.user_id != user_id:
                        continue
                    conn.emit(sub, msg_type, msg)

    def _publish_delta(self, e: events.BookChanged) -> None:
        for conn, sub in self._subscribers("orderbook_delta", e.ticker):
            own = conn.user_id == e.user_id
            msg = channels.delta(e, use_yes_price=sub.use_yes_price, own=own)
            conn.emit(sub, "orderbook_delta", msg)

    def _subscribers(self, channel: str, ticker: str) -> list[tuple[Connection, Subscription]]:
        found = []
        for conn in self.connections:
            for sub in conn.subs.values():
                if sub.channel != channel:
                    continue
                if sub.tickers is None or not ticker or ticker in sub.tickers:
                    found.append((conn, sub))
        return found

    def subscribe(
        self, conn: Connection, channel: str, tickers: list[str] | None, *, use_yes_price: bool
    ) -> Subscription:
        """Add a subscription with a fresh ``sid`` to ``conn``."""
        sub = Subscription(
            self.new_sid(), channel, set(tickers) if tickers else None, use_yes_price
        )
        conn.subs[sub.sid] = sub
        return sub

    def send_snapshot(
        self, conn: Connection, sub: Subscription, ticker: str, cmd_id: int = 0
    ) -> None:
        """Queue an ``orderbook_snapshot`` of ``ticker`` on ``sub``."""
        bk = self.exchange.books.get(ticker)
        if bk is None:
            conn.error(cmd_id, 11, f"unknown market {ticker}")
            return
        msg = channels.snapshot(ticker, bk, use_yes_price=sub.use_yes_price)
        conn.emit(sub, "orderbook_snapshot", msg, cmd_id=cmd_id)

    async def close_all(self, *, fault: bool = True) -> None:
        """Drop every connection (the disconnect fault, or shutdown with ``fault=False``)."""
        if fault:
            self.faults.fired["disconnect"] = self.faults.fired.get("disconnect", 0) + 1
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"simulated disconnect")

    async def serve(self, request: web.Request, user_id: str) -> web.WebSocketResponse:
        """Run one upgraded connection until it closes."""
        # Pings are answered here, not by aiohttp: a frozen connection is silent, pongs too.
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        conn = Connection(ws, user_id, self)
        self.connections[conn] = None
        writer = asyncio.create_task(self._write(conn))
        pinger = asyncio.create_task(self._ping(conn))
        try:
            async for message in ws:
                if message.type == web.WSMsgType.TEXT:
                    self._command(conn, message.data)
                elif message.type == web.WSMsgType.PING and not self.faults.frozen:
                    await ws.pong(message.data)
        finally:
            self.connections.pop(conn, None)
            for task in (writer, pinger):
                await cancel_and_wait(task)
        return ws

    async def _write(self, conn: Connection) -> None:
        while True:
            frame = await conn.queue.get()
            if self.faults.latency_ms:
                await asyncio.sleep(self.faults.latency_ms / 1000)
            if self.faults.frozen:
                await self.faults.thaw.wait()
            if "sid" in frame:
                frame["sending_ts_ms"] = self.now_ms()
            if conn.ws.closed:
                return
            try:
                await conn.ws.send_str(orjson.dumps(frame).decode())
            except (ConnectionResetError, RuntimeError):
                return  # the client went away mid-send; the reader loop ends the connection

    async def _ping(self, conn: Connection) -> None:
        while not conn.ws.closed:
            await asyncio.sleep(self.ping_interval_secs)
            if not self.faults.frozen and not conn.ws.closed:
                try:
                    await conn.ws.ping(b"heartbeat")
                except (ConnectionResetError, RuntimeError):
                    return

    def _command(self, conn: Connection, text: str) -> None:
        try:
            command = orjson.loads(text)
        except orjson.JSONDecodeError:
            command = None
        if isinstance(command, dict):
            try:
                commands.handle(self, conn, command)
            except (TypeError, ValueError, KeyError):
                pass  # a well-formed JSON object with ill-typed fields: garbled, counted below
            else:
                return
        self.garbled_commands += 1
        log.warning("garbled WebSocket command (%d so far)", self.garbled_commands)
        conn.error(0, 1, "Unable to process message")
