"""One connection to Polymarket's market WebSocket: subscribe with the initial dump, keep it
alive with text ``PING`` every 10 s, and hand every parsed frame to the caller.

A session ends when the socket closes, errors, misses PONGs for ``pong_timeout_secs``, or the
owner calls :meth:`StreamSession.close` (for example on a detected silent freeze). There are
no sequence numbers: the owner reconnects with a new session and a fresh snapshot.

Cancelling the task that runs a session always ends it: helper tasks are stopped with
:func:`touchline_bot.tasks.cancel_and_wait`, which never swallows the caller's own
cancellation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import aiohttp
import orjson

from touchline_bot import tasks
from touchline_bot.venues.polymarket import messages

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """Keepalive and connection limits of one session."""

    ping_interval_secs: float = 10.0
    pong_timeout_secs: float = 30.0
    connect_timeout_secs: float = 10.0
    close_timeout_secs: float = 5.0
    """How long :meth:`StreamSession.close` waits for the socket's closing handshake."""


def subscribe_message(token_ids: Sequence[str]) -> str:
    """The initial subscription, sending ``initial_dump`` explicitly (see the reference)."""
    body = {
        "assets_ids": list(token_ids),
        "type": "market",
        "initial_dump": True,
        "level": 2,
        "custom_feature_enabled": True,
    }
    return orjson.dumps(body).decode()


class StreamSession:
    """A single subscribed socket; ``run()`` returns when the socket is gone."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        token_ids: Sequence[str],
        on_messages: Callable[[list[messages.Message]], None],
        options: StreamOptions = StreamOptions(),
    ) -> None:
        self._session = session
        self._url = url
        self._token_ids = tuple(token_ids)
        self._on_messages = on_messages
        self._options = options
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._closing = False
        self.connected = False
        self.pong_timed_out = False

    def request_close(self) -> None:
        """From inside ``on_messages``: end the session once the current frame is handled."""
        self._closing = True

    async def close(self) -> None:
        """Drop the socket; ``run()`` then returns. The closing handshake is bounded by
        ``close_timeout_secs`` (a peer that never answers must not block the caller)."""
        self._closing = True
        if self._ws is None:
            return
        try:
            async with asyncio.timeout(self._options.close_timeout_secs):
                await self._ws.close()
        except TimeoutError:
            log.warning("polymarket ws close timed out; abandoning the socket")

    async def run(self) -> None:
        """Connect, subscribe and read until the socket is gone (connect errors raise)."""
        timeout = aiohttp.ClientWSTimeout(ws_close=self._options.connect_timeout_secs)
        async with self._session.ws_connect(self._url, timeout=timeout, autoping=True) as ws:
            self._ws = ws
            if self._closing:
                return
            self.connected = True
            await ws.send_str(subscribe_message(self._token_ids))
            loop = asyncio.get_running_loop()
            last_pong = [loop.time()]
            pinger = asyncio.create_task(self._ping_loop(ws, last_pong))
            try:
                await self._read(ws, last_pong)
            finally:
                self.connected = False
                await tasks.cancel_and_wait(pinger)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse, last_pong: list[float]) -> None:
        loop = asyncio.get_running_loop()
        async for frame in ws:
            if frame.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                break
            parsed = messages.parse_frame(frame.data)
            if any(isinstance(m, messages.TextFrame) and m.text == "PONG" for m in parsed):
                last_pong[0] = loop.time()
            self._on_messages(parsed)
            if self._closing:
                break

    async def _ping_loop(self, ws: aiohttp.ClientWebSocketResponse, last_pong: list[float]) -> None:
        loop = asyncio.get_running_loop()
        while not ws.closed:
            await asyncio.sleep(self._options.ping_interval_secs)
            if loop.time() - last_pong[0] > self._options.pong_timeout_secs:
                log.warning("polymarket ws missed PONGs; closing")
                self.pong_timed_out = True
                await ws.close()
                return
            with contextlib.suppress(ConnectionError, aiohttp.ClientError):
                await ws.send_str("PING")
