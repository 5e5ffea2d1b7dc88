"""A bot whose Kalshi is unreachable at start waits — alive, not ready, retrying, counted — and
starts once the venue answers, instead of exiting (a crash loop in a pod)."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx

from tests.e2e import processes
from tests.integration.bot.conftest import Stack, until_async
from touchline_bot import config
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import waiting

FAST = waiting.Backoff(base_secs=0.05, max_secs=0.2)


async def _get(port: int, path: str) -> httpx.Response | None:
    async with httpx.AsyncClient(timeout=2.0) as http:
        try:
            return await http.get(f"http://127.0.0.1:{port}{path}")
        except httpx.TransportError:
            return None


def _app(stack: Stack, port: int | None) -> bot_app.BotApp:
    resolved = config.load(stack.config_path).markets[:1]
    away = dataclasses.replace(
        stack.endpoints(),
        kalshi_rest=f"http://127.0.0.1:{processes.free_port()}/trade-api/v2",  # nobody there
    )
    options = bot_app.AppOptions(http_port=port, shutdown_grace_secs=5.0, start_backoff=FAST)
    return bot_app.BotApp(resolved, away, engine_clock.WallClock(), options)


async def test_an_unreachable_venue_at_start_is_waited_for_then_the_bot_starts(
    stack: Stack,
) -> None:
    port = processes.free_port()
    app = _app(stack, port)
    starting = asyncio.create_task(app.start())

    async def waiting_shown() -> bool:
        ready, alive, metrics = [await _get(port, p) for p in ("/readyz", "/healthz", "/metrics")]
        return (
            ready is not None
            and ready.status_code == 503
            and "waiting for the venues" in ready.json()["reason"]
            and alive is not None
            and alive.status_code == 200
            and metrics is not None
            and "touchline_startup_waiting 1.0" in metrics.text
            and "touchline_startup_retries_total{" in metrics.text
        )

    try:
        await until_async(waiting_shown, timeout_secs=20, what="the waiting bot's endpoints")
        assert not starting.done()  # it neither exited nor gave up
        app.where = stack.endpoints()  # the venue is back
        await asyncio.wait_for(starting, timeout=30)
        metrics = await _get(port, "/metrics")
        assert metrics is not None
        assert "touchline_startup_waiting 0.0" in metrics.text
        assert "waiting" not in app.ready()[1]
    finally:
        assert await app.shutdown("test over")


async def test_a_cancelled_wait_leaves_no_market_and_no_open_connection(stack: Stack) -> None:
    app = _app(stack, None)
    starting = asyncio.create_task(app.start())
    await until_async(
        lambda: asyncio.sleep(0, result=app.ready()[1].startswith("waiting")),
        timeout_secs=20,
        what="the bot waiting",
    )
    starting.cancel()
    await asyncio.gather(starting, return_exceptions=True)
    assert app.markets == {}
    assert app.venues is None
    assert await app.shutdown("stopped while waiting")
