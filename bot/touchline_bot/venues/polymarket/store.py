"""The Polymarket data store: each subscribed token's book, how fresh it is, and whether the
venue as a whole is currently considered stale.

The feed writes here (from the WebSocket or from REST polls); the engine reads ``top()`` and
``freshness()`` to emit ``SignalUpdated`` and ``FeedStale`` events. Listeners are called
synchronously after every change, with the token id that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from touchline_bot.core import book as core_book
from touchline_bot.venues.polymarket import book, messages


class Source(StrEnum):
    """Where a token's latest data came from."""

    WS = "ws"
    REST = "rest"


@dataclass(frozen=True, slots=True)
class Freshness:
    """When we last heard about a token (our clock), the venue's own last-change time, and
    which path the data came by."""

    last_update_ms: int
    source_ts_ms: int | None
    source: Source


class SignalStore:
    """Books and freshness of the tokens we follow; tokens outside the set are ignored."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self._books: dict[str, book.TokenBook] = {token: book.TokenBook() for token in tokens}
        self._freshness: dict[str, Freshness] = {}
        self._listeners: list[Callable[[str], None]] = []
        self.stale = False
        self.stale_reason = ""

    @property
    def tokens(self) -> tuple[str, ...]:
        """The tokens this store follows."""
        return tuple(self._books)

    def add_listener(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(token)`` after every change to a token's book or freshness."""
        self._listeners.append(listener)

    def top(self, token: str) -> core_book.PolyTop | None:
        """The token's top of book, or ``None`` before any data arrived."""
        if token not in self._freshness:
            return None
        return self._books[token].top()

    def book(self, token: str) -> book.TokenBook:
        """The token's full book (read it, do not change it)."""
        return self._books[token]

    def freshness(self, token: str) -> Freshness | None:
        """When the token was last updated, or ``None`` before any data arrived."""
        return self._freshness.get(token)

    def newest_source_ts_ms(self, token: str) -> int | None:
        """The venue's last-change time for the token as we know it."""
        fresh = self._freshness.get(token)
        return fresh.source_ts_ms if fresh else None

    def mark_stale(self, reason: str) -> None:
        """The venue feed is not trustworthy right now."""
        self.stale = True
        self.stale_reason = reason

    def mark_live(self) -> None:
        """The venue feed is trustworthy again."""
        self.stale = False
        self.stale_reason = ""

    def apply(self, message: messages.Message, *, now_ms: int, source: Source) -> list[str]:
        """Apply one message; returns the tokens whose book changed."""
        if type(message) is messages.PriceChange:
            return self._apply_changes(message, now_ms=now_ms, source=source)
        changed: list[str] = []
        if isinstance(message, messages.BookSnapshot) and message.asset_id in self._books:
            self._books[message.asset_id].replace(message)
            changed.append(message.asset_id)
        elif isinstance(message, messages.TickSizeChange) and message.asset_id in self._books:
            self._books[message.asset_id].tick_size = message.new_tick_size
        timestamp_ms = getattr(message, "timestamp_ms", None)
        for token in dict.fromkeys(changed):
            self._touch(token, now_ms=now_ms, source_ts_ms=timestamp_ms, source=source)
        return changed

    def _apply_changes(
        self, message: messages.PriceChange, *, now_ms: int, source: Source
    ) -> list[str]:
        """The hot path: level changes, each to its own token's book if we follow it."""
        books = self._books
        changed: list[str] = []
        for change in message.changes:
            target = books.get(change.asset_id)
            if target is not None:
                target.set_level(change.side, change.price, change.size)
                changed.append(change.asset_id)
        if changed:
            for token in dict.fromkeys(changed) if len(changed) > 1 else changed:
                self._touch(token, now_ms=now_ms, source_ts_ms=message.timestamp_ms, source=source)
        return changed

    def confirm(self, token: str, *, now_ms: int, source_ts_ms: int | None) -> None:
        """A REST read showed the book has not changed: it is fresh as of ``now_ms``."""
        if token in self._freshness:
            self._touch(token, now_ms=now_ms, source_ts_ms=source_ts_ms, source=Source.REST)

    def _touch(self, token: str, *, now_ms: int, source_ts_ms: int | None, source: Source) -> None:
        previous = self._freshness.get(token)
        if source_ts_ms is None and previous is not None:
            source_ts_ms = previous.source_ts_ms
        self._freshness[token] = Freshness(now_ms, source_ts_ms, source)
        for listener in self._listeners:
            listener(token)
