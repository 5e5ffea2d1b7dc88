"""Risk: worst-case exposure, clipping to the limit and the lease, fills, and the pause gates."""

from __future__ import annotations

import pytest

from touchline_bot.core import decisions, orders, risk, units
from touchline_bot.core.orders import LiveOrder, OrderStatus
from touchline_bot.core.params import RiskParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.risk import Position
from touchline_bot.core.types import Side

P = units.Price
Q = units.Qty
M = units.Money
DOLLAR = units.MONEY_SCALE
PARAMS = RiskParams(max_position_notional=M(10 * DOLLAR))


def _order(
    cid: str, side: Side, price: int, qty: int, status: OrderStatus, **pending: int
) -> LiveOrder:
    return LiveOrder(
        cid,
        side,
        P(price),
        Q(qty),
        status,
        pending_price=P(pending["new_price"]) if "new_price" in pending else None,
        pending_qty=Q(pending["new_qty"]) if "new_qty" in pending else None,
    )


def _view(*items: LiveOrder) -> orders.LiveOrders:
    return orders.LiveOrders({o.client_order_id: o for o in items})


R = OrderStatus.RESTING


@pytest.mark.parametrize(
    ("live", "position", "bid_exposure", "ask_exposure"),
    [
        pytest.param(_view(), risk.FLAT, 0, 0, id="flat-and-no-orders-risks-nothing"),
        pytest.param(_view(_order("a", Side.BID, 4_000, 1_000, R)), risk.FLAT, 4 * DOLLAR, 0,
                     id="bid-risks-price-times-qty"),
        pytest.param(_view(_order("a", Side.ASK, 4_000, 1_000, R)), risk.FLAT, 0, 6 * DOLLAR,
                     id="ask-risks-one-minus-price-times-qty"),
        pytest.param(_view(_order("a", Side.BID, 4_000, 1_000, OrderStatus.PENDING_NEW)),
                     risk.FLAT, 4 * DOLLAR, 0, id="unacknowledged-placement-counts"),
        pytest.param(_view(_order("a", Side.BID, 4_000, 1_000, OrderStatus.PENDING_CANCEL)),
                     risk.FLAT, 4 * DOLLAR, 0, id="unconfirmed-cancel-counts"),
        pytest.param(_view(_order("a", Side.BID, 4_000, 1_000, OrderStatus.PENDING_AMEND,
                                  new_price=5_000, new_qty=500)),
                     risk.FLAT, 5 * DOLLAR, 0, id="pending-amend-counts-max-of-old-and-new"),
        pytest.param(_view(), Position(1_000, M(3 * DOLLAR)), 3 * DOLLAR, 0,
                     id="long-position-valued-at-cost"),
        pytest.param(_view(_order("a", Side.BID, 4_000, 500, R)), Position(-1_000, M(6 * DOLLAR)),
                     0, 6 * DOLLAR, id="bid-that-only-covers-a-short-adds-nothing"),
        pytest.param(_view(_order("a", Side.BID, 4_000, 1_500, R)), Position(-1_000, M(6 * DOLLAR)),
                     2 * DOLLAR, 6 * DOLLAR, id="bid-beyond-the-short-counts-the-excess"),
    ],
)  # fmt: skip
def test_exposure_counts_everything_that_can_still_fill(
    live: orders.LiveOrders, position: Position, bid_exposure: int, ask_exposure: int
) -> None:
    assert risk.exposure(live, position) == {Side.BID: bid_exposure, Side.ASK: ask_exposure}


BID_Q = Quote(Side.BID, P(5_000), Q(1_000))
ASK_Q = Quote(Side.ASK, P(5_000), Q(1_000))


@pytest.mark.parametrize(
    ("quotes", "live", "position", "lease", "valid", "expected"),
    [
        pytest.param((BID_Q, ASK_Q), _view(), risk.FLAT, M(100 * DOLLAR), True, (BID_Q, ASK_Q),
                     id="within-limits-untouched"),
        pytest.param((Quote(Side.BID, P(5_000), Q(3_000)),), _view(), risk.FLAT,
                     M(100 * DOLLAR), True, (Quote(Side.BID, P(5_000), Q(2_000)),),
                     id="clipped-to-per-market-limit"),
        pytest.param((BID_Q,), _view(), risk.FLAT, M(2 * DOLLAR), True,
                     (Quote(Side.BID, P(5_000), Q(400)),), id="clipped-to-lease"),
        pytest.param((BID_Q,),
                     _view(_order("x", Side.BID, 5_000, 1_600, OrderStatus.PENDING_CANCEL)),
                     risk.FLAT, M(100 * DOLLAR), True, (Quote(Side.BID, P(5_000), Q(400)),),
                     id="pending-cancel-eats-the-budget"),
        pytest.param((BID_Q, ASK_Q), _view(), Position(600, M(3 * DOLLAR)), None, False,
                     (Quote(Side.ASK, P(5_000), Q(600)),),
                     id="no-lease-leaves-only-position-reducing-quotes"),
        pytest.param((BID_Q, ASK_Q), _view(), risk.FLAT, M(10 * DOLLAR), False, (),
                     id="expired-lease-and-flat-quotes-nothing"),
        pytest.param((BID_Q,), _view(), Position(3_000, M(15 * DOLLAR)), M(100 * DOLLAR), True, (),
                     id="over-limit-adds-nothing"),
    ],
)  # fmt: skip
def test_clip_keeps_worst_case_within_min_of_limit_and_lease(
    quotes: tuple[Quote, ...],
    live: orders.LiveOrders,
    position: Position,
    lease: units.Money | None,
    valid: bool,
    expected: tuple[Quote, ...],
) -> None:
    clipped = risk.clip(quotes, live=live, position=position, params=PARAMS, lease=lease,
                        lease_valid=valid)  # fmt: skip
    assert clipped == expected


def test_admit_shrinks_a_placement_while_the_old_order_is_still_cancelling() -> None:
    live = _view(_order("old", Side.BID, 5_000, 1_600, R))
    batch = (
        decisions.CancelOrder("old"),
        decisions.PlaceOrder("new", Side.BID, P(5_000), Q(1_600)),
    )
    admitted = risk.admit(batch, live=live, position=risk.FLAT, cap=M(10 * DOLLAR))
    assert admitted == (
        decisions.CancelOrder("old"),
        decisions.PlaceOrder("new", Side.BID, P(5_000), Q(400)),
    )


def test_admit_drops_an_amend_that_would_raise_exposure_over_the_cap() -> None:
    live = _view(_order("a", Side.BID, 5_000, 2_000, R))
    batch = (decisions.AmendOrder("a", P(6_000), Q(2_000)),)
    admitted = risk.admit(batch, live=live, position=risk.FLAT, cap=M(10 * DOLLAR))
    assert admitted == ()


@pytest.mark.parametrize(
    ("position", "side", "price", "qty", "after", "realized"),
    [
        pytest.param(risk.FLAT, Side.BID, 4_000, 1_000, Position(1_000, M(4 * DOLLAR)), 0,
                     id="buy-from-flat-costs-price"),
        pytest.param(risk.FLAT, Side.ASK, 4_000, 1_000, Position(-1_000, M(6 * DOLLAR)), 0,
                     id="sell-from-flat-costs-no-leg"),
        pytest.param(Position(1_000, M(4 * DOLLAR)), Side.ASK, 5_000, 500,
                     Position(500, M(2 * DOLLAR)), DOLLAR // 2, id="partial-close-realizes-pnl"),
        pytest.param(Position(-1_000, M(6 * DOLLAR)), Side.BID, 3_000, 1_000, risk.FLAT, DOLLAR,
                     id="covering-a-short-realizes-no-leg-gain"),
        pytest.param(Position(500, M(2 * DOLLAR)), Side.ASK, 5_000, 1_500,
                     Position(-1_000, M(5 * DOLLAR)), DOLLAR // 2, id="crossing-zero-splits"),
    ],
)  # fmt: skip
def test_apply_fill_uses_average_cost(
    position: Position, side: Side, price: int, qty: int, after: Position, realized: int
) -> None:
    assert risk.apply_fill(position, side, P(price), Q(qty), M(0)) == (after, realized)


def test_fill_rate_above_limit_pauses_for_the_configured_time() -> None:
    params = RiskParams()
    state = risk.record_fill(
        risk.INITIAL, ts_ms=0, notional=M(15 * DOLLAR), realized=M(0), params=params
    )
    assert risk.gate(state, 1) is None
    state = risk.record_fill(
        state, ts_ms=30_000, notional=M(6 * DOLLAR), realized=M(0), params=params
    )
    assert risk.gate(state, 30_001) == risk.FILL_RATE
    assert risk.gate(state, 150_000) is None
    assert risk.deadlines(state, 30_001) == [150_000]


def test_fills_outside_the_window_do_not_count() -> None:
    params = RiskParams()
    state = risk.record_fill(
        risk.INITIAL, ts_ms=0, notional=M(15 * DOLLAR), realized=M(0), params=params
    )
    state = risk.record_fill(
        state, ts_ms=61_000, notional=M(6 * DOLLAR), realized=M(0), params=params
    )
    assert risk.gate(state, 61_001) is None


def test_drawdown_trips_the_breaker_until_reset() -> None:
    params = RiskParams(max_drawdown=M(50 * DOLLAR))
    state = risk.mark(risk.INITIAL, equity=M(10 * DOLLAR), params=params)
    state = risk.mark(state, equity=M(-39 * DOLLAR), params=params)
    assert risk.gate(state, 0) is None
    state = risk.mark(state, equity=M(-40 * DOLLAR), params=params)
    assert risk.gate(state, 0) == risk.DRAWDOWN
    assert risk.gate(risk.mark(state, equity=M(0), params=params), 0) == risk.DRAWDOWN
    assert risk.gate(risk.reset_breaker(state), 0) is None


def test_a_reset_restarts_the_high_water_mark_at_the_current_equity() -> None:
    # Tripped at -$40 from a $10 high; after a person's reset the mark restarts at the equity
    # of the next evaluation, so the same equity (and a small further loss) keeps quoting.
    params = RiskParams(max_drawdown=M(50 * DOLLAR))
    state = risk.mark(risk.INITIAL, equity=M(10 * DOLLAR), params=params)
    state = risk.mark(state, equity=M(-40 * DOLLAR), params=params)
    assert risk.gate(state, 0) == risk.DRAWDOWN
    state = risk.mark(risk.reset_breaker(state), equity=M(-40 * DOLLAR), params=params)
    assert risk.gate(state, 0) is None
    assert state.high_water == M(-40 * DOLLAR)
    state = risk.mark(state, equity=M(-89 * DOLLAR), params=params)
    assert risk.gate(state, 0) is None
    state = risk.mark(state, equity=M(-90 * DOLLAR), params=params)
    assert risk.gate(state, 0) == risk.DRAWDOWN


@pytest.mark.parametrize(
    ("lease", "expires_at_ms", "now_ms", "valid"),
    [
        pytest.param(None, 0, 0, False, id="never-granted"),
        pytest.param(M(DOLLAR), 5_000, 4_999, True, id="before-expiry"),
        pytest.param(M(DOLLAR), 5_000, 5_000, False, id="at-expiry"),
    ],
)
def test_lease_validity(
    lease: units.Money | None, expires_at_ms: int, now_ms: int, valid: bool
) -> None:
    state = (
        risk.INITIAL
        if lease is None
        else risk.grant(risk.INITIAL, budget=lease, expires_at_ms=expires_at_ms)
    )
    assert risk.lease_valid(state, now_ms) is valid
