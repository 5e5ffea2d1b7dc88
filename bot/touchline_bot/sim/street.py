"""Other makers on the simulated Kalshi book: a ladder of resting orders around the true fair
price, refreshed as it moves, so that the market has depth and a spread our bot competes with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, model
from touchline_bot.sim.scenario import KalshiBook

USER = "sim-street-makers"


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
            self.ex.add_account(USER, units.money_from_dollars("1000000000"))

    def refresh(self, fair: units.Price, now_ms: int) -> None:
        """Re-quote around ``fair`` when it moved by a cent or more."""
        if self.last_fair is not None and abs(fair - self.last_fair) < units.ONE_CENT:
            return
        self.last_fair = fair
        for order_id in self.orders:
            order = self.ex.orders.get(order_id)
            if order is not None and order.is_resting:
                self.ex.cancel_resting(order, "street_requote", now_ms)
        self.orders = []
        market = self.ex.markets.get(self.ticker)
        if market is None or market.status is not model.MarketStatus.ACTIVE:
            return
        half = units.price_from_fraction(self.book.half_spread)
        depth = units.parse_count(str(self.book.depth_contracts))
        for level in range(self.book.levels):
            offset = half + level * units.ONE_CENT
            for side, price in ((model.BID, market.grid.snap_down(fair - offset)),
                                (model.ASK, market.grid.snap_up(fair + offset))):  # fmt: skip
                self._place(side, units.Price(price), units.Qty(depth), now_ms)

    def _place(self, side: str, price: units.Price, qty: units.Qty, now_ms: int) -> None:
        request = exchange.OrderRequest(
            self.ticker, side, price, qty, model.GTC, model.STP_TAKER, post_only=True
        )
        try:
            order = self.ex.create(USER, request, now_ms)
        except errors.RejectedError:
            return
        self.orders.append(order.order_id)
