"""Flattening: passive first, then crossing within a bounded loss; never grows the position."""

from __future__ import annotations

import pytest

from touchline_bot.core import flatten, units
from touchline_bot.core.book import KalshiTop
from touchline_bot.core.params import FlattenParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side

P, Q = units.Price, units.Qty
BOOK = KalshiTop(((P(4_000), Q(1_000)),), ((P(4_600), Q(1_000)),))
PARAMS = FlattenParams(enabled=True, passive_timeout_ms=30_000, max_cross_loss=P(300))


def _quotes(position: int, now_ms: int) -> tuple[Quote, ...]:
    return flatten.flatten_quotes(
        position_qty=position,
        fair=P(4_300),
        book=BOOK,
        grid=units.PriceGrid(),
        started_ms=0,
        now_ms=now_ms,
        params=PARAMS,
    )


def test_flat_needs_nothing() -> None:
    assert _quotes(0, 0) == ()


def _book(bid: int, ask: int) -> KalshiTop:
    return KalshiTop(((P(bid), Q(1_000)),), ((P(ask), Q(1_000)),))


@pytest.mark.parametrize(
    ("position", "book", "side", "price"),
    [
        pytest.param(500, BOOK, Side.ASK, 4_300, id="long-touch-above-fair-improves-to-fair"),
        pytest.param(-500, BOOK, Side.BID, 4_300, id="short-touch-below-fair-improves-to-fair"),
        pytest.param(500, _book(4_000, 4_200), Side.ASK, 4_200, id="long-joins-ask-below-fair"),
        pytest.param(-500, _book(4_400, 4_700), Side.BID, 4_400, id="short-joins-bid-above-fair"),
        pytest.param(500, _book(3_500, 3_800), Side.ASK, 4_000, id="long-never-beyond-loss"),
        pytest.param(-500, _book(4_800, 5_000), Side.BID, 4_600, id="short-never-beyond-loss"),
        pytest.param(500, _book(4_400, 4_600), Side.ASK, 4_500, id="long-never-crosses-bid"),
        pytest.param(-500, _book(4_000, 4_200), Side.BID, 4_100, id="short-never-crosses-ask"),
        pytest.param(500, KalshiTop((), ()), Side.ASK, 4_300, id="empty-book-rests-at-fair"),
    ],
)
def test_passive_first(position: int, book: KalshiTop, side: Side, price: int) -> None:
    (quote,) = flatten.flatten_quotes(
        position_qty=position,
        fair=P(4_300),
        book=book,
        grid=units.PriceGrid(),
        started_ms=0,
        now_ms=29_999,
        params=PARAMS,
    )
    assert (quote.side, quote.price, quote.qty, quote.post_only) == (
        side,
        price,
        abs(position),
        True,
    )


@pytest.mark.parametrize(
    ("position", "side", "price"),
    [
        pytest.param(500, Side.ASK, 4_000, id="long-hits-the-bid"),
        pytest.param(-500, Side.BID, 4_600, id="short-lifts-the-ask-within-loss"),
    ],
)
def test_crossing_after_the_timeout_within_the_loss_bound(
    position: int, side: Side, price: int
) -> None:
    (quote,) = _quotes(position, 31_000)
    assert (quote.side, quote.price, quote.post_only) == (side, price, False)
    assert abs(quote.price - 4_300) <= PARAMS.max_cross_loss


@pytest.mark.parametrize(
    ("now_ms", "post_only"),
    [
        pytest.param(0, True, id="at-start-passive"),
        pytest.param(29_999, True, id="just-before-timeout-passive"),
        pytest.param(30_000, False, id="at-timeout-crossing"),
    ],
)
def test_passive_timeout_boundary(now_ms: int, post_only: bool) -> None:
    (quote,) = _quotes(500, now_ms)
    assert quote.post_only is post_only


def test_crossing_stops_at_the_loss_bound_when_the_touch_is_further() -> None:
    far = KalshiTop(((P(3_000), Q(1_000)),), ((P(5_000), Q(1_000)),))
    (quote,) = flatten.flatten_quotes(
        position_qty=500,
        fair=P(4_300),
        book=far,
        grid=units.PriceGrid(),
        started_ms=0,
        now_ms=60_000,
        params=PARAMS,
    )
    assert (quote.side, quote.price, quote.post_only) == (Side.ASK, 4_000, False)
