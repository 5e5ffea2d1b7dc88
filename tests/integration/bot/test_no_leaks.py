"""A bot closes every HTTP session and its endpoints on every path — started and shut down, a
start the venue refuses, a start cancelled while the venue is unreachable — so nothing is left
for the garbage collector to warn about (``tests/leaks.py`` lists what is still open)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator

import httpx
import pytest

from tests import leaks
from tests.e2e import processes
from tests.integration.bot.conftest import Stack, until, until_async
from touchline_bot import config
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import waiting
from touchline_bot.venues.kalshi import errors

FAST = waiting.Backoff(base_secs=0.05, max_secs=0.2)
START_SECS = 30.0


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> Iterator[leaks.Sessions]:
    with leaks.tracking(monkeypatch) as tracked:
        yield tracked


def _app(
    stack: Stack, port: int, *, where: object = None, ticker: str | None = None
) -> bot_app.BotApp:
    resolved = config.load(stack.config_path).markets[:1]
    if ticker is not None:
        spec = dataclasses.replace(resolved[0].spec, ticker=ticker)
        resolved = (dataclasses.replace(resolved[0], spec=spec),)
    endpoints = stack.endpoints() if where is None else where
    assert isinstance(endpoints, type(stack.endpoints()))
    options = bot_app.AppOptions(http_port=port, shutdown_grace_secs=5.0, start_backoff=FAST)
    return bot_app.BotApp(resolved, endpoints, engine_clock.WallClock(), options)


async def _serving(port: int) -> bool:
    async with httpx.AsyncClient(timeout=2.0) as http:
        try:
            await http.get(f"http://127.0.0.1:{port}/healthz")
        except httpx.TransportError:
            return False
    return True


async def test_a_bot_started_and_shut_down_leaves_nothing_open(
    stack: Stack, sessions: leaks.Sessions
) -> None:
    port = processes.free_port()
    app = _app(stack, port)
    await asyncio.wait_for(app.start(), START_SECS)
    await until(lambda: len(stack.resting(app.markets_config[0].spec.ticker)) == 2,
                timeout_secs=START_SECS, what="the bot quoting")  # fmt: skip
    assert await app.shutdown("test over")
    assert sessions.created >= 3  # Kalshi REST, Polymarket REST, the WebSocket session
    assert sessions.open() == []
    assert not await _serving(port)


async def test_a_start_the_venue_refuses_closes_its_sessions_and_endpoints(
    stack: Stack, sessions: leaks.Sessions
) -> None:
    port = processes.free_port()
    app = _app(stack, port, ticker="KXEPLGAME-26NOV28NOPE-ARS")  # no such market on the venue
    with pytest.raises(errors.KalshiNotFoundError):
        await asyncio.wait_for(app.start(), START_SECS)
    assert sessions.created >= 1
    assert sessions.open() == []
    assert not await _serving(port)


async def test_a_start_cancelled_while_the_venue_is_unreachable_leaves_nothing_open(
    stack: Stack, sessions: leaks.Sessions
) -> None:
    port = processes.free_port()
    away = dataclasses.replace(
        stack.endpoints(),
        kalshi_rest=f"http://127.0.0.1:{processes.free_port()}/trade-api/v2",  # nobody there
    )
    app = _app(stack, port, where=away)
    starting = asyncio.create_task(app.start())
    await until_async(
        lambda: asyncio.sleep(0, result=app.ready()[1].startswith("waiting")),
        timeout_secs=20,
        what="the bot waiting for its venue",
    )
    assert await _serving(port)
    starting.cancel()  # what SIGTERM does to a bot still waiting (touchline bot/run)
    await asyncio.gather(starting, return_exceptions=True)
    assert await app.shutdown("stopped while waiting")
    assert sessions.created >= 2  # at least one failed attempt and the one cancelled
    assert sessions.open() == []
    assert not await _serving(port)
