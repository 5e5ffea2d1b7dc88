"""The Kalshi WebSocket protocol state of one connection, without the socket.

It decides which commands to send (subscriptions, ``get_snapshot`` after a gap, resubscribe
after a terminal error), tracks ``seq`` per ``sid``, and keeps the order books: a book is
invalid from a detected gap (or a reconnect) until its next snapshot. Feeding it parsed
messages and collecting the commands it returns is all :mod:`stream` does around it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from touchline_bot.venues.kalshi import book, messages

log = logging.getLogger(__name__)

BOOK_CHANNEL = "orderbook_delta"
PRIVATE_CHANNELS = ("fill", "user_orders", "market_positions")
LIFECYCLE_CHANNEL = "market_lifecycle_v2"
TERMINAL_ERROR_CODES = frozenset({10, 17, 25})
Command = dict[str, Any]


@dataclass(slots=True)
class StreamStats:
    """Counters of the stream (telemetry exports them)."""

    frames: int = 0
    gaps: int = 0
    resyncs: int = 0
    reconnects: int = 0
    malformed_frames: int = 0
    unexpected_frames: int = 0
    terminal_errors: int = 0
    venue_errors: int = 0
    idle_timeouts: int = 0
    dropped_deltas: int = 0
    snapshots: int = 0


class FeedState:
    """Subscriptions, sequence tracking and books for the markets of one stream."""

    def __init__(self, tickers: list[str], *, use_yes_price: bool, private: bool = True) -> None:
        self.tickers = list(tickers)
        self.use_yes_price = use_yes_price
        self.private = private
        self.books = {t: book.OrderBook(t) for t in tickers}
        self.stats = StreamStats()
        self._next_id = 1
        self._pending: dict[int, str] = {}
        self._sid_channel: dict[int, str] = {}
        self._last_seq: dict[int, int] = {}

    def _command(self, cmd: str, params: dict[str, Any], channel: str = "") -> Command:
        cmd_id = self._next_id
        self._next_id += 1
        if channel:
            self._pending[cmd_id] = channel
        return {"id": cmd_id, "cmd": cmd, "params": params}

    def _subscribe(self, channel: str) -> Command:
        # Every channel is filtered to our markets: the account is shared by one bot per
        # market, so an unfiltered fill channel would carry the other bots' fills.
        params: dict[str, Any] = {"channels": [channel], "market_tickers": self.tickers}
        if channel == BOOK_CHANNEL:
            # Sent explicitly: Kalshi has announced that the default will flip.
            params["use_yes_price"] = self.use_yes_price
        return self._command("subscribe", params, channel)

    def start_connection(self) -> list[Command]:
        """Forget the previous connection's state and return the subscribe commands."""
        self._next_id = 1
        self._pending.clear()
        self._sid_channel.clear()
        self._last_seq.clear()
        for b in self.books.values():
            b.invalidate("awaiting snapshot after (re)connect")
        channels = [BOOK_CHANNEL, LIFECYCLE_CHANNEL]
        if self.private:
            channels += PRIVATE_CHANNELS
        return [self._subscribe(c) for c in channels]

    def book_sid(self) -> int | None:
        """The ``sid`` of the order-book subscription, once subscribed."""
        return next((s for s, c in self._sid_channel.items() if c == BOOK_CHANNEL), None)

    def handle(self, msg: messages.Message) -> list[Command]:
        """Apply one message; return the commands it calls for."""
        if isinstance(msg, messages.Control):
            return self._control(msg)
        sid = getattr(msg, "sid", None)
        seq = getattr(msg, "seq", None)
        commands = self._check_seq(sid, seq) if sid is not None and seq is not None else []
        if isinstance(msg, messages.BookSnapshot):
            self._snapshot(msg)
        elif isinstance(msg, messages.BookDelta):
            target = self.books.get(msg.ticker)
            if target is not None and target.valid:
                if not target.apply_delta(msg.side, msg.price, msg.delta):
                    commands += self._request_snapshot([msg.ticker])
            else:
                self.stats.dropped_deltas += 1
        return commands

    def _snapshot(self, msg: messages.BookSnapshot) -> None:
        target = self.books.get(msg.ticker)
        if target is None:
            self.stats.unexpected_frames += 1
            return
        if not target.valid and not target.invalid_reason.startswith(("awaiting", "no snapshot")):
            # A book proved wrong (gap, terminal error, negative level) is now repaired.
            self.stats.resyncs += 1
        self.stats.snapshots += 1
        target.apply_snapshot(msg.yes_bids, msg.no_bids)

    def _check_seq(self, sid: int, seq: int) -> list[Command]:
        last = self._last_seq.get(sid)
        self._last_seq[sid] = seq
        if last is None or seq == last + 1:
            return []
        self.stats.gaps += 1
        log.warning("kalshi ws sequence gap", extra={"sid": sid, "expected": last + 1, "got": seq})
        if self._sid_channel.get(sid, BOOK_CHANNEL) != BOOK_CHANNEL:
            return []
        for b in self.books.values():
            b.invalidate(f"sequence gap on sid {sid}")
        return self._request_snapshot(self.tickers)

    def _request_snapshot(self, tickers: list[str]) -> list[Command]:
        sid = self.book_sid()
        if sid is None:
            return []
        params = {"sid": sid, "action": "get_snapshot", "market_tickers": tickers}
        return [self._command("update_subscription", params)]

    def _control(self, msg: messages.Control) -> list[Command]:
        if msg.seq is not None and msg.sid is not None and msg.sid in self._last_seq:
            # ok/unsubscribed replies consume a seq on their sid; not a gap.
            self._last_seq[msg.sid] = msg.seq
        if msg.type == "subscribed" and msg.sid is not None:
            channel = msg.channel or self._pending.get(msg.id, "")
            self._sid_channel[msg.sid] = channel
            return []
        if msg.type != "error":
            return []
        self.stats.venue_errors += 1
        log.warning("kalshi ws error", extra={"code": msg.error_code, "venue_msg": msg.error_msg})
        if msg.error_code not in TERMINAL_ERROR_CODES:
            return []
        return self._resubscribe(msg)

    def _resubscribe(self, msg: messages.Control) -> list[Command]:
        self.stats.terminal_errors += 1
        channel = self._sid_channel.pop(msg.sid, "") if msg.sid is not None else ""
        channel = channel or self._pending.get(msg.id, "") or BOOK_CHANNEL
        commands: list[Command] = []
        if msg.sid is not None:
            self._last_seq.pop(msg.sid, None)
            commands.append(self._command("unsubscribe", {"sids": [msg.sid]}))
        if channel == BOOK_CHANNEL:
            for b in self.books.values():
                b.invalidate("terminal subscription error")
        commands.append(self._subscribe(channel))
        return commands
