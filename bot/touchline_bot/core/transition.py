"""The single entry point of the core: ``transition(state, event) -> (state, decisions)``.

``BotState`` holds everything one market's bot knows, including its ``MarketSpec`` and its
``StrategyParams`` (a ``ParamsChanged`` event swaps them, so the host only keeps the state).
Every event runs the same pipeline:

    absorb the event (market data, order events, fills, mode, halt, lease, params, shutdown)
    -> match phase -> staleness -> fair price -> shock -> drawdown mark -> state machine
    -> desired quotes (QUOTING: quoting; FLATTENING: flatten; otherwise none)
    -> risk clip -> reconcile against the live orders -> risk admit
    -> decisions: StateChanged, CancelAll (halt, DONE, shutdown), order actions, WakeAt.

``WakeAt`` names the next time the answer can change with no event: a feed going stale, the
warmup or cooldown ending, a risk pause or the lease ending, the match phase changing, the
passive flatten timeout, or the end of a shock pause. It is sent only when it is earlier than
the wake already asked for (or that one has passed): a timer only ever triggers an evaluation,
so one that fires early costs a step and nothing else.

The hot path is incremental, never approximate. An evaluation that moved no order and no state
is *settled* until its next wake: evaluating it again with the same inputs gives the same
answer. So until then a book or signal update that leaves the touch exactly as it was (a change
deeper in the book, a heartbeat) only refreshes the venue's timestamp. Likewise the risk clip
and reconcile are skipped when their inputs (desired quotes, the very same live view, position,
parameters, lease) are those of an evaluation that decided nothing.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from typing import ClassVar, Final, final

from touchline_bot.core import (
    decisions,
    events,
    fair_price,
    flatten,
    match_phase,
    orders,
    quoting,
    risk,
    shock,
    state_machine,
    units,
)
from touchline_bot.core.book import KalshiTop, PolyTop
from touchline_bot.core.market import MarketSpec
from touchline_bot.core.params import StrategyParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import MachineState, MatchPhase, Mode, Side, Venue
from touchline_bot.core.value import Value


@final
class _OrdersMemo(Value):
    """The inputs of the last risk clip and reconcile that decided nothing."""

    __slots__ = ("desired", "limits", "live", "params", "position")
    _fields: ClassVar[tuple[str, ...]] = ("desired", "live", "position", "params", "limits")

    def __init__(
        self,
        desired: tuple[Quote, ...],
        live: orders.LiveOrders,
        position: risk.Position,
        params: StrategyParams,
        limits: tuple[units.Money | None, bool],
    ) -> None:
        self.desired: Final = desired
        self.live: Final = live
        self.position: Final = position
        self.params: Final = params
        self.limits: Final = limits


_NEVER = 1 << 62
"""A time after every real one (ms): settled for good (DONE, or nothing changes by itself)."""


@final
class BotState(Value):
    """Everything one market's bot knows. Build the first one with :func:`initial`.

    A :class:`~touchline_bot.core.value.Value`: the core builds one per event. The per-message
    paths build it whole (:func:`_with_market_data`, :func:`_evaluated`); the rarer events use
    ``_replace``.
    """

    __slots__ = (
        "fair",
        "fills_seen",
        "flatten_started_ms",
        "garbled_events",
        "halted",
        "kalshi",
        "kalshi_broken",
        "kalshi_ts_ms",
        "limits",
        "live",
        "machine",
        "market",
        "mode",
        "next_id",
        "now_ms",
        "orders_memo",
        "params",
        "poly",
        "poly_broken",
        "poly_ts_ms",
        "position",
        "quiet_until_ms",
        "shock_state",
        "shutdown",
        "shutdown_flatten",
        "wake_ms",
    )
    _fields: ClassVar[tuple[str, ...]] = (
        "market",
        "params",
        "now_ms",
        "machine",
        "kalshi",
        "kalshi_ts_ms",
        "kalshi_broken",
        "poly",
        "poly_ts_ms",
        "poly_broken",
        "shock_state",
        "fair",
        "live",
        "position",
        "limits",
        "halted",
        "mode",
        "shutdown",
        "shutdown_flatten",
        "flatten_started_ms",
        "next_id",
        "fills_seen",
        "garbled_events",
        "wake_ms",
        "quiet_until_ms",
        "orders_memo",
    )

    def __init__(  # noqa: PLR0917 (a record's fields, in order, as its named tuple took them)
        self,
        market: MarketSpec,
        params: StrategyParams,
        now_ms: int = 0,
        machine: state_machine.Machine = state_machine.INITIAL,
        kalshi: KalshiTop | None = None,
        kalshi_ts_ms: int = 0,
        kalshi_broken: str | None = None,
        poly: PolyTop | None = None,
        poly_ts_ms: int = 0,
        poly_broken: str | None = None,
        shock_state: shock.ShockState = shock.INITIAL,
        fair: fair_price.FairPrice | None = None,
        live: orders.LiveOrders = orders.EMPTY,
        position: risk.Position = risk.FLAT,
        limits: risk.RiskState = risk.INITIAL,
        halted: bool = False,
        mode: Mode = Mode.QUOTING,
        shutdown: str | None = None,
        shutdown_flatten: bool = False,
        flatten_started_ms: int | None = None,
        next_id: int = 1,
        fills_seen: int = 0,
        garbled_events: int = 0,
        wake_ms: int | None = None,
        quiet_until_ms: int = 0,
        orders_memo: _OrdersMemo | None = None,
    ) -> None:
        self.market: Final = market
        self.params: Final = params
        self.now_ms: Final = now_ms
        self.machine: Final = machine
        self.kalshi: Final = kalshi
        self.kalshi_ts_ms: Final = kalshi_ts_ms
        # Why the Kalshi feed was reported stale (cleared by the next book).
        self.kalshi_broken: Final = kalshi_broken
        self.poly: Final = poly
        self.poly_ts_ms: Final = poly_ts_ms
        self.poly_broken: Final = poly_broken
        self.shock_state: Final = shock_state
        self.fair: Final = fair
        self.live: Final = live
        self.position: Final = position
        self.limits: Final = limits
        self.halted: Final = halted
        self.mode: Final = mode
        self.shutdown: Final = shutdown
        self.shutdown_flatten: Final = shutdown_flatten
        self.flatten_started_ms: Final = flatten_started_ms
        self.next_id: Final = next_id
        self.fills_seen: Final = fills_seen
        # Events refused as impossible (a fill of no quantity or off the price range): counted
        # here for the engine to log and export, never applied.
        self.garbled_events: Final = garbled_events
        # The earliest ``WakeAt`` sent (a timer is set for it).
        self.wake_ms: Final = wake_ms
        # Until when the last evaluation is settled (see the module docstring); 0 when it is
        # not.
        self.quiet_until_ms: Final = quiet_until_ms
        self.orders_memo: Final = orders_memo

    @property
    def params_version(self) -> str:
        """The version of the parameters in force."""
        return self.params.version


def initial(market: MarketSpec, params: StrategyParams, *, now_ms: int) -> BotState:
    """A market's state before any event."""
    return BotState(market=market, params=params, now_ms=now_ms)


def transition(
    state: BotState, event: events.Event
) -> tuple[BotState, tuple[decisions.Decision, ...]]:
    """Fold one event into the state and decide what the engine must do."""
    if event.ts_ms < state.quiet_until_ms:
        quiet = _quiet(state, event)
        if quiet is not None:
            return quiet, ()
    state = _absorb(state, event, max(state.now_ms, event.ts_ms))
    phase = _phase(state)
    kalshi_fresh, poly_fresh = _fresh(state, phase)
    fair, shocked, limits = _price(state, phase, kalshi_fresh=kalshi_fresh, poly_fresh=poly_fresh)
    conditions = _conditions(
        state, phase, shocked, limits, kalshi_fresh=kalshi_fresh, poly_fresh=poly_fresh
    )
    machine, moves = state_machine.step(state.machine, conditions, state.params.timing)
    out: list[decisions.Decision] = list(moves)
    live = state.live
    if _must_cancel_all(moves, event, machine.state):
        reason = moves[-1].reason if moves else _cancel_reason(event)
        out.append(decisions.CancelAll(reason))
        live = orders.apply_decision(live, out[-1])
    d = _Decided(fair, shocked, limits, machine, _flatten_started(state, machine.state), live)
    actions, live, next_id, memo = _orders(state, _desired(state, phase, d), d)
    out.extend(actions)
    settled = not out and kalshi_fresh and poly_fresh
    wake = _next_wake(state, phase, d) if machine.state is not MachineState.DONE else None
    wake_ms = state.wake_ms
    if wake is not None and (wake_ms is None or wake < wake_ms or wake_ms <= state.now_ms):
        out.append(decisions.WakeAt(wake))
        wake_ms = wake
    quiet_until_ms = (_NEVER if wake is None else wake) if settled else 0
    return _evaluated(state, d, live, next_id, memo, wake_ms, quiet_until_ms), tuple(out)


@final
class _Decided(Value):
    """What the evaluation has decided before the orders (the state is built once, at the end)."""

    __slots__ = ("fair", "flatten_started_ms", "limits", "live", "machine", "shock_state")
    _fields: ClassVar[tuple[str, ...]] = (
        "fair",
        "shock_state",
        "limits",
        "machine",
        "flatten_started_ms",
        "live",
    )

    def __init__(
        self,
        fair: fair_price.FairPrice | None,
        shock_state: shock.ShockState,
        limits: risk.RiskState,
        machine: state_machine.Machine,
        flatten_started_ms: int | None,
        live: orders.LiveOrders,
    ) -> None:
        self.fair: Final = fair
        self.shock_state: Final = shock_state
        self.limits: Final = limits
        self.machine: Final = machine
        self.flatten_started_ms: Final = flatten_started_ms
        self.live: Final = live


def _quiet(state: BotState, event: events.Event) -> BotState | None:
    """The state after a book or signal update that leaves the touch as the settled evaluation
    saw it (only the venue's timestamp moves), or ``None`` when the event needs evaluating."""
    if isinstance(event, events.BookUpdated):
        top, seen = event.top, state.kalshi
        if (
            seen is not None
            and top.valid
            and (top is seen or (top.bids[:1] == seen.bids[:1] and top.asks[:1] == seen.asks[:1]))
        ):
            now_ms = max(state.now_ms, event.ts_ms)
            return _with_kalshi(state, now_ms, top, event.ts_ms, state.kalshi_broken)
    elif isinstance(event, events.SignalUpdated) and event.top == state.poly:
        now_ms = max(state.now_ms, event.ts_ms)
        return _with_poly(state, now_ms, event.top, event.ts_ms, state.poly_broken)
    return None


def _with_kalshi(
    s: BotState, now_ms: int, top: KalshiTop, ts_ms: int, broken: str | None
) -> BotState:
    """``s`` having seen a Kalshi book (built whole: this runs for nearly every message)."""
    return _with_market_data(s, now_ms, top, ts_ms, broken, s.poly, s.poly_ts_ms, s.poly_broken)


def _with_poly(s: BotState, now_ms: int, top: PolyTop, ts_ms: int, broken: str | None) -> BotState:
    """``s`` having seen a Polymarket touch."""
    return _with_market_data(
        s, now_ms, s.kalshi, s.kalshi_ts_ms, s.kalshi_broken, top, ts_ms, broken
    )


def _with_market_data(
    s: BotState,
    now_ms: int,
    kalshi: KalshiTop | None,
    kalshi_ts_ms: int,
    kalshi_broken: str | None,
    poly: PolyTop | None,
    poly_ts_ms: int,
    poly_broken: str | None,
) -> BotState:
    return BotState(
        market=s.market,
        params=s.params,
        now_ms=now_ms,
        machine=s.machine,
        kalshi=kalshi,
        kalshi_ts_ms=kalshi_ts_ms,
        kalshi_broken=kalshi_broken,
        poly=poly,
        poly_ts_ms=poly_ts_ms,
        poly_broken=poly_broken,
        shock_state=s.shock_state,
        fair=s.fair,
        live=s.live,
        position=s.position,
        limits=s.limits,
        halted=s.halted,
        mode=s.mode,
        shutdown=s.shutdown,
        shutdown_flatten=s.shutdown_flatten,
        flatten_started_ms=s.flatten_started_ms,
        next_id=s.next_id,
        fills_seen=s.fills_seen,
        garbled_events=s.garbled_events,
        wake_ms=s.wake_ms,
        quiet_until_ms=s.quiet_until_ms,
        orders_memo=s.orders_memo,
    )


def _evaluated(
    s: BotState,
    d: _Decided,
    live: orders.LiveOrders,
    next_id: int,
    memo: _OrdersMemo | None,
    wake_ms: int | None,
    quiet_until_ms: int,
) -> BotState:
    """The state an evaluation leaves (built whole, once per evaluation)."""
    return BotState(
        market=s.market,
        params=s.params,
        now_ms=s.now_ms,
        machine=d.machine,
        kalshi=s.kalshi,
        kalshi_ts_ms=s.kalshi_ts_ms,
        kalshi_broken=s.kalshi_broken,
        poly=s.poly,
        poly_ts_ms=s.poly_ts_ms,
        poly_broken=s.poly_broken,
        shock_state=d.shock_state,
        fair=d.fair,
        live=live,
        position=s.position,
        limits=d.limits,
        halted=s.halted,
        mode=s.mode,
        shutdown=s.shutdown,
        shutdown_flatten=s.shutdown_flatten,
        flatten_started_ms=d.flatten_started_ms,
        next_id=next_id,
        fills_seen=s.fills_seen,
        garbled_events=s.garbled_events,
        wake_ms=wake_ms,
        quiet_until_ms=quiet_until_ms,
        orders_memo=memo,
    )


def _absorb(state: BotState, event: events.Event, now_ms: int) -> BotState:
    match event:
        case events.BookUpdated():
            broken = None if event.top.valid else "kalshi_book_invalid"
            return _with_kalshi(state, now_ms, event.top, event.ts_ms, broken)
        case events.SignalUpdated():
            return _with_poly(state, now_ms, event.top, event.ts_ms, None)
        case events.FeedStale():
            return _stale(state._replace(now_ms=now_ms), event)
        case events.OrderFilled():
            return _filled(state._replace(now_ms=now_ms), event)
        case events.OrderAcknowledged() | events.OrderRejected() | events.OrderCancelled():
            return state._replace(now_ms=now_ms, live=orders.apply_event(state.live, event))
        case _:
            return _control(state._replace(now_ms=now_ms), event)


def _control(state: BotState, event: events.Event) -> BotState:
    match event:
        case events.ParamsChanged():
            return state._replace(params=event.params)
        case events.ModeChanged():
            return state._replace(mode=event.mode)
        case events.HaltChanged():
            held = state.limits if event.halted else risk.reset_breaker(state.limits)
            return state._replace(halted=event.halted, limits=held)
        case events.LeaseGranted():
            granted = risk.grant(
                state.limits, budget=event.budget, expires_at_ms=event.expires_at_ms
            )
            return state._replace(limits=granted)
        case _:
            return _lifecycle(state, event)


def _lifecycle(state: BotState, event: events.Event) -> BotState:
    match event:
        case events.PositionSynced():
            synced = risk.Position(event.position_qty, event.cost_basis)
            return state._replace(position=synced)
        case events.ShutdownRequested():
            return state._replace(shutdown=event.reason, shutdown_flatten=event.flatten)
        case _:
            # TimerFired: nothing to absorb; the pipeline re-evaluates time-driven conditions.
            return state


def _stale(state: BotState, event: events.FeedStale) -> BotState:
    if event.venue is Venue.KALSHI:
        return state._replace(kalshi_broken=event.reason or "stale")
    return state._replace(poly_broken=event.reason or "stale")


def _filled(state: BotState, event: events.OrderFilled) -> BotState:
    if event.qty <= 0 or not 0 <= event.price <= units.ONE_DOLLAR or event.fee < 0:
        return state._replace(garbled_events=state.garbled_events + 1)
    live = orders.apply_event(state.live, event)
    position, realized = risk.apply_fill(
        state.position, event.side, event.price, event.qty, event.fee
    )
    notional = units.notional(event.price, event.qty)
    limits = risk.record_fill(
        state.limits,
        ts_ms=event.ts_ms,
        notional=notional,
        realized=realized,
        params=state.params.risk,
    )
    return state._replace(
        live=live, position=position, limits=limits, fills_seen=state.fills_seen + 1
    )


def _phase(state: BotState) -> MatchPhase:
    return match_phase.phase_at(
        state.now_ms,
        kickoff_ms=state.market.kickoff_ms,
        scheduled_end_ms=state.market.scheduled_end_ms,
        stop_before_end_ms=state.params.timing.stop_quoting_before_end_ms,
    )


def _fresh(state: BotState, phase: MatchPhase) -> tuple[bool, bool]:
    stale_after_ms = state.params.for_phase(phase).stale_after_ms
    kalshi = (
        state.kalshi is not None
        and state.kalshi_broken is None
        and state.now_ms - state.kalshi_ts_ms < stale_after_ms
    )
    poly = (
        state.poly is not None
        and state.poly_broken is None
        and state.now_ms - state.poly_ts_ms < stale_after_ms
    )
    return kalshi, poly


def _price(
    state: BotState, phase: MatchPhase, *, kalshi_fresh: bool, poly_fresh: bool
) -> tuple[fair_price.FairPrice | None, shock.ShockState, risk.RiskState]:
    params = state.params
    fair = fair_price.compute(
        kalshi=state.kalshi,
        kalshi_fresh=kalshi_fresh,
        poly=state.poly,
        poly_fresh=poly_fresh,
        phase=params.for_phase(phase),
        params=params.fair,
    )
    shocked = state.shock_state
    if fair is not None and (state.fair is None or fair.price != state.fair.price):
        shocked = shock.update(shocked, fair.price, state.now_ms, params.shock)
    limits = state.limits
    if fair is not None:
        equity = units.Money(
            state.limits.realized_pnl + risk.unrealized(state.position, fair.price)
        )
        limits = risk.mark(limits, equity=equity, params=params.risk)
    return fair, shocked, limits


def _conditions(
    state: BotState,
    phase: MatchPhase,
    shocked: shock.ShockState,
    limits: risk.RiskState,
    *,
    kalshi_fresh: bool,
    poly_fresh: bool,
) -> state_machine.Conditions:
    return state_machine.Conditions(
        now_ms=state.now_ms,
        phase=phase,
        kalshi_fresh=kalshi_fresh,
        poly_fresh=poly_fresh,
        shock=shock.in_shock(shocked, state.now_ms),
        risk_block=risk.gate(limits, state.now_ms),
        halted=state.halted,
        mode=state.mode,
        position_qty=state.position.qty,
        flatten_enabled=state.params.flatten.enabled,
        shutdown=state.shutdown,
        shutdown_flatten=state.shutdown_flatten,
    )


def _own_orders(
    live: orders.LiveOrders, book: KalshiTop
) -> tuple[int, tuple[tuple[Side, int, int], ...]]:
    """Our quantity at the best bid and best ask of ``book`` (any status: it is not depth
    others provide), and (side, price, size) of our orders resting with no action in flight."""
    bid = book.bids[0][0] if book.bids else None
    ask = book.asks[0][0] if book.asks else None
    at_touch = 0
    resting: list[tuple[Side, int, int]] = []
    for o in live.values():
        if o.price == (bid if o.side is Side.BID else ask):
            at_touch += o.qty
        if o.status is orders.OrderStatus.RESTING:
            resting.append((o.side, o.price, o.qty))
    return at_touch, tuple(resting)


def _flatten_started(state: BotState, now_in: MachineState) -> int | None:
    """Since when the market has been flattening (None when it is not)."""
    if now_in is not MachineState.FLATTENING:
        return None
    return state.now_ms if state.flatten_started_ms is None else state.flatten_started_ms


def _must_cancel_all(
    moves: tuple[decisions.StateChanged, ...], event: events.Event, now_in: MachineState
) -> bool:
    if isinstance(event, events.ShutdownRequested) and now_in is not MachineState.FLATTENING:
        # A shutdown that flattens keeps its flatten order: a venue-side cancel-all racing the
        # placement could remove it unseen. Orders are still pulled one by one by reconcile.
        return True
    if _halts(event):
        # Even when already paused: placements in flight are cancelled as soon as acknowledged.
        return True
    return any(
        m.state is MachineState.DONE or (m.state is MachineState.PAUSED and m.reason == "halted")
        for m in moves
    )


def _cancel_reason(event: events.Event) -> str:
    if isinstance(event, events.ShutdownRequested):
        return event.reason
    return "halted"


def _halts(event: events.Event) -> bool:
    match event:
        case events.HaltChanged():
            return event.halted
        case events.ModeChanged():
            return event.mode is Mode.HALTED
        case _:
            return False


def _desired(state: BotState, phase: MatchPhase, d: _Decided) -> tuple[Quote, ...]:
    fair, book = d.fair, state.kalshi
    if fair is None or book is None:
        return ()
    params = state.params
    if d.machine.state is MachineState.QUOTING:
        own_touch_qty, resting = _own_orders(d.live, book)
        inputs = quoting.QuoteInputs(
            fair=fair.price,
            phase=params.for_phase(phase),
            book=book,
            position_qty=state.position.qty,
            grid=state.market.grid,
            fees=state.market.fees,
            position_limit_qty=_limit_qty(state, fair.price),
            own_touch_qty=own_touch_qty,
            resting=resting,
        )
        return quoting.desired_quotes(inputs, params.quoting)
    if d.machine.state is MachineState.FLATTENING and d.flatten_started_ms is not None:
        return flatten.flatten_quotes(
            position_qty=state.position.qty,
            fair=fair.price,
            book=book,
            grid=state.market.grid,
            started_ms=d.flatten_started_ms,
            now_ms=state.now_ms,
            params=params.flatten,
        )
    return ()


def _limit_qty(state: BotState, fair: units.Price) -> units.Qty:
    # The position (in contracts) whose worst-case loss reaches the per-market limit at fair.
    worst_leg = max(fair, units.ONE_DOLLAR - fair, 1)
    return units.Qty(state.params.risk.max_position_notional // worst_leg)


def _orders(
    state: BotState, desired: tuple[Quote, ...], d: _Decided
) -> tuple[tuple[decisions.Decision, ...], orders.LiveOrders, int, _OrdersMemo | None]:
    """The order actions, the live view and id counter after them, and the memo to keep."""
    lease_ok = risk.lease_valid(d.limits, state.now_ms)
    lease = d.limits.lease_budget
    params, live = state.params, d.live
    memo = state.orders_memo
    if (
        memo is not None
        and memo.live is live
        and memo.params is params
        and memo.desired == desired
        and memo.position == state.position
        and memo.limits == (lease, lease_ok)
    ):
        return (), live, state.next_id, memo
    clipped = risk.clip(
        desired,
        live=live,
        position=state.position,
        params=params.risk,
        lease=lease,
        lease_valid=lease_ok,
        min_qty=params.quoting.min_order_qty,
    )
    batch, next_id = orders.reconcile(
        clipped,
        live,
        refresh_tolerance=params.quoting.refresh_tolerance,
        prefix=state.market.client_order_prefix,
        next_id=state.next_id,
    )
    cap = risk.limit(params.risk, lease=lease, lease_valid=lease_ok)
    batch = risk.admit(batch, live=live, position=state.position, cap=cap)
    if not batch:
        settled = _OrdersMemo(desired, live, state.position, params, (lease, lease_ok))
        return (), live, state.next_id, settled
    return batch, orders.apply_decisions(live, batch), next_id, None


def _next_wake(state: BotState, phase: MatchPhase, d: _Decided) -> int | None:
    now, params = state.now_ms, state.params
    stale_after_ms = params.for_phase(phase).stale_after_ms
    # The earliest future time of the candidates, folded without building a list (this runs on
    # every evaluation).
    wake = _NEVER
    for t in state_machine.deadlines(d.machine, params.timing):
        wake = _sooner(wake, t, now)
    for t in risk.deadlines(d.limits, now):
        wake = _sooner(wake, t, now)
    if state.kalshi is not None and state.kalshi_broken is None:
        wake = _sooner(wake, state.kalshi_ts_ms + stale_after_ms, now)
    if state.poly is not None and state.poly_broken is None:
        wake = _sooner(wake, state.poly_ts_ms + stale_after_ms, now)
    change = match_phase.next_change_ms(
        now,
        kickoff_ms=state.market.kickoff_ms,
        scheduled_end_ms=state.market.scheduled_end_ms,
        stop_before_end_ms=params.timing.stop_quoting_before_end_ms,
    )
    if change is not None:
        wake = _sooner(wake, change, now)
    wake = _sooner(wake, d.shock_state.paused_until_ms, now)
    if d.flatten_started_ms is not None:
        wake = _sooner(wake, d.flatten_started_ms + params.flatten.passive_timeout_ms, now)
    return None if wake == _NEVER else wake


def _sooner(wake: int, t: int, now: int) -> int:
    """``t`` when it is in the future and before ``wake``, else ``wake``."""
    return t if now < t < wake else wake
