"""Carries out the core's order decisions on a venue and reports the outcomes as events.

Each action runs as its own task so that a slow venue never blocks the event loop; outcomes come
back through ``emit`` as events (acknowledged, rejected, cancelled). The core never acts twice on
an order with an action in flight, so the executor needs no locking. After a ``CancelAll`` every
placement still in flight is cancelled as soon as it is acknowledged: nothing issued before a
cancel-all may survive it.

Every order action has a deadline. An action whose outcome is unknown — the venue answered 5xx,
timed out or could not be reached, or did not answer within ``deadline_ns`` (the request is then
abandoned) — makes the market *unsettled*: the executor tells the core (``OrdersUnsettled``, so
nothing adds exposure) and :meth:`Executor.settle`, called on every heartbeat, asks the venue
what rests and reports each such order as resting (acknowledged at the venue's terms) or gone,
until the venue answers. Only then is the market settled again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass, field

from touchline_bot.core import decisions, events, orders, units
from touchline_bot.core.types import Side
from touchline_bot.engine import gateway

log = logging.getLogger(__name__)

CANCEL_ALL_ATTEMPTS = 20
CANCEL_ALL_BACKOFF_SECS = 0.05
ISSUED_KEPT = 100_000
DEFAULT_DEADLINE_NS = 10_000_000_000
"""An order action not answered within this is abandoned and settled by asking the venue (a
placement is never resent, and the REST timeout is 5 s, so one has ended by then)."""
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
    live: Callable[[], orders.LiveOrders] | None = None
    """The core's live-order view (settling re-sends the cancel of an order it wants gone)."""
    deadline_ns: int = DEFAULT_DEADLINE_NS
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
    _since: dict[str, int] = field(default_factory=dict)
    """When the action in flight on each order started (monotonic ns)."""
    _unknown: set[str] = field(default_factory=set)
    """Orders whose last action's outcome is unknown until the venue lists what rests."""
    _running: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _reported_unsettled: bool = False
    _settling: asyncio.Lock = field(default_factory=asyncio.Lock)

    def execute(self, batch: tuple[decisions.Decision, ...]) -> None:
        """Start every order action of ``batch`` (cancels first, as the core orders them)."""
        for decision in batch:
            match decision:
                case decisions.PlaceOrder():
                    self._in_flight_places.add(decision.client_order_id)
                    self.sides[decision.client_order_id] = decision.side
                    self._spawn("place", self._place(decision), decision.client_order_id)
                case decisions.AmendOrder():
                    self._spawn("amend", self._amend(decision), decision.client_order_id)
                case decisions.DecreaseOrder():
                    self._spawn("decrease", self._decrease(decision), decision.client_order_id)
                case decisions.CancelOrder():
                    cid = decision.client_order_id
                    self._spawn("cancel", self._cancel(cid), cid)
                case decisions.CancelAll():
                    self._cancel_after_ack |= self._in_flight_places
                    started = self.monotonic_ns()
                    for cid in (*self.order_ids, *self._in_flight_places):
                        self._since.setdefault(cid, started)
                    self._spawn("cancel_all", self._cancel_all(), None)
                case _:
                    pass

    def _spawn(self, kind: str, coro: Coroutine[object, object, str], cid: str | None) -> None:
        task = asyncio.ensure_future(self._timed(kind, coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if cid is not None:
            self._since[cid] = self.monotonic_ns()
            self._running[cid] = task
            task.add_done_callback(lambda done: self._finished(cid, done))

    def _finished(self, cid: str, task: asyncio.Task[None]) -> None:
        if self._running.get(cid) is task:
            del self._running[cid]

    def _answer(self, event: events.Event) -> None:
        """Report the venue's answer about one order: its action is no longer pending."""
        cid = getattr(event, "client_order_id", None)
        if isinstance(cid, str):
            self._since.pop(cid, None)
            self._unknown.discard(cid)
        self.emit(event)

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
            self._answer(events.OrderRejected(self.now_ms(), cid, exc.reason))
            return exc.reason
        except gateway.VenueUnavailableError:
            # Unknown outcome: the core keeps counting it as exposure until the venue's list
            # of resting orders says what became of it.
            self._in_flight_places.discard(cid)
            await self._settle_unknown(cid)
            return "unknown"
        self._in_flight_places.discard(cid)
        self._known(cid, ack.order_id)
        self._answer(
            events.OrderAcknowledged(self.now_ms(), cid, ack.order_id, ack.price, ack.remaining_qty)
        )
        if cid in self._cancel_after_ack:
            self._cancel_after_ack.discard(cid)
            await self._cancel(cid)
        return "ok"

    async def _amend(self, cmd: decisions.AmendOrder) -> str:
        order_id = self.order_ids.get(cmd.client_order_id)
        if order_id is None:
            self._answer(events.OrderRejected(self.now_ms(), cmd.client_order_id, "unknown_order"))
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
            self._answer(events.OrderRejected(self.now_ms(), cmd.client_order_id, exc.reason))
            return exc.reason
        except gateway.VenueUnavailableError:
            await self._settle_unknown(cmd.client_order_id)
            return "unknown"
        self._known(cmd.client_order_id, ack.order_id)
        self._answer(
            events.OrderAcknowledged(
                self.now_ms(), cmd.client_order_id, ack.order_id, ack.price, ack.remaining_qty
            )
        )
        return "ok"

    async def _decrease(self, cmd: decisions.DecreaseOrder) -> str:
        cid = cmd.client_order_id
        order_id = self.order_ids.get(cid)
        if order_id is None:
            self._answer(events.OrderRejected(self.now_ms(), cid, "unknown_order"))
            return "unknown_order"
        try:
            remaining = await self.venue.decrease(order_id=order_id, reduce_by=cmd.reduce_by)
        except gateway.OrderRefusedError as exc:
            self._answer(events.OrderRejected(self.now_ms(), cid, exc.reason))
            return exc.reason
        except gateway.VenueUnavailableError:
            await self._settle_unknown(cid)
            return "unknown"
        # A decrease's answer says no price: the core keeps the order's own.
        self._answer(events.OrderAcknowledged(self.now_ms(), cid, order_id, None, remaining))
        return "ok"

    async def _settle_unknown(self, cid: str) -> None:
        """An action's outcome is unknown (the venue did not answer): ask the venue what rests,
        and report that, so that nothing stays pending forever."""
        self._unknown.add(cid)
        self._running.pop(cid, None)  # this action is over; only the venue's list can tell
        self._report_unsettled()
        await self.settle()

    def unsettled(self) -> bool:
        """True while some action's outcome is unknown or past its deadline."""
        if self._unknown:
            return True
        cutoff = self.monotonic_ns() - self.deadline_ns
        return any(started <= cutoff for started in self._since.values())

    def _report_unsettled(self) -> None:
        now = self.unsettled()
        if now != self._reported_unsettled:
            self._reported_unsettled = now
            log.warning(
                "order actions unsettled" if now else "order actions settled",
                extra={"prefix": self.client_order_prefix, "orders": sorted(self._unknown)},
            )
            self.emit(events.OrdersUnsettled(self.now_ms(), now))

    async def settle(self) -> bool:
        """The periodic settle: abandon every action past its deadline, then ask the venue what
        rests and report each order of unknown outcome as resting or gone. True when nothing is
        left unsettled (the venue answered, or there was nothing to ask)."""
        async with self._settling:
            return await self._settle()

    async def _settle(self) -> bool:
        cutoff = self.monotonic_ns() - self.deadline_ns
        overdue = {cid for cid, started in self._since.items() if started <= cutoff}
        abandoned = [t for cid in overdue if (t := self._running.pop(cid, None)) and not t.done()]
        for task in abandoned:
            task.cancel()
        if abandoned:
            await asyncio.gather(*abandoned, return_exceptions=True)
        self._unknown |= overdue
        self._in_flight_places -= overdue
        self._report_unsettled()
        if not self._unknown:
            return True
        try:
            resting = {o.client_order_id: o for o in await self.venue.open_orders()}
        except (gateway.VenueUnavailableError, gateway.OrderRefusedError) as exc:
            log.warning("settle: the venue did not list its orders", extra={"error": str(exc)})
            return False
        for cid in list(self._unknown):
            self._settle_one(cid, resting.get(cid))
        self._report_unsettled()
        return not self._unknown

    def _settle_one(self, cid: str, order: gateway.RestingOrder | None) -> None:
        if cid in self._running:
            return  # a new action on it started meanwhile: its own answer settles it
        if order is None:
            self.order_ids.pop(cid, None)
            self._answer(events.OrderCancelled(self.now_ms(), cid, "not_on_venue"))
            return
        self._known(cid, order.order_id)
        self._answer(
            events.OrderAcknowledged(
                self.now_ms(), cid, order.order_id, order.price, order.remaining_qty
            )
        )
        wanted = self.live().get(cid) if self.live is not None else None
        if cid in self._cancel_after_ack or (
            wanted is not None and wanted.status is orders.OrderStatus.PENDING_CANCEL
        ):
            # The core still wants it gone and thinks a cancel is in flight: send one.
            self._cancel_after_ack.discard(cid)
            self._spawn("cancel", self._cancel(cid), cid)

    async def _cancel(self, cid: str) -> str:
        order_id = self.order_ids.get(cid)
        if order_id is None:
            if cid in self._in_flight_places:
                self._cancel_after_ack.add(cid)
                return "deferred"
            self._answer(events.OrderCancelled(self.now_ms(), cid, "unknown_order"))
            return "unknown_order"
        cancelled: units.Qty | None = None
        try:
            cancelled = await self.venue.cancel(order_id=order_id)
        except gateway.OrderRefusedError as exc:
            if exc.reason != "not_found":
                self._answer(events.OrderRejected(self.now_ms(), cid, exc.reason))
                return exc.reason
        except gateway.VenueUnavailableError:
            await self._settle_unknown(cid)
            return "unknown"
        self.order_ids.pop(cid, None)
        self._answer(events.OrderCancelled(self.now_ms(), cid, "cancelled", cancelled))
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
                    self._answer(events.OrderCancelled(self.now_ms(), cid, "cancel_all"))
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
        for table in (self.order_ids, self.sides, self.filled, self._since):
            table.pop(client_order_id, None)
        self._cancel_after_ack.discard(client_order_id)
        self._unknown.discard(client_order_id)

    def prune(self, live: Collection[str]) -> int:
        """Forget every order the core's live view no longer holds and that has no placement in
        flight (cancelled, filled, refused): without this the per-order maps grow for as long
        as the bot runs. Returns how many were forgotten."""
        keep = set(live) | self._in_flight_places | set(self._running)
        held = {*self.order_ids, *self.sides, *self.filled, *self._since, *self._unknown}
        gone = [cid for cid in held if cid not in keep]
        for cid in gone:
            self.forget(cid)
        return len(gone)

    async def drain(self, timeout_secs: float | None = None) -> bool:
        """Wait for every action in flight (shutdown); after ``timeout_secs`` abandon those
        still running (their outcome stays unknown: the shutdown's own check with the venue
        says what is left). True when every action ended by itself."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout_secs is None else loop.time() + timeout_secs
        while self._tasks:
            left = None if deadline is None else max(0.0, deadline - loop.time())
            _, pending = await asyncio.wait(list(self._tasks), timeout=left)
            if pending and deadline is not None and loop.time() >= deadline:
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                log.warning("order actions abandoned at shutdown", extra={"count": len(pending)})
                return False
        return True
