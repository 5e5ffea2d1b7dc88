"""Worst-case exposure never exceeds the limit, whatever the interleaving of requotes, fills
(of resting orders, of placements not yet acknowledged, of orders whose cancel or amend is in
flight), acknowledgements and rejections.

Each requote runs the real pipeline: ``risk.clip`` on the desired quotes, ``orders.reconcile``,
then ``risk.admit`` on the decisions; the invariant measures ``risk.exposure`` over the live view
(position at cost + everything that can still fill).

Why counting cancels in flight matters is shown, not just claimed: ``NaiveRiskMachine`` runs the
same rules with a guard that does not see orders whose cancel is unconfirmed (the classic
"live = resting orders" mistake). Hypothesis finds a counterexample for it: wanted bid at the
limit -> the bid is pulled (cancel in flight) -> a new bid at the limit is placed -> the old
bid fills before the cancel lands -> the new bid fills too: twice the limit.
``test_naive_exposure_is_caught`` asserts that failure is found.

``BotMachine`` checks the same invariant through the whole core (``transition.transition``) with
moving prices, timers, venue answers in any order and fills: the real quoting, clip, reconcile
and admit, with the worst case reaching but never passing the limit.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from touchline_bot.core import book, decisions, events, market, orders, risk, transition, units
from touchline_bot.core.orders import OrderStatus
from touchline_bot.core.params import QuotingParams, RiskParams, StrategyParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side

CAP = units.Money(5 * units.MONEY_SCALE)
PARAMS = RiskParams(max_position_notional=CAP)

quotes = st.builds(
    Quote,
    side=st.sampled_from(Side),
    price=st.integers(min_value=100, max_value=9_900).map(units.Price),
    qty=st.integers(min_value=100, max_value=3_000).map(units.Qty),
    level=st.integers(min_value=0, max_value=1),
)


class RiskMachine(RuleBasedStateMachine):
    """One market's live orders and position under arbitrary venue behaviour."""

    def __init__(self) -> None:
        super().__init__()
        self.live = orders.EMPTY
        self.position = risk.FLAT
        self.next_id = 1

    def guard_view(self) -> orders.LiveOrders:
        """What the risk guard is shown: everything that can still fill."""
        return self.live

    @rule(desired=st.lists(quotes, max_size=4), tolerance=st.sampled_from([0, 100]))
    def requote(self, desired: list[Quote], tolerance: int) -> None:
        view = self.guard_view()
        clipped = risk.clip(
            tuple(desired),
            live=view,
            position=self.position,
            params=PARAMS,
            lease=CAP,
            lease_valid=True,
        )
        batch, self.next_id = orders.reconcile(
            clipped,
            self.live,
            refresh_tolerance=units.Price(tolerance),
            prefix="tl",
            next_id=self.next_id,
        )
        batch = risk.admit(batch, live=view, position=self.position, cap=CAP)
        self.live = orders.apply_decisions(self.live, batch)

    @rule(data=st.data())
    def fill(self, data: st.DataObject) -> None:
        if not self.live:
            return
        order = self.live[data.draw(st.sampled_from(sorted(self.live)))]
        terms = [(order.price, order.qty)]
        if order.pending_qty is not None:
            terms.append((order.pending_price or order.price, order.pending_qty))
        price, most = data.draw(st.sampled_from(terms))
        if most <= 0:
            return
        qty = units.Qty(data.draw(st.integers(min_value=1, max_value=most)))
        event = events.OrderFilled(
            0, order.client_order_id, order.side, price, qty, units.ZERO_MONEY
        )
        self.live = orders.apply_event(self.live, event)
        self.position, _ = risk.apply_fill(self.position, order.side, price, qty, units.ZERO_MONEY)

    @rule(data=st.data(), accept=st.booleans())
    def answer(self, data: st.DataObject, accept: bool) -> None:
        waiting = sorted(cid for cid, o in self.live.items() if o.in_flight)
        if not waiting:
            return
        order = self.live[data.draw(st.sampled_from(waiting))]
        cid = order.client_order_id
        event: events.Event
        if not accept:
            event = events.OrderRejected(0, cid, "rate_limited")
        elif order.status is OrderStatus.PENDING_CANCEL:
            event = events.OrderCancelled(0, cid)
        else:
            price = order.pending_price if order.pending_price is not None else order.price
            qty = order.pending_qty if order.pending_qty is not None else order.qty
            event = events.OrderAcknowledged(0, cid, f"v-{cid}", price, qty)
        self.live = orders.apply_event(self.live, event)

    @rule()
    def pull_everything(self) -> None:
        self.live = orders.apply_decision(self.live, decisions.CancelAll("test"))

    @invariant()
    def worst_case_within_limit(self) -> None:
        for side, money in risk.exposure(self.live, self.position).items():
            assert money <= CAP, f"{side} worst-case exposure {money} > {CAP}"


class NaiveRiskMachine(RiskMachine):
    """The same market, guarded by a risk check that forgets orders whose cancel is in flight."""

    def guard_view(self) -> orders.LiveOrders:
        return orders.LiveOrders(
            {k: o for k, o in self.live.items() if o.status is not OrderStatus.PENDING_CANCEL}
        )


TestRiskInvariant = RiskMachine.TestCase
TestRiskInvariant.settings = settings(
    max_examples=300,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_naive_exposure_is_caught() -> None:
    with pytest.raises(AssertionError, match="worst-case exposure"):
        run_state_machine_as_test(
            NaiveRiskMachine,
            settings=settings(
                max_examples=1_000,
                stateful_step_count=30,
                deadline=None,
                database=None,
                print_blob=False,
                # Finding the counterexample is the point; shrinking it only costs time.
                phases=[Phase.generate],
            ),
        )


# --- the same invariant through the whole pipeline (transition), with live market data ---

MARKET = market.MarketSpec("m1", "KXTEST-M1", kickoff_ms=10_000_000, scheduled_end_ms=20_000_000)
LEASE = units.Money(8 * units.MONEY_SCALE)
BOT_PARAMS = StrategyParams(
    risk=RiskParams(max_position_notional=units.Money(6 * units.MONEY_SCALE)),
    quoting=QuotingParams(ladder_levels=2, refresh_tolerance=units.Price(0)),
)
BOT_CAP = units.Money(6 * units.MONEY_SCALE)

mids = st.integers(min_value=1_000, max_value=9_000)


class BotMachine(RuleBasedStateMachine):
    """The real transition under moving prices, venue answers in any order, and fills."""

    def __init__(self) -> None:
        super().__init__()
        self.state = transition.initial(MARKET, BOT_PARAMS, now_ms=1_000_000)
        self.now_ms = 1_000_000
        self.send(events.LeaseGranted(self.now_ms, LEASE, expires_at_ms=9_000_000))

    def send(self, event: events.Event) -> None:
        self.state, _ = transition.transition(self.state, event)

    @rule(mid=mids, half=st.integers(min_value=100, max_value=800), dt=st.integers(0, 3_000))
    def market_moves(self, mid: int, half: int, dt: int) -> None:
        self.now_ms += dt
        size = units.Qty(50_000)
        kalshi = book.KalshiTop(
            bids=((units.Price(mid - half), size),), asks=((units.Price(mid + half), size),)
        )
        poly = book.PolyTop(
            best_bid=(units.Price(mid - 100), size), best_ask=(units.Price(mid + 100), size)
        )
        self.send(events.BookUpdated(self.now_ms, kalshi))
        self.send(events.SignalUpdated(self.now_ms, poly))

    @rule(dt=st.integers(min_value=0, max_value=6_000))
    def time_passes(self, dt: int) -> None:
        self.now_ms += dt
        self.send(events.TimerFired(self.now_ms))

    @rule(data=st.data(), accept=st.booleans())
    def venue_answers(self, data: st.DataObject, accept: bool) -> None:
        waiting = sorted(cid for cid, o in self.state.live.items() if o.in_flight)
        if not waiting:
            return
        order = self.state.live[data.draw(st.sampled_from(waiting))]
        cid = order.client_order_id
        event: events.Event
        if not accept:
            event = events.OrderRejected(self.now_ms, cid, "rate_limited")
        elif order.status is OrderStatus.PENDING_CANCEL:
            event = events.OrderCancelled(self.now_ms, cid)
        else:
            price = order.pending_price if order.pending_price is not None else order.price
            qty = order.pending_qty if order.pending_qty is not None else order.qty
            event = events.OrderAcknowledged(self.now_ms, cid, f"v-{cid}", price, qty)
        self.send(event)

    @rule(data=st.data())
    def fill(self, data: st.DataObject) -> None:
        if not self.state.live:
            return
        order = self.state.live[data.draw(st.sampled_from(sorted(self.state.live)))]
        price = data.draw(st.sampled_from([order.price, order.pending_price or order.price]))
        most = order.worst_qty
        if most <= 0:
            return
        qty = units.Qty(data.draw(st.integers(min_value=1, max_value=most)))
        self.send(
            events.OrderFilled(
                self.now_ms, order.client_order_id, order.side, price, qty, units.ZERO_MONEY
            )
        )

    @invariant()
    def worst_case_within_limit(self) -> None:
        for side, money in risk.exposure(self.state.live, self.state.position).items():
            assert money <= BOT_CAP, f"{side} worst-case exposure {money} > {BOT_CAP}"


TestBotRiskInvariant = BotMachine.TestCase
TestBotRiskInvariant.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
