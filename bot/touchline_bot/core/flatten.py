"""Reducing a position: one order on the side that shrinks it, for the whole position.

Passive first: post-only at our side's touch, improved up to the fair price when the touch is
worse than fair (a sell never rests above fair, a buy never below), never crossing. After
``passive_timeout_ms`` it crosses the spread (``post_only`` false), taking the other side's
touch. Either way the price is never more than ``max_cross_loss`` through the fair price.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from touchline_bot.core import units
from touchline_bot.core.book import KalshiTop
from touchline_bot.core.params import FlattenParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side


def _passive(side: Side, fair: int, book: KalshiTop, grid: units.PriceGrid, loss: int) -> int:
    """Our side's touch, improved up to fair, never more than ``loss`` through fair, and
    stepped back one tick when it would touch the other side (post-only must rest)."""
    if side is Side.ASK:  # selling a long position
        price = grid.snap_up(fair)
        if book.best_ask is not None:
            price = min(price, book.best_ask[0])
        price = max(price, grid.snap_up(fair - loss))
        if book.best_bid is not None and price <= book.best_bid[0]:
            price = grid.tick_above(book.best_bid[0])
        return price
    price = grid.snap_down(fair)
    if book.best_bid is not None:
        price = max(price, book.best_bid[0])
    price = min(price, grid.snap_down(fair + loss))
    if book.best_ask is not None and price >= book.best_ask[0]:
        price = grid.tick_below(book.best_ask[0])
    return price


def _crossing(side: Side, fair: int, book: KalshiTop, grid: units.PriceGrid, loss: int) -> int:
    if side is Side.ASK:
        floor = grid.snap_up(fair - loss)
        touch = book.best_bid[0] if book.best_bid is not None else floor
        return max(floor, touch)
    ceiling = grid.snap_down(fair + loss)
    touch = book.best_ask[0] if book.best_ask is not None else ceiling
    return min(ceiling, touch)


def _touches(side: Side, price: int, book: KalshiTop) -> bool:
    if side is Side.ASK:
        return book.best_bid is not None and price <= book.best_bid[0]
    return book.best_ask is not None and price >= book.best_ask[0]


def flatten_quotes(
    *,
    position_qty: int,
    fair: units.Price,
    book: KalshiTop,
    grid: units.PriceGrid,
    started_ms: int,
    now_ms: int,
    params: FlattenParams,
) -> tuple[Quote, ...]:
    """The one order that reduces the position now (empty when flat)."""
    if position_qty == 0:
        return ()
    side = Side.ASK if position_qty > 0 else Side.BID
    qty = units.Qty(abs(position_qty))
    if now_ms < started_ms + params.passive_timeout_ms:
        price = _passive(side, fair, book, grid, params.max_cross_loss)
        if _touches(side, price, book):
            return ()  # pinned at the grid's edge against the other side: nothing can rest
        return (Quote(side, units.Price(price), qty, 0, post_only=True),)
    price = _crossing(side, fair, book, grid, params.max_cross_loss)
    return (Quote(side, units.Price(price), qty, 0, post_only=False),)
