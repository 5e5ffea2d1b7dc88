"""Turns the Polymarket signal store's changes into core events: ``SignalUpdated`` when a
token's book changes or is confirmed unchanged (that is fresh data too), ``FeedStale`` when the
feed marks the venue stale (a silent freeze, a dropped stream, failing polls)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from touchline_bot.core import events
from touchline_bot.core.types import Venue
from touchline_bot.venues.polymarket import store


@dataclass
class PolymarketLink:
    """Routes one token's changes to the runners that price off it."""

    data: store.SignalStore
    now_ms: Callable[[], int]
    subscribers: dict[str, list[Callable[[events.Event], None]]] = field(default_factory=dict)
    _was_stale: bool = False

    def add(self, token: str, submit: Callable[[events.Event], None]) -> None:
        """Deliver ``token``'s updates to ``submit``."""
        self.subscribers.setdefault(token, []).append(submit)

    def attach(self) -> None:
        """Start listening to the store."""
        self.data.add_listener(self.on_change)

    def on_change(self, token: str) -> None:
        """The store's listener."""
        now = self.now_ms()
        if self.data.stale:
            if not self._was_stale:
                self._was_stale = True
                self._broadcast(events.FeedStale(now, Venue.POLYMARKET, self.data.stale_reason))
            return
        self._was_stale = False
        top = self.data.top(token)
        if top is None:
            return
        event = events.SignalUpdated(now, top, self.data.newest_source_ts_ms(token))
        for submit in self.subscribers.get(token, ()):
            submit(event)

    def check_stale(self) -> None:
        """Called periodically: a store marked stale without a change still pauses quoting."""
        if self.data.stale and not self._was_stale:
            self._was_stale = True
            self._broadcast(
                events.FeedStale(self.now_ms(), Venue.POLYMARKET, self.data.stale_reason)
            )

    def _broadcast(self, event: events.Event) -> None:
        for submits in self.subscribers.values():
            for submit in submits:
                submit(event)
