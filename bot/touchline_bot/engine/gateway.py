"""The engine's view of a venue it trades on: the order operations and their typed outcomes.

The Kalshi adapter (``engine.kalshi_gateway``) implements it over the venue client; the engine
never sees HTTP. A refusal by the venue is an outcome (``OrderRefusedError`` with a short reason
code), which the executor turns into an ``OrderRejected`` event for the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from touchline_bot.core import units
from touchline_bot.core.types import Side


@dataclass(frozen=True, slots=True)
class Ack:
    """The venue accepted an order (or an amend) and it rests as ``order_id``."""

    order_id: str
    price: units.Price
    remaining_qty: units.Qty
    filled_qty: units.Qty = units.Qty(0)


@dataclass(frozen=True, slots=True)
class RestingOrder:
    """One of our orders as the venue lists it (startup orphan cleanup, reconciliation)."""

    order_id: str
    client_order_id: str
    side: Side
    price: units.Price
    remaining_qty: units.Qty


class OrderRefusedError(Exception):
    """The venue refused an action; ``reason`` is a short code (``post_only_cross``,
    ``market_inactive``, ``duplicate``, ``not_found``, ``rate_limited``, ...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class VenueUnavailableError(Exception):
    """The venue could not be reached or answered with a server error; the outcome of the
    action is unknown."""


class OrderGateway(Protocol):
    """Order operations on one market."""

    async def place(
        self,
        *,
        client_order_id: str,
        side: Side,
        price: units.Price,
        qty: units.Qty,
        post_only: bool,
    ) -> Ack:
        """Create a limit order (idempotent by ``client_order_id``)."""

    async def amend(
        self,
        *,
        order_id: str,
        client_order_id: str,
        side: Side,
        price: units.Price,
        total_qty: units.Qty,
    ) -> Ack:
        """Move an order to ``price``; ``total_qty`` is Kalshi's amend ``count``: what has
        already filled plus the new remaining quantity."""

    async def decrease(self, *, order_id: str, reduce_by: units.Qty) -> units.Qty:
        """Reduce an order; returns what remains."""

    async def cancel(self, *, order_id: str) -> units.Qty | None:
        """Cancel an order and say how much it took off the book (None when the venue does
        not say); an order already gone is not an error."""

    async def open_orders(self) -> list[RestingOrder]:
        """Every resting order of ours on this market."""

    async def cancel_market_orders(self, *, client_order_prefix: str) -> int:
        """Cancel every resting order of this market whose client id has the prefix."""
