"""The single entry point of the core: ``transition(state, event) -> (state, decisions)``.

``BotState`` (:mod:`touchline_bot.core.state`) holds everything one market's bot knows,
including its ``MarketSpec`` and its ``StrategyParams`` (a ``ParamsChanged`` event swaps them,
so the host only keeps the state). Every event runs the same pipeline:

    absorb the event (:mod:`touchline_bot.core.absorb`: market data, order events, fills,
        mode, halt, lease, params, shutdown)
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

from touchline_bot.core import (
    absorb,
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
from touchline_bot.core import book as book_view
from touchline_bot.core import state as bot_state
from touchline_bot.core.book import KalshiTop
from touchline_bot.core.quote import Quote
from touchline_bot.core.state import BotState, initial
from touchline_bot.core.types import FINAL_STATES, MachineState, MatchPhase, Mode, Side

__all__ = ["BotState", "initial", "transition"]


def transition(
    state: BotState, event: events.Event
) -> tuple[BotState, tuple[decisions.Decision, ...]]:
    """Fold one event into the state and decide what the engine must do."""
    if event.ts_ms < state.quiet_until_ms:
        quiet = absorb.quiet(state, event)
        if quiet is not None:
            return quiet, ()
    state = absorb.absorb(state, event, max(state.now_ms, event.ts_ms))
    phase = _phase(state)
    kalshi_fresh, poly_fresh = _fresh(state, phase)
    others = _others(state)
    fair, shocked, limits = _price(
        state, phase, others, kalshi_fresh=kalshi_fresh, poly_fresh=poly_fresh
    )
    problem = _signal_problem(state, others, kalshi_fresh=kalshi_fresh, poly_fresh=poly_fresh)
    conditions = _conditions(
        state, phase, shocked, limits, problem, kalshi_fresh=kalshi_fresh, poly_fresh=poly_fresh
    )
    machine, moves = state_machine.step(state.machine, conditions, state.params.timing)
    out: list[decisions.Decision] = list(moves)
    live = state.live
    if _must_cancel_all(moves, event, machine.state):
        reason = moves[-1].reason if moves else _cancel_reason(event)
        out.append(decisions.CancelAll(reason))
        live = orders.apply_decision(live, out[-1])
    d = bot_state.Decided(
        fair, shocked, limits, machine, _flatten_started(state, machine.state), live
    )
    actions, live, next_id, memo = _orders(state, _desired(state, phase, d, others), d)
    out.extend(actions)
    settled = not out and kalshi_fresh and poly_fresh
    wake = _next_wake(state, phase, d) if machine.state not in FINAL_STATES else None
    wake_ms = state.wake_ms
    if wake is not None and (wake_ms is None or wake < wake_ms or wake_ms <= state.now_ms):
        out.append(decisions.WakeAt(wake))
        wake_ms = wake
    quiet_until_ms = (bot_state.NEVER if wake is None else wake) if settled else 0
    return bot_state.evaluated(state, d, live, next_id, memo, wake_ms, quiet_until_ms), tuple(out)


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
    state: BotState,
    phase: MatchPhase,
    others: KalshiTop | None,
    *,
    kalshi_fresh: bool,
    poly_fresh: bool,
) -> tuple[fair_price.FairPrice | None, shock.ShockState, risk.RiskState]:
    params = state.params
    fair = fair_price.compute(
        kalshi=others,
        kalshi_fresh=kalshi_fresh,
        poly=state.poly,
        poly_fresh=poly_fresh,
        phase=params.for_phase(phase),
        params=params.fair,
    )
    shocked = state.shock_state
    if fair is not None and (state.fair is None or fair.price != state.fair.price):
        tick = state.market.grid.tick_at(fair.price)
        shocked = shock.update(shocked, fair.price, state.now_ms, params.shock, tick=tick)
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
    signal_problem: str | None,
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
        signal_problem=signal_problem,
    )


def _signal_problem(
    state: BotState, others: KalshiTop | None, *, kalshi_fresh: bool, poly_fresh: bool
) -> str | None:
    """Why the fresh venues give no usable signal (a one-sided or crossed Polymarket book, the
    venues further apart than ``fair.max_venue_divergence``), or ``None``."""
    if not poly_fresh or state.poly is None:
        return None
    problem = fair_price.signal_problem(state.poly)
    if problem is not None or not kalshi_fresh or others is None:
        return problem
    mid = fair_price.poly_mid(state.poly)
    guard = state.params.fair.max_venue_divergence
    if mid is not None and fair_price.divergence(others, mid) > guard:
        return fair_price.DIVERGE
    return None


def _others(state: BotState) -> KalshiTop | None:
    """The Kalshi book without our own orders (any status: they are not depth others provide),
    so that the fair does not lean on our own quotes."""
    if state.kalshi is None:
        return None
    return book_view.without(state.kalshi, orders.levels(state.live))


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
        m.state in FINAL_STATES or (m.state is MachineState.PAUSED and m.reason == "halted")
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


def _desired(
    state: BotState, phase: MatchPhase, d: bot_state.Decided, others: KalshiTop | None
) -> tuple[Quote, ...]:
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
        quotes = quoting.desired_quotes(inputs, params.quoting)
        if others is None:
            return quotes
        return quoting.toward_signal(quotes, others, fair.poly_mid)
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
    state: BotState, desired: tuple[Quote, ...], d: bot_state.Decided
) -> tuple[tuple[decisions.Decision, ...], orders.LiveOrders, int, bot_state.OrdersMemo | None]:
    """The order actions, the live view and id counter after them, and the memo to keep."""
    # An order action of unknown outcome counts as a lost lease: only reducing quotes pass.
    lease_ok = risk.may_add(d.limits, state.now_ms)
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
        settled = bot_state.OrdersMemo(desired, live, state.position, params, (lease, lease_ok))
        return (), live, state.next_id, settled
    return batch, orders.apply_decisions(live, batch), next_id, None


def _next_wake(state: BotState, phase: MatchPhase, d: bot_state.Decided) -> int | None:
    now, params = state.now_ms, state.params
    stale_after_ms = params.for_phase(phase).stale_after_ms
    # The earliest future time of the candidates, folded without building a list (this runs on
    # every evaluation).
    wake = bot_state.NEVER
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
    return None if wake == bot_state.NEVER else wake


def _sooner(wake: int, t: int, now: int) -> int:
    """``t`` when it is in the future and before ``wake``, else ``wake``."""
    return t if now < t < wake else wake
