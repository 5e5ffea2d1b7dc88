"""Turns the Kalshi stream's messages into core events for the markets of this process.

Book messages become ``BookUpdated`` with the book's touch (coalesced by the runner); a
book invalidated by a sequence gap is passed on as invalid, so the core stops quoting on it
until the resnapshot. Our fills become ``OrderFilled`` (deduplicated by trade id); orders the
venue removed on its own (expiry, order-group limit, market pause) become ``OrderCancelled``;
a dropped connection becomes ``FeedStale``. While the connection is up and the book valid, a
heartbeat hands the book on again stamped with when the venue was last heard from (a data
frame, a ping or a pong: ``heard_ms``), never with the time of the heartbeat: an unchanged book
is current only as long as the venue shows it is alive, so a socket that stays open but goes
silent goes stale in the core after its staleness threshold.

The ``fill`` channel does not replay: fills made while the socket was down are never sent. So
after every reconnect ``on_reconnect`` runs (the app fetches each market's latest fills over
REST, :func:`catch_up_fills`), and :meth:`KalshiFeed.catch_up` hands on those it has not seen —
by the same trade id, so a fill seen on both is applied once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from touchline_bot.core import events, units
from touchline_bot.core.types import Venue
from touchline_bot.engine import recent
from touchline_bot.venues.kalshi import book, errors, messages, portfolio, stream

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
    seen_trades: recent.Recent = field(default_factory=recent.Recent)
    """Trade ids already applied (the most recent only: it must not grow without bound)."""
    levels: int = 2
    """Levels per side in the view handed to the core: the touch and the level behind it. The
    core leaves our own orders out of the microprice, so when our quote is the whole best level
    the level behind it is the other makers' touch; a change deeper still hands the core the
    very same view."""
    on_reconnect: Callable[[], None] | None = None
    """Called when the stream is back after a drop (fills may have been missed)."""
    dropped: bool = False
    heard_ms: Callable[[], int | None] = lambda: None
    """When the venue was last heard from on the socket (``None``: not since connecting)."""

    def add(self, link: MarketLink) -> None:
        """Route a market's messages to ``link``."""
        self.links[link.ticker] = link

    def handle(self, item: messages.Message | stream.StreamStatus) -> None:
        """The stream's handler."""
        match item:
            case stream.StreamStatus():
                self._status(item)
            case messages.BookSnapshot() | messages.BookDelta():
                self._book(item.ticker, self.now_ms())
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
            self.dropped = True
            for link in self.links.values():
                link.submit(events.FeedStale(self.now_ms(), Venue.KALSHI, status.reason))
            return
        self.heartbeat()
        if self.dropped and self.on_reconnect is not None:
            self.dropped = False
            self.on_reconnect()

    def _book(self, ticker: str, ts_ms: int) -> None:
        link = self.links.get(ticker)
        market_book = self.books().get(ticker)
        if link is not None and market_book is not None:
            link.submit(events.BookUpdated(ts_ms, market_book.top(self.levels)))

    def heartbeat(self) -> None:
        """Re-send every book while connected, as of when the venue was last heard from: no
        change is still current data, but only while the venue is heard."""
        heard = self.heard_ms()
        if not self.connected or heard is None:
            return
        for ticker in self.links:
            self._book(ticker, heard)

    def catch_up(self, fills: Iterable[portfolio.Fill]) -> int:
        """Hand on the fills (oldest first) of this run's orders not seen on the stream; how
        many there were. Fills of other runs' orders are part of the position loaded at start."""
        caught = 0
        for fill in fills:
            link = self.links.get(fill.ticker)
            if link is None or not fill.trade_id or fill.trade_id in self.seen_trades:
                continue
            cid = link.client_order_id(fill.order_id)
            if cid is None or not cid.startswith(link.prefix):
                continue
            self._fill(_as_message(fill, cid))
            caught += 1
        return caught

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


def _as_message(fill: portfolio.Fill, client_order_id: str) -> messages.FillMessage:
    """A REST fill in the shape the ``fill`` channel gives (what the core needs of it)."""
    return messages.FillMessage(
        trade_id=fill.trade_id,
        order_id=fill.order_id,
        client_order_id=client_order_id,
        ticker=fill.ticker,
        side=fill.side,
        price=fill.price,
        count=fill.count,
        fee_cost=fill.fee_cost,
        is_taker=fill.is_taker,
        post_position=units.ZERO_QTY,
        ts_ms=0,
    )


async def catch_up_fills(
    feed: KalshiFeed, api: portfolio.PortfolioApi, on_caught: Callable[[str, int], None]
) -> None:
    """After a reconnect: each market's latest page of fills over REST (newest first, the
    venue's order), handed to :meth:`KalshiFeed.catch_up` oldest first; ``on_caught(ticker,
    count)`` for each market where some had been missed. A failing request is logged and that
    market skipped: the next reconnect tries again."""
    for ticker in list(feed.links):
        try:
            fills, _ = await api.fills(ticker=ticker)
        except errors.KalshiError as exc:
            log.warning("fill catch-up failed", extra={"ticker": ticker, "error": str(exc)})
            continue
        caught = feed.catch_up(reversed(fills))
        if caught:
            log.warning("missed fills caught up", extra={"ticker": ticker, "fills": caught})
            on_caught(ticker, caught)
