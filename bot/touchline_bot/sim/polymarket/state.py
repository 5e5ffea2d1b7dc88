"""The simulated venue's books: one per outcome token, grouped by market (condition id) into
YES/NO pairs whose books mirror each other, and every change published as wire events.

A change to a YES level at ``p`` is published together with the mirrored NO level at
``1 - p`` in one ``price_change`` event (as the live venue does); setting a fair price rebuilds
a ladder of levels around it and publishes only the levels that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from touchline_bot.core import units
from touchline_bot.sim.polymarket import wire

BUY = "BUY"
SELL = "SELL"


@dataclass
class SimBook:
    """One token's levels and the time they last changed."""

    market: str
    asset_id: str
    tick_size: units.Price
    bids: dict[units.Price, units.Qty] = field(default_factory=dict)
    asks: dict[units.Price, units.Qty] = field(default_factory=dict)
    timestamp_ms: int = 0
    last_trade_price: units.Price | None = None

    def best_bid(self) -> units.Price | None:
        """Highest bid price, if any."""
        return max(self.bids) if self.bids else None

    def best_ask(self) -> units.Price | None:
        """Lowest ask price, if any."""
        return min(self.asks) if self.asks else None

    def summary(self, *, timestamp_ms: int | None = None) -> dict[str, Any]:
        """The REST summary (optionally reporting another timestamp, for stale-REST faults)."""
        return wire.book_summary(
            market=self.market,
            asset_id=self.asset_id,
            timestamp_ms=self.timestamp_ms if timestamp_ms is None else timestamp_ms,
            bids=self.bids,
            asks=self.asks,
            tick_size=self.tick_size,
            last_trade_price=self.last_trade_price,
        )


@dataclass(frozen=True)
class Ladder:
    """The shape of the liquidity the simulator keeps around a fair price."""

    half_spread: units.Price = units.Price(100)
    levels: int = 3
    size: units.Qty = units.Qty(10_000)


class SimState:
    """All books of the simulated venue; listeners receive every published event."""

    def __init__(self, now_ms: Callable[[], int], ladder: Ladder = Ladder()) -> None:
        self._now_ms = now_ms
        self.ladder = ladder
        self.books: dict[str, SimBook] = {}
        self.complement: dict[str, str] = {}
        self.listeners: list[Callable[[dict[str, Any]], None]] = []

    def add_market(
        self, condition_id: str, yes_token: str, no_token: str, *, tick: units.Price
    ) -> None:
        """Create the empty YES and NO books of one binary market."""
        for token in (yes_token, no_token):
            self.books[token] = SimBook(condition_id, token, tick, timestamp_ms=self._now_ms())
        self.complement[yes_token] = no_token
        self.complement[no_token] = yes_token

    def _publish(self, event: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener(event)

    def _entry(self, book: SimBook, side: str, price: units.Price) -> dict[str, str]:
        levels = book.bids if side == BUY else book.asks
        return wire.change_entry(
            asset_id=book.asset_id,
            side=side,
            price=price,
            size=levels.get(price, units.Qty(0)),
            best_bid=book.best_bid(),
            best_ask=book.best_ask(),
        )

    def _set(self, book: SimBook, side: str, price: units.Price, size: units.Qty) -> None:
        levels = book.bids if side == BUY else book.asks
        if size > 0:
            levels[price] = size
        else:
            levels.pop(price, None)

    def set_levels(self, token: str, changes: list[tuple[str, units.Price, units.Qty]]) -> None:
        """Set absolute sizes on ``token`` (and the mirrored levels on its complement), then
        publish one ``price_change`` carrying every entry."""
        book = self.books[token]
        other = self.books[self.complement[token]]
        now = self._now_ms()
        touched: list[tuple[SimBook, str, units.Price]] = []
        for side, price, size in changes:
            mirror_side = SELL if side == BUY else BUY
            mirror_price = units.complement(price)
            self._set(book, side, price, size)
            self._set(other, mirror_side, mirror_price, size)
            touched += [(book, side, price), (other, mirror_side, mirror_price)]
        if not touched:
            return
        book.timestamp_ms = other.timestamp_ms = now
        entries = [self._entry(b, side, price) for b, side, price in touched]
        self._publish(
            wire.price_change_event(market=book.market, timestamp_ms=now, entries=entries)
        )

    def replace(
        self, token: str, bids: dict[units.Price, units.Qty], asks: dict[units.Price, units.Qty]
    ) -> None:
        """Replace a token's whole book and publish a ``book`` snapshot (the complement is left
        alone: a snapshot only ever describes one token)."""
        book = self.books[token]
        book.bids = {p: q for p, q in bids.items() if q > 0}
        book.asks = {p: q for p, q in asks.items() if q > 0}
        book.timestamp_ms = self._now_ms()
        self._publish(wire.book_event(book.summary()))

    def change_tick(self, token: str, new_tick: units.Price) -> None:
        """Change a token's tick size and publish ``tick_size_change`` (prices near 0 or 1)."""
        book = self.books[token]
        old_tick, book.tick_size = book.tick_size, new_tick
        self._publish(
            {
                "event_type": "tick_size_change",
                "asset_id": token,
                "market": book.market,
                "old_tick_size": wire.price_text(old_tick),
                "new_tick_size": wire.price_text(new_tick),
                "timestamp": str(self._now_ms()),
            }
        )

    def ladder_for(self, book: SimBook, fair: units.Price) -> list[tuple[str, units.Price]]:
        """The (side, price) levels the ladder wants around ``fair``, on the book's tick."""
        tick = book.tick_size
        bid_top = (fair - self.ladder.half_spread) // tick * tick
        ask_top = -(-(fair + self.ladder.half_spread) // tick) * tick
        wanted: list[tuple[str, units.Price]] = []
        for k in range(self.ladder.levels):
            if tick <= bid_top - k * tick:
                wanted.append((BUY, units.Price(bid_top - k * tick)))
            if ask_top + k * tick <= units.ONE_DOLLAR - tick:
                wanted.append((SELL, units.Price(ask_top + k * tick)))
        return wanted

    def set_fair(self, token: str, fair: units.Price) -> None:
        """Move the ladder of ``token`` to ``fair`` (its complement follows at ``1 - fair``)."""
        book = self.books[token]
        wanted = set(self.ladder_for(book, fair))
        current = {(BUY, p) for p in book.bids} | {(SELL, p) for p in book.asks}
        changes = [(side, price, units.Qty(0)) for side, price in sorted(current - wanted)]
        changes += [(side, price, self.ladder.size) for side, price in sorted(wanted - current)]
        self.set_levels(token, changes)
