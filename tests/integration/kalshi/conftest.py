"""Fixtures: the Kalshi simulator on loopback with one EPL match, our client (RSA key) and a
counterparty (Ed25519 key), and a helper to run our stream against it."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.unit.venues.kalshi import keys
from touchline_bot.engine import clock
from touchline_bot.sim.kalshi import seed, server
from touchline_bot.venues.kalshi import auth, client, stream

OUR_KEY_ID = keys.KEY_ID
THEIR_KEY_ID = "7e2d3c4b-0000-4000-8000-00000000beef"


def _public_pem(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass
class Venue:
    """The running simulator, its match tickers and the two parties' signers."""

    sim: server.RunningKalshiSim
    tickers: list[str]
    our_signer: auth.Signer
    their_signer: auth.Signer
    handshake_stamps: list[int] = field(default_factory=list)

    @property
    def ticker(self) -> str:
        return self.tickers[0]

    def client(self, signer: auth.Signer, *, limiter_enabled: bool = True) -> client.KalshiClient:
        rng = random.Random(7)
        return client.KalshiClient(
            self.sim.base_url,
            signer=signer,
            now_ms=clock.now_ms,
            monotonic_ms=clock.monotonic_ms,
            random_fn=rng.random,
            limiter_enabled=limiter_enabled,
        )

    def sim_levels(self, ticker: str) -> tuple[dict[int, int], dict[int, int]]:
        """The simulator's aggregated YES bids and NO bids (NO price) of ``ticker``."""
        book = self.sim.exchange.books[ticker]
        return dict(book.levels("yes")), dict(book.levels("no"))


@pytest.fixture
async def venue() -> AsyncIterator[Venue]:
    sim = await server.start_kalshi_sim("127.0.0.1", 0)
    ours, theirs = keys.rsa_key(), keys.ed25519_key()
    sim.register_key(OUR_KEY_ID, _public_pem(ours))
    sim.register_key(THEIR_KEY_ID, _public_pem(theirs))
    tickers = seed.epl_match(sim.exchange, clock.now_ms())
    try:
        yield Venue(sim, tickers, auth.Signer(OUR_KEY_ID, ours), auth.Signer(THEIR_KEY_ID, theirs))
    finally:
        await sim.stop()


@pytest.fixture
async def ours(venue: Venue) -> AsyncIterator[client.KalshiClient]:
    async with venue.client(venue.our_signer) as kalshi:
        yield kalshi


@pytest.fixture
async def theirs(venue: Venue) -> AsyncIterator[client.KalshiClient]:
    async with venue.client(venue.their_signer, limiter_enabled=False) as kalshi:
        yield kalshi


class Watch:
    """Wakes waiters whenever the stream handed over something."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()
        self.seen: list[object] = []

    def handler(self, item: object) -> None:
        self.seen.append(item)
        self._changed.set()

    async def until(self, predicate: Callable[[], bool], timeout_secs: float = 10.0) -> None:
        async with asyncio.timeout(timeout_secs):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()


@contextlib.asynccontextmanager
async def run_stream(
    venue: Venue, **options: object
) -> AsyncIterator[tuple[stream.KalshiStream, Watch]]:
    """Our stream on every market of the match, stopped on exit."""
    watch = Watch()

    def stamped_now_ms() -> int:
        # The stream reads the clock only to sign its handshake: record each signing.
        now = clock.now_ms()
        venue.handshake_stamps.append(now)
        return now

    kalshi = stream.KalshiStream(
        venue.sim.ws_url,
        venue.tickers,
        signer=venue.our_signer,
        handler=watch.handler,
        now_ms=stamped_now_ms,
        random_fn=random.Random(3).random,
        options=stream.StreamOptions(**options),  # type: ignore[arg-type]
    )
    task = asyncio.create_task(kalshi.run())
    try:
        yield kalshi, watch
    finally:
        await kalshi.stop()
        await asyncio.wait_for(task, timeout=10)
