"""Desired quotes around the fair price.

half-spread = base (per phase) + adverse-selection buffer + fee buffer per contract. The centre is
skewed against the position (long → both quotes lower), the side that would add to the position is
shrunk as the position grows, and an optional ladder adds levels further out. Prices are snapped
outward to the market's grid (bids down, asks up) and kept inside [min price, max price] — except
the side that reduces the position, which near 1¢/99¢ is pulled in to the grid's edge for at most
the position instead of being dropped; the post-only guards keep a bid below the best ask and an
ask above the best bid. Sizes are capped by notional (a bid risks price × size, an ask (1 − price)
× size), by contracts, and by ``depth_fraction_bps`` of the visible depth at the touch — the best
bid's size plus the best ask's (the seed's "25% of book"; the touch only, so the cap does not
depend on how many levels the view holds, and a thin side can still be quoted against a deep one);
an empty book has no depth cap (the other caps still hold). Sizes are sticky: where one of our
orders already rests at a quote's price with a size within ``size_tolerance_bps`` of the new one
(and within the per-order caps), the quote keeps that size, so a change of the touch's size does
not cost an amend (a write against the rate limit) every time. Risk clips after quoting, so a
sticky size never lets exposure past a limit.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from typing import ClassVar, Final, final

from touchline_bot.core import fees, units
from touchline_bot.core.book import KalshiTop
from touchline_bot.core.market import FeeSchedule
from touchline_bot.core.params import BPS, PhaseParams, QuotingParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side
from touchline_bot.core.value import Value


@final
class QuoteInputs(Value):
    """Everything quoting needs for one decision (a record: one is built per requote)."""

    _fields: ClassVar[tuple[str, ...]] = (
        "fair",
        "phase",
        "book",
        "position_qty",
        "grid",
        "fees",
        "position_limit_qty",
        "own_touch_qty",
        "resting",
    )
    __slots__ = _fields

    def __init__(  # noqa: PLR0917 (a record: its fields, in order)
        self,
        fair: units.Price,
        phase: PhaseParams,
        book: KalshiTop,
        position_qty: int,
        grid: units.PriceGrid,
        fees: FeeSchedule,
        position_limit_qty: int,
        own_touch_qty: int = 0,
        resting: tuple[tuple[Side, int, int], ...] = (),
    ) -> None:
        self.fair: Final = fair
        self.phase: Final = phase
        self.book: Final = book
        self.position_qty: Final = position_qty
        self.grid: Final = grid
        self.fees: Final = fees
        # Position at which the inventory skew and size taper are at their maximum.
        self.position_limit_qty: Final = position_limit_qty
        # Our own resting quantity at the best bid and best ask: not depth others provide
        # (counting it would shrink our size on every requote while we are alone at the touch).
        self.own_touch_qty: Final = own_touch_qty
        # (side, price, size) of our orders resting with no action in flight: a quote at such a
        # price keeps the order's size while it is within ``size_tolerance_bps`` (sticky sizes).
        self.resting: Final = resting


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


@final
class _Touch(Value):
    """What one requote reads of the book, computed once: the best prices and the depth cap's
    base (the touch's size net of our own orders)."""

    _fields: ClassVar[tuple[str, ...]] = ("best_bid", "best_ask", "depth")
    __slots__ = _fields

    def __init__(
        self,
        best_bid: int | None,
        best_ask: int | None,
        depth: int,
    ) -> None:
        self.best_bid: Final = best_bid
        self.best_ask: Final = best_ask
        self.depth: Final = depth


def _touch(inputs: QuoteInputs) -> _Touch:
    bids, asks = inputs.book.bids, inputs.book.asks
    best_bid = bids[0][0] if bids else None
    best_ask = asks[0][0] if asks else None
    touch = (bids[0][1] if bids else 0) + (asks[0][1] if asks else 0)
    return _Touch(best_bid, best_ask, max(0, touch - inputs.own_touch_qty))


def _bid_price(raw: int, grid: units.PriceGrid, touch: _Touch, low: int, high: int) -> int | None:
    """Snap down onto the grid, step back one tick below the best ask if it would cross; None
    outside ``[low, high]`` (a raw price beyond a bound is dropped, never pulled inward: that
    would quote tighter than asked) or when a guard clamped at the grid's edge still crosses."""
    if not low <= raw <= high:
        return None
    price: int = grid.snap_down(raw)
    best_ask = touch.best_ask
    if best_ask is not None and price >= best_ask:
        price = grid.tick_below(best_ask)
    if not low <= price <= high or (best_ask is not None and price >= best_ask):
        return None
    return price


def _ask_price(raw: int, grid: units.PriceGrid, touch: _Touch, low: int, high: int) -> int | None:
    """The mirror of :func:`_bid_price`: snap up, stay above the best bid."""
    if not low <= raw <= high:
        return None
    price: int = grid.snap_up(raw)
    best_bid = touch.best_bid
    if best_bid is not None and price <= best_bid:
        price = grid.tick_above(best_bid)
    if not low <= price <= high or (best_bid is not None and price <= best_bid):
        return None
    return price


def _size(side: Side, price: int, inputs: QuoteInputs, depth: int, params: QuotingParams) -> int:
    risk_per_contract = price if side is Side.BID else units.ONE_DOLLAR - price
    qty: int = params.max_order_qty
    if risk_per_contract > 0:
        qty = min(qty, params.max_order_notional // risk_per_contract)
    cap = qty
    qty = _soft_size(side, qty, inputs, depth, params)
    for rest_side, rest_price, rest_qty in inputs.resting:
        if (
            rest_side is side
            and rest_price == price
            and rest_qty <= cap
            and abs(rest_qty - qty) * BPS <= qty * params.size_tolerance_bps
        ):
            return rest_qty
    return qty


def _soft_size(side: Side, qty: int, inputs: QuoteInputs, depth: int, params: QuotingParams) -> int:
    """``qty`` after the depth cap and the inventory taper."""
    if depth > 0:
        qty = min(qty, depth * params.depth_fraction_bps // BPS)
    position = inputs.position_qty
    adds = position >= 0 if side is Side.BID else position <= 0
    limit = inputs.position_limit_qty
    if adds and limit > 0:
        taper = params.inventory_size_taper_bps * min(abs(position), limit) // limit
        qty = qty * (BPS - taper) // BPS
    return qty


def desired_quotes(inputs: QuoteInputs, params: QuotingParams) -> tuple[Quote, ...]:
    """Bids then asks, touch-most level first; empty sides are simply absent. Nothing at all
    against a book the adapter knows is wrong (``valid`` false): the guards would be blind."""
    if not inputs.book.valid:
        return ()
    half = half_spread(inputs, params)
    centre = _centre(inputs, params)
    grid, touch = inputs.grid, _touch(inputs)
    low = max(params.min_price, grid.min_price)
    high = min(params.max_price, grid.max_price)
    bids: list[Quote] = []
    asks: list[Quote] = []
    for level in range(max(1, params.ladder_levels)):
        offset = half + level * params.ladder_step
        raw, b_low, b_high, pulled = _reach(Side.BID, centre - offset, inputs, low, high)
        bid = _bid_price(raw, grid, touch, b_low, b_high)
        # Deeper levels only move away from the touch: a repeat can only be the last price.
        if bid is not None and not (bids and bids[-1].price == bid):
            qty = _size(Side.BID, bid, inputs, touch.depth, params)
            qty = min(qty, abs(inputs.position_qty)) if pulled else qty
            if qty >= params.min_order_qty:
                bids.append(Quote(Side.BID, units.Price(bid), units.Qty(qty), level))
        raw, a_low, a_high, pulled = _reach(Side.ASK, centre + offset, inputs, low, high)
        ask = _ask_price(raw, grid, touch, a_low, a_high)
        if ask is not None and not (asks and asks[-1].price == ask):
            qty = _size(Side.ASK, ask, inputs, touch.depth, params)
            qty = min(qty, abs(inputs.position_qty)) if pulled else qty
            if qty >= params.min_order_qty:
                asks.append(Quote(Side.ASK, units.Price(ask), units.Qty(qty), level))
    return (*bids, *asks)


def _reach(
    side: Side, raw: int, inputs: QuoteInputs, low: int, high: int
) -> tuple[int, int, int, bool]:
    """The raw price and bounds for ``side``, and whether the quote was pulled inward. A quote
    beyond ``[low, high]`` is dropped (never quoted tighter than asked) unless it is the side
    that reduces the position: near 1c/99c that side is pulled in to the grid's edge, for at
    most the position, so that a favourite's inventory does not only ever grow — but never to
    the wrong side of the fair (an ask below it, a bid above it)."""
    reduces = inputs.position_qty * side.sign < 0
    if not reduces or low <= raw <= high:
        return raw, low, high, False
    edge_low, edge_high = inputs.grid.min_price, inputs.grid.max_price
    pulled = max(edge_low, min(edge_high, raw))
    if (pulled - inputs.fair) * side.sign > 0:
        return raw, low, high, False
    return pulled, edge_low, edge_high, True


def toward_signal(
    quotes: tuple[Quote, ...], others: KalshiTop, signal_mid: int | None
) -> tuple[Quote, ...]:
    """``quotes`` with the side facing the other venue kept out of Kalshi's spread: when
    Polymarket's mid is above Kalshi's best ask (others' orders), no bid above Kalshi's best
    bid; below its best bid, no ask below its best ask. One of the venues is stale, and
    improving Kalshi's touch toward the other one is the trade an informed taker waits for.
    A capped quote joins the touch; one that lands on a price already quoted is dropped."""
    if signal_mid is None:
        return quotes
    best_bid, best_ask = others.best_bid, others.best_ask
    bid_cap = best_bid[0] if best_bid and best_ask and signal_mid > best_ask[0] else None
    ask_floor = best_ask[0] if best_ask and best_bid and signal_mid < best_bid[0] else None
    if bid_cap is None and ask_floor is None:
        return quotes
    kept: list[Quote] = []
    seen: set[tuple[Side, int]] = set()
    for quote in quotes:
        price: int = quote.price
        if quote.side is Side.BID and bid_cap is not None:
            price = min(price, bid_cap)
        elif quote.side is Side.ASK and ask_floor is not None:
            price = max(price, ask_floor)
        if (quote.side, price) in seen:
            continue
        seen.add((quote.side, price))
        kept.append(quote if price == quote.price else quote._replace(price=units.Price(price)))
    return tuple(kept)
