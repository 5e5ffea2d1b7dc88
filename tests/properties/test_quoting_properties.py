"""Quoting properties for any book, fair price, position and price grid (tapered sub-penny
grids included): quotes never cross the book or each other, sit on the grid inside the bounds
(only the side reducing the position may be pulled in to the grid's edge, for at most the
position), and respect every size cap; flattening never grows the position."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from touchline_bot.core import flatten, quoting, units
from touchline_bot.core.book import KalshiTop
from touchline_bot.core.market import FeeSchedule, FeeType
from touchline_bot.core.params import FlattenParams, PhaseParams, QuotingParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side

P, Q = units.Price, units.Qty
TAPERED = units.PriceGrid(
    (
        units.PriceRange(P(0), P(1_000), P(10)),
        units.PriceRange(P(1_000), P(9_000), P(100)),
        units.PriceRange(P(9_000), P(10_000), P(10)),
    )
)
GRIDS = st.sampled_from([units.PriceGrid(), TAPERED])


@st.composite
def books(draw: st.DrawFn, grid: units.PriceGrid) -> KalshiTop:
    """A valid book on ``grid``: bids strictly below asks, best first."""
    mid = draw(st.integers(1, 9_998))
    bids = sorted(
        {grid.snap_down(p) for p in draw(st.lists(st.integers(1, mid), max_size=4))},
        reverse=True,
    )
    asks = sorted(
        {grid.snap_up(p) for p in draw(st.lists(st.integers(mid + 1, 9_999), max_size=4))}
    )
    bids = [b for b in bids if not asks or b < asks[0]]
    size = st.integers(1, 100_000)
    return KalshiTop(
        tuple((P(b), Q(draw(size))) for b in bids), tuple((P(a), Q(draw(size))) for a in asks)
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[quoting.QuoteInputs, QuotingParams]:
    grid = draw(GRIDS)
    params = QuotingParams(
        ladder_levels=draw(st.integers(1, 3)),
        ladder_step=P(draw(st.sampled_from([10, 100, 200]))),
        inventory_skew_per_contract=P(draw(st.integers(0, 50))),
        max_order_qty=Q(draw(st.integers(100, 5_000))),
        max_order_notional=units.Money(draw(st.integers(100_000, 10_000_000))),
        min_price=P(draw(st.sampled_from([0, 100, 200]))),
        max_price=P(draw(st.sampled_from([9_800, 9_900, 10_000]))),
    )
    inputs = quoting.QuoteInputs(
        fair=P(draw(st.integers(1, 9_999))),
        phase=PhaseParams(half_spread_base=P(draw(st.integers(0, 800)))),
        book=draw(books(grid)),
        position_qty=draw(st.integers(-10_000, 10_000)),
        grid=grid,
        fees=FeeSchedule(draw(st.sampled_from(list(FeeType)))),
        position_limit_qty=draw(st.integers(1, 10_000)),
    )
    return inputs, params


def _reduces(q: Quote, inputs: quoting.QuoteInputs) -> bool:
    return inputs.position_qty * q.side.sign < 0


@given(scenarios())
def test_quotes_never_cross_the_book_or_each_other(
    case: tuple[quoting.QuoteInputs, QuotingParams],
) -> None:
    inputs, params = case
    quotes = quoting.desired_quotes(inputs, params)
    bids = [q.price for q in quotes if q.side is Side.BID]
    asks = [q.price for q in quotes if q.side is Side.ASK]
    if inputs.book.best_ask is not None:
        assert all(b < inputs.book.best_ask[0] for b in bids)
    if inputs.book.best_bid is not None:
        assert all(a > inputs.book.best_bid[0] for a in asks)
    if bids and asks:
        assert max(bids) < min(asks)


@given(scenarios())
def test_quotes_are_on_the_grid_inside_bounds_and_within_size_caps(
    case: tuple[quoting.QuoteInputs, QuotingParams],
) -> None:
    inputs, params = case
    low = max(params.min_price, inputs.grid.min_price)
    high = min(params.max_price, inputs.grid.max_price)
    touch = (inputs.book.best_bid, inputs.book.best_ask)
    depth = sum(level[1] for level in touch if level is not None)
    for q in quoting.desired_quotes(inputs, params):
        assert inputs.grid.is_valid(q.price)
        if not low <= q.price <= high:
            # Only the side that reduces the position, pulled in to the grid's edge, for at
            # most the position.
            assert _reduces(q, inputs)
            assert q.price in {inputs.grid.min_price, inputs.grid.max_price}
            assert q.qty <= abs(inputs.position_qty)
        assert params.min_order_qty <= q.qty <= params.max_order_qty
        if depth:
            assert q.qty <= depth * params.depth_fraction_bps // 10_000
        risk = q.price if q.side is Side.BID else units.ONE_DOLLAR - q.price
        assert risk * q.qty <= params.max_order_notional
        assert q.post_only


@given(scenarios())
def test_quotes_are_never_tighter_than_the_half_spread_around_the_skewed_fair(
    case: tuple[quoting.QuoteInputs, QuotingParams],
) -> None:
    inputs, params = case
    half = quoting.half_spread(inputs, params)
    capped = min(abs(inputs.position_qty), inputs.position_limit_qty)
    skew = capped * params.inventory_skew_per_contract // units.QTY_SCALE + 1
    edges = {inputs.grid.min_price, inputs.grid.max_price}
    for q in quoting.desired_quotes(inputs, params):
        if _reduces(q, inputs) and q.price in edges:
            continue  # the reducing side pulled in near 1c/99c (checked above)
        if q.side is Side.BID:
            assert q.price <= inputs.fair - half + skew
        else:
            assert q.price >= inputs.fair + half - skew


@given(
    position=st.integers(-10_000, 10_000),
    fair=st.integers(100, 9_900),
    elapsed=st.integers(0, 100_000),
    grid=GRIDS,
    data=st.data(),
)
def test_flatten_never_grows_the_position(
    position: int, fair: int, elapsed: int, grid: units.PriceGrid, data: st.DataObject
) -> None:
    book = data.draw(books(grid))
    quotes = flatten.flatten_quotes(
        position_qty=position,
        fair=P(fair),
        book=book,
        grid=grid,
        started_ms=0,
        now_ms=elapsed,
        params=FlattenParams(enabled=True),
    )
    for q in quotes:
        after = position + q.side.sign * q.qty
        assert abs(after) <= abs(position)
        assert (after >= 0) == (position >= 0) or after == 0
        assert grid.is_valid(q.price)


@given(
    position=st.integers(-10_000, 10_000).filter(bool),
    fair=st.integers(100, 9_900),
    elapsed=st.integers(0, 100_000),
    loss=st.integers(0, 1_000),
    grid=GRIDS,
    data=st.data(),
)
def test_flatten_rests_without_crossing_then_crosses_within_the_loss_bound(
    position: int, fair: int, elapsed: int, loss: int, grid: units.PriceGrid, data: st.DataObject
) -> None:
    book = data.draw(books(grid))
    params = FlattenParams(enabled=True, passive_timeout_ms=30_000, max_cross_loss=P(loss))
    quotes = flatten.flatten_quotes(
        position_qty=position,
        fair=P(fair),
        book=book,
        grid=grid,
        started_ms=0,
        now_ms=elapsed,
        params=params,
    )
    for q in quotes:
        through = fair - q.price if q.side is Side.ASK else q.price - fair
        assert through <= loss
        assert q.post_only is (elapsed < params.passive_timeout_ms)
        if q.post_only and q.side is Side.ASK and book.best_bid is not None:
            assert q.price > book.best_bid[0]
        if q.post_only and q.side is Side.BID and book.best_ask is not None:
            assert q.price < book.best_ask[0]
