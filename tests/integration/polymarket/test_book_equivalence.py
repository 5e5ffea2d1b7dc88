"""Property: after any sequence of ``book`` snapshots and ``price_change`` updates sent by the
simulator over the real WebSocket, the client's books equal the simulator's books."""

from __future__ import annotations

import asyncio

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchline_bot.core import units
from touchline_bot.engine import clock
from touchline_bot.sim.polymarket import server, state
from touchline_bot.venues.polymarket import messages, store, stream

YES, NO = "1001", "1002"

prices = st.integers(min_value=1, max_value=9_999).map(units.Price)
sizes = st.integers(min_value=0, max_value=50_000).map(units.Qty)
sides = st.sampled_from([state.BUY, state.SELL])
tokens = st.sampled_from([YES, NO])
levels = st.dictionaries(prices, sizes.filter(lambda q: q > 0), max_size=6)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("levels"), tokens, st.lists(st.tuples(sides, prices, sizes), max_size=4)),
        st.tuples(st.just("book"), tokens, levels, levels),
        st.tuples(st.just("fair"), tokens, st.integers(min_value=200, max_value=9_800)),
    ),
    max_size=12,
)


def _apply(sim_state: state.SimState, operation: tuple[object, ...]) -> None:
    kind, token = operation[0], str(operation[1])
    if kind == "levels":
        sim_state.set_levels(token, list(operation[2]))  # type: ignore[call-overload]
    elif kind == "book":
        sim_state.replace(token, operation[2], operation[3])  # type: ignore[arg-type]
    else:
        sim_state.set_fair(token, units.Price(int(operation[2])))  # type: ignore[call-overload]


async def _wait(condition: object, timeout_secs: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_secs
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "client did not catch up in time"
        await asyncio.sleep(0.005)


async def _run(ops: list[tuple[object, ...]]) -> None:
    sim = await server.start_polymarket_sim(now_ms=clock.now_ms)
    sim.state.add_market("0xabc", YES, NO, tick=units.Price(100))
    sim.set_fair(YES, units.Price(4500))
    data = store.SignalStore([YES, NO])
    received = [0]

    def on_messages(parsed: list[messages.Message]) -> None:
        for message in parsed:
            received[0] += 1
            data.apply(message, now_ms=0, source=store.Source.WS)

    published = [0]
    try:
        async with aiohttp.ClientSession() as session:
            ws = stream.StreamSession(session, sim.ws_url, [YES, NO], on_messages)
            reader = asyncio.create_task(ws.run())
            await _wait(lambda: received[0] == 2)
            sim.state.listeners.append(lambda _event: published.__setitem__(0, published[0] + 1))
            for operation in ops:
                _apply(sim.state, operation)
            await _wait(lambda: received[0] == 2 + published[0])
            for token in (YES, NO):
                assert dict(data.book(token).bids()) == sim.state.books[token].bids
                assert dict(data.book(token).asks()) == sim.state.books[token].asks
            await ws.close()
            await reader
    finally:
        await sim.stop()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_client_book_equals_simulator_book_after_any_sequence(
    ops: list[tuple[object, ...]],
) -> None:
    asyncio.run(_run(ops))
