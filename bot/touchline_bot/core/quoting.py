"""Desired quotes around the fair price.

half-spread = base (per phase) + adverse-selection buffer + fee buffer per contract. The centre
is skewed against the position (long → both quotes lower), the side that would add to the
position is shrunk as the position grows, and an optional ladder adds levels further out.
Prices are snapped outward to the market's grid (bids down, asks up) and kept inside
[min price, max price]; the post-only guards keep a bid below the best ask and an ask above the
best bid. Sizes are capped by notional (a bid risks price × size, an ask (1 − price) × size),
by contracts, and by ``depth_fraction_bps`` of the visible depth at the touch — the best bid's
size plus the best ask's (the seed's "25% of book"; the touch only, so the cap does not depend
on how many levels the view holds, and a thin side can still be quoted against a deep one); an
empty book has no depth cap (the other caps still hold).

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

from touchline_bot.core import fees, units
from touchline_bot.core.book import KalshiTop
from touchline_bot.core.market import FeeSchedule
from touchline_bot.core.params import BPS, PhaseParams, QuotingParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side


@dataclass(frozen=True, slots=True)
class QuoteInputs:
    """Everything quoting needs for one decision."""

    fair: units.Price
    phase: PhaseParams
    book: KalshiTop
    position_qty: int
    grid: units.PriceGrid
    fees: FeeSchedule
    position_limit_qty: int
    """Position at which the inventory skew and size taper are at their maximum."""
    own_touch_qty: int = 0
    """Our own resting quantity at the best bid and best ask: not depth others provide (counting
    it would shrink our size on every requote while we are alone at the touch)."""


def half_spread(inputs: QuoteInputs, params: QuotingParams) -> units.Price:
    """Base + adverse-selection buffer + fee buffer, at least one cent."""
    buffer = fees.buffer_per_contract(inputs.fair, inputs.fees, params)
    total = inputs.phase.half_spread_base + params.adverse_selection_buffer + buffer
    return units.Price(max(units.ONE_CENT, total))


def _centre(inputs: QuoteInputs, params: QuotingParams) -> int:
    """Fair shifted against the position; the shift stops growing at the position limit."""
    position = inputs.position_qty
    limit = inputs.position_limit_qty
    if limit > 0:
        position = max(-limit, min(limit, position))
    return inputs.fair - position * params.inventory_skew_per_contract // units.QTY_SCALE


def _guarded(side: Side, price: int, inputs: QuoteInputs) -> int:
    """Snap outward onto the grid, then step back one tick inside the touch if it would cross."""
    grid, top = inputs.grid, inputs.book
    if side is Side.BID:
        price = grid.snap_down(price)
        if top.best_ask is not None and price >= top.best_ask[0]:
            price = grid.tick_below(top.best_ask[0])
    else:
        price = grid.snap_up(price)
        if top.best_bid is not None and price <= top.best_bid[0]:
            price = grid.tick_above(top.best_bid[0])
    return price


def _crosses(side: Side, price: int, book: KalshiTop) -> bool:
    """A guard clamped at the grid's edge can still touch the other side: never send that."""
    if side is Side.BID:
        return book.best_ask is not None and price >= book.best_ask[0]
    return book.best_bid is not None and price <= book.best_bid[0]


def _depth(inputs: QuoteInputs) -> int:
    book = inputs.book
    touch = sum(level[1] for level in (book.best_bid, book.best_ask) if level is not None)
    return max(0, touch - inputs.own_touch_qty)


def _size(side: Side, price: int, inputs: QuoteInputs, params: QuotingParams) -> int:
    risk_per_contract = price if side is Side.BID else units.ONE_DOLLAR - price
    qty: int = params.max_order_qty
    if risk_per_contract > 0:
        qty = min(qty, params.max_order_notional // risk_per_contract)
    depth = _depth(inputs)
    if depth > 0:
        qty = min(qty, depth * params.depth_fraction_bps // BPS)
    adds = inputs.position_qty * side.sign >= 0
    if adds and inputs.position_limit_qty > 0:
        used = min(abs(inputs.position_qty), inputs.position_limit_qty)
        taper = params.inventory_size_taper_bps * used // inputs.position_limit_qty
        qty = qty * (BPS - taper) // BPS
    return qty


def _price(side: Side, raw: int, inputs: QuoteInputs, bounds: tuple[int, int]) -> int | None:
    """The guarded grid price for ``raw``, or None when it falls outside ``bounds`` (a raw price
    beyond a bound is dropped, never pulled inward: that would quote tighter than asked)."""
    low, high = bounds
    if not low <= raw <= high:
        return None
    price = _guarded(side, raw, inputs)
    if not low <= price <= high or _crosses(side, price, inputs.book):
        return None
    return price


def desired_quotes(inputs: QuoteInputs, params: QuotingParams) -> tuple[Quote, ...]:
    """Bids then asks, touch-most level first; empty sides are simply absent. Nothing at all
    against a book the adapter knows is wrong (``valid`` false): the guards would be blind."""
    if not inputs.book.valid:
        return ()
    half = half_spread(inputs, params)
    centre = _centre(inputs, params)
    bounds = (
        max(params.min_price, inputs.grid.min_price),
        min(params.max_price, inputs.grid.max_price),
    )
    quotes: dict[Side, list[Quote]] = {Side.BID: [], Side.ASK: []}
    for level in range(max(1, params.ladder_levels)):
        offset = half + level * params.ladder_step
        for side in (Side.BID, Side.ASK):
            price = _price(side, centre - side.sign * offset, inputs, bounds)
            out = quotes[side]
            if price is None or any(q.price == price for q in out):
                continue
            qty = _size(side, price, inputs, params)
            if qty >= params.min_order_qty:
                out.append(Quote(side, units.Price(price), units.Qty(qty), level))
    return (*quotes[Side.BID], *quotes[Side.ASK])
