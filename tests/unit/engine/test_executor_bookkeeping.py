"""The executor's per-order maps are pruned once the core no longer holds an order, so a bot
running for a season does not grow them without bound; a decrease's answer carries no price."""

from __future__ import annotations

import itertools

from touchline_bot.core import decisions, events, orders, units
from touchline_bot.core.types import Side
from touchline_bot.engine import executor, gateway, recent


class MemoryVenue:
    """An in-memory order gateway (the venue seam): every order rests until cancelled."""

    def __init__(self) -> None:
        self.resting: dict[str, gateway.RestingOrder] = {}
        self._ids = itertools.count(1)

    async def place(
        self, *, client_order_id: str, side: Side, price: units.Price, qty: units.Qty,
        post_only: bool,  # noqa: ARG002 - the venue seam's signature
    ) -> gateway.Ack:  # fmt: skip
        order_id = f"v-{next(self._ids)}"
        self.resting[order_id] = gateway.RestingOrder(order_id, client_order_id, side, price, qty)
        return gateway.Ack(order_id, price, qty)

    async def amend(self, **_: object) -> gateway.Ack:
        raise gateway.OrderRefusedError("unsupported")

    async def decrease(self, *, order_id: str, reduce_by: units.Qty) -> units.Qty:
        return units.Qty(self.resting[order_id].remaining_qty - reduce_by)

    async def cancel(self, *, order_id: str) -> units.Qty | None:
        return self.resting.pop(order_id).remaining_qty

    async def open_orders(self) -> list[gateway.RestingOrder]:
        return list(self.resting.values())

    async def cancel_market_orders(self, *, client_order_prefix: str) -> int:
        gone = [
            o for o in self.resting.values() if o.client_order_id.startswith(client_order_prefix)
        ]
        for order in gone:
            del self.resting[order.order_id]
        return len(gone)


def _executor(seen: list[events.Event]) -> executor.Executor:
    return executor.Executor(
        venue=MemoryVenue(),
        emit=seen.append,
        now_ms=lambda: 0,
        monotonic_ns=lambda: 0,
        client_order_prefix="tl",
    )


async def test_orders_the_core_no_longer_holds_are_forgotten() -> None:
    seen: list[events.Event] = []
    ex = _executor(seen)
    live = orders.EMPTY
    for n in range(500):
        place = decisions.PlaceOrder(f"tl-{n}", Side.BID, units.Price(4_000), units.Qty(100))
        live = orders.apply_decision(live, place)
        ex.execute((place,))
        ex.note_fill(place.client_order_id, 10)
    await ex.drain()
    for n in range(499):
        cancel = decisions.CancelOrder(f"tl-{n}")
        live = orders.apply_decision(live, cancel)
        ex.execute((cancel,))
    await ex.drain()
    for event in seen:
        live = orders.apply_event(live, event)
    assert list(live) == ["tl-499"]
    assert ex.prune(live.keys()) == 499
    assert (set(ex.order_ids), set(ex.sides), set(ex.filled)) == ({"tl-499"},) * 3


async def test_a_decrease_answer_carries_no_price() -> None:
    seen: list[events.Event] = []
    ex = _executor(seen)
    ex.execute((decisions.PlaceOrder("tl-1", Side.ASK, units.Price(6_000), units.Qty(500)),))
    await ex.drain()
    ex.execute((decisions.DecreaseOrder("tl-1", units.Qty(200)),))
    await ex.drain()
    ack = seen[-1]
    assert isinstance(ack, events.OrderAcknowledged)
    assert (ack.price, ack.remaining_qty) == (None, 300)


def test_recent_ids_are_bounded_and_forget_the_oldest() -> None:
    seen = recent.Recent(kept=3)
    for trade in ("a", "b", "c", "d"):
        seen.add(trade)
    assert (len(seen), "a" in seen, "d" in seen) == (3, False, True)
