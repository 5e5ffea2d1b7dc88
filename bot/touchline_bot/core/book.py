"""The views of the two venues' books that the core reasons about.

The venue adapters keep full books; on every change they hand the core a small immutable
view of the top levels (best first), already in integer units and on Kalshi's YES leg.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Final, final

from touchline_bot.core import units
from touchline_bot.core.types import Side
from touchline_bot.core.value import Value

Level = tuple[units.Price, units.Qty]
"""One price level: (price, total quantity resting there)."""


@final
class KalshiTop(Value):
    """Top levels of the Kalshi YES book: ``bids`` are YES bids, ``asks`` are YES asks
    (a NO bid at q shown as a YES ask at 1 - q), best first. ``valid`` is false while the
    adapter knows its book is wrong (a sequence gap, before a snapshot)."""

    _fields: ClassVar[tuple[str, ...]] = ("bids", "asks", "valid")
    __slots__ = _fields

    def __init__(
        self, bids: tuple[Level, ...], asks: tuple[Level, ...], valid: bool = True
    ) -> None:
        self.bids: Final = bids
        self.asks: Final = asks
        self.valid: Final = valid

    @property
    def best_bid(self) -> Level | None:
        """The highest YES bid, if any."""
        return self.bids[0] if self.bids else None

    @property
    def best_ask(self) -> Level | None:
        """The lowest YES ask, if any."""
        return self.asks[0] if self.asks else None


def without(top: KalshiTop, own: Iterable[tuple[Side, int, int]]) -> KalshiTop:
    """``top`` with our own orders (side, price, quantity) taken out of its levels: the depth
    other makers provide. A level that was only ours is gone; ``top`` itself when none of ours
    is in it."""
    mine: dict[tuple[Side, int], int] = {}
    for side, price, qty in own:
        mine[side, price] = mine.get((side, price), 0) + qty
    if not mine:
        return top
    bids = _net(top.bids, Side.BID, mine)
    asks = _net(top.asks, Side.ASK, mine)
    if bids is top.bids and asks is top.asks:
        return top
    return KalshiTop(bids, asks, top.valid)


def _net(
    levels: tuple[Level, ...], side: Side, mine: dict[tuple[Side, int], int]
) -> tuple[Level, ...]:
    if not any((side, price) in mine for price, _ in levels):
        return levels
    left = ((price, qty - mine.get((side, price), 0)) for price, qty in levels)
    return tuple((price, units.Qty(qty)) for price, qty in left if qty > 0)


@final
class PolyTop(Value):
    """Polymarket's best bid and ask for the configured outcome token (probabilities as
    :data:`units.Price`), with the sizes there; either side may be missing."""

    _fields: ClassVar[tuple[str, ...]] = ("best_bid", "best_ask")
    __slots__ = _fields

    def __init__(self, best_bid: Level | None, best_ask: Level | None) -> None:
        self.best_bid: Final = best_bid
        self.best_ask: Final = best_ask

    def __eq__(self, other: object) -> bool:
        # Compared on every signal update (an unchanged touch needs no evaluation).
        if not isinstance(other, PolyTop):
            return NotImplemented
        return self.best_bid == other.best_bid and self.best_ask == other.best_ask

    def __hash__(self) -> int:
        return hash((self.best_bid, self.best_ask))
