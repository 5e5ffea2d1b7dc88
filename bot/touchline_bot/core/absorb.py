"""Folding one event into the state, before the evaluation (see
:mod:`touchline_bot.core.transition`).

:func:`quiet` is the incremental path: a book or signal update that leaves the touch as the
settled evaluation saw it only moves the venue's timestamp. :func:`absorb` takes in any event:
market data, order events, fills (impossible ones counted in ``garbled_events``, never applied),
mode, halt, lease, parameters, position, shutdown.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from dataclasses import replace

from touchline_bot.core import book, events, orders, risk, units
from touchline_bot.core import state as bot_state
from touchline_bot.core.book import KalshiTop
from touchline_bot.core.state import BotState
from touchline_bot.core.types import Side, Venue


def quiet(state: BotState, event: events.Event) -> BotState | None:
    """The state after a book or signal update that leaves the touch as the settled evaluation
    saw it (only the venue's timestamp moves), or ``None`` when the event needs evaluating."""
    if isinstance(event, events.BookUpdated):
        top, seen = event.top, state.kalshi
        if seen is not None and top.valid and (top is seen or _same_touch(top, seen, state)):
            now_ms = max(state.now_ms, event.ts_ms)
            return bot_state.with_kalshi(state, now_ms, top, event.ts_ms, state.kalshi_broken)
    elif isinstance(event, events.SignalUpdated) and event.top == state.poly:
        now_ms = max(state.now_ms, event.ts_ms)
        return bot_state.with_poly(state, now_ms, event.top, event.ts_ms, state.poly_broken)
    return None


def _same_touch(top: KalshiTop, seen: KalshiTop, state: BotState) -> bool:
    """The touch is as the settled evaluation saw it, both as shown (the quoting guards) and
    without our own orders (the fair: a level that is only ours hides the one behind it)."""
    if top.bids[:1] != seen.bids[:1] or top.asks[:1] != seen.asks[:1]:
        return False
    mine = orders.levels(state.live)
    if not mine:
        return True
    ours, before = book.without(top, mine), book.without(seen, mine)
    return ours.bids[:1] == before.bids[:1] and ours.asks[:1] == before.asks[:1]


def absorb(state: BotState, event: events.Event, now_ms: int) -> BotState:
    match event:
        case events.BookUpdated():
            broken = None if event.top.valid else "kalshi_book_invalid"
            return bot_state.with_kalshi(state, now_ms, event.top, event.ts_ms, broken)
        case events.SignalUpdated():
            return bot_state.with_poly(state, now_ms, event.top, event.ts_ms, None)
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
        case events.OrdersUnsettled():
            return state._replace(limits=replace(state.limits, unsettled=event.unsettled))
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
    # The money the fill puts at risk: a bid at p risks p a contract, an ask (buying NO) 1 - p.
    leg = event.price if event.side is Side.BID else units.complement(event.price)
    notional = units.notional(leg, event.qty)
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
