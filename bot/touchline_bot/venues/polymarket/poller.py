"""REST polling of Polymarket books while the WebSocket cannot be trusted: one ``POST /books``
for all tokens per phase interval, backing off on 429 / 403 / 425 / 5xx (honouring the
server's ``Retry-After`` when it gives one) and counting every failure.

The feed switches it on and off through :attr:`RestPoller.active`; polls that complete after
it was switched off are dropped, so a late REST answer never overwrites the fresher stream.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from touchline_bot.venues.polymarket import errors, messages, polling, rest, stats, store

log = logging.getLogger(__name__)


class RestPoller:
    """Polls while :attr:`active` is set; run :meth:`run` as a task."""

    def __init__(
        self,
        *,
        rest_client: rest.PolymarketRest,
        data: store.SignalStore,
        counters: stats.FeedStats,
        timing: Callable[[], polling.PhaseTiming],
        now_ms: Callable[[], int],
        random_fn: Callable[[], float],
        backoff_base_ms: int,
        backoff_max_ms: int,
    ) -> None:
        self.active = asyncio.Event()
        self._rest = rest_client
        self._data = data
        self._stats = counters
        self._timing = timing
        self._now_ms = now_ms
        self._random_fn = random_fn
        self._backoff_base_ms = backoff_base_ms
        self._backoff_max_ms = backoff_max_ms

    def count_error(self, exc: errors.PolymarketError) -> None:
        """Count (and log, without any request detail) one failed REST read."""
        self._stats.rest_errors += 1
        if exc.status == 429:
            self._stats.throttled += 1
        log.warning("polymarket rest read failed", extra={"error": str(exc)})

    async def run(self) -> None:
        """Poll whenever active, forever."""
        attempt = 0
        while True:
            await self.active.wait()
            try:
                snapshots = await self._rest.get_books(self._data.tokens)
            except errors.PolymarketError as exc:
                self.count_error(exc)
                delay_ms = polling.backoff_ms(
                    attempt,
                    base_ms=self._backoff_base_ms,
                    max_ms=self._backoff_max_ms,
                    random_fn=self._random_fn,
                    retry_after_secs=getattr(exc, "retry_after_secs", None),
                )
                attempt += 1
            else:
                attempt = 0
                self._apply(snapshots)
                delay_ms = polling.poll_interval_ms(self._timing(), token_count=len(snapshots))
            await asyncio.sleep(delay_ms / 1000)

    def _apply(self, snapshots: list[messages.BookSnapshot]) -> None:
        if not self.active.is_set():
            return
        self._stats.rest_polls += 1
        now = self._now_ms()
        for snapshot in snapshots:
            self._data.apply(snapshot, now_ms=now, source=store.Source.REST)
