"""Order book: integer YES/NO bid maps, exact fractional accumulation, YES asks derived from NO
bids, top-of-book views, and the valid flag."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchline_bot.core import units
from touchline_bot.venues.kalshi import book

P = units.Price
Q = units.Qty


def _book(yes: list[tuple[int, int]], no: list[tuple[int, int]]) -> book.OrderBook:
    b = book.OrderBook("T")
    b.apply_snapshot([(P(p), Q(q)) for p, q in yes], [(P(p), Q(q)) for p, q in no])
    return b


def test_new_book_is_invalid_until_the_first_snapshot() -> None:
    b = book.OrderBook("T")
    assert not b.top().valid
    b.apply_snapshot([], [])
    assert b.top().valid


@pytest.mark.parametrize(
    ("deltas", "expected_yes"),
    [
        pytest.param([("yes", 4200, 1000)], {4100: 1000, 4200: 1000}, id="new-level"),
        pytest.param([("yes", 4100, -1000)], {}, id="level-to-zero-removed"),
        pytest.param(
            [("yes", 4100, -33), ("yes", 4100, -33), ("yes", 4100, -34)],
            {4100: 900},
            id="fractional-deltas-accumulate-exactly",
        ),
        pytest.param(
            [("yes", 4100, -1), ("yes", 4100, -999)], {}, id="fractional-down-to-zero-no-phantom"
        ),
        pytest.param([("no", 5500, 5)], {4100: 1000}, id="no-side-delta-leaves-yes-alone"),
    ],
)
def test_deltas_change_levels_exactly(
    deltas: list[tuple[str, int, int]], expected_yes: dict[int, int]
) -> None:
    b = _book([(4100, 1000)], [(5500, 2000)])
    for side, price, delta in deltas:
        assert b.apply_delta(side, P(price), Q(delta))
    assert b.yes_bids() == expected_yes
    assert b.valid


def test_delta_below_zero_invalidates_the_book_and_is_counted() -> None:
    b = _book([(4100, 100)], [])
    assert not b.apply_delta("yes", P(4100), Q(-101))
    assert not b.valid
    assert b.negative_levels == 1
    assert "negative" in b.invalid_reason


def test_top_gives_yes_bids_and_yes_asks_best_first() -> None:
    b = _book([(4100, 1000), (4200, 1337), (3000, 1)], [(5500, 2000), (5600, 1700), (100, 5)])
    top = b.top(levels=2)
    assert top.bids == ((4200, 1337), (4100, 1000))
    assert top.asks == ((4400, 1700), (4500, 2000))
    assert top.best_bid == (4200, 1337)
    assert top.best_ask == (4400, 1700)
    assert (b.best_bid, b.best_ask) == (4200, 4400)
    assert b.depth("yes", levels=2) == 2337
    assert b.depth("no", levels=5) == 3705
    assert b.microprice_inputs() == (4200, 1337, 4400, 1700)


@pytest.mark.parametrize(
    ("yes", "no", "valid"),
    [
        pytest.param([], [(5500, 1)], True, id="no-bids"),
        pytest.param([(4100, 1)], [], True, id="no-asks"),
        pytest.param([(4100, 1)], [(5500, 1)], False, id="invalid-book"),
    ],
)
def test_microprice_inputs_need_both_sides_of_a_valid_book(
    yes: list[tuple[int, int]], no: list[tuple[int, int]], valid: bool
) -> None:
    b = _book(yes, no)
    if not valid:
        b.invalidate("test")
    assert b.microprice_inputs() is None


# An "order" resting in the venue book: (side, NO-or-YES bid price, quantity in 1/100).
orders_strategy = st.lists(
    st.tuples(
        st.sampled_from(["yes", "no"]),
        st.integers(min_value=1, max_value=99).map(lambda c: c * 100),
        st.integers(min_value=1, max_value=10_000),
    ),
    max_size=40,
)


@dataclasses.dataclass
class Resting:
    """One order resting in the venue's book (price in its own leg, quantity in 1/100)."""

    side: str
    price: int
    qty: int


@given(
    initial=orders_strategy,
    added=orders_strategy,
    removals=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 10_000)), max_size=60),
)
def test_any_delta_sequence_equals_the_book_recomputed_from_resting_orders(
    initial: list[tuple[str, int, int]],
    added: list[tuple[str, int, int]],
    removals: list[tuple[int, int]],
) -> None:
    resting = [Resting(*o) for o in initial]
    b = book.OrderBook("T")
    b.apply_snapshot(*_aggregate(resting))
    for side, price, qty in added:
        resting.append(Resting(side, price, qty))
        b.apply_delta(side, P(price), Q(qty))
    for index, amount in removals:
        if not resting:
            break
        order = resting[index % len(resting)]
        taken = min(amount, order.qty)  # a partial fill or a decrease (fractional)
        order.qty -= taken
        b.apply_delta(order.side, P(order.price), Q(-taken))
    yes, no = _aggregate(resting)
    assert b.yes_bids() == dict(yes)
    assert b.no_bids() == dict(no)
    assert b.valid


Levels = list[tuple[units.Price, units.Qty]]


def _aggregate(orders: list[Resting]) -> tuple[Levels, Levels]:
    sides: dict[str, dict[int, int]] = {"yes": {}, "no": {}}
    for order in orders:
        levels = sides[order.side]
        levels[order.price] = levels.get(order.price, 0) + order.qty
    yes, no = ([(P(p), Q(q)) for p, q in sides[s].items() if q > 0] for s in ("yes", "no"))
    return yes, no


@given(
    st.lists(
        st.tuples(
            st.sampled_from([book.YES, book.NO]),
            st.integers(min_value=1, max_value=30).map(lambda c: units.Price(c * 100)),
            st.integers(min_value=-500, max_value=500).map(units.Qty),
        ),
        max_size=60,
    ),
    st.integers(min_value=1, max_value=6),
)
def test_the_cached_top_always_equals_a_top_built_from_scratch(
    deltas: list[tuple[str, units.Price, units.Qty]], levels: int
) -> None:
    cached = book.OrderBook("T")
    cached.apply_snapshot(
        [(units.Price(500), units.Qty(100))], [(units.Price(400), units.Qty(100))]
    )
    for side, price, delta in deltas:
        cached.apply_delta(side, price, delta)
        fresh = book.OrderBook("T")
        fresh.apply_snapshot(cached.yes_bids().items(), cached.no_bids().items())
        if not cached.valid:
            fresh.invalidate("negative")
        assert cached.top(levels) == fresh.top(levels)
        if not cached.valid:
            return
