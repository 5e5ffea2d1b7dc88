"""Events: what happened, in the past tense. Every event carries ``ts_ms``, the time the
engine observed it (milliseconds since the Unix epoch); the core never reads a clock.

The two market-data events come with nearly every message, so they are
:class:`~touchline_bot.core.value.Value` records; the others are frozen dataclasses.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final, final

from touchline_bot.core import units
from touchline_bot.core.book import KalshiTop, PolyTop
from touchline_bot.core.params import StrategyParams
from touchline_bot.core.types import Mode, Side, Venue
from touchline_bot.core.value import Value


@final
class BookUpdated(Value):
    """Kalshi's book changed (or became invalid / valid again)."""

    _fields: ClassVar[tuple[str, ...]] = ("ts_ms", "top")
    __slots__ = _fields

    def __init__(
        self,
        ts_ms: int,
        top: KalshiTop,
    ) -> None:
        self.ts_ms: Final = ts_ms
        self.top: Final = top


@final
class SignalUpdated(Value):
    """Polymarket's book for our token changed. ``source_ts_ms`` is the venue's own
    last-change time when it gave one."""

    _fields: ClassVar[tuple[str, ...]] = ("ts_ms", "top", "source_ts_ms")
    __slots__ = _fields

    def __init__(
        self,
        ts_ms: int,
        top: PolyTop,
        source_ts_ms: int | None = None,
    ) -> None:
        self.ts_ms: Final = ts_ms
        self.top: Final = top
        self.source_ts_ms: Final = source_ts_ms


@dataclass(frozen=True, slots=True)
class FeedStale:
    """A venue feed was found silent (idle timeout, frozen stream) or broken."""

    ts_ms: int
    venue: Venue
    reason: str


@dataclass(frozen=True, slots=True)
class OrderAcknowledged:
    """The venue accepted a placement (or an amend or decrease) and it now rests as
    ``order_id``. ``price`` is ``None`` when the answer does not say (a decrease reports only
    what remains): the order keeps the price it is known to rest at, never a made-up one."""

    ts_ms: int
    client_order_id: str
    order_id: str
    price: units.Price | None
    remaining_qty: units.Qty


@dataclass(frozen=True, slots=True)
class OrderRejected:
    """The venue refused a placement, amend or decrease; ``reason`` is a short code such as
    ``post_only_cross``, ``market_inactive``, ``rate_limited``, ``insufficient_balance``."""

    ts_ms: int
    client_order_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class OrderFilled:
    """Some of our order traded. ``fee`` is what the venue charged for this fill."""

    ts_ms: int
    client_order_id: str
    side: Side
    price: units.Price
    qty: units.Qty
    fee: units.Money
    trade_id: str = ""


@dataclass(frozen=True, slots=True)
class OrderCancelled:
    """The venue confirmed an order is gone (our cancel, its expiry, a group limit, a
    market pause); ``reason`` says which."""

    ts_ms: int
    client_order_id: str
    reason: str = "cancelled"
    cancelled_qty: units.Qty | None = None
    """What our cancel took off the book (Kalshi's ``reduced_by``), when the venue said: less
    than the remaining quantity we know of means fills whose messages are still on their way."""


@dataclass(frozen=True, slots=True)
class TimerFired:
    """A wake-up the core asked for (``decisions.WakeAt``) or the engine's periodic tick."""

    ts_ms: int


@dataclass(frozen=True, slots=True)
class ParamsChanged:
    """New strategy parameters (hot reload); ``params.version`` names them."""

    ts_ms: int
    params: StrategyParams


@dataclass(frozen=True, slots=True)
class ModeChanged:
    """The operator or a person changed the market's mode (quoting, paused, flatten, halted)."""

    ts_ms: int
    mode: Mode


@dataclass(frozen=True, slots=True)
class HaltChanged:
    """The global risk service halted (or a person reset) the whole fleet."""

    ts_ms: int
    halted: bool
    reason: str


@dataclass(frozen=True, slots=True)
class LeaseGranted:
    """The global risk service granted a notional budget until ``expires_at_ms``."""

    ts_ms: int
    budget: units.Money
    expires_at_ms: int


@dataclass(frozen=True, slots=True)
class OrdersUnsettled:
    """Whether some order action's outcome is unknown (the venue failed to answer, or did not
    answer within the action's deadline) and the venue has not yet said what rests: while it
    is, nothing may add exposure."""

    ts_ms: int
    unsettled: bool


@dataclass(frozen=True, slots=True)
class PositionSynced:
    """The venue's own view of our position (startup, periodic reconcile)."""

    ts_ms: int
    position_qty: int
    """Signed YES contracts in 1/100 contract (positive long YES)."""
    cost_basis: units.Money


@dataclass(frozen=True, slots=True)
class ShutdownRequested:
    """SIGTERM / SIGINT / lost lease: stop quoting, cancel everything (flatten if asked)."""

    ts_ms: int
    reason: str
    flatten: bool = False


Event = (
    BookUpdated
    | SignalUpdated
    | FeedStale
    | OrderAcknowledged
    | OrderRejected
    | OrderFilled
    | OrderCancelled
    | TimerFired
    | ParamsChanged
    | ModeChanged
    | HaltChanged
    | LeaseGranted
    | OrdersUnsettled
    | PositionSynced
    | ShutdownRequested
)
