"""Other makers on the simulated Kalshi book: a ladder of post-only orders around a fair price,
from an account of their own, so that a market has depth and a spread a bot competes with.

Scenarios move the ladder with the true price (``touchline_bot.sim.street``); the admin API
places one for a simulator running as a process (``POST /_sim/street``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, model

USER = "sim-street-makers"
BALANCE = units.money_from_dollars("1000000000")


@dataclass(frozen=True, slots=True)
class Ladder:
    """Where the other makers rest: ``levels`` per side, one cent apart, the first
    ``half_spread`` from the fair price, ``depth`` contracts each."""

    half_spread: units.Price
    depth: units.Qty
    levels: int


def requote(
    ex: exchange.Exchange,
    ticker: str,
    ladder: Ladder,
    fair: units.Price,
    now_ms: int,
    previous: Sequence[str] = (),
) -> list[str]:
    """Cancel the ladder's ``previous`` orders and rest a new one around ``fair``; the new
    orders' ids (none when the market is not open for trading)."""
    if USER not in ex.accounts:
        ex.add_account(USER, BALANCE)
    for order_id in previous:
        order = ex.orders.get(order_id)
        if order is not None and order.is_resting:
            ex.cancel_resting(order, "street_requote", now_ms)
    market = ex.markets.get(ticker)
    if market is None or market.status is not model.MarketStatus.ACTIVE:
        return []
    placed: list[str] = []
    for level in range(ladder.levels):
        offset = ladder.half_spread + level * units.ONE_CENT
        for side, price in ((model.BID, market.grid.snap_down(fair - offset)),
                            (model.ASK, market.grid.snap_up(fair + offset))):  # fmt: skip
            request = exchange.OrderRequest(
                ticker, side, units.Price(price), ladder.depth, model.GTC, model.STP_TAKER,
                post_only=True,
            )  # fmt: skip
            try:
                placed.append(ex.create(USER, request, now_ms).order_id)
            except errors.RejectedError:
                continue
    return placed
