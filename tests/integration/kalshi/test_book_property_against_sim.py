"""Hypothesis against the simulator: whatever orders rest, trade, shrink or go away (fractional
sizes included), the client's book built from the stream's deltas equals the book recomputed
from the simulator's resting orders."""

from __future__ import annotations

import asyncio
import random

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.venues.kalshi import keys
from touchline_bot.core import units
from touchline_bot.engine import clock
from touchline_bot.sim.kalshi import errors, exchange, orders, seed, server
from touchline_bot.venues.kalshi import auth, stream

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

MAKERS = ("maker-a", "maker-b")

create = st.tuples(
    st.just("create"),
    st.sampled_from(MAKERS),
    st.sampled_from(["bid", "ask"]),
    st.integers(min_value=1, max_value=99).map(lambda cents: cents * 100),
    st.integers(min_value=1, max_value=2_000),  # 0.01 .. 20.00 contracts
)
shrink = st.tuples(
    st.sampled_from(["cancel", "decrease"]),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=1, max_value=2_000),
)
operations = st.lists(st.one_of(create, shrink), min_size=1, max_size=25)


def _apply(ex: exchange.Exchange, op: tuple[object, ...], now_ms: int) -> None:
    resting = [o for o in ex.orders.values() if o.is_resting]
    try:
        if op[0] == "create":
            _, user, side, price, count = op
            request = exchange.OrderRequest(
                ticker=TICKER,
                book_side=str(side),
                price=units.Price(int(str(price))),
                count=units.Qty(int(str(count))),
                time_in_force="good_till_canceled",
                stp="maker",
            )
            ex.create(str(user), request, now_ms)
        elif resting:
            target = resting[int(str(op[1])) % len(resting)]
            if op[0] == "cancel":
                orders.cancel(ex, target.user_id, target.order_id, now_ms)
            else:
                amount = min(int(str(op[2])), target.remaining)
                orders.decrease(
                    ex, target.user_id, target.order_id, now_ms, reduce_by=units.Qty(amount)
                )
    except errors.RejectedError:
        pass  # a refused operation changes nothing, which the property covers too


TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"


async def _scenario(ops: list[tuple[object, ...]]) -> None:
    sim = await server.start_kalshi_sim("127.0.0.1", 0)
    key = keys.ed25519_key()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    sim.register_key(keys.KEY_ID, public)
    for maker in MAKERS:
        sim.exchange.add_account(maker, units.money_from_dollars("1000000"))
    assert TICKER in seed.epl_match(sim.exchange, clock.now_ms())
    changed = asyncio.Event()
    kalshi = stream.KalshiStream(
        sim.ws_url, [TICKER], signer=auth.Signer(keys.KEY_ID, key),
        handler=lambda _: changed.set(), now_ms=clock.now_ms, random_fn=random.Random(1).random,
        options=stream.StreamOptions(private_channels=False),
    )  # fmt: skip
    task = asyncio.create_task(kalshi.run())

    def matches() -> bool:
        book = sim.exchange.books[TICKER]
        client_book = kalshi.books[TICKER]
        return (
            client_book.valid
            and client_book.yes_bids() == dict(book.levels("yes"))
            and client_book.no_bids() == dict(book.levels("no"))
        )

    try:
        async with asyncio.timeout(10):
            while not kalshi.books[TICKER].valid:
                changed.clear()
                await changed.wait()
            for op in ops:
                _apply(sim.exchange, op, clock.now_ms())
                sim.flush()
            while not matches():
                changed.clear()
                await changed.wait()
        assert kalshi.stats.gaps == 0
        assert kalshi.stats.malformed_frames == 0
    finally:
        await kalshi.stop()
        await task
        await sim.stop()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_client_book_equals_simulator_resting_orders_after_any_operations(
    ops: list[tuple[object, ...]],
) -> None:
    asyncio.run(_scenario(ops))
