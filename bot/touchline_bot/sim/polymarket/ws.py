"""The simulated market WebSocket: subscribe by ``assets_ids`` (initial dump as one array of
``book`` events), later ``operation`` subscribes, text ``PING`` → ``PONG``, and every change
of a subscribed token pushed as it happens. While frozen, data frames are dropped but PONGs
continue, exactly like the live venue's silent freeze.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
from aiohttp import web

from touchline_bot import tasks
from touchline_bot.sim.polymarket import faults, state, wire


class Connection:
    """One subscriber: its assets and an outbound queue drained by a writer task."""

    def __init__(self, socket: web.WebSocketResponse, hub: Hub) -> None:
        self.socket = socket
        self.assets: set[str] = set()
        self.subscribed = False
        self._hub = hub
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    def send_data(self, payload: Any) -> None:
        """Queue a data frame, unless the venue is frozen (then it is lost)."""
        if self._hub.faults.frozen:
            self._hub.faults.ws_frames_dropped += 1
            return
        self.queue.put_nowait(orjson.dumps(payload).decode())

    def _on_subscribe(self, data: dict[str, Any]) -> None:
        assets = [str(a) for a in data.get("assets_ids", [])]
        if "operation" in data:
            if data["operation"] == "unsubscribe":
                self.assets.difference_update(assets)
                return
        elif self.subscribed:
            self.queue.put_nowait("INVALID OPERATION")
            return
        self.subscribed = True
        new = [a for a in assets if a not in self.assets]
        self.assets.update(assets)
        books = self._hub.state.books
        dump = [wire.book_event(books[a].summary()) for a in new if a in books]
        if dump and data.get("initial_dump", True):
            self.send_data(dump)

    def on_text(self, text: str) -> None:
        """Handle one client frame."""
        if text == "PING":
            if not self._hub.faults.pong_muted:
                self.queue.put_nowait("PONG")
            return
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            self.queue.put_nowait("INVALID OPERATION")
            return
        if not isinstance(data, dict) or not isinstance(data.get("assets_ids"), list):
            self.queue.put_nowait("INVALID OPERATION")
            return
        self._on_subscribe(data)

    async def write_loop(self) -> None:
        """Send queued frames in order until the socket closes."""
        while not self.socket.closed:
            text = await self.queue.get()
            with contextlib.suppress(ConnectionError):
                await self.socket.send_str(text)


def _assets_of(event: dict[str, Any]) -> set[str]:
    if "price_changes" in event:
        return {entry["asset_id"] for entry in event["price_changes"]}
    return {event["asset_id"]}


class Hub:
    """All open connections; fans published events out to the interested ones."""

    def __init__(self, sim_state: state.SimState, sim_faults: faults.Faults) -> None:
        self.state = sim_state
        self.faults = sim_faults
        self.connections: dict[Connection, None] = {}
        """Insertion-ordered (a set would fan out in memory-address order: runs differ)."""
        sim_state.listeners.append(self.publish)

    def publish(self, event: dict[str, Any]) -> None:
        """Send ``event`` to every connection subscribed to one of its assets."""
        assets = _assets_of(event)
        for connection in list(self.connections):
            if connection.assets & assets:
                connection.send_data(event)

    async def disconnect_all(self) -> int:
        """Close every socket (a venue-side disconnect); returns how many were open."""
        open_now = list(self.connections)
        for connection in open_now:
            await connection.socket.close()
        return len(open_now)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The ``/ws/market`` endpoint."""
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        connection = Connection(socket, self)
        self.connections[connection] = None
        writer = asyncio.create_task(connection.write_loop())
        try:
            async for frame in socket:
                if frame.type == web.WSMsgType.TEXT:
                    connection.on_text(frame.data)
        finally:
            self.connections.pop(connection, None)
            await tasks.cancel_and_wait(writer)
        return socket
