"""Carries out the core's order decisions on a venue and reports the outcomes as events.

Each action runs as its own task so that a slow venue never blocks the event loop; outcomes come
back through ``emit`` as events (acknowledged, rejected, cancelled). The core never acts twice on
an order with an action in flight, so the executor needs no locking. After a ``CancelAll`` every
placement still in flight is cancelled as soon as it is acknowledged: nothing issued before a
cancel-all may survive it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass, field

from touchline_bot.core import decisions, events, units
from touchline_bot.core.types import Side
from touchline_bot.engine import gateway

log = logging.getLogger(__name__)

CANCEL_ALL_ATTEMPTS = 20
CANCEL_ALL_BACKOFF_SECS = 0.05
ISSUED_KEPT = 100_000
"""Venue order ids remembered after their orders are gone (a match's worth, many times over)."""

Emit = Callable[[events.Event], None]
ActionObserver = Callable[[str, float, str], None]
"""Called with (action kind, seconds from decision to answer, outcome) for metrics."""


@dataclass
class Executor:
    """Executes decisions against one market's gateway."""

    venue: gateway.OrderGateway
    emit: Emit
    now_ms: Callable[[], int]
    monotonic_ns: Callable[[], int]
    client_order_prefix: str
    observe: ActionObserver | None = None
    order_ids: dict[str, str] = field(default_factory=dict)
    """Venue order id of each of our orders still open, by client order id."""
    issued: dict[str, str] = field(default_factory=dict)
    """Client order id of every venue order id this run was given, kept after the order is
    gone (a fill the stream missed is found later by its venue order id); the oldest are
    forgotten beyond :data:`ISSUED_KEPT`."""
    sides: dict[str, Side] = field(default_factory=dict)
    filled: dict[str, int] = field(default_factory=dict)
    _in_flight_places: set[str] = field(default_factory=set)
    _cancel_after_ack: set[str] = field(default_factory=set)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def execute(self, batch: tuple[decisions.Decision, ...]) -> None:
        """Start every order action of ``batch`` (cancels first, as the core orders them)."""
        for decision in batch:
            match decision:
                case decisions.PlaceOrder():
                    self._in_flight_places.add(decision.client_order_id)
                    self.sides[decision.client_order_id] = decision.side
                    self._spawn("place", self._place(decision))
                case decisions.AmendOrder():
                    self._spawn("amend", self._amend(decision))
                case decisions.DecreaseOrder():
                    self._spawn("decrease", self._decrease(decision))
                case decisions.CancelOrder():
                    self._spawn("cancel", self._cancel(decision.client_order_id))
                case decisions.CancelAll():
                    self._cancel_after_ack |= self._in_flight_places
                    self._spawn("cancel_all", self._cancel_all())
                case _:
                    pass

    def _spawn(self, kind: str, coro: Coroutine[object, object, str]) -> None:
        task = asyncio.ensure_future(self._timed(kind, coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _timed(self, kind: str, coro: Coroutine[object, object, str]) -> None:
        started = self.monotonic_ns()
        outcome = "error"
        try:
            outcome = await coro
        except Exception:
            log.exception("order action failed unexpectedly", extra={"action": kind})
        finally:
            if self.observe is not None:
                self.observe(kind, (self.monotonic_ns() - started) / 1e9, outcome)

    async def _place(self, cmd: decisions.PlaceOrder) -> str:
        cid = cmd.client_order_id
        try:
            ack = await self.venue.place(
                client_order_id=cid,
                side=cmd.side,
                price=cmd.price,
                qty=cmd.qty,
                post_only=cmd.post_only,
            )
        except gateway.OrderRefusedError as exc:
            self._in_flight_places.discard(cid)
            self.emit(events.OrderRejected(self.now_ms(), cid, exc.reason))
            return exc.reason
        except gateway.VenueUnavailableError:
            # Unknown outcome: the core keeps counting it as exposure until the venue's list
            # of resting orders says what became of it.
            self._in_flight_places.discard(cid)
            await self._settle_unknown(cid)
            return "unknown"
        self._in_flight_places.discard(cid)
        self._known(cid, ack.order_id)
        self.emit(
            events.OrderAcknowledged(self.now_ms(), cid, ack.order_id, ack.price, ack.remaining_qty)
        )
        if cid in self._cancel_after_ack:
            self._cancel_after_ack.discard(cid)
            await self._cancel(cid)
        return "ok"

    async def _amend(self, cmd: decisions.AmendOrder) -> str:
        order_id = self.order_ids.get(cmd.client_order_id)
        if order_id is None:
            self.emit(events.OrderRejected(self.now_ms(), cmd.client_order_id, "unknown_order"))
            return "unknown_order"
        cid = cmd.client_order_id
        total = units.Qty(self.filled.get(cid, 0) + cmd.qty)
        try:
            ack = await self.venue.amend(
                order_id=order_id,
                client_order_id=cid,
                side=self.sides[cid],
                price=cmd.price,
                total_qty=total,
            )
        except gateway.OrderRefusedError as exc:
            self.emit(events.OrderRejected(self.now_ms(), cmd.client_order_id, exc.reason))
            return exc.reason
        except gateway.VenueUnavailableError:
            await self._settle_unknown(cmd.client_order_id)
            return "unknown"
        self._known(cmd.client_order_id, ack.order_id)
        self.emit(
            events.OrderAcknowledged(
                self.now_ms(), cmd.client_order_id, ack.order_id, ack.price, ack.remaining_qty
            )
        )
        return "ok"

    async def _decrease(self, cmd: decisions.DecreaseOrder) -> str:
        cid = cmd.client_order_id
        order_id = self.order_ids.get(cid)
        if order_id is None:
            self.emit(events.OrderRejected(self.now_ms(), cid, "unknown_order"))
            return "unknown_order"
        try:
            remaining = await self.venue.decrease(order_id=order_id, reduce_by=cmd.reduce_by)
        except gateway.OrderRefusedError as exc:
            self.emit(events.OrderRejected(self.now_ms(), cid, exc.reason))
            return exc.reason
        except gateway.VenueUnavailableError:
            await self._settle_unknown(cid)
            return "unknown"
        # A decrease's answer says no price: the core keeps the order's own.
        self.emit(events.OrderAcknowledged(self.now_ms(), cid, order_id, None, remaining))
        return "ok"

    async def _settle_unknown(self, cid: str) -> None:
        """An action's outcome is unknown (the venue did not answer): ask the venue what rests,
        and report that, so that nothing stays pending forever."""
        try:
            resting = {o.client_order_id: o for o in await self.venue.open_orders()}
        except (gateway.VenueUnavailableError, gateway.OrderRefusedError):
            return  # still unknown: the next periodic settle (or cancel-all) decides
        order = resting.get(cid)
        if order is None:
            self.order_ids.pop(cid, None)
            self.emit(events.OrderCancelled(self.now_ms(), cid, "not_on_venue"))
            return
        self._known(cid, order.order_id)
        self.emit(
            events.OrderAcknowledged(
                self.now_ms(), cid, order.order_id, order.price, order.remaining_qty
            )
        )

    async def _cancel(self, cid: str) -> str:
        order_id = self.order_ids.get(cid)
        if order_id is None:
            if cid in self._in_flight_places:
                self._cancel_after_ack.add(cid)
                return "deferred"
            self.emit(events.OrderCancelled(self.now_ms(), cid, "unknown_order"))
            return "unknown_order"
        cancelled: units.Qty | None = None
        try:
            cancelled = await self.venue.cancel(order_id=order_id)
        except gateway.OrderRefusedError as exc:
            if exc.reason != "not_found":
                self.emit(events.OrderRejected(self.now_ms(), cid, exc.reason))
                return exc.reason
        except gateway.VenueUnavailableError:
            await self._settle_unknown(cid)
            return "unknown"
        self.order_ids.pop(cid, None)
        self.emit(events.OrderCancelled(self.now_ms(), cid, "cancelled", cancelled))
        return "ok"

    async def _cancel_all(self) -> str:
        """Cancel every order of this market and keep at it until the venue lists none: a
        refused or failed batch (a 429, a 5xx) must not leave an order behind."""
        for attempt in range(CANCEL_ALL_ATTEMPTS):
            try:
                await self.venue.cancel_market_orders(client_order_prefix=self.client_order_prefix)
                left = [
                    o
                    for o in await self.venue.open_orders()
                    if o.client_order_id.startswith(self.client_order_prefix)
                ]
            except (gateway.VenueUnavailableError, gateway.OrderRefusedError) as exc:
                log.warning("cancel-all incomplete, retrying", extra={"error": str(exc)})
                left = None
            if left == []:
                for cid in list(self.order_ids):
                    self.order_ids.pop(cid, None)
                    self.emit(events.OrderCancelled(self.now_ms(), cid, "cancel_all"))
                return "ok"
            await asyncio.sleep(CANCEL_ALL_BACKOFF_SECS * (attempt + 1))
        log.error("orders still resting after repeated cancel-all")
        return "incomplete"

    def _known(self, cid: str, order_id: str) -> None:
        self.order_ids[cid] = order_id
        self.issued[order_id] = cid
        if len(self.issued) > ISSUED_KEPT:
            del self.issued[next(iter(self.issued))]

    def client_order_id(self, order_id: str) -> str | None:
        """Our client order id for a venue order id this run was given (open or gone)."""
        return self.issued.get(order_id)

    def note_fill(self, client_order_id: str, qty: int) -> None:
        """Remember fills per order: Kalshi's amend count includes what already filled."""
        self.filled[client_order_id] = self.filled.get(client_order_id, 0) + qty

    def forget(self, client_order_id: str) -> None:
        """Drop bookkeeping of an order that is gone."""
        for table in (self.order_ids, self.sides, self.filled):
            table.pop(client_order_id, None)
        self._cancel_after_ack.discard(client_order_id)

    def prune(self, live: Collection[str]) -> int:
        """Forget every order the core's live view no longer holds and that has no placement in
        flight (cancelled, filled, refused): without this the per-order maps grow for as long
        as the bot runs. Returns how many were forgotten."""
        keep = set(live) | self._in_flight_places
        gone = [cid for cid in {*self.order_ids, *self.sides, *self.filled} if cid not in keep]
        for cid in gone:
            self.forget(cid)
        return len(gone)

    async def drain(self) -> None:
        """Wait for every action in flight (shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
