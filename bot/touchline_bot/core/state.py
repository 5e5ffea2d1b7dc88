"""``BotState``: everything one market's bot knows, and the ways the hot path builds the next.

A :class:`~touchline_bot.core.value.Value`: the core builds one per event and never changes one.
The per-message paths build it whole (:func:`with_kalshi`, :func:`with_poly`,
:func:`evaluated`); the rarer events use ``_replace``.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from typing import ClassVar, Final, final

from touchline_bot.core import fair_price, orders, risk, shock, state_machine, units
from touchline_bot.core.book import KalshiTop, PolyTop
from touchline_bot.core.market import MarketSpec
from touchline_bot.core.params import StrategyParams
from touchline_bot.core.quote import Quote
from touchline_bot.core.types import Mode
from touchline_bot.core.value import Value


@final
class OrdersMemo(Value):
    """The inputs of the last risk clip and reconcile that decided nothing."""

    _fields: ClassVar[tuple[str, ...]] = ("desired", "live", "position", "params", "limits")
    __slots__ = _fields

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


NEVER = 1 << 62
"""A time after every real one (ms): settled for good (DONE, or nothing changes by itself)."""


@final
class BotState(Value):
    """Everything one market's bot knows. Build the first one with :func:`initial`.

    A :class:`~touchline_bot.core.value.Value`: the core builds one per event. The per-message
    paths build it whole (:func:`_with_market_data`, :func:`evaluated`); the rarer events use
    ``_replace``.
    """

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
    __slots__ = _fields

    def __init__(  # noqa: PLR0917 (a record: its fields, in order)
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
        orders_memo: OrdersMemo | None = None,
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


@final
class Decided(Value):
    """What the evaluation has decided before the orders (the state is built once, at the end)."""

    _fields: ClassVar[tuple[str, ...]] = (
        "fair",
        "shock_state",
        "limits",
        "machine",
        "flatten_started_ms",
        "live",
    )
    __slots__ = _fields

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


def with_kalshi(
    s: BotState, now_ms: int, top: KalshiTop, ts_ms: int, broken: str | None
) -> BotState:
    """``s`` having seen a Kalshi book (built whole: this runs for nearly every message)."""
    return _with_market_data(s, now_ms, top, ts_ms, broken, s.poly, s.poly_ts_ms, s.poly_broken)


def with_poly(s: BotState, now_ms: int, top: PolyTop, ts_ms: int, broken: str | None) -> BotState:
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


def evaluated(
    s: BotState,
    d: Decided,
    live: orders.LiveOrders,
    next_id: int,
    memo: OrdersMemo | None,
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
