"""Quoting: spread composition, skew, ladder, guards and size caps."""

from __future__ import annotations

import dataclasses

import pytest

from touchline_bot.core import quoting, units
from touchline_bot.core.book import KalshiTop
from touchline_bot.core.market import FeeSchedule
from touchline_bot.core.params import PhaseParams, QuotingParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side

P, Q = units.Price, units.Qty
BOOK = KalshiTop(((P(4_000), Q(20_000)),), ((P(5_000), Q(20_000)),))
INPUTS = quoting.QuoteInputs(
    fair=P(4_500),
    phase=PhaseParams(),
    book=BOOK,
    position_qty=0,
    grid=units.PriceGrid(),
    fees=FeeSchedule(),
    position_limit_qty=5_000,
)
PARAMS = QuotingParams(adverse_selection_buffer=P(100), inventory_skew_per_contract=P(10))


def _by_side(quotes: tuple[Quote, ...], side: Side) -> list[Quote]:
    return [q for q in quotes if q.side is side]


def test_half_spread_is_base_plus_buffers() -> None:
    # 3% base + 1% adverse selection + 0 maker fee (plain quadratic series)
    assert quoting.half_spread(INPUTS, PARAMS) == 400


def test_flat_position_quotes_symmetrically_around_fair() -> None:
    quotes = quoting.desired_quotes(INPUTS, PARAMS)
    assert [(q.side, q.price) for q in quotes] == [(Side.BID, 4_100), (Side.ASK, 4_900)]


def test_long_position_skews_both_quotes_down_and_shrinks_the_bid() -> None:
    long = INPUTS._replace(position_qty=1_000)  # 10 contracts
    quotes = quoting.desired_quotes(long, PARAMS)
    bid, ask = _by_side(quotes, Side.BID)[0], _by_side(quotes, Side.ASK)[0]
    assert (bid.price, ask.price) == (4_000 - 0, 4_800)
    flat_bid = _by_side(quoting.desired_quotes(INPUTS, PARAMS), Side.BID)[0]
    assert bid.qty < flat_bid.qty


def test_size_is_capped_by_notional_contracts_and_depth() -> None:
    quotes = quoting.desired_quotes(INPUTS, PARAMS)
    bid, ask = quotes
    assert bid.price * bid.qty <= PARAMS.max_order_notional
    assert (units.ONE_DOLLAR - ask.price) * ask.qty <= PARAMS.max_order_notional
    assert bid.qty <= PARAMS.max_order_qty
    # 25% of the depth at the touch: (1 + 3) contracts -> 1 contract per quote; deeper levels
    # do not count
    thin = INPUTS._replace(
        book=KalshiTop(
            ((P(4_000), Q(100)), (P(3_900), Q(90_000))), ((P(5_000), Q(300)), (P(5_100), Q(90_000)))
        ),
    )
    assert [q.qty for q in quoting.desired_quotes(thin, PARAMS)] == [100, 100]


def test_ladder_adds_levels_further_out() -> None:
    params = dataclasses.replace(PARAMS, ladder_levels=3, ladder_step=P(100))
    bids = _by_side(quoting.desired_quotes(INPUTS, params), Side.BID)
    assert [b.price for b in bids] == [4_100, 4_000, 3_900]
    assert [b.level for b in bids] == [0, 1, 2]


@pytest.mark.parametrize(
    ("book", "bid_below", "ask_above"),
    [
        pytest.param(
            KalshiTop(((P(4_000), Q(100)),), ((P(4_050), Q(100)),)), 4_050, None, id="tight-ask"
        ),
        pytest.param(
            KalshiTop(((P(4_950), Q(100)),), ((P(6_000), Q(100)),)), None, 4_950, id="high-bid"
        ),
    ],
)
def test_post_only_guards_never_cross(
    book: KalshiTop, bid_below: int | None, ask_above: int | None
) -> None:
    quotes = quoting.desired_quotes(INPUTS._replace(book=book), PARAMS)
    for q in quotes:
        if q.side is Side.BID and bid_below is not None:
            assert q.price < bid_below
        if q.side is Side.ASK and ask_above is not None:
            assert q.price > ask_above


def test_quotes_outside_bounds_are_dropped() -> None:
    cheap = INPUTS._replace(fair=P(300), book=KalshiTop((), ()))
    sides = {q.side for q in quoting.desired_quotes(cheap, PARAMS)}
    assert Side.BID not in sides


@pytest.mark.parametrize(
    ("position", "bid", "ask"),
    [
        pytest.param(0, 4_100, 4_900, id="flat-centred"),
        pytest.param(2_000, 3_900, 4_700, id="long-20-shifts-down-20c"),
        pytest.param(-2_000, 4_300, 5_100, id="short-20-shifts-up-20c"),
        pytest.param(50_000, 3_600, 4_400, id="long-beyond-limit-shift-capped-at-50"),
        pytest.param(-50_000, 4_600, 5_400, id="short-beyond-limit-shift-capped-at-50"),
    ],
)
def test_price_skew_grows_with_position_up_to_the_limit(position: int, bid: int, ask: int) -> None:
    wide = KalshiTop(((P(1_000), Q(20_000)),), ((P(9_000), Q(20_000)),))
    inputs = INPUTS._replace(book=wide, position_qty=position)
    params = dataclasses.replace(PARAMS, max_order_notional=units.Money(100 * units.MONEY_SCALE))
    quotes = quoting.desired_quotes(inputs, params)
    prices = {q.side: q.price for q in quotes}
    assert prices.get(Side.BID, bid) == bid
    assert prices[Side.ASK] == ask


@pytest.mark.parametrize(
    ("position", "bid_qty", "ask_qty"),
    [
        pytest.param(0, 2_500, 2_500, id="flat-full-size-both-sides"),
        pytest.param(2_500, 1_875, 2_500, id="half-limit-long-bid-shrinks-a-quarter"),
        pytest.param(5_000, 1_250, 2_500, id="at-limit-long-bid-shrinks-by-taper"),
        pytest.param(-5_000, 2_500, 1_250, id="at-limit-short-ask-shrinks-by-taper"),
    ],
)
def test_size_taper_shrinks_the_side_that_adds_exposure(
    position: int, bid_qty: int, ask_qty: int
) -> None:
    wide = KalshiTop(((P(1_000), Q(90_000)),), ((P(9_000), Q(90_000)),))
    inputs = INPUTS._replace(book=wide, position_qty=position)
    params = dataclasses.replace(
        PARAMS,
        inventory_skew_per_contract=P(0),
        max_order_notional=units.Money(100 * units.MONEY_SCALE),
    )
    sizes = {q.side: q.qty for q in quoting.desired_quotes(inputs, params)}
    assert (sizes[Side.BID], sizes[Side.ASK]) == (bid_qty, ask_qty)


@pytest.mark.parametrize(
    ("fair", "missing"),
    [
        pytest.param(400, Side.BID, id="bid-below-min-price-dropped-not-raised"),
        pytest.param(9_600, Side.ASK, id="ask-above-max-price-dropped-not-lowered"),
    ],
)
def test_a_quote_beyond_the_bounds_is_dropped_never_pulled_inward(fair: int, missing: Side) -> None:
    empty = INPUTS._replace(fair=P(fair), book=KalshiTop((), ()))
    params = dataclasses.replace(PARAMS, min_price=P(100), max_price=P(9_900))
    sides = {q.side for q in quoting.desired_quotes(empty, params)}
    assert sides == {missing.opposite}


def test_sub_penny_grid_snaps_bids_down_and_asks_up() -> None:
    grid = units.PriceGrid((units.PriceRange(P(0), units.ONE_DOLLAR, P(10)),))
    inputs = INPUTS._replace(grid=grid, fair=P(4_503), book=KalshiTop((), ()))
    params = dataclasses.replace(PARAMS, adverse_selection_buffer=P(0), ladder_levels=1)
    prices = {q.side: q.price for q in quoting.desired_quotes(inputs, params)}
    assert prices == {Side.BID: 4_200, Side.ASK: 4_810}


def test_no_quotes_against_a_book_known_to_be_wrong() -> None:
    gap = INPUTS._replace(book=KalshiTop(BOOK.bids, BOOK.asks, valid=False))
    assert quoting.desired_quotes(gap, PARAMS) == ()


def test_our_own_orders_at_the_touch_are_not_depth_others_provide() -> None:
    # Alone at the touch with 2 contracts a side: without discounting them the 25% depth cap
    # would shrink the next quote to 1 contract, then 0.5, on every requote.
    alone = INPUTS._replace(
        book=KalshiTop(((P(4_100), Q(200)),), ((P(4_900), Q(200)),)),
        own_touch_qty=400,
    )
    counted = alone._replace(own_touch_qty=0)
    assert all(q.qty > 100 for q in quoting.desired_quotes(alone, PARAMS))
    assert all(q.qty <= 100 for q in quoting.desired_quotes(counted, PARAMS))


def _thin(touch_qty: int) -> quoting.QuoteInputs:
    """A touch thin enough that the 25% depth cap sets the size: 2 x touch_qty x 25%."""
    book = KalshiTop(((P(4_000), Q(touch_qty)),), ((P(5_000), Q(touch_qty)),))
    return INPUTS._replace(book=book)


def test_a_resting_order_within_the_size_tolerance_keeps_its_size() -> None:
    fresh = quoting.desired_quotes(_thin(1_000), PARAMS)  # 5 contracts a side
    assert [q.qty for q in fresh] == [500, 500]
    bid, ask = fresh
    resting = ((Side.BID, bid.price, 450), (Side.ASK, ask.price, 580))
    sticky = quoting.desired_quotes(_thin(1_000)._replace(resting=resting), PARAMS)
    # 10% and 16% away from 5 contracts: inside the default 20%, no amend needed (and under
    # the ask's $3 notional cap of 5.88 contracts).
    assert [q.qty for q in sticky] == [450, 580]


@pytest.mark.parametrize(
    ("resting_qty", "why"),
    [
        pytest.param(390, "more than 20% smaller", id="too-small"),
        pytest.param(610, "more than 20% larger", id="too-large"),
    ],
)
def test_a_resting_order_beyond_the_size_tolerance_is_resized(resting_qty: int, why: str) -> None:
    bid = quoting.desired_quotes(_thin(1_000), PARAMS)[0]
    resting = ((Side.BID, bid.price, resting_qty),)
    quotes = quoting.desired_quotes(_thin(1_000)._replace(resting=resting), PARAMS)
    assert quotes[0].qty == 500, why


def test_sticky_sizes_never_pass_the_per_order_caps_nor_apply_at_another_price() -> None:
    capped = dataclasses.replace(PARAMS, max_order_qty=Q(500))
    bid = quoting.desired_quotes(_thin(1_000), capped)[0]
    above_cap = ((Side.BID, bid.price, 550),)
    quotes = quoting.desired_quotes(_thin(1_000)._replace(resting=above_cap), capped)
    assert quotes[0].qty == 500
    elsewhere = ((Side.BID, bid.price - 100, 450),)
    quotes = quoting.desired_quotes(_thin(1_000)._replace(resting=elsewhere), PARAMS)
    assert quotes[0].qty == 500


def test_zero_size_tolerance_always_quotes_the_computed_size() -> None:
    exact = dataclasses.replace(PARAMS, size_tolerance_bps=0)
    bid = quoting.desired_quotes(_thin(1_000), exact)[0]
    resting = ((Side.BID, bid.price, 499),)
    assert quoting.desired_quotes(_thin(1_000)._replace(resting=resting), exact)[0].qty == 500


@pytest.mark.parametrize(
    ("fair", "position", "side", "edge"),
    [
        pytest.param(9_700, 1_000, Side.ASK, 9_900, id="long-the-favourite-sells-at-99c"),
        pytest.param(300, -1_000, Side.BID, 100, id="short-the-long-shot-buys-at-1c"),
    ],
)
def test_near_the_edges_the_side_that_reduces_the_position_is_still_quoted(
    fair: int, position: int, side: Side, edge: int
) -> None:
    # At 97c the ask (97 + 4 = 101c) is past the 98c bound: a long position in the favourite
    # could only grow. The reducing side is pulled in to the grid's edge, for at most the
    # position, and never crosses.
    book = KalshiTop(((P(fair - 200), Q(20_000)),), ((P(fair + 200), Q(20_000)),))
    inputs = INPUTS._replace(fair=P(fair), book=book, position_qty=position)
    reducing = _by_side(quoting.desired_quotes(inputs, PARAMS), side)
    assert [q.price for q in reducing] == [edge]
    assert reducing[0].qty <= abs(position)


def test_near_the_edges_a_flat_position_still_drops_the_quote_beyond_the_bounds() -> None:
    book = KalshiTop(((P(9_500), Q(20_000)),), ((P(9_900), Q(20_000)),))
    flat = INPUTS._replace(fair=P(9_700), book=book)
    assert {q.side for q in quoting.desired_quotes(flat, PARAMS)} == {Side.BID}


def test_near_the_edges_a_reducing_quote_never_crosses() -> None:
    # The best bid is at 99c: there is no room above it for an ask.
    book = KalshiTop(((P(9_900), Q(20_000)),), ())
    inputs = INPUTS._replace(fair=P(9_700), book=book, position_qty=1_000)
    assert not _by_side(quoting.desired_quotes(inputs, PARAMS), Side.ASK)


def test_near_the_edges_a_reducing_quote_never_goes_through_the_fair() -> None:
    # Fair 99.5c: an ask pulled in to 99c would sell below the fair.
    inputs = INPUTS._replace(fair=P(9_950), book=KalshiTop((), ()), position_qty=1_000)
    assert not _by_side(quoting.desired_quotes(inputs, PARAMS), Side.ASK)
