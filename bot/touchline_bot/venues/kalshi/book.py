"""The Kalshi order book of one market, kept from WebSocket snapshots and deltas.

Kalshi's book is bids only: YES bids, and NO bids (in NO price). A NO bid at ``q`` is a YES
ask at ``1 - q``. Levels are integer maps (price → quantity in 1/100 contract), so fractional
deltas accumulate exactly and a level that reaches zero is removed. The book knows when it is
wrong (a sequence gap, an impossible negative level) and says so through ``valid`` until the
next snapshot. ``apply_delta`` is the hot path: two dict operations.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from touchline_bot.core import book, units

YES = "yes"
NO = "no"


class OrderBook:
    """YES bids and NO bids of one market, in integer units."""

    __slots__ = ("_no", "_yes", "invalid_reason", "negative_levels", "ticker", "valid")

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker
        self._yes: dict[int, int] = {}
        self._no: dict[int, int] = {}
        self.valid = False
        """False until the first snapshot, and from a detected gap until the next one."""
        self.invalid_reason = "no snapshot yet"
        self.negative_levels = 0
        """How many deltas would have driven a level below zero (each invalidates the book)."""

    def apply_snapshot(
        self,
        yes_bids: Iterable[tuple[units.Price, units.Qty]],
        no_bids: Iterable[tuple[units.Price, units.Qty]],
    ) -> None:
        """Replace the whole book (NO bids in NO price) and mark it valid."""
        self._yes = {p: q for p, q in yes_bids if q > 0}
        self._no = {p: q for p, q in no_bids if q > 0}
        self.valid = True
        self.invalid_reason = ""

    def apply_delta(self, side: str, price: units.Price, delta: units.Qty) -> bool:
        """Add a signed change to one level (``side`` is ``"yes"`` or ``"no"``, NO in NO
        price); return False when the change proved the book wrong (a negative level)."""
        levels = self._yes if side == YES else self._no
        size = levels.get(price, 0) + delta
        if size > 0:
            levels[price] = size
            return True
        levels.pop(price, None)
        if size < 0:
            self.negative_levels += 1
            self.invalidate(f"level {side}@{price} went negative")
            return False
        return True

    def invalidate(self, reason: str) -> None:
        """Mark the book wrong until the next snapshot."""
        self.valid = False
        self.invalid_reason = reason

    def yes_bids(self) -> dict[units.Price, units.Qty]:
        """A copy of the YES bids (price → quantity)."""
        return {units.Price(p): units.Qty(q) for p, q in self._yes.items()}

    def no_bids(self) -> dict[units.Price, units.Qty]:
        """A copy of the NO bids in NO price (price → quantity)."""
        return {units.Price(p): units.Qty(q) for p, q in self._no.items()}

    @property
    def best_bid(self) -> units.Price | None:
        """The highest YES bid."""
        return units.Price(max(self._yes)) if self._yes else None

    @property
    def best_ask(self) -> units.Price | None:
        """The lowest YES ask: $1 minus the highest NO bid."""
        return units.complement(max(self._no)) if self._no else None

    def top(self, levels: int = 5) -> book.KalshiTop:
        """The top ``levels`` YES bids and YES asks, best first, with the valid flag."""
        yes, no = self._yes, self._no
        # Sorting a few dozen ints is cheaper than heapq.nlargest's bookkeeping at this size.
        bids = tuple((p, yes[p]) for p in sorted(yes, reverse=True)[:levels])
        asks = tuple((units.ONE_DOLLAR - q, no[q]) for q in sorted(no, reverse=True)[:levels])
        return book.KalshiTop(bids=bids, asks=asks, valid=self.valid)  # type: ignore[arg-type]

    def depth(self, side: str, levels: int = 5) -> units.Qty:
        """Total quantity on the best ``levels`` of one side (``"yes"`` bids or ``"no"`` bids)."""
        source = self._yes if side == YES else self._no
        return units.Qty(sum(source[p] for p in heapq.nlargest(levels, source)))

    def microprice_inputs(self) -> tuple[units.Price, units.Qty, units.Price, units.Qty] | None:
        """(best bid, its size, best ask, its size) on the YES leg, or ``None`` when a side is
        empty or the book is invalid."""
        if not self.valid or not self._yes or not self._no:
            return None
        bid = max(self._yes)
        no = max(self._no)
        return (
            units.Price(bid),
            units.Qty(self._yes[bid]),
            units.complement(no),
            units.Qty(self._no[no]),
        )
