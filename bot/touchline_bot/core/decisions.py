"""Decisions: what the engine must do, in the imperative. The engine executes them in order
(cancels come before places) and reports back with events.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

from touchline_bot.core import units
from touchline_bot.core.types import MachineState, Side


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """Place a limit order on the YES leg. ``post_only`` is true for every quote; only a
    bounded-loss flattening order may cross."""

    client_order_id: str
    side: Side
    price: units.Price
    qty: units.Qty
    post_only: bool = True


@dataclass(frozen=True, slots=True)
class AmendOrder:
    """Move a resting order to a new price; ``qty`` is the new total remaining quantity.
    The order loses its queue position (Kalshi keeps it only on a size decrease)."""

    client_order_id: str
    price: units.Price
    qty: units.Qty


@dataclass(frozen=True, slots=True)
class DecreaseOrder:
    """Reduce a resting order's remaining quantity by ``reduce_by``; keeps queue priority."""

    client_order_id: str
    reduce_by: units.Qty


@dataclass(frozen=True, slots=True)
class CancelOrder:
    """Cancel one of our orders."""

    client_order_id: str


@dataclass(frozen=True, slots=True)
class CancelAll:
    """Cancel every order of this market (shutdown, halt, stop quoting)."""

    reason: str


@dataclass(frozen=True, slots=True)
class StateChanged:
    """The state machine moved; ``reason`` says why (for status, metrics and logs)."""

    previous: MachineState
    state: MachineState
    reason: str


@dataclass(frozen=True, slots=True)
class WakeAt:
    """Deliver a ``TimerFired`` at ``ts_ms`` (warmup end, cooldown end, staleness deadline,
    phase change)."""

    ts_ms: int


Decision = PlaceOrder | AmendOrder | DecreaseOrder | CancelOrder | CancelAll | StateChanged | WakeAt
