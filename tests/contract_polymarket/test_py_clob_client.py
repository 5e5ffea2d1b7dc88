"""Polymarket's official ``py-clob-client`` read methods work unchanged against the simulator
and parse its answers (the simulator speaks the venue's wire format, quirks included)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from py_clob_client.client import ClobClient
from py_clob_client.clob_types import BookParams
from py_clob_client.exceptions import PolyApiException

from touchline_bot.core import units
from touchline_bot.sim.polymarket import gamma, server


@pytest.fixture
async def sim() -> AsyncIterator[tuple[server.RunningPolySim, dict[str, str]]]:
    running = await server.start_polymarket_sim()
    yes_ids = gamma.add_match(
        running.catalog,
        running.state,
        event_slug="epl-ars-che-2026-03-01",
        home="Arsenal",
        away="Chelsea",
        kickoff_iso="2026-03-01T15:00:00Z",
        fairs={"home": units.Price(4300), "draw": units.Price(2700), "away": units.Price(3000)},
    )
    yield running, yes_ids
    await running.stop()


async def test_get_order_book_parses_and_levels_come_best_last(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes_ids = sim
    client = ClobClient(running.clob_url)
    summary = await asyncio.to_thread(client.get_order_book, yes_ids["home"])
    assert summary.asset_id == yes_ids["home"]
    bids = [Decimal(level.price) for level in summary.bids]
    asks = [Decimal(level.price) for level in summary.asks]
    assert bids == sorted(bids)
    assert asks == sorted(asks, reverse=True)
    assert (bids[-1], asks[-1]) == (Decimal("0.42"), Decimal("0.44"))
    assert summary.tick_size == "0.01"
    assert int(summary.timestamp) > 0


async def test_order_book_hash_matches_the_clients_own_hash(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes_ids = sim
    client = ClobClient(running.clob_url)
    summary = await asyncio.to_thread(client.get_order_book, yes_ids["draw"])
    served = summary.hash
    assert client.get_order_book_hash(summary) == served


async def test_get_order_books_returns_every_requested_token(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes_ids = sim
    client = ClobClient(running.clob_url)
    params = [BookParams(token_id=token) for token in yes_ids.values()]
    books = await asyncio.to_thread(client.get_order_books, params)
    assert [b.asset_id for b in books] == list(yes_ids.values())


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        pytest.param("BUY", "0.42", id="buy-is-the-best-bid"),
        pytest.param("SELL", "0.44", id="sell-is-the-best-ask"),
    ],
)
async def test_get_price_follows_the_venue_side_convention(
    sim: tuple[server.RunningPolySim, dict[str, str]], side: str, expected: str
) -> None:
    running, yes_ids = sim
    client = ClobClient(running.clob_url)
    answer = await asyncio.to_thread(client.get_price, yes_ids["home"], side)
    assert answer == {"price": expected}


async def test_midpoint_and_spread_are_decimal_strings(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, yes_ids = sim
    client = ClobClient(running.clob_url)
    mid = await asyncio.to_thread(client.get_midpoint, yes_ids["home"])
    spread = await asyncio.to_thread(client.get_spread, yes_ids["home"])
    assert mid == {"mid": "0.43"}
    assert spread == {"spread": "0.02"}


async def test_unknown_token_is_a_404_with_the_venue_error_text(
    sim: tuple[server.RunningPolySim, dict[str, str]],
) -> None:
    running, _ = sim
    client = ClobClient(running.clob_url)
    with pytest.raises(PolyApiException) as caught:
        await asyncio.to_thread(client.get_order_book, "123")
    assert caught.value.status_code == 404
    assert "No orderbook exists" in str(caught.value.error_msg)


async def test_health_check_answers_ok(sim: tuple[server.RunningPolySim, dict[str, str]]) -> None:
    running, _ = sim
    assert await asyncio.to_thread(ClobClient(running.clob_url).get_ok) == "OK"
