"""What the exchange tells the outside world: past-tense events the WebSocket layer fans out.

The matching engine appends these to an outbox in the order they happened; the server drains
it after every operation and turns each event into channel messages.
"""

from __future__ import annotations

import dataclasses

from touchline_bot.core import units
from touchline_bot.sim.kalshi import model


@dataclasses.dataclass(frozen=True)
class BookChanged:
    """The size at one level of one leg changed by ``delta`` (signed)."""

    ticker: str
    leg: str
    leg_price: units.Price
    delta: units.Qty
    user_id: str
    client_order_id: str
    ts_ms: int


@dataclasses.dataclass(frozen=True)
class Traded:
    """A trade printed on the public tape."""

    trade_id: str
    ticker: str
    price: units.Price
    count: units.Qty
    taker_book_side: str
    ts_ms: int


@dataclasses.dataclass(frozen=True)
class Filled:
    """One account's side of a trade."""

    fill: model.Fill


@dataclasses.dataclass(frozen=True)
class OrderUpdated:
    """An order was created, filled, amended, decreased or cancelled (a copy at that moment)."""

    order: model.Order


@dataclasses.dataclass(frozen=True)
class PositionChanged:
    """An account's position in a market changed."""

    user_id: str
    ticker: str
    ts_ms: int


@dataclasses.dataclass(frozen=True)
class LifecycleChanged:
    """A market's lifecycle moved (``activated``, ``deactivated``, ``determined``, ...)."""

    ticker: str
    event_type: str
    ts_ms: int
    result: str = ""


@dataclasses.dataclass(frozen=True)
class OrderGroupChanged:
    """An order group was created, triggered, reset, deleted or had its limit updated."""

    user_id: str
    order_group_id: str
    event_type: str
    limit: units.Qty
    ts_ms: int


Event = (
    BookChanged
    | Traded
    | Filled
    | OrderUpdated
    | PositionChanged
    | LifecycleChanged
    | OrderGroupChanged
)
