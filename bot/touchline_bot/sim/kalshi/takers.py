"""Taker flow for scenarios: uninformed and informed takers hitting resting orders.

Arrivals are a Poisson process at ``arrivals_per_min``. Each arrival is informed with probability
``informed_share_bps / 10,000``: an informed taker buys YES when the best YES ask is below the
fair price by more than ``informed_edge`` and sells when the best YES bid is above it, otherwise
it does nothing; an uninformed taker picks a side at random and crosses the spread. Every order is
IOC. Randomness (a seeded ``random.Random``) and time are inputs, so a run is reproducible.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, model

FairPrice = Callable[[int], units.Price]
"""The fair YES price at a time in ms."""


@dataclasses.dataclass(frozen=True)
class TakerConfig:
    """Who takes, how often and how much."""

    ticker: str
    arrivals_per_min: float = 6.0
    informed_share_bps: int = 2_000
    min_count: units.Qty = units.ONE_CONTRACT
    max_count: units.Qty = units.Qty(10 * units.QTY_SCALE)
    informed_edge: units.Price = units.ONE_CENT
    user_id: str = "sim-taker-flow"
    balance: units.Money = units.money_from_dollars("1000000000")


@dataclasses.dataclass(frozen=True)
class TakerOrder:
    """One taker order the flow sent, and what came of it."""

    ts_ms: int
    informed: bool
    book_side: str
    price: units.Price
    count: units.Qty
    filled: units.Qty


class TakerFlow:
    """Generates taker orders between calls to :meth:`step`."""

    def __init__(
        self,
        ex: exchange.Exchange,
        config: TakerConfig,
        fair_price: FairPrice,
        rng: random.Random,
        start_ms: int,
    ) -> None:
        if config.arrivals_per_min <= 0:
            raise ValueError("arrivals_per_min must be positive")
        self.exchange = ex
        self.config = config
        self.fair_price = fair_price
        self.rng = rng
        self.sent: list[TakerOrder] = []
        if config.user_id not in ex.accounts:
            ex.add_account(config.user_id, config.balance)
        self._next_ms = start_ms + self._gap_ms()

    def _gap_ms(self) -> int:
        return max(1, round(self.rng.expovariate(self.config.arrivals_per_min / 60_000)))

    def step(self, now_ms: int) -> list[TakerOrder]:
        """Send every arrival due up to ``now_ms``; returns what was sent."""
        sent = []
        while self._next_ms <= now_ms:
            order = self._arrive(self._next_ms)
            if order is not None:
                sent.append(order)
            self._next_ms += self._gap_ms()
        self.sent.extend(sent)
        return sent

    def _arrive(self, ts_ms: int) -> TakerOrder | None:
        informed = self.rng.randrange(10_000) < self.config.informed_share_bps
        span = self.config.max_count - self.config.min_count
        count = units.Qty(self.config.min_count + self.rng.randint(0, max(0, span)))
        market = self.exchange.markets.get(self.config.ticker)
        if market is None or market.status is not model.MarketStatus.ACTIVE:
            return None
        choice = self._informed(market, ts_ms) if informed else self._uninformed(market)
        if choice is None:
            return None
        side, price = choice
        request = exchange.OrderRequest(
            self.config.ticker, side, price, count, model.IOC, model.STP_TAKER
        )
        try:
            order = self.exchange.create(self.config.user_id, request, ts_ms)
        except errors.RejectedError:
            return None
        return TakerOrder(ts_ms, informed, side, price, count, order.filled)

    def _uninformed(self, market: model.Market) -> tuple[str, units.Price]:
        if self.rng.randrange(2) == 0:
            return model.BID, market.grid.max_price
        return model.ASK, market.grid.min_price

    def _informed(self, market: model.Market, ts_ms: int) -> tuple[str, units.Price] | None:
        fair = self.fair_price(ts_ms)
        bk = self.exchange.books[self.config.ticker]
        edge = self.config.informed_edge
        yes_bids = bk.levels("yes")
        no_bids = bk.levels("no")
        if no_bids:
            best_ask = units.complement(no_bids[-1][0])
            if best_ask + edge < fair:
                return model.BID, market.grid.snap_down(fair - edge)
        if yes_bids:
            best_bid = yes_bids[-1][0]
            if best_bid - edge > fair:
                return model.ASK, market.grid.snap_up(fair + edge)
        return None
