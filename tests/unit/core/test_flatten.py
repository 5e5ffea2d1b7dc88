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


@pytest.mark.parametrize(
    ("position", "side", "price"),
    [
        pytest.param(500, Side.ASK, 4_300, id="long-sells-at-fair"),
        pytest.param(-500, Side.BID, 4_300, id="short-buys-at-fair"),
    ],
)
def test_passive_first(position: int, side: Side, price: int) -> None:
    (quote,) = _quotes(position, 1_000)
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
