"""Item 8 (cluster): a hung Kubernetes API server cannot keep a bot quoting on its market's
Lease. Every Lease call is bounded and expiry has its own watchdog, so the pod's duties report
the Lease lost — and the bot stops — before the Lease expires, while the renewal still hangs
(before: the renewal's await never returned and the expiry check never ran; a bot quoted 25 s
on a 15 s Lease)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from kubernetes_asyncio import client

from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import cluster, wiring
from touchline_bot.kube import lease, status

DURATION_SECS = 6
SLACK_SECS = 5.0


@pytest.fixture
async def hung_api_server() -> AsyncIterator[tuple[str, list[str]]]:
    """An HTTP server that accepts every request and never answers (a hung API server)."""
    seen: list[str] = []
    never = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        seen.append(f"{request.method} {request.path}")
        await never.wait()
        return web.Response(status=500)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hang)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        never.set()
        await runner.cleanup()


async def test_a_hung_api_server_stops_the_bot_before_its_lease_expires(
    hung_api_server: tuple[str, list[str]],
) -> None:
    url, seen = hung_api_server
    configuration = client.Configuration()
    configuration.host = url
    api_client = client.ApiClient(configuration=configuration)
    held = lease.MarketLease(api_client, "ns", "market-lease", "pod-a", duration_secs=DURATION_SECS)
    held.acquired_ms = held.renewed_ms = engine_clock.now_ms()  # just acquired
    duties = cluster.PodDuties(
        api_client, held, status.StatusWriter(api_client, "ns", "market"), asyncio.Event()
    )
    where = wiring.Endpoints("http://x", "ws://x", "k", Path("k"), "http://x", "ws://x")
    app = bot_app.BotApp((), where, engine_clock.WallClock())
    loop = asyncio.get_running_loop()
    started = loop.time()
    keeper = asyncio.create_task(duties.keep(app))
    try:
        await asyncio.wait_for(duties.lost.wait(), DURATION_SECS + SLACK_SECS)
        stopped_ms = engine_clock.now_ms()
    finally:
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)
        await api_client.close()
    print(f"lease given up {loop.time() - started:.2f} s into a {DURATION_SECS} s lease")
    assert seen  # the renewal did reach the server, and hung there
    assert stopped_ms < held.renewed_ms + DURATION_SECS * 1000  # before the Lease expired
