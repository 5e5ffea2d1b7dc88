"""A token's book is kept by price: levels delivered in any order give the same best bid and
best ask, a zero size removes a level, and a snapshot replaces everything."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from touchline_bot.core import units
from touchline_bot.venues.polymarket import book, messages

LevelSide = messages.LevelSide


def _snapshot(bids: list[tuple[int, int]], asks: list[tuple[int, int]]) -> messages.BookSnapshot:
    return messages.BookSnapshot(
        asset_id="t",
        market="0x1",
        bids=tuple((units.Price(p), units.Qty(q)) for p, q in bids),
        asks=tuple((units.Price(p), units.Qty(q)) for p, q in asks),
        timestamp_ms=1,
    )


levels = st.dictionaries(
    st.integers(min_value=1, max_value=9_999),
    st.integers(min_value=1, max_value=10**6),
    max_size=20,
)


@given(bids=levels, asks=levels, data=st.data())
def test_levels_in_any_order_give_the_same_best_bid_and_ask(
    bids: dict[int, int], asks: dict[int, int], data: st.DataObject
) -> None:
    shuffled_bids = data.draw(st.permutations(list(bids.items())))
    shuffled_asks = data.draw(st.permutations(list(asks.items())))
    sorted_book = book.TokenBook()
    sorted_book.replace(_snapshot(sorted(bids.items()), sorted(asks.items(), reverse=True)))
    shuffled_book = book.TokenBook()
    shuffled_book.replace(_snapshot(shuffled_bids, shuffled_asks))
    assert shuffled_book.top() == sorted_book.top()
    expected_bid = (max(bids), bids[max(bids)]) if bids else None
    expected_ask = (min(asks), asks[min(asks)]) if asks else None
    assert shuffled_book.top().best_bid == expected_bid
    assert shuffled_book.top().best_ask == expected_ask


def test_worst_first_arrays_still_give_the_true_top_of_book() -> None:
    token_book = book.TokenBook()
    token_book.replace(_snapshot([(100, 5), (4100, 7), (4200, 9)], [(9900, 1), (4400, 2)]))
    assert token_book.best_bid() == (units.Price(4200), units.Qty(9))
    assert token_book.best_ask() == (units.Price(4400), units.Qty(2))


def test_zero_size_removes_the_level_and_the_next_one_becomes_best() -> None:
    token_book = book.TokenBook()
    token_book.replace(_snapshot([(4100, 7), (4200, 9)], []))
    token_book.set_level(LevelSide.BUY, units.Price(4200), units.Qty(0))
    assert token_book.best_bid() == (units.Price(4100), units.Qty(7))


def test_a_snapshot_throws_away_levels_it_does_not_list() -> None:
    token_book = book.TokenBook()
    token_book.set_level(LevelSide.SELL, units.Price(6000), units.Qty(1))
    token_book.replace(_snapshot([(4100, 7)], [(4500, 3)]))
    assert token_book.asks() == ((units.Price(4500), units.Qty(3)),)


def test_an_empty_book_has_no_top() -> None:
    assert book.TokenBook().top().best_bid is None
    assert book.TokenBook().top().best_ask is None
