"""Stream against a loopback WebSocket server: signed handshake (fresh on every reconnect),
books rebuilt from new snapshots, garbled frames counted, idle detection, no secret in logs."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator

import pytest

from tests.unit.venues.kalshi import fake_ws, keys
from touchline_bot.venues.kalshi import auth, messages, stream


@pytest.fixture
async def venue() -> AsyncIterator[fake_ws.FakeVenueWs]:
    async for fake in fake_ws.serve(fake_ws.FakeVenueWs()):
        yield fake


@contextlib.asynccontextmanager
async def running(
    venue: fake_ws.FakeVenueWs, signer: auth.Signer, **options: float
) -> AsyncIterator[tuple[stream.KalshiStream, list[object]]]:
    seen: list[object] = []

    def handler(item: object) -> None:
        seen.append(item)
        venue.watch.poke()

    ticks = itertools.count(1_700_000_000_000, 1000)
    kalshi = stream.KalshiStream(
        venue.url,
        ["A"],
        signer=signer,
        handler=handler,
        now_ms=lambda: next(ticks),
        random_fn=lambda: 0.0,
        options=stream.StreamOptions(**options),  # type: ignore[arg-type]
    )
    task = asyncio.create_task(kalshi.run())
    try:
        yield kalshi, seen
    finally:
        await kalshi.stop()
        await asyncio.wait_for(task, timeout=5)


def _verify_handshake(headers: dict[str, str]) -> None:
    text = headers["KALSHI-ACCESS-TIMESTAMP"] + "GET" + "/trade-api/ws/v2"
    signature = base64.b64decode(headers["KALSHI-ACCESS-SIGNATURE"])
    keys.ed25519_key().public_key().verify(signature, text.encode())


async def test_reconnect_signs_afresh_and_rebuilds_the_book_from_the_new_snapshot(
    venue: fake_ws.FakeVenueWs,
) -> None:
    signer = auth.Signer(keys.KEY_ID, keys.ed25519_key())
    async with running(venue, signer) as (kalshi, seen):
        await venue.watch.until(lambda: kalshi.books["A"].valid)
        assert kalshi.books["A"].best_bid == 4000
        venue.snapshot_yes = "0.4500"
        await venue.drop()
        await venue.watch.until(lambda: kalshi.books["A"].best_bid == 4500)
        assert kalshi.books["A"].valid
        assert kalshi.stats.reconnects == 1
    assert len(venue.handshakes) == 2
    for headers in venue.handshakes:
        assert headers["KALSHI-ACCESS-KEY"] == keys.KEY_ID
        _verify_handshake(headers)
    stamps = [h["KALSHI-ACCESS-TIMESTAMP"] for h in venue.handshakes]
    assert stamps[0] != stamps[1]
    assert not kalshi.books["A"].top().valid, "stopping leaves the books invalid"
    statuses = [s for s in seen if isinstance(s, stream.StreamStatus)]
    assert [s.connected for s in statuses[:3]] == [True, False, True]


async def test_garbled_and_unexpected_frames_are_counted_and_the_stream_continues(
    venue: fake_ws.FakeVenueWs,
) -> None:
    signer = auth.Signer(keys.KEY_ID, keys.ed25519_key())
    async with running(venue, signer) as (kalshi, seen):
        await venue.watch.until(lambda: kalshi.books["A"].valid)
        for frame in (b"{garbage", b"[]", b'{"type":"orderbook_delta","sid":100}', b"\xff\xfe"):
            await venue.push(frame)
        await venue.push({"type": "ticker", "sid": 9, "msg": {}})
        await venue.push_book("A", "0.4700")
        await venue.watch.until(lambda: kalshi.books["A"].best_bid == 4700)
        assert kalshi.stats.malformed_frames == 4
        assert kalshi.stats.unexpected_frames == 1
        assert kalshi.stats.reconnects == 0
        assert any(isinstance(m, messages.BookSnapshot) for m in seen)


async def test_silent_connection_is_detected_idle_and_reconnected(
    venue: fake_ws.FakeVenueWs,
) -> None:
    signer = auth.Signer(keys.KEY_ID, keys.ed25519_key())
    venue.silent = True
    async with running(venue, signer, idle_timeout_secs=0.2) as (kalshi, _):
        await venue.watch.until(lambda: kalshi.stats.idle_timeouts >= 1)
        await venue.watch.until(lambda: len(venue.handshakes) >= 2)
        assert not kalshi.books["A"].valid


async def test_handler_bug_does_not_kill_the_stream(venue: fake_ws.FakeVenueWs) -> None:
    def broken(_: object) -> None:
        venue.watch.poke()
        raise RuntimeError("consumer bug")

    kalshi = stream.KalshiStream(
        venue.url,
        ["A"],
        signer=auth.Signer(keys.KEY_ID, keys.ed25519_key()),
        handler=broken,
        now_ms=lambda: 1,
        random_fn=lambda: 0.0,
    )
    task = asyncio.create_task(kalshi.run())
    await venue.watch.until(lambda: kalshi.books["A"].valid)
    await kalshi.stop()
    await asyncio.wait_for(task, timeout=5)


@pytest.mark.parametrize("key_kind", ["rsa", "ed25519"])
async def test_no_secret_appears_in_any_log_line(
    venue: fake_ws.FakeVenueWs, caplog: pytest.LogCaptureFixture, key_kind: str
) -> None:
    key = keys.rsa_key() if key_kind == "rsa" else keys.ed25519_key()
    signer = auth.Signer(keys.KEY_ID, key)
    caplog.set_level(logging.DEBUG)
    async with running(venue, signer, idle_timeout_secs=0.3) as (kalshi, _):
        await venue.watch.until(lambda: kalshi.books["A"].valid)
        await venue.push(b"{garbage")
        await venue.push(
            {"id": 0, "type": "error", "sid": 100, "msg": {"code": 25, "msg": "overflow"}}
        )
        await venue.drop()
        await venue.watch.until(lambda: len(venue.handshakes) >= 2)
    logged = "\n".join(
        r.getMessage() + " " + " ".join(str(v) for v in vars(r).values()) for r in caplog.records
    )
    assert "kalshi ws malformed frame" in logged
    pem_body = keys.pem(key, "pkcs8").decode().splitlines()[1]
    secrets = [pem_body] + [h["KALSHI-ACCESS-SIGNATURE"] for h in venue.handshakes]
    for secret in secrets:
        assert secret not in logged
