"""Every order action has a deadline: one the venue never answers is abandoned and settled by
the venue's list of resting orders, and the market is unsettled (reported to the core) until
then."""

from __future__ import annotations

import asyncio

from tests.unit.engine.test_executor_bookkeeping import MemoryVenue
from touchline_bot.core import decisions, events, units
from touchline_bot.core.types import Side
from touchline_bot.engine import executor, gateway

DEADLINE_NS = 1_000


class HangingVenue(MemoryVenue):
    """A venue whose placements never answer (a hung connection) and whose order list can be
    made to fail (a 5xx burst)."""

    def __init__(self) -> None:
        super().__init__()
        self.listing_fails = False
        self.placing = asyncio.Event()

    async def place(self, **_: object) -> gateway.Ack:
        self.placing.set()
        await asyncio.Event().wait()
        raise AssertionError("never answered")

    async def open_orders(self) -> list[gateway.RestingOrder]:
        if self.listing_fails:
            raise gateway.VenueUnavailableError("503")
        return await super().open_orders()


async def test_a_placement_never_answered_is_settled_as_gone_after_its_deadline() -> None:
    seen: list[events.Event] = []
    clock = [0]
    venue = HangingVenue()
    ex = executor.Executor(
        venue=venue, emit=seen.append, now_ms=lambda: 7, monotonic_ns=lambda: clock[0],
        client_order_prefix="tl", deadline_ns=DEADLINE_NS,
    )  # fmt: skip
    ex.execute((decisions.PlaceOrder("tl-1", Side.BID, units.Price(4_000), units.Qty(100)),))
    await asyncio.wait_for(venue.placing.wait(), 5)  # the request is on its way to the venue
    assert not ex.unsettled()
    assert await ex.settle()  # nothing overdue yet: nothing asked
    clock[0] = DEADLINE_NS
    assert ex.unsettled()
    venue.listing_fails = True
    assert not await ex.settle()  # the venue cannot say: still unsettled
    assert seen == [events.OrdersUnsettled(7, True)]
    venue.listing_fails = False
    assert await ex.settle()
    assert seen[1:] == [
        events.OrderCancelled(7, "tl-1", "not_on_venue"),
        events.OrdersUnsettled(7, False),
    ]
    assert not ex.unsettled()
    await ex.drain()
