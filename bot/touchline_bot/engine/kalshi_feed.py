"""Turns the Kalshi stream's messages into core events for the markets of this process.

Book messages become ``BookUpdated`` with the book's touch (coalesced by the runner); a
book invalidated by a sequence gap is passed on as invalid, so the core stops quoting on it
until the resnapshot. Our fills become ``OrderFilled`` (deduplicated by trade id); orders the
venue removed on its own (expiry, order-group limit, market pause) become ``OrderCancelled``;
a dropped connection becomes ``FeedStale``. While the connection is up and the book valid, a
heartbeat refreshes the book's freshness: an unchanged book is still current.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from touchline_bot.core import events
from touchline_bot.core.types import Venue
from touchline_bot.venues.kalshi import book, messages, stream

log = logging.getLogger(__name__)

_VENUE_CANCEL_STATUSES = frozenset({"canceled", "cancelled"})


@dataclass
class MarketLink:
    """What the feed needs of one market's runner."""

    ticker: str
    prefix: str
    """This run's client-id prefix: fills of other runs' orders are not this run's."""
    submit: Callable[[events.Event], None]
    client_order_id: Callable[[str], str | None]
    """Our client id for a venue order id (None for an order that is not ours)."""
    note_fill: Callable[[str, int], None]


@dataclass
class KalshiFeed:
    """Dispatches stream messages to the markets' runners."""

    now_ms: Callable[[], int]
    books: Callable[[], dict[str, book.OrderBook]]
    links: dict[str, MarketLink] = field(default_factory=dict)
    connected: bool = False
    seen_trades: set[str] = field(default_factory=set)
    levels: int = 1
    """Levels per side in the view handed to the core: it reads the touch alone (microprice,
    guards, the depth cap), so a change deeper in the book hands it the very same view."""

    def add(self, link: MarketLink) -> None:
        """Route a market's messages to ``link``."""
        self.links[link.ticker] = link

    def handle(self, item: messages.Message | stream.StreamStatus) -> None:
        """The stream's handler."""
        match item:
            case stream.StreamStatus():
                self._status(item)
            case messages.BookSnapshot() | messages.BookDelta():
                self._book(item.ticker)
            case messages.FillMessage():
                self._fill(item)
            case messages.UserOrderMessage():
                self._order(item)
            case messages.LifecycleMessage():
                self._lifecycle(item)
            case _:
                pass

    def _status(self, status: stream.StreamStatus) -> None:
        self.connected = status.connected
        if not status.connected:
            for link in self.links.values():
                link.submit(events.FeedStale(self.now_ms(), Venue.KALSHI, status.reason))
        else:
            self.heartbeat()

    def _book(self, ticker: str) -> None:
        link = self.links.get(ticker)
        market_book = self.books().get(ticker)
        if link is not None and market_book is not None:
            link.submit(events.BookUpdated(self.now_ms(), market_book.top(self.levels)))

    def heartbeat(self) -> None:
        """Re-send every valid book while connected: no change is still fresh data."""
        if not self.connected:
            return
        for ticker in self.links:
            self._book(ticker)

    def _fill(self, fill: messages.FillMessage) -> None:
        link = self.links.get(fill.ticker)
        if link is None or (fill.trade_id and fill.trade_id in self.seen_trades):
            return
        if fill.trade_id:
            self.seen_trades.add(fill.trade_id)
        cid = fill.client_order_id or link.client_order_id(fill.order_id)
        if cid is None or not cid.startswith(link.prefix):
            log.warning("fill of an order of another run", extra={"order_id": fill.order_id})
            return
        link.note_fill(cid, fill.count)
        link.submit(
            events.OrderFilled(
                self.now_ms(),
                cid,
                fill.side,
                fill.price,
                fill.count,
                fill.fee_cost,
                fill.trade_id,
            )
        )

    def _order(self, order: messages.UserOrderMessage) -> None:
        link = self.links.get(order.ticker)
        if link is None or order.status not in _VENUE_CANCEL_STATUSES:
            return
        cid = order.client_order_id or link.client_order_id(order.order_id)
        if cid is not None and cid.startswith(link.prefix):
            reason = order.last_update_reason or "venue_cancelled"
            link.submit(events.OrderCancelled(self.now_ms(), cid, reason))

    def _lifecycle(self, item: messages.LifecycleMessage) -> None:
        link = self.links.get(item.ticker)
        if link is not None and item.event_type in {"deactivated", "closed", "determined"}:
            link.submit(events.FeedStale(self.now_ms(), Venue.KALSHI, f"market {item.event_type}"))
