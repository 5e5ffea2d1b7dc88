"""The Kalshi order book of one market, kept from WebSocket snapshots and deltas.

Kalshi's book is bids only: YES bids, and NO bids (in NO price). A NO bid at ``q`` is a YES
ask at ``1 - q``. Levels are integer maps (price → quantity in 1/100 contract), so fractional
deltas accumulate exactly and a level that reaches zero is removed. The book knows when it is
wrong (a sequence gap, an impossible negative level) and says so through ``valid`` until the
next snapshot. ``apply_delta`` is the hot path: two dict operations. ``top`` keeps the view it
last built per side and rebuilds a side only when a change reached its top levels, so a delta
deeper in the book hands the core the very same view.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from touchline_bot.core import book, units

YES = "yes"
NO = "no"


class OrderBook:
    """YES bids and NO bids of one market, in integer units."""

    __slots__ = (
        "_asks_top",
        "_bids_top",
        "_no",
        "_top",
        "_top_levels",
        "_yes",
        "invalid_reason",
        "negative_levels",
        "ticker",
        "valid",
    )

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker
        self._yes: dict[int, int] = {}
        self._no: dict[int, int] = {}
        self.valid = False
        """False until the first snapshot, and from a detected gap until the next one."""
        self.invalid_reason = "no snapshot yet"
        self.negative_levels = 0
        """How many deltas would have driven a level below zero (each invalidates the book)."""
        self._top_levels = 0
        self._bids_top: tuple[book.Level, ...] | None = None
        self._asks_top: tuple[book.Level, ...] | None = None
        self._top: book.KalshiTop | None = None

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
        self._bids_top = self._asks_top = self._top = None

    def apply_delta(self, side: str, price: units.Price, delta: units.Qty) -> bool:
        """Add a signed change to one level (``side`` is ``"yes"`` or ``"no"``, NO in NO
        price); return False when the change proved the book wrong (a negative level)."""
        self._touched(side, price)
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
        self._top = None

    def _touched(self, side: str, price: int) -> None:
        """Forget the cached top of ``side`` when a change at ``price`` may reach it."""
        if side == YES:
            bids = self._bids_top
            if bids is not None and (len(bids) < self._top_levels or price >= bids[-1][0]):
                self._bids_top = self._top = None
        else:
            asks = self._asks_top
            ask = units.ONE_DOLLAR - price
            if asks is not None and (len(asks) < self._top_levels or ask <= asks[-1][0]):
                self._asks_top = self._top = None

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
        """The top ``levels`` YES bids and YES asks, best first, with the valid flag (the same
        object as last time when nothing in it changed)."""
        if levels != self._top_levels:
            self._top_levels = levels
            self._bids_top = self._asks_top = self._top = None
        top = self._top
        if top is not None:
            return top
        bids, asks = self._bids_top, self._asks_top
        if bids is None:
            bids = self._bids_top = _best(self._yes, levels, flip=False)
        if asks is None:
            asks = self._asks_top = _best(self._no, levels, flip=True)
        top = book.KalshiTop(bids=bids, asks=asks, valid=self.valid)
        self._top = top
        return top

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


def _best(levels: dict[int, int], count: int, *, flip: bool) -> tuple[book.Level, ...]:
    """The ``count`` highest bids of one side, best first (NO bids shown as YES asks when
    ``flip``). The touch alone, what the engine hands the core, is a single ``max``; sorting a
    few dozen ints is cheaper than ``heapq.nlargest``'s bookkeeping for a few levels."""
    if not levels:
        return ()
    prices = [max(levels)] if count == 1 else sorted(levels, reverse=True)[:count]
    if flip:
        return tuple((units.complement(p), units.Qty(levels[p])) for p in prices)
    return tuple((units.Price(p), units.Qty(levels[p])) for p in prices)
