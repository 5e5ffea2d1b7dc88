"""A tiny Kalshi-like WebSocket server on loopback for stream tests: it records handshake
headers and commands, answers subscriptions, and lets a test push any frame."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from aiohttp import WSMsgType, web

WS_PATH = "/trade-api/ws/v2"


class FakeVenueWs:
    """Answers ``subscribe`` with ``subscribed`` (and a book snapshot for the book channel)."""

    def __init__(self, snapshot_yes: str = "0.4000") -> None:
        self.handshakes: list[dict[str, str]] = []
        self.commands: list[dict[str, Any]] = []
        self.snapshot_yes = snapshot_yes
        self.silent = False
        self._sockets: list[web.WebSocketResponse] = []
        self._sids = itertools.count(1)
        self.seq = 0
        self.url = ""
        self.watch = Watch()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        self.handshakes.append(
            {k: v for k, v in request.headers.items() if k.upper().startswith("KALSHI-")}
        )
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        self.seq = 0
        self.watch.poke()
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                continue  # Kalshi ignores binary commands; so must the fake
            command = orjson.loads(frame.data)
            self.commands.append(command)
            self.watch.poke()
            if not self.silent:
                await self._answer(ws, command)
        return ws

    async def _answer(self, ws: web.WebSocketResponse, command: dict[str, Any]) -> None:
        if command["cmd"] != "subscribe":
            return
        channel = command["params"]["channels"][0]
        sid = next(self._sids) if channel != "orderbook_delta" else 100
        await ws.send_bytes(
            orjson.dumps(
                {"id": command["id"], "type": "subscribed", "msg": {"channel": channel, "sid": sid}}
            )
        )
        if channel == "orderbook_delta":
            for ticker in command["params"]["market_tickers"]:
                await self.push_book(ticker, self.snapshot_yes)

    async def push_book(self, ticker: str, yes: str) -> None:
        self.seq += 1
        await self.push({
            "type": "orderbook_snapshot", "sid": 100, "seq": self.seq,
            "msg": {"market_ticker": ticker, "yes_dollars_fp": [[yes, "10.00"]]},
        })  # fmt: skip

    async def push(self, frame: dict[str, Any] | bytes) -> None:
        data = frame if isinstance(frame, bytes) else orjson.dumps(frame)
        await self._sockets[-1].send_bytes(data)

    async def drop(self) -> None:
        await self._sockets[-1].close()


async def serve(fake: FakeVenueWs) -> AsyncIterator[FakeVenueWs]:
    app = web.Application()
    app.router.add_get(WS_PATH, fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.url = f"ws://127.0.0.1:{port}{WS_PATH}"
    try:
        yield fake
    finally:
        for ws in fake._sockets:
            await ws.close()
        await runner.cleanup()


class Watch:
    """Wakes waiters whenever something they may be waiting for changed."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def poke(self, *_: object) -> None:
        self._changed.set()

    async def until(self, predicate: Callable[[], bool], timeout_secs: float = 5.0) -> None:
        """Wait for ``predicate`` to hold, failing after ``timeout_secs``."""
        async with asyncio.timeout(timeout_secs):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()
