"""Hypothesis: any JSON body sent to create, amend or decrease is either accepted or refused
with a 4xx; nothing a client sends makes the engine raise anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.sim.kalshi.orderflow import T0_MS, TICKER
from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, orders, parse, seed

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=12),
    st.sampled_from(
        [
            "0.50",
            "0.5",
            "0.505",
            "1",
            "0",
            "-1",
            "10.00",
            "1e3",
            "NaN",
            "bid",
            "ask",
            "good_till_canceled",
            "immediate_or_cancel",
            "fill_or_kill",
            "maker",
            "taker_at_cross",
            TICKER,
        ]
    ),
    st.floats(allow_nan=True),
)
FIELDS = [
    "ticker",
    "side",
    "count",
    "price",
    "time_in_force",
    "self_trade_prevention_type",
    "post_only",
    "reduce_only",
    "expiration_time",
    "client_order_id",
    "order_group_id",
    "reduce_by",
    "reduce_to",
    "cancel_order_on_pause",
    "subaccount",
]
bodies = st.dictionaries(st.sampled_from(FIELDS), st.one_of(scalars, st.lists(scalars, max_size=2)))


def _venue() -> tuple[exchange.Exchange, str]:
    ex = exchange.Exchange()
    seed.epl_match(ex, T0_MS)
    ex.add_account("alice", units.money_from_dollars("1000"))
    resting = ex.create(
        "alice",
        exchange.OrderRequest(
            TICKER, "bid", units.Price(4000), units.Qty(1000), "good_till_canceled", "maker"
        ),
        T0_MS,
    )
    return ex, resting.order_id


@settings(max_examples=150, deadline=None)
@given(bodies)
def test_any_body_is_accepted_or_refused_with_a_4xx(body: dict[str, Any]) -> None:
    ex, order_id = _venue()
    statuses = []
    attempts: tuple[Callable[[], object], ...] = (
        lambda: ex.create("alice", parse.create(body), T0_MS + 1),
        lambda: orders.amend(ex, "alice", order_id, parse.amend(body), T0_MS + 1),
        lambda: orders.decrease(ex, "alice", order_id, T0_MS + 1, **_decrease(body)),
    )
    for attempt in attempts:
        try:
            attempt()
            statuses.append(200)
        except errors.RejectedError as refused:
            statuses.append(refused.status)
    assert all(status == 200 or 400 <= status < 500 for status in statuses)


def _decrease(body: dict[str, Any]) -> dict[str, Any]:
    reduce_by, reduce_to = parse.decrease(body)
    return {"reduce_by": reduce_by, "reduce_to": reduce_to}
