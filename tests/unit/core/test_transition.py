"""Transition: whole-bot scenarios through the single entry point, events in, decisions out."""

from __future__ import annotations

import pytest

from touchline_bot.core import decisions, events, fair_price, orders, transition, units
from touchline_bot.core.book import KalshiTop, PolyTop
from touchline_bot.core.market import MarketSpec
from touchline_bot.core.params import FairPriceParams, FlattenParams, StrategyParams
from touchline_bot.core.types import MachineState, Mode, Side, Venue

S = MachineState
P = units.Price
Q = units.Qty
T0 = 1_000_000
KICKOFF_MS = T0 + 3_600_000
END_MS = KICKOFF_MS + 6_300_000
MARKET = MarketSpec("m1", "KXTEST-M1", kickoff_ms=KICKOFF_MS, scheduled_end_ms=END_MS)
BOOK = KalshiTop(bids=((P(4_800), Q(5_000)),), asks=((P(5_200), Q(5_000)),))
POLY = PolyTop(best_bid=(P(4_900), Q(10_000)), best_ask=(P(5_100), Q(10_000)))
BUDGET = units.Money(25 * units.MONEY_SCALE)

Batch = tuple[decisions.Decision, ...]


def _feed(state: transition.BotState, *evs: events.Event) -> tuple[transition.BotState, Batch]:
    out: list[decisions.Decision] = []
    for event in evs:
        state, batch = transition.transition(state, event)
        out.extend(batch)
    return state, tuple(out)


def _data(ts_ms: int, poly: PolyTop = POLY) -> tuple[events.Event, ...]:
    return (events.BookUpdated(ts_ms, BOOK), events.SignalUpdated(ts_ms, poly))


def _acks(state: transition.BotState, ts_ms: int) -> tuple[events.Event, ...]:
    """The venue carries out every action in flight on the requested terms."""
    answers: list[events.Event] = []
    for cid, o in state.live.items():
        if o.status is orders.OrderStatus.PENDING_CANCEL:
            answers.append(events.OrderCancelled(ts_ms, cid))
        elif o.in_flight:
            price = o.price if o.pending_price is None else o.pending_price
            qty = o.qty if o.pending_qty is None else o.pending_qty
            answers.append(events.OrderAcknowledged(ts_ms, cid, f"v-{cid}", price, qty))
    return tuple(answers)


def _ids(batch: Batch, kind: type[decisions.PlaceOrder | decisions.CancelOrder]) -> list[str]:
    return sorted(d.client_order_id for d in batch if isinstance(d, kind))


def _quoting(params: StrategyParams | None = None) -> tuple[transition.BotState, Batch]:
    """A bot past its warmup with both of its quotes resting."""
    state = transition.initial(MARKET, params or StrategyParams(), now_ms=T0)
    lease = events.LeaseGranted(T0, BUDGET, expires_at_ms=T0 + 3_600_000)
    state, out = _feed(state, lease, *_data(T0), events.TimerFired(T0 + 5_000))
    state, acked = _feed(state, *_acks(state, T0 + 5_000))
    return state, out + acked


def _of(batch: Batch, kind: type) -> list[decisions.Decision]:
    return [d for d in batch if isinstance(d, kind)]


def _moves(batch: Batch) -> list[tuple[S, str]]:
    return [(d.state, d.reason) for d in batch if isinstance(d, decisions.StateChanged)]


def test_wait_data_turns_to_quoting_after_warmup_with_both_feeds_fresh() -> None:
    state = transition.initial(MARKET, StrategyParams(), now_ms=T0)
    lease = events.LeaseGranted(T0, BUDGET, expires_at_ms=T0 + 3_600_000)
    state, early = _feed(state, lease, *_data(T0), events.TimerFired(T0 + 4_999))
    assert state.machine.state is S.WAIT_DATA
    assert not _of(early, decisions.PlaceOrder)
    assert decisions.WakeAt(T0 + 5_000) in early
    state, batch = _feed(state, events.TimerFired(T0 + 5_000))
    assert _moves(batch) == [(S.QUOTING, "warmed_up")]
    placed = [d for d in batch if isinstance(d, decisions.PlaceOrder)]
    assert {d.side for d in placed} == {Side.BID, Side.ASK}
    assert all(d.client_order_id.startswith("tl-") for d in placed)


def test_only_one_feed_never_warms_up() -> None:
    state = transition.initial(MARKET, StrategyParams(), now_ms=T0)
    state, batch = _feed(state, events.BookUpdated(T0, BOOK), events.TimerFired(T0 + 6_000))
    assert state.machine.state is S.WAIT_DATA
    assert not _of(batch, decisions.PlaceOrder)


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        pytest.param(
            events.FeedStale(T0 + 6_000, Venue.POLYMARKET, "idle"),
            "stale_polymarket",
            id="polymarket-reported-stale",
        ),
        pytest.param(
            events.TimerFired(T0 + 10_000),
            "stale_polymarket",
            id="polymarket-silent-past-prematch-threshold",
        ),
        pytest.param(
            events.BookUpdated(T0 + 6_000, BOOK._replace(valid=False)),
            "stale_kalshi",
            id="kalshi-book-invalid",
        ),
    ],
)
def test_stale_data_pauses_and_cancels_every_order(event: events.Event, reason: str) -> None:
    state, _ = _quoting()
    if isinstance(event, events.TimerFired):
        state, _ = _feed(state, events.BookUpdated(T0 + 9_000, BOOK))
    resting = sorted(state.live)
    state, batch = _feed(state, event)
    assert _moves(batch) == [(S.PAUSED, reason)]
    assert _ids(batch, decisions.CancelOrder) == resting
    assert not _of(batch, decisions.PlaceOrder)


@pytest.mark.parametrize(
    "signal",
    [
        pytest.param(PolyTop(None, (P(5_100), Q(10_000))), id="no-bid"),
        pytest.param(PolyTop((P(4_900), Q(10_000)), None), id="no-ask"),
        pytest.param(PolyTop(None, None), id="empty"),
    ],
)
def test_a_one_sided_polymarket_book_pauses_quoting_with_its_own_reason(signal: PolyTop) -> None:
    # Not a usable signal: the fair must not silently become Kalshi's alone.
    state, _ = _quoting()
    resting = sorted(state.live)
    state, batch = _feed(state, events.SignalUpdated(T0 + 6_000, signal))
    assert _moves(batch) == [(S.PAUSED, "polymarket_one_sided")]
    assert _ids(batch, decisions.CancelOrder) == resting
    assert not _of(batch, decisions.PlaceOrder)
    # Two-sided again: quoting resumes after the cooldown.
    state, _ = _feed(state, *_acks(state, T0 + 6_000), *_data(T0 + 7_000))
    state, batch = _feed(state, events.TimerFired(T0 + 8_000))
    assert _moves(batch) == [(S.QUOTING, "resumed")]


def test_a_crossed_polymarket_book_pauses_quoting_with_its_own_reason() -> None:
    state, _ = _quoting()
    crossed = PolyTop(best_bid=(P(5_200), Q(10_000)), best_ask=(P(5_000), Q(10_000)))
    state, batch = _feed(state, events.SignalUpdated(T0 + 6_000, crossed))
    assert _moves(batch) == [(S.PAUSED, "polymarket_crossed")]
    assert not _of(batch, decisions.PlaceOrder)


def test_a_one_sided_polymarket_book_never_warms_up() -> None:
    state = transition.initial(MARKET, StrategyParams(), now_ms=T0)
    lease = events.LeaseGranted(T0, BUDGET, expires_at_ms=T0 + 3_600_000)
    one_sided = PolyTop(None, (P(5_100), Q(10_000)))
    state, batch = _feed(state, lease, *_data(T0, one_sided), events.TimerFired(T0 + 6_000))
    assert state.machine.state is S.WAIT_DATA
    assert not _of(batch, decisions.PlaceOrder)


NO_GUARD = StrategyParams(fair=FairPriceParams(max_venue_divergence=P(units.ONE_DOLLAR)))
KALSHI_40_42 = KalshiTop(bids=((P(4_000), Q(5_000)),), asks=((P(4_200), Q(5_000)),))


def _poly_at(mid: int) -> PolyTop:
    return PolyTop(best_bid=(P(mid - 100), Q(10_000)), best_ask=(P(mid + 100), Q(10_000)))


def test_venues_disagreeing_beyond_the_guard_pause_quoting() -> None:
    # Kalshi 40/42, Polymarket 60: one of them is stale. Bidding 41c inside Kalshi's spread up
    # to the limit is the trade an informed Kalshi taker waits for.
    state, _ = _quoting()
    resting = sorted(state.live)
    state, batch = _feed(
        state,
        events.BookUpdated(T0 + 6_000, KALSHI_40_42),
        events.SignalUpdated(T0 + 6_000, _poly_at(6_000)),
    )
    assert _moves(batch) == [(S.PAUSED, "venues_diverge")]
    assert _ids(batch, decisions.CancelOrder) == resting
    assert not _of(batch, decisions.PlaceOrder)


def test_within_the_guard_no_quote_improves_kalshi_toward_the_other_venue() -> None:
    # Polymarket 47 is 5c above Kalshi's 42 ask, at the guard: quoting goes on, but the bid
    # that the fair pulls up to the ask is not stepped back inside Kalshi's spread (41c): it
    # joins Kalshi's best bid at most.
    state = transition.initial(MARKET, StrategyParams(), now_ms=T0)
    lease = events.LeaseGranted(T0, BUDGET, expires_at_ms=T0 + 3_600_000)
    data = (events.BookUpdated(T0, KALSHI_40_42), events.SignalUpdated(T0, _poly_at(4_700)))
    state, batch = _feed(state, lease, *data, events.TimerFired(T0 + 5_000))
    assert state.machine.state is S.QUOTING
    placed = [d for d in batch if isinstance(d, decisions.PlaceOrder)]
    bids = [d.price for d in placed if d.side is Side.BID]
    assert bids == [4_000]
    assert all(d.price > 4_200 for d in placed if d.side is Side.ASK)


def test_the_divergence_guard_is_a_parameter() -> None:
    state, _ = _quoting(StrategyParams(fair=FairPriceParams(max_venue_divergence=P(2_000))))
    state, _ = _feed(
        state,
        events.BookUpdated(T0 + 6_000, KALSHI_40_42),
        events.SignalUpdated(T0 + 6_000, _poly_at(6_000)),
    )
    assert state.machine.state is S.QUOTING


def test_shock_pauses_then_quoting_resumes_after_the_pause_and_cooldown() -> None:
    # Only Polymarket jumps here: the divergence guard is off to watch the shock alone.
    state, _ = _quoting(NO_GUARD)
    ts = T0 + 5_000
    for step in range(8):  # small moves teach the EWMA what normal looks like
        ts += 100
        wiggle = P(5_100 + (10 if step % 2 else 0))
        state, _ = _feed(state, *_data(ts, POLY._replace(best_ask=(wiggle, Q(10_000)))))
    jump = PolyTop(best_bid=(P(6_900), Q(10_000)), best_ask=(P(7_100), Q(10_000)))
    state, batch = _feed(state, *_data(ts + 100, jump))
    shocked_at = ts + 100
    assert _moves(batch) == [(S.PAUSED, "shock")]
    assert _of(batch, decisions.CancelOrder)
    state, batch = _feed(state, *_data(shocked_at + 5_000, jump))
    assert state.machine.state is S.PAUSED
    assert decisions.WakeAt(shocked_at + 10_000) in batch
    state, batch = _feed(state, events.TimerFired(shocked_at + 10_000))
    assert state.machine.state is S.PAUSED  # the cooldown starts once the shock is over
    assert decisions.WakeAt(shocked_at + 11_000) in batch
    state, batch = _feed(state, events.TimerFired(shocked_at + 11_000))
    assert _moves(batch) == [(S.QUOTING, "resumed")]
    assert _of(batch, decisions.PlaceOrder)


def test_stop_quoting_cancels_all_and_ends() -> None:
    state, _ = _quoting()
    stop_ms = END_MS - StrategyParams().timing.stop_quoting_before_end_ms
    state, batch = _feed(state, events.TimerFired(stop_ms))
    assert _moves(batch) == [(S.DONE, "stop_quoting")]
    assert decisions.CancelAll("stop_quoting") in batch
    assert not _of(batch, decisions.PlaceOrder)
    assert not _of(batch, decisions.WakeAt)
    state, batch = _feed(state, *_data(stop_ms + 1))
    assert state.machine.state is S.DONE
    assert batch == ()


def test_stop_quoting_with_a_position_flattens_then_ends_when_flat() -> None:
    params = StrategyParams(flatten=FlattenParams(enabled=True))
    state, _ = _quoting(params)
    stop_ms = END_MS - params.timing.stop_quoting_before_end_ms
    synced = events.PositionSynced(stop_ms - 1, 1_000, units.Money(5_000_000))
    lease = events.LeaseGranted(stop_ms - 1, BUDGET, expires_at_ms=stop_ms + 60_000)
    state, _ = _feed(state, synced, lease)
    state, batch = _feed(state, *_data(stop_ms), events.TimerFired(stop_ms))
    assert (S.FLATTENING, "stop_quoting") in _moves(batch)
    asks = [o for o in state.live.values() if o.status is orders.OrderStatus.PENDING_NEW]
    assert [(o.side, o.qty) for o in asks] == [(Side.ASK, 1_000)]
    fill = events.OrderFilled(
        stop_ms + 10, asks[0].client_order_id, Side.ASK, asks[0].price, Q(1_000), units.Money(0)
    )
    state, batch = _feed(state, fill)
    assert _moves(batch) == [(S.DONE, "flattened")]
    assert state.position.qty == 0


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        pytest.param(events.HaltChanged(T0 + 6_000, True, "drawdown"), "halted", id="global-halt"),
        pytest.param(events.ModeChanged(T0 + 6_000, Mode.HALTED), "halted", id="mode-halted"),
    ],
)
def test_halt_cancels_all_and_stops_until_reset(event: events.Event, reason: str) -> None:
    state, _ = _quoting()
    state, batch = _feed(state, event)
    assert _moves(batch) == [(S.PAUSED, reason)]
    assert decisions.CancelAll(reason) in batch
    assert not _of(batch, decisions.PlaceOrder)
    state, batch = _feed(state, *_data(T0 + 8_000), events.TimerFired(T0 + 9_500))
    assert state.machine.state is S.PAUSED
    assert not _of(batch, decisions.PlaceOrder)


def test_halt_reset_resumes_after_cooldown() -> None:
    state, _ = _quoting()
    state, _ = _feed(state, events.HaltChanged(T0 + 6_000, True, "drawdown"))
    state, _ = _feed(state, events.HaltChanged(T0 + 7_000, False, "reset"), *_data(T0 + 7_000))
    state, batch = _feed(state, events.TimerFired(T0 + 8_000))
    assert _moves(batch) == [(S.QUOTING, "resumed")]


def test_lease_expiry_leaves_only_position_reducing_quotes() -> None:
    state, _ = _quoting()
    state, _ = _feed(state, events.PositionSynced(T0 + 5_500, 500, units.Money(2_500_000)))
    expiry = T0 + 6_000
    state, _ = _feed(state, events.LeaseGranted(T0 + 5_600, BUDGET, expires_at_ms=expiry))
    state, _ = _feed(state, *_acks(state, T0 + 5_600))
    state, _ = _feed(state, events.TimerFired(expiry), *_data(expiry))
    state, _ = _feed(state, *_acks(state, expiry))
    staying = [o for o in state.live.values() if o.status is not orders.OrderStatus.PENDING_CANCEL]
    assert staying, "the reducing ask survives"
    assert all(o.side is Side.ASK for o in staying)
    assert sum(o.worst_qty for o in staying) <= 500
    assert state.machine.state is S.QUOTING


def test_orders_unsettled_leave_only_position_reducing_quotes_until_settled() -> None:
    state, _ = _quoting()
    state, _ = _feed(state, events.PositionSynced(T0 + 5_500, 500, units.Money(2_500_000)))
    state, _ = _feed(state, *_acks(state, T0 + 5_500))
    state, _ = _feed(state, events.OrdersUnsettled(T0 + 5_600, True), *_data(T0 + 5_600))
    state, _ = _feed(state, *_acks(state, T0 + 5_600))
    staying = [o for o in state.live.values() if o.status is not orders.OrderStatus.PENDING_CANCEL]
    assert staying, "the reducing ask survives"
    assert all(o.side is Side.ASK for o in staying)
    state, batch = _feed(state, events.OrdersUnsettled(T0 + 5_700, False), *_data(T0 + 5_700))
    placed = [d for d in batch if isinstance(d, decisions.PlaceOrder)]
    assert any(d.side is Side.BID for d in placed)


def test_shutdown_cancels_all_and_stops_without_claiming_the_match_is_done() -> None:
    state, _ = _quoting()
    state, batch = _feed(state, events.ShutdownRequested(T0 + 6_000, "sigterm"))
    assert _moves(batch) == [(S.STOPPED, "sigterm")]
    assert decisions.CancelAll("sigterm") in batch
    state, batch = _feed(state, *_data(T0 + 7_000))
    assert not _moves(batch)  # final: nothing moves it again


def test_fills_move_position_and_feed_the_fill_rate_limiter() -> None:
    state, _ = _quoting()
    bid = next(o for o in state.live.values() if o.side is Side.BID)
    fill = events.OrderFilled(
        T0 + 6_000, bid.client_order_id, Side.BID, bid.price, bid.qty, units.Money(10_000)
    )
    state, _ = _feed(state, fill)
    assert state.position.qty == bid.qty
    assert state.position.cost == bid.price * bid.qty
    assert state.limits.realized_pnl == -10_000
    assert state.fills_seen == 1


def test_params_change_is_hot_and_versioned() -> None:
    state, _ = _quoting()
    new = StrategyParams(version="v2")
    state, _ = _feed(state, events.ParamsChanged(T0 + 6_000, new))
    assert state.params_version == "v2"
    assert state.machine.state is S.QUOTING


EVERY_EVENT: tuple[events.Event, ...] = (
    events.BookUpdated(T0 + 6_000, BOOK),
    events.SignalUpdated(T0 + 6_000, POLY, source_ts_ms=T0),
    events.FeedStale(T0 + 6_000, Venue.KALSHI, "idle"),
    events.OrderAcknowledged(T0 + 6_000, "tl-unknown", "v", P(4_000), Q(100)),
    events.OrderRejected(T0 + 6_000, "tl-unknown", "post_only_cross"),
    events.OrderFilled(T0 + 6_000, "tl-unknown", Side.BID, P(4_000), Q(100), units.Money(0)),
    events.OrderCancelled(T0 + 6_000, "tl-unknown"),
    events.TimerFired(T0 + 6_000),
    events.ParamsChanged(T0 + 6_000, StrategyParams()),
    events.ModeChanged(T0 + 6_000, Mode.PAUSED),
    events.HaltChanged(T0 + 6_000, False, "reset"),
    events.LeaseGranted(T0 + 6_000, BUDGET, T0 + 60_000),
    events.OrdersUnsettled(T0 + 6_000, True),
    events.PositionSynced(T0 + 6_000, 0, units.Money(0)),
    events.ShutdownRequested(T0 + 6_000, "sigterm", flatten=True),
)


@pytest.mark.parametrize("event", EVERY_EVENT, ids=lambda e: type(e).__name__)
def test_every_event_kind_is_handled(event: events.Event) -> None:
    state, _ = _quoting()
    after, batch = transition.transition(state, event)
    assert after.now_ms == T0 + 6_000
    assert all(isinstance(d, decisions.Decision) for d in batch)


def test_shutdown_with_flatten_pulls_quotes_one_by_one_and_places_the_flatten_order() -> None:
    state, _ = _quoting()
    state, _ = _feed(state, events.PositionSynced(T0 + 5_500, -700, units.Money(3_500_000)))
    state, _ = _feed(state, *_acks(state, T0 + 5_600))
    state, batch = _feed(state, events.ShutdownRequested(T0 + 6_000, "sigterm", flatten=True))
    assert _moves(batch) == [(S.FLATTENING, "sigterm")]
    assert not _of(batch, decisions.CancelAll)
    flatten_orders = [
        o for o in state.live.values() if o.status is not orders.OrderStatus.PENDING_CANCEL
    ]
    assert [(o.side, o.worst_qty) for o in flatten_orders] == [(Side.BID, 700)]


@pytest.mark.parametrize(
    "fill",
    [
        pytest.param(
            events.OrderFilled(T0 + 6_000, "tl-1", Side.BID, P(4_000), Q(0), units.Money(0)),
            id="zero-quantity",
        ),
        pytest.param(
            events.OrderFilled(T0 + 6_000, "tl-1", Side.BID, P(4_000), Q(-5), units.Money(0)),
            id="negative-quantity",
        ),
        pytest.param(
            events.OrderFilled(T0 + 6_000, "tl-1", Side.BID, P(12_000), Q(5), units.Money(0)),
            id="price-above-one-dollar",
        ),
        pytest.param(
            events.OrderFilled(T0 + 6_000, "tl-1", Side.BID, P(4_000), Q(5), units.Money(-1)),
            id="negative-fee",
        ),
    ],
)
def test_garbled_fill_is_counted_and_not_applied(fill: events.OrderFilled) -> None:
    state, _ = _quoting()
    after, _ = transition.transition(state, fill)
    assert after.garbled_events == 1
    assert after.position == state.position
    assert after.live == state.live


def test_halt_while_already_paused_still_cancels_all_and_shows_halted() -> None:
    state, _ = _quoting()
    state, _ = _feed(state, events.FeedStale(T0 + 6_000, Venue.POLYMARKET, "idle"))
    state, batch = _feed(state, events.HaltChanged(T0 + 6_100, True, "account drawdown"))
    assert _moves(batch) == []
    assert decisions.CancelAll("halted") in batch
    assert (state.machine.state, state.machine.reason) == (S.PAUSED, "halted")


@pytest.mark.parametrize(
    ("side", "at_risk", "paused"),
    [
        # Buying YES at 95c risks 95c a contract: 25 lots are $23.75, past the $20 limit.
        pytest.param(Side.BID, 23_750_000, True, id="a-bid-at-95c-risks-95c"),
        # Selling YES at 95c is buying NO at 5c: 25 lots risk $1.25.
        pytest.param(Side.ASK, 1_250_000, False, id="an-ask-at-95c-risks-5c"),
    ],
)
def test_the_fill_rate_limiter_counts_the_dollars_a_fill_puts_at_risk(
    side: Side, at_risk: int, paused: bool
) -> None:
    state, _ = _quoting()
    order = next(o for o in state.live.values() if o.side is side)
    fill = events.OrderFilled(
        T0 + 6_000, order.client_order_id, side, P(9_500), Q(2_500), units.Money(0)
    )
    state, _ = _feed(state, fill)
    assert state.limits.fills[-1] == (T0 + 6_000, at_risk)
    assert (state.limits.paused_until_ms > T0 + 6_000) is paused


def test_our_own_orders_are_not_part_of_the_kalshi_microprice() -> None:
    # Our bid joins the best bid: others show 20 contracts there, we add ours. The microprice
    # is the other makers' (bid 20 against ask 60), not one leaning on our own size.
    state, _ = _quoting()
    bid = next(o for o in state.live.values() if o.side is Side.BID)
    ask_px = bid.price + 400
    book = KalshiTop(bids=((bid.price, Q(bid.qty + 2_000)),), asks=((P(ask_px), Q(6_000)),))
    state, _ = _feed(state, events.BookUpdated(T0 + 6_000, book))
    others = KalshiTop(bids=((bid.price, Q(2_000)),), asks=((P(ask_px), Q(6_000)),))
    assert state.fair is not None
    assert state.fair.kalshi_micro == fair_price.microprice(others)


def test_a_level_that_is_only_our_order_is_gone_for_the_fair() -> None:
    state, _ = _quoting()
    bid = next(o for o in state.live.values() if o.side is Side.BID)
    below, ask_px = P(bid.price - 100), P(bid.price + 400)
    book = KalshiTop(bids=((bid.price, bid.qty), (below, Q(3_000))), asks=((ask_px, Q(3_000)),))
    state, _ = _feed(state, events.BookUpdated(T0 + 6_000, book))
    assert state.fair is not None
    assert state.fair.kalshi_micro == (below + ask_px) // 2


def test_a_change_behind_a_level_that_is_only_ours_is_evaluated() -> None:
    # The shown touch stays the same, but the level behind our order sets the fair: a settled
    # bot must not skip the update as a change "deeper in the book".
    state, _ = _quoting()
    bid = next(o for o in state.live.values() if o.side is Side.BID)
    # Others' touch is symmetric around the fair of 50c, so our quotes stay where they are.
    below = P(bid.price - 100)
    ask_px = P(units.ONE_DOLLAR - below)

    def book(behind_qty: int) -> KalshiTop:
        return KalshiTop(
            bids=((bid.price, bid.qty), (below, Q(behind_qty))), asks=((ask_px, Q(3_000)),)
        )

    state, _ = _feed(state, events.BookUpdated(T0 + 6_000, book(3_000)))
    state, _ = _feed(state, *_acks(state, T0 + 6_000))
    state, _ = _feed(state, events.BookUpdated(T0 + 6_100, book(3_000)))
    assert state.live[bid.client_order_id].price == bid.price
    assert state.quiet_until_ms > T0 + 6_200, "settled: unchanged touches are skipped"
    state, _ = _feed(state, events.BookUpdated(T0 + 6_200, book(1_000)))
    assert state.fair is not None
    expected = KalshiTop(bids=((below, Q(1_000)),), asks=((ask_px, Q(3_000)),))
    assert state.fair.kalshi_micro == fair_price.microprice(expected)


def _touch(bid_qty: int, ask_qty: int) -> KalshiTop:
    return KalshiTop(bids=((P(4_800), Q(bid_qty)),), asks=((P(5_200), Q(ask_qty)),))


def test_a_deeper_book_change_or_a_repeated_touch_decides_nothing_and_keeps_the_timer() -> None:
    state, _ = _quoting()
    deeper = KalshiTop(bids=(*BOOK.bids, (P(4_700), Q(900))), asks=BOOK.asks)
    later, batch = transition.transition(state, events.BookUpdated(T0 + 6_000, deeper))
    assert batch == ()
    assert later.kalshi_ts_ms == T0 + 6_000  # fresh data all the same
    assert later.live is state.live


def test_a_touch_size_change_within_the_size_tolerance_amends_nothing() -> None:
    # A thin touch, so the 25% depth cap sets the size: 2 x 10 x 25% = 5 contracts a side.
    thin = StrategyParams()
    state = transition.initial(MARKET, thin, now_ms=T0)
    lease = events.LeaseGranted(T0, BUDGET, expires_at_ms=T0 + 3_600_000)
    book = events.BookUpdated(T0, _touch(1_000, 1_000))
    state, _ = _feed(state, lease, book, events.SignalUpdated(T0, POLY))
    state, _ = _feed(state, events.TimerFired(T0 + 5_000))
    state, _ = _feed(state, *_acks(state, T0 + 5_000))
    sizes = sorted(o.qty for o in state.live.values())
    assert sizes == [500, 500]
    # The touch thickens by 15%: the depth cap grows to 5.75 contracts, within 20%.
    state, batch = _feed(state, events.BookUpdated(T0 + 6_000, _touch(1_150, 1_150)))
    assert not _of(batch, decisions.AmendOrder)
    # The touch thickens by 40%: past the tolerance, both orders grow.
    state, batch = _feed(state, events.BookUpdated(T0 + 7_000, _touch(1_400, 1_400)))
    assert len(_of(batch, decisions.AmendOrder)) == 2
