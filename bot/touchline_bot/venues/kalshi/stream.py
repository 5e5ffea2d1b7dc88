"""The Kalshi WebSocket stream: one authenticated connection, kept alive and resubscribed.

Each (re)connect signs ``GET /trade-api/ws/v2`` with a fresh timestamp, subscribes through
:class:`feed.FeedState`, then reads frames: each is parsed into a typed message, applied to the
books, and handed to the caller's ``handler``. A garbled frame is counted and logged, never
raised. Silence longer than ``idle_timeout_secs`` (the venue pings every 10 s) or a dropped
connection leads to a reconnect after a jittered backoff; books are rebuilt from new snapshots.

``last_heard_ms`` is when the venue last said anything on the socket: a data frame, its ping, or
the pong to one of ours (sent every ``ping_interval_secs``). It is the only proof that an
unchanged book is still current: a socket that stays open but goes silent ages it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
import orjson

from touchline_bot.venues.kalshi import auth, book, feed, messages, retry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """Behaviour of the stream."""

    use_yes_price: bool = False
    private_channels: bool = True
    idle_timeout_secs: float = 25.0
    ping_interval_secs: float = 1.0
    """Our pings: the venue's pongs keep a quiet but live connection fresh."""
    connect_timeout_secs: float = 10.0
    reconnect_base_secs: float = 0.25
    reconnect_max_secs: float = 10.0


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """Handed to the handler when the connection comes up or goes down (``reason``)."""

    connected: bool
    reason: str


Handler = Callable[[messages.Message | StreamStatus], None]


class KalshiStream:
    """A self-healing WebSocket stream for a set of markets."""

    def __init__(
        self,
        ws_url: str,
        tickers: list[str],
        *,
        signer: auth.Signer,
        handler: Handler,
        now_ms: Callable[[], int],
        random_fn: Callable[[], float],
        options: StreamOptions = StreamOptions(),
    ) -> None:
        self._url = ws_url
        self._signer = signer
        self._handler = handler
        self._now_ms = now_ms
        self._random_fn = random_fn
        self._options = options
        self.feed = feed.FeedState(
            tickers, use_yes_price=options.use_yes_price, private=options.private_channels
        )
        self._stop = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self.last_heard_ms: int | None = None
        """When the venue last sent anything on the socket (``None``: never)."""

    @property
    def books(self) -> dict[str, book.OrderBook]:
        """The order book of each market (check ``valid`` or ``top().valid``)."""
        return self.feed.books

    @property
    def stats(self) -> feed.StreamStats:
        """Counters: gaps, resyncs, reconnects, malformed frames, idle timeouts, ..."""
        return self.feed.stats

    async def stop(self) -> None:
        """Ask :meth:`run` to return, closing the connection."""
        self._stop.set()
        if self._ws is not None:
            await self._ws.close()

    async def drop_connection(self) -> None:
        """Close the current connection (as a network fault would); :meth:`run` reconnects."""
        if self._ws is not None:
            await self._ws.close()

    async def run(self) -> None:
        """Connect, read and reconnect until :meth:`stop`."""
        attempt = 0
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self._options.connect_timeout_secs)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self._stop.is_set():
                healthy = await self._connection(session)
                if self._stop.is_set():
                    break
                self.stats.reconnects += 1
                attempt = 0 if healthy else attempt + 1
                delay_secs = retry.retry_delay(
                    attempt,
                    base_secs=self._options.reconnect_base_secs,
                    max_secs=self._options.reconnect_max_secs,
                    random_fn=self._random_fn,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=delay_secs)

    async def _connection(self, session: aiohttp.ClientSession) -> bool:
        """One connection's life; True when it got as far as receiving frames."""
        headers = self._signer.headers("GET", urlsplit(self._url).path, self._now_ms())
        try:
            ws = await session.ws_connect(
                self._url,
                headers=headers,
                timeout=aiohttp.ClientWSTimeout(ws_close=self._options.connect_timeout_secs),
                autoping=False,
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The exception text can echo the request; log only its type.
            log.warning("kalshi ws connect failed", extra={"error": type(exc).__name__})
            self._emit(
                StreamStatus(connected=False, reason=f"connect failed: {type(exc).__name__}")
            )
            return False
        self._ws = ws
        self.last_heard_ms = self._now_ms()
        pinger = asyncio.create_task(self._ping(ws))
        try:
            for command in self.feed.start_connection():
                await self._send(ws, command)
            self._emit(StreamStatus(connected=True, reason="connected"))
            reason = await self._read(ws)
        except (aiohttp.ClientError, ConnectionError) as exc:
            reason = f"connection lost: {type(exc).__name__}"
        finally:
            pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pinger
            self._ws = None
            await ws.close()
            # Without the feed the books are stale: say so at once, not at the next connect.
            for market_book in self.feed.books.values():
                market_book.invalidate("disconnected")
        self._emit(StreamStatus(connected=False, reason=reason))
        return True

    @staticmethod
    async def _send(ws: aiohttp.ClientWebSocketResponse, command: feed.Command) -> None:
        # Commands go as text frames: the venue ignores binary ones.
        await ws.send_str(orjson.dumps(command).decode())

    async def _ping(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Ping the venue on a fixed interval; its pongs are what :meth:`_read` counts."""
        while not ws.closed:
            await asyncio.sleep(self._options.ping_interval_secs)
            with contextlib.suppress(aiohttp.ClientError, ConnectionError, RuntimeError):
                await ws.ping(b"touchline")

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> str:
        while True:
            try:
                frame = await ws.receive(timeout=self._options.idle_timeout_secs)
            except TimeoutError:
                self.stats.idle_timeouts += 1
                log.warning("kalshi ws idle", extra={"idle_secs": self._options.idle_timeout_secs})
                return "idle timeout"
            if frame.type is aiohttp.WSMsgType.PING:
                self.last_heard_ms = self._now_ms()
                await ws.pong(frame.data)
            elif frame.type is aiohttp.WSMsgType.PONG:
                self.last_heard_ms = self._now_ms()
            elif frame.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                self.last_heard_ms = self._now_ms()
                for command in self.on_frame(frame.data):
                    await self._send(ws, command)
            elif frame.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSING,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.ERROR,
            ):
                return f"closed ({frame.type.name.lower()})"

    def on_frame(self, raw: bytes | str) -> list[feed.Command]:
        """Process one frame: parse, apply, hand to the handler; return commands to send."""
        self.stats.frames += 1
        try:
            msg = messages.parse_frame(raw, use_yes_price=self._options.use_yes_price)
        except messages.MalformedFrameError as exc:
            self.stats.malformed_frames += 1
            log.warning("kalshi ws malformed frame", extra={"error": str(exc), "size": len(raw)})
            return []
        if msg is None:
            self.stats.unexpected_frames += 1
            log.info("kalshi ws unexpected frame", extra={"size": len(raw)})
            return []
        commands = self.feed.handle(msg)
        self._emit(msg)
        return commands

    def _emit(self, item: messages.Message | StreamStatus) -> None:
        try:
            self._handler(item)
        except Exception:
            # A bug in the consumer must not kill the feed; it is logged with its traceback.
            log.exception("kalshi ws handler failed")
