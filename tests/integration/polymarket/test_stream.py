"""One WebSocket session against the simulator: unanswered PINGs close the socket (the client
does not wait forever on a half-open link), and ``tick_size_change`` reaches the store; and
against a peer that never answers the closing handshake, ``close()`` still returns in time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from touchline_bot.core import units
from touchline_bot.venues.polymarket import messages, store, stream

from .conftest import Venue, wait_until

FAST_PINGS = stream.StreamOptions(ping_interval_secs=0.05, pong_timeout_secs=0.3)


async def test_missing_pongs_close_the_session(venue: Venue) -> None:
    venue.sim.faults.pong_muted = True
    async with aiohttp.ClientSession() as session:
        ws = stream.StreamSession(
            session, venue.sim.ws_url, [venue.yes["home"]], lambda _: None, FAST_PINGS
        )
        await asyncio.wait_for(ws.run(), timeout=5)
    assert ws.pong_timed_out


async def test_answered_pings_keep_the_session_and_tick_changes_reach_the_store(
    venue: Venue,
) -> None:
    token = venue.yes["home"]
    data = store.SignalStore([token])
    pongs: list[messages.Message] = []

    def on_messages(parsed: list[messages.Message]) -> None:
        pongs.extend(m for m in parsed if m == messages.TextFrame("PONG"))
        for message in parsed:
            data.apply(message, now_ms=0, source=store.Source.WS)

    async with aiohttp.ClientSession() as session:
        ws = stream.StreamSession(session, venue.sim.ws_url, [token], on_messages, FAST_PINGS)
        reader = asyncio.create_task(ws.run())
        await wait_until(lambda: len(pongs) >= 3 and data.top(token) is not None, timeout_secs=5)
        venue.sim.state.change_tick(token, units.Price(10))
        await wait_until(lambda: data.book(token).tick_size == units.Price(10), timeout_secs=5)
        await ws.close()
        await reader
    assert not ws.pong_timed_out


async def test_a_session_cancelled_while_it_stops_its_pinger_ends_cancelled(venue: Venue) -> None:
    """The cancellation lands exactly while ``run()`` waits for its pinger to stop (the
    window that once let a cancelled feed reconnect forever): it must still end the task."""
    loop = asyncio.get_running_loop()
    sessions: list[stream.StreamSession] = []
    tasks: list[asyncio.Task[None]] = []

    def on_messages(parsed: list[messages.Message]) -> None:
        if any(isinstance(m, messages.BookSnapshot) for m in parsed):
            sessions[0].request_close()  # run() leaves its read loop and stops the pinger,
            loop.call_soon(tasks[0].cancel)  # and this runs before the pinger has finished

    async with aiohttp.ClientSession() as session:
        sessions.append(
            stream.StreamSession(session, venue.sim.ws_url, [venue.yes["home"]], on_messages)
        )
        tasks.append(asyncio.create_task(sessions[0].run()))
        done, _ = await asyncio.wait(tasks, timeout=5)
    assert done, "the session did not end"
    assert tasks[0].cancelled(), "the cancellation was swallowed: run() returned normally"


@contextlib.asynccontextmanager
async def _silent_peer(subscribed: asyncio.Event) -> AsyncIterator[str]:
    """A WebSocket peer that takes the subscription and then never reads again: the client's
    closing frame is never answered (a half-open link, or a peer that hangs)."""
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoclose=False, autoping=False)
        await ws.prepare(request)
        await ws.receive()  # the subscription
        subscribed.set()
        await release.wait()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"ws://127.0.0.1:{port}/ws"
    finally:
        release.set()
        await runner.cleanup()


async def test_closing_against_a_peer_that_never_answers_returns_within_its_bound() -> None:
    subscribed = asyncio.Event()
    options = stream.StreamOptions(close_timeout_secs=0.2, connect_timeout_secs=60)
    async with _silent_peer(subscribed) as url, aiohttp.ClientSession() as session:
        ws = stream.StreamSession(session, url, ["token"], lambda _: None, options)
        reader = asyncio.create_task(ws.run())
        await asyncio.wait_for(subscribed.wait(), timeout=5)
        # aiohttp alone would wait out its own 60 s close timeout; the session gives up at 0.2 s.
        await asyncio.wait_for(ws.close(), timeout=5)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
