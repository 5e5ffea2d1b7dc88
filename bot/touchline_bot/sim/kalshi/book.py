"""One market's order book: resting YES bids and YES asks (NO bids) in price-time priority.

An ask at YES price ``p`` is a NO bid at ``1 - p``; a YES bid at ``p`` and a NO bid at ``q``
cross when ``p + q >= $1``, i.e. when the bid's YES price reaches the ask's. Levels are
aggregated for the public views (REST ``orderbook_fp`` and WS snapshots) as bids on both legs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from touchline_bot.core import units
from touchline_bot.sim.kalshi import model


def _key(order: model.Order) -> tuple[int, int]:
    # Best first: highest bid, lowest ask; then the earliest priority.
    price = -order.price if order.book_side == model.BID else order.price
    return (price, order.priority)


def crosses(incoming_side: str, incoming_price: int, resting_price: int) -> bool:
    """True when an incoming order at ``incoming_price`` can trade with a resting one."""
    if incoming_side == model.BID:
        return resting_price <= incoming_price
    return resting_price >= incoming_price


class Book:
    """Resting orders of one market, best first on each side."""

    def __init__(self) -> None:
        self._sides: dict[str, list[model.Order]] = {model.BID: [], model.ASK: []}

    def add(self, order: model.Order) -> None:
        """Rest ``order`` behind everything at a better or equal (price, priority)."""
        side = self._sides[order.book_side]
        bisect.insort(side, order, key=_key)

    def remove(self, order: model.Order) -> bool:
        """Take ``order`` out of the book; False if it was not there."""
        side = self._sides[order.book_side]
        for index, resting in enumerate(side):
            if resting is order:
                del side[index]
                return True
        return False

    def opposite(self, book_side: str) -> list[model.Order]:
        """A snapshot of the side an incoming ``book_side`` order trades against, best first."""
        other = model.ASK if book_side == model.BID else model.BID
        return list(self._sides[other])

    def orders(self) -> Iterator[model.Order]:
        """Every resting order, bids then asks."""
        yield from self._sides[model.BID]
        yield from self._sides[model.ASK]

    def queue_ahead(self, order: model.Order) -> units.Qty:
        """Contracts ahead of ``order`` at its price (its queue position)."""
        ahead = 0
        for resting in self._sides[order.book_side]:
            if resting is order:
                break
            if resting.price == order.price:
                ahead += resting.remaining
        return units.Qty(ahead)

    def levels(self, leg: str) -> list[tuple[units.Price, units.Qty]]:
        """Aggregated bids of the ``yes`` or ``no`` leg, in that leg's price, ascending."""
        side = self._sides[model.BID if leg == "yes" else model.ASK]
        totals: dict[int, int] = {}
        for order in side:
            price = order.price if leg == "yes" else units.complement(order.price)
            totals[price] = totals.get(price, 0) + order.remaining
        return [(units.Price(p), units.Qty(q)) for p, q in sorted(totals.items()) if q > 0]

    def level_size(self, leg: str, leg_price: int) -> units.Qty:
        """The size resting at one level of the ``yes`` or ``no`` leg."""
        for price, size in self.levels(leg):
            if price == leg_price:
                return size
        return units.ZERO_QTY
