"""One Polymarket token's full order book, kept from snapshots and level updates.

Levels are held by price, so the order in which the venue lists them (bids ascending and asks
descending in practice, the opposite in the docs) never matters: the best bid is the highest
bid price and the best ask the lowest ask price. A snapshot replaces everything; there are no
sequence numbers to merge by.
"""

from __future__ import annotations

from touchline_bot.core import book, units
from touchline_bot.venues.polymarket import messages


class TokenBook:
    """The bids and asks of one outcome token, in integer units."""

    def __init__(self) -> None:
        self._bids: dict[units.Price, units.Qty] = {}
        self._asks: dict[units.Price, units.Qty] = {}
        self.tick_size: units.Price | None = None

    def replace(self, snapshot: messages.BookSnapshot) -> None:
        """Throw the old state away and take the snapshot's levels (zero sizes dropped)."""
        self._bids = {price: qty for price, qty in snapshot.bids if qty > 0}
        self._asks = {price: qty for price, qty in snapshot.asks if qty > 0}
        if snapshot.tick_size is not None:
            self.tick_size = snapshot.tick_size

    def set_level(self, side: messages.LevelSide, price: units.Price, size: units.Qty) -> None:
        """Set the total size at one level; a zero size removes the level."""
        levels = self._bids if side is messages.LevelSide.BUY else self._asks
        if size > 0:
            levels[price] = size
        else:
            levels.pop(price, None)

    def bids(self) -> tuple[book.Level, ...]:
        """All bids, best (highest) first."""
        return tuple(sorted(self._bids.items(), key=lambda level: -level[0]))

    def asks(self) -> tuple[book.Level, ...]:
        """All asks, best (lowest) first."""
        return tuple(sorted(self._asks.items()))

    def best_bid(self) -> book.Level | None:
        """The highest bid, if any."""
        if not self._bids:
            return None
        price = max(self._bids)
        return (price, self._bids[price])

    def best_ask(self) -> book.Level | None:
        """The lowest ask, if any."""
        if not self._asks:
            return None
        price = min(self._asks)
        return (price, self._asks[price])

    def top(self) -> book.PolyTop:
        """The view the core reasons about."""
        return book.PolyTop(best_bid=self.best_bid(), best_ask=self.best_ask())
