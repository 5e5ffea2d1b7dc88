"""Per-market risk: worst-case exposure, clipping quotes to limits, and the pause gates.

Worst-case exposure is counted per side, as money that can be lost if everything that can still
fill on that side does fill and the market then settles against us:

* the long (bid) side: the YES position's cost plus, for every bid that can still fill, price x
  quantity; the short (ask) side: the NO-equivalent cost of a short position plus (1 - price) x
  quantity for every ask (selling YES is buying NO).
* "can still fill" is every order in the live view: resting, placements not yet acknowledged,
  cancels not yet confirmed, and for an amend or decrease in flight the larger quantity at the
  less favourable price of the old and new terms (``orders.LiveOrder.worst_qty/worst_price``).
* the position is valued at its cost basis (what was paid for it, average cost), not at a mark:
  a fill then moves exactly ``price x qty`` from the orders' term to the position's term, so a
  fill never raises exposure. Orders that would reduce an opposite position count only for the
  quantity beyond it, valued at the side's least favourable price.

``clip`` trims desired quotes so that exposure stays within min(per-market limit, account
limit, lease); without a valid lease the limit is zero, which leaves only quotes that reduce the
position. ``admit`` is the exact guard on the decisions a reconcile produced (an amend in flight
or a cancel not yet confirmed still counts), so no batch can push exposure above the limit.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import ClassVar, Final, final

from touchline_bot.core import decisions, orders, units
from touchline_bot.core.params import RiskParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Side
from touchline_bot.core.value import Value


@final
class Position(Value):
    """Signed YES contracts (1/100 contract, positive long) and what was paid for them: the YES
    cost of a long, the NO-equivalent cost ((1 - price) x qty) of a short."""

    _fields: ClassVar[tuple[str, ...]] = ("qty", "cost")
    __slots__ = _fields

    def __init__(
        self,
        qty: int = 0,
        cost: units.Money = units.ZERO_MONEY,
    ) -> None:
        self.qty: Final = qty
        self.cost: Final = cost


FLAT: Position = Position()

Fillable = tuple[Side, units.Price, units.Qty]
"""Something that may still trade: side, least favourable price, largest quantity."""


def _leg_price(side: Side, price: int) -> int:
    # The price paid on the leg a side buys: YES for a bid, NO (1 - p) for an ask.
    return price if side is Side.BID else units.ONE_DOLLAR - price


@final
class _Totals(Value):
    """One side's fillables summed up: quantity, money at the leg price, the worst leg price.
    :func:`side_exposure` of a list is :func:`_exposure` of its totals."""

    _fields: ClassVar[tuple[str, ...]] = ("qty", "money", "worst_leg")
    __slots__ = _fields

    def __init__(
        self,
        qty: int = 0,
        money: int = 0,
        worst_leg: int = 0,
    ) -> None:
        self.qty: Final = qty
        self.money: Final = money
        self.worst_leg: Final = worst_leg

    def plus(self, side: Side, price: int, qty: int) -> _Totals:
        if qty <= 0:
            return self
        leg = _leg_price(side, price)
        return _Totals(self.qty + qty, self.money + leg * qty, max(self.worst_leg, leg))


def _exposure(position: Position, side: Side, totals: _Totals) -> int:
    held = position.qty * side.sign
    if held >= 0:
        return position.cost + totals.money
    beyond = held + totals.qty
    if beyond <= 0:
        return 0
    return min(totals.money, beyond * totals.worst_leg)


def side_exposure(position: Position, items: Iterable[Fillable], side: Side) -> units.Money:
    """Worst-case money at risk on ``side`` (see the module docstring)."""
    totals = _Totals()
    for item_side, price, qty in items:
        if item_side is side:
            totals = totals.plus(side, price, qty)
    return units.Money(_exposure(position, side, totals))


def live_fillables(live: orders.LiveOrders) -> list[Fillable]:
    """Everything in the live view that can still fill."""
    return [(o.side, o.worst_price, o.worst_qty) for o in live.values()]


def exposure(live: orders.LiveOrders, position: Position) -> dict[Side, units.Money]:
    """Worst-case exposure of both sides."""
    items = live_fillables(live)
    return {side: side_exposure(position, items, side) for side in Side}


def limit(params: RiskParams, *, lease: units.Money | None, lease_valid: bool) -> units.Money:
    """The exposure limit per side: min(per-market, account, lease); zero without a lease."""
    if lease is None or not lease_valid:
        return units.ZERO_MONEY
    cap = min(params.max_position_notional, params.max_total_notional, lease)
    return units.Money(max(0, cap))


def clip(
    quotes: tuple[Quote, ...],
    *,
    live: orders.LiveOrders,
    position: Position,
    params: RiskParams,
    lease: units.Money | None,
    lease_valid: bool,
    min_qty: units.Qty = units.Qty(1),
) -> tuple[Quote, ...]:
    """Quotes trimmed (touch-most level first) so that the position, the orders on their way
    out and the quotes themselves stay within the limit; quotes below ``min_qty`` are dropped.
    Quotes that only reduce the position survive any limit."""
    cap = limit(params, lease=lease, lease_valid=lease_valid)
    totals = {Side.BID: _Totals(), Side.ASK: _Totals()}
    for o in live.values():
        if o.status is orders.OrderStatus.PENDING_CANCEL:
            totals[o.side] = totals[o.side].plus(o.side, o.worst_price, o.worst_qty)
    kept: list[Quote] = []
    for quote in sorted(quotes, key=lambda q: q.level):
        side, base = quote.side, totals[quote.side]
        allowed = max(cap, _exposure(position, side, base))

        def fits(
            qty: int, quote: Quote = quote, base: _Totals = base, allowed: int = allowed
        ) -> bool:
            grown = base.plus(quote.side, quote.price, qty)
            return _exposure(position, quote.side, grown) <= allowed

        qty = _largest(quote.qty, fits)
        if qty >= min_qty:
            kept.append(quote if qty == quote.qty else quote.with_qty(units.Qty(qty)))
            totals[side] = base.plus(side, quote.price, qty)
    return tuple(kept)


def _largest(upper: int, fits: Callable[[int], bool]) -> int:
    # The largest q in [0, upper] with fits(q); exposure grows with q, so bisect.
    if fits(upper):
        return upper
    low, high = 0, upper
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return low


def _live_exposure(live: orders.LiveOrders, position: Position, side: Side) -> int:
    return side_exposure(
        position, ((o.side, o.worst_price, o.worst_qty) for o in live.values()), side
    )


def admit(
    batch: tuple[decisions.Decision, ...],
    *,
    live: orders.LiveOrders,
    position: Position,
    cap: units.Money,
) -> tuple[decisions.Decision, ...]:
    """``batch`` with placements and amends shrunk or dropped where, counting everything that
    can still fill after the batch is sent, they would raise a side's exposure above ``cap``
    (or above what it already is, when it is over the cap)."""
    admitted: list[decisions.Decision] = []
    for decision in batch:
        if not isinstance(decision, decisions.PlaceOrder | decisions.AmendOrder):
            admitted.append(decision)
            live = orders.apply_decision(live, decision)
            continue
        side = _side(decision, live)
        allowed = max(cap, _live_exposure(live, position, side))
        trial = orders.apply_decision(live, decision)
        if _live_exposure(trial, position, side) <= allowed:
            admitted.append(decision)
            live = trial
            continue
        candidate = _within(decision, live, position, side, allowed)
        if candidate is not None:
            admitted.append(candidate)
            live = orders.apply_decision(live, candidate)
    return tuple(admitted)


def _side(decision: decisions.PlaceOrder | decisions.AmendOrder, live: orders.LiveOrders) -> Side:
    if isinstance(decision, decisions.PlaceOrder):
        return decision.side
    order = live.get(decision.client_order_id)
    return order.side if order is not None else Side.BID


def _within(
    decision: decisions.PlaceOrder | decisions.AmendOrder,
    live: orders.LiveOrders,
    position: Position,
    side: Side,
    cap: int,
) -> decisions.Decision | None:
    def fits(qty: int) -> bool:
        trial = orders.apply_decision(live, replace(decision, qty=units.Qty(qty)))
        return _live_exposure(trial, position, side) <= cap

    qty = _largest(decision.qty, fits)
    if qty <= 0:
        return None
    return replace(decision, qty=units.Qty(qty))


def apply_fill(
    position: Position, side: Side, price: units.Price, qty: units.Qty, fee: units.Money
) -> tuple[Position, units.Money]:
    """The position after a fill (average cost) and the PnL it realized (fee included)."""
    held = position.qty * side.sign  # > 0 when the fill adds to the position
    if held >= 0:
        added = units.Money(position.cost + _leg_price(side, price) * qty)
        grown = Position(position.qty + side.sign * qty, added)
        return grown, units.Money(-fee)
    closing = min(qty, -held)
    released = position.cost * closing // -held
    # Closing a long by selling YES at p returns p per contract; closing a short by buying YES at
    # p returns the NO leg's 1 - p.
    proceeds = _leg_price(side.opposite, price) * closing
    left = Position(position.qty + side.sign * closing, units.Money(position.cost - released))
    realized = proceeds - released - fee
    if closing < qty:
        left, extra = apply_fill(left, side, price, units.Qty(qty - closing), units.ZERO_MONEY)
        realized += extra
    return left, units.Money(realized)


def unrealized(position: Position, fair: units.Price) -> units.Money:
    """The position's value at ``fair`` minus its cost."""
    side = Side.BID if position.qty >= 0 else Side.ASK
    return units.Money(_leg_price(side, fair) * abs(position.qty) - position.cost)


@dataclass(frozen=True, slots=True)
class RiskState:
    """What the per-market limiters remember: recent fills (for the fill-rate limiter), the
    pause they imposed, realized PnL, the equity high-water mark, a tripped drawdown breaker,
    and the global service's lease."""

    fills: tuple[tuple[int, units.Money], ...] = ()
    """(ts_ms, money at risk) of fills inside the fill-rate window: price x qty for a bid,
    (1 - price) x qty for an ask."""
    paused_until_ms: int = 0
    realized_pnl: units.Money = units.ZERO_MONEY
    high_water: units.Money | None = units.ZERO_MONEY
    """The equity high-water mark; ``None`` after a reset, until the next :func:`mark` restarts
    it at the equity of that evaluation."""
    breaker_tripped: bool = False
    lease_budget: units.Money | None = None
    lease_expires_at_ms: int = 0
    unsettled: bool = False
    """Some order action's outcome is unknown: only quotes that reduce the position pass."""


INITIAL: RiskState = RiskState()

FILL_RATE = "fill_rate_limit"
DRAWDOWN = "drawdown_limit"


def record_fill(
    state: RiskState,
    *,
    ts_ms: int,
    notional: units.Money,
    realized: units.Money,
    params: RiskParams,
) -> RiskState:
    """Count a fill (``notional``: the money it puts at risk, the leg price x qty): fills above
    ``fill_rate_max_notional`` within the window pause quoting for ``fill_rate_pause_ms``."""
    since = ts_ms - params.fill_rate_window_ms
    window = (*(f for f in state.fills if f[0] > since), (ts_ms, notional))
    paused = state.paused_until_ms
    if sum(n for _, n in window) > params.fill_rate_max_notional:
        paused = max(paused, ts_ms + params.fill_rate_pause_ms)
    return replace(
        state,
        fills=window,
        paused_until_ms=paused,
        realized_pnl=units.Money(state.realized_pnl + realized),
    )


def mark(state: RiskState, *, equity: units.Money, params: RiskParams) -> RiskState:
    """Track the high-water mark of equity (realized + unrealized at fair) and trip the local
    drawdown breaker when equity falls ``max_drawdown`` below it. The breaker stays tripped
    until :func:`reset_breaker` (a person's reset)."""
    high = equity if state.high_water is None else max(state.high_water, equity)
    tripped = state.breaker_tripped or high - equity >= params.max_drawdown
    if high == state.high_water and tripped == state.breaker_tripped:
        return state
    return replace(state, high_water=units.Money(high), breaker_tripped=tripped)


def reset_breaker(state: RiskState) -> RiskState:
    """A person's reset: the breaker opens again and the high-water mark restarts at the equity
    of the next evaluation (restarting it at zero would re-trip at once after a loss)."""
    return replace(state, breaker_tripped=False, high_water=None)


def grant(state: RiskState, *, budget: units.Money, expires_at_ms: int) -> RiskState:
    """Remember a lease from the global risk service."""
    return replace(state, lease_budget=budget, lease_expires_at_ms=expires_at_ms)


def lease_valid(state: RiskState, now_ms: int) -> bool:
    """True while a lease is held and not expired."""
    return state.lease_budget is not None and now_ms < state.lease_expires_at_ms


def may_add(state: RiskState, now_ms: int) -> bool:
    """True while exposure may grow: a current lease and no order action of unknown outcome
    (an order we cannot see may already be filling)."""
    return lease_valid(state, now_ms) and not state.unsettled


def gate(state: RiskState, now_ms: int) -> str | None:
    """Why risk forbids quoting now (``drawdown_limit``, ``fill_rate_limit``), or ``None``."""
    if state.breaker_tripped:
        return DRAWDOWN
    if now_ms < state.paused_until_ms:
        return FILL_RATE
    return None


def deadlines(state: RiskState, now_ms: int) -> list[int]:
    """Future times at which the risk view changes by itself (pause end, lease expiry)."""
    return [t for t in (state.paused_until_ms, state.lease_expires_at_ms) if t > now_ms]
