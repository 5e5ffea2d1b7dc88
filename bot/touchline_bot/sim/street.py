"""Other makers on the simulated Kalshi book: a ladder of resting orders around the true fair
price, refreshed as it moves, so that the market has depth and a spread our bot competes with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from touchline_bot.core import units
from touchline_bot.sim.kalshi import exchange, makers
from touchline_bot.sim.scenario import KalshiBook

USER = makers.USER


@dataclass
class Street:
    """Resting liquidity of other makers in one market."""

    ex: exchange.Exchange
    ticker: str
    book: KalshiBook
    orders: list[str] = field(default_factory=list)
    last_fair: int | None = None

    def __post_init__(self) -> None:
        if USER not in self.ex.accounts:
            self.ex.add_account(USER, makers.BALANCE)

    def refresh(self, fair: units.Price, now_ms: int) -> None:
        """Re-quote around ``fair`` when it moved by a cent or more."""
        if self.last_fair is not None and abs(fair - self.last_fair) < units.ONE_CENT:
            return
        self.last_fair = fair
        ladder = makers.Ladder(
            units.price_from_fraction(self.book.half_spread),
            units.parse_count(str(self.book.depth_contracts)),
            self.book.levels,
        )
        self.orders = makers.requote(self.ex, self.ticker, ladder, fair, now_ms, self.orders)
