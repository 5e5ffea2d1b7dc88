"""Hypothesis: any sequence of orders, amends and cancels keeps the exchange consistent.

Invariants after every step: the book is never crossed (best YES bid < best YES ask), positions
sum to zero (every YES contract has a NO counterpart), and money is conserved: cash + $1 per
open YES/NO pair + fees collected equals the cash the accounts started with.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.sim.kalshi.orderflow import T0_MS, TICKER
from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, model, orders, seed

USERS = ("alice", "bob", "carol")
START = units.money_from_dollars("1000")


@dataclasses.dataclass(frozen=True)
class Place:
    user: str
    side: str
    cents: int
    qty: int
    tif: str
    stp: str


@dataclasses.dataclass(frozen=True)
class Cancel:
    pick: int


@dataclasses.dataclass(frozen=True)
class Amend:
    pick: int
    cents: int
    qty: int


cents = st.integers(min_value=1, max_value=99)
hundredths = st.integers(min_value=1, max_value=2_000)
picks = st.integers(min_value=0, max_value=50)
steps = st.one_of(
    st.builds(
        Place,
        st.sampled_from(USERS),
        st.sampled_from(model.BOOK_SIDES),
        cents,
        hundredths,
        st.sampled_from(model.TIMES_IN_FORCE),
        st.sampled_from(model.STP_TYPES),
    ),
    st.builds(Cancel, picks),
    st.builds(Amend, picks, cents, hundredths),
)


def _apply(ex: exchange.Exchange, step: Place | Cancel | Amend, now_ms: int) -> None:
    resting = [o for o in ex.orders.values() if o.is_resting]
    try:
        if isinstance(step, Place):
            request = exchange.OrderRequest(
                TICKER,
                step.side,
                units.Price(step.cents * 100),
                units.Qty(step.qty),
                step.tif,
                step.stp,
            )
            ex.create(step.user, request, now_ms)
        elif resting and isinstance(step, Cancel):
            order = resting[step.pick % len(resting)]
            orders.cancel(ex, order.user_id, order.order_id, now_ms)
        elif resting and isinstance(step, Amend):
            order = resting[step.pick % len(resting)]
            total = units.Qty(order.filled + step.qty)
            amend = orders.AmendRequest(
                TICKER, order.book_side, units.Price(step.cents * 100), total
            )
            orders.amend(ex, order.user_id, order.order_id, amend, now_ms)
    except errors.RejectedError:
        pass  # refusals (balance, STP...) are part of the behaviour under test


def _check(ex: exchange.Exchange) -> None:
    yes = ex.books[TICKER].levels("yes")
    no = ex.books[TICKER].levels("no")
    if yes and no:
        assert yes[-1][0] < units.complement(no[-1][0])
    positions = [a.position(TICKER).position for a in ex.accounts.values()]
    assert sum(positions) == 0
    pairs = sum(max(0, p) for p in positions)
    cash = sum(a.balance for a in ex.accounts.values())
    fees = sum(f.fee for f in ex.fills)
    assert cash + pairs * units.ONE_DOLLAR + fees == START * len(USERS)


@settings(max_examples=150, deadline=None)
@given(st.lists(steps, min_size=1, max_size=40))
def test_any_order_flow_keeps_book_uncrossed_positions_balanced_and_money_conserved(
    flow: list[Place | Cancel | Amend],
) -> None:
    ex = exchange.Exchange()
    seed.epl_match(ex, T0_MS)
    for user in USERS:
        ex.add_account(user, START)
    for index, step in enumerate(flow):
        _apply(ex, step, T0_MS + index)
        _check(ex)
