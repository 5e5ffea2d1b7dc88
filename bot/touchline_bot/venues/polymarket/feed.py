"""The Polymarket feed: the market WebSocket as the primary path, REST ``/books`` as the
fallback, and a watchdog that catches the venue's known silent freeze.

A freeze is a socket that stays open (PONGs keep coming) while no data arrives. When the
stream has been silent for longer than ``silence_fraction`` of the phase's staleness window
while the market is live, the watchdog reads REST: if the book moved there (a newer
``timestamp`` than ours), the stream is frozen: the store is marked stale, REST polling takes
over, and the socket is replaced. Once a new session has delivered a fresh snapshot for every
token, the feed returns to streaming and the store is live again. If REST shows nothing new,
the market is merely quiet: the books are confirmed fresh and nothing is marked stale.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from touchline_bot import tasks
from touchline_bot.venues.polymarket import (
    book,
    errors,
    messages,
    poller,
    polling,
    rest,
    stats,
    store,
    stream,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """Tuning of the feed; the defaults follow the reference and the seed."""

    stream: stream.StreamOptions = dataclasses.field(default_factory=stream.StreamOptions)
    silence_fraction: float = 0.5
    reconnect_base_ms: int = 1_000
    reconnect_max_ms: int = 60_000
    rest_backoff_base_ms: int = 500
    rest_backoff_max_ms: int = 30_000


class PolymarketFeed:
    """Keeps a :class:`store.SignalStore` current for its tokens; run it as a task."""

    def __init__(
        self,
        *,
        data: store.SignalStore,
        rest_client: rest.PolymarketRest,
        session: aiohttp.ClientSession,
        ws_url: str,
        timing: Callable[[], polling.PhaseTiming],
        now_ms: Callable[[], int],
        random_fn: Callable[[], float],
        options: FeedOptions = FeedOptions(),
    ) -> None:
        self.data = data
        self.stats = stats.FeedStats()
        self.mode = stats.FeedMode.STARTING
        self._rest = rest_client
        self._session = session
        self._ws_url = ws_url
        self._timing = timing
        self._now_ms = now_ms
        self._random_fn = random_fn
        self._options = options
        self._current: stream.StreamSession | None = None
        self._snapshotted: set[str] = set()
        self._last_heard_ms = now_ms()
        self._poller = poller.RestPoller(
            rest_client=rest_client,
            data=data,
            counters=self.stats,
            timing=timing,
            now_ms=now_ms,
            random_fn=random_fn,
            backoff_base_ms=options.rest_backoff_base_ms,
            backoff_max_ms=options.rest_backoff_max_ms,
        )
        self._resubscribes = 0

    async def run(self) -> None:
        """Stream, watch and poll until cancelled."""
        self._last_heard_ms = self._now_ms()
        async with asyncio.TaskGroup() as group:
            group.create_task(self._stream_loop())
            group.create_task(self._watchdog_loop())
            group.create_task(self._poller.run())

    # ----------------------------------------------------------------- stream

    async def _stream_loop(self) -> None:
        attempt = 0
        while True:
            self._snapshotted = set()
            self._current = stream.StreamSession(
                self._session,
                self._ws_url,
                self.data.tokens,
                self._on_messages,
                self._options.stream,
            )
            try:
                await self._current.run()
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                log.warning("polymarket ws connect failed", extra={"error": type(exc).__name__})
            got_data = bool(self._snapshotted)
            self.stats.reconnects += 1
            attempt = 0 if got_data else attempt + 1
            delay_ms = (
                polling.backoff_ms(
                    max(0, attempt - 1),
                    base_ms=self._options.reconnect_base_ms,
                    max_ms=self._options.reconnect_max_ms,
                    random_fn=self._random_fn,
                )
                if attempt
                else 0
            )
            await asyncio.sleep(delay_ms / 1000)

    def _on_messages(self, parsed: list[messages.Message]) -> None:
        now = self._now_ms()
        for message in parsed:
            if isinstance(message, messages.Malformed):
                self.stats.malformed_frames += 1
                log.warning("polymarket ws malformed element", extra={"reason": message.reason})
            elif isinstance(message, messages.TextFrame):
                if message.text not in ("PONG", "NO NEW ASSETS"):
                    log.info("polymarket ws text frame", extra={"text": message.text[:40]})
            elif not isinstance(message, messages.Ignored):
                self._apply_ws(message, now)
        if self.mode is not stats.FeedMode.STREAMING and self._has_full_snapshot():
            self._enter_streaming()

    def _apply_ws(self, message: messages.Message, now: int) -> None:
        self.stats.ws_data_messages += 1
        self._last_heard_ms = now
        if isinstance(message, messages.BookSnapshot):
            self._snapshotted.add(message.asset_id)
        elif self.mode is stats.FeedMode.FALLBACK and not self._has_full_snapshot():
            # Data without a fresh snapshot cannot be merged into REST-polled books; ask for
            # a new session, whose initial dump brings the snapshot.
            if self._current is not None:
                self._current.request_close()
            return
        self.data.apply(message, now_ms=now, source=store.Source.WS)

    def _has_full_snapshot(self) -> bool:
        return all(token in self._snapshotted for token in self.data.tokens)

    def _enter_streaming(self) -> None:
        self._resubscribes = 0
        if self.mode is stats.FeedMode.FALLBACK:
            self.stats.recoveries += 1
            log.info("polymarket feed back on the stream")
        self.mode = stats.FeedMode.STREAMING
        self._poller.active.clear()
        self.data.mark_live()

    # --------------------------------------------------------------- watchdog

    async def _watchdog_loop(self) -> None:
        while True:
            timing = self._timing()
            await asyncio.sleep(max(0.02, timing.staleness_ms / 20_000))
            silence_ms = self._now_ms() - self._last_heard_ms
            if not timing.live or silence_ms < self._silence_threshold_ms(timing):
                continue
            if self.mode is stats.FeedMode.FALLBACK:
                self._resubscribes += 1
                await self._replace_silent_session()
            else:
                await self._cross_check()

    def _silence_threshold_ms(self, timing: polling.PhaseTiming) -> int:
        """Silence that triggers a REST cross-check; while falling back, the silence after
        which the (still silent) socket is replaced, doubling up to the reconnect maximum so
        that a long freeze does not become a reconnect storm."""
        threshold_ms = int(timing.staleness_ms * self._options.silence_fraction)
        if self.mode is not stats.FeedMode.FALLBACK:
            return threshold_ms
        grown_ms = threshold_ms * int(2 ** min(self._resubscribes, 16))
        return max(threshold_ms, min(self._options.reconnect_max_ms, grown_ms))

    async def _replace_silent_session(self) -> None:
        self._last_heard_ms = self._now_ms()
        if self._current is not None:
            await self._current.close()

    async def _cross_check(self) -> None:
        now = self._now_ms()
        try:
            snapshots = await self._rest.get_books(self.data.tokens)
        except errors.PolymarketError as exc:
            self._poller.count_error(exc)
            await self._enter_fallback("ws silent and REST unavailable", freeze=False)
            return
        self.stats.rest_polls += 1
        moved = [s for s in snapshots if self._moved(s)]
        if not moved and self.mode is stats.FeedMode.STREAMING:
            for snapshot in snapshots:
                self.data.confirm(snapshot.asset_id, now_ms=now, source_ts_ms=snapshot.timestamp_ms)
            self._last_heard_ms = now
            return
        for snapshot in snapshots:
            self.data.apply(snapshot, now_ms=now, source=store.Source.REST)
        frozen = self._current is not None and self._current.connected
        await self._enter_fallback("ws silent while REST moved", freeze=frozen)

    def _moved(self, snapshot: messages.BookSnapshot) -> bool:
        """True when REST knows a book we missed: a newer ``timestamp``, or (should the
        venue's timestamps be stale) different levels after a silence on our side."""
        known_ts_ms = self.data.newest_source_ts_ms(snapshot.asset_id)
        if known_ts_ms is None or (snapshot.timestamp_ms or 0) > known_ts_ms:
            return True
        theirs = book.TokenBook()
        theirs.replace(snapshot)
        ours = self.data.book(snapshot.asset_id)
        return theirs.bids() != ours.bids() or theirs.asks() != ours.asks()

    async def _enter_fallback(self, reason: str, *, freeze: bool) -> None:
        if freeze:
            self.stats.freezes_detected += 1
        self.stats.fallbacks += 1
        log.warning("polymarket feed falls back to REST", extra={"reason": reason})
        self.data.mark_stale("ws_frozen" if freeze else "ws_down")
        self.mode = stats.FeedMode.FALLBACK
        self._poller.active.set()
        await self._replace_silent_session()


async def cancel_and_wait(task: asyncio.Task[None]) -> None:
    """Stop a feed task started with ``asyncio.create_task(feed.run())`` and wait until it
    has finished (the caller's own cancellation still propagates)."""
    await tasks.cancel_and_wait(task)
