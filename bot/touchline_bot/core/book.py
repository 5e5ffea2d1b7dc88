"""The views of the two venues' books that the core reasons about.

The venue adapters keep full books; on every change they hand the core a small immutable
view of the top levels (best first), already in integer units and on Kalshi's YES leg.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

from touchline_bot.core import units

Level = tuple[units.Price, units.Qty]
"""One price level: (price, total quantity resting there)."""


@dataclass(frozen=True, slots=True)
class KalshiTop:
    """Top levels of the Kalshi YES book: ``bids`` are YES bids, ``asks`` are YES asks
    (a NO bid at q shown as a YES ask at 1 - q), best first. ``valid`` is false while the
    adapter knows its book is wrong (a sequence gap, before a snapshot)."""

    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    valid: bool = True

    @property
    def best_bid(self) -> Level | None:
        """The highest YES bid, if any."""
        return self.bids[0] if self.bids else None

    @property
    def best_ask(self) -> Level | None:
        """The lowest YES ask, if any."""
        return self.asks[0] if self.asks else None


@dataclass(frozen=True, slots=True)
class PolyTop:
    """Polymarket's best bid and ask for the configured outcome token (probabilities as
    :data:`units.Price`), with the sizes there; either side may be missing."""

    best_bid: Level | None
    best_ask: Level | None
