"""The Kalshi simulator on loopback in the test's event loop, a funded key, and signing."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from touchline_bot.sim.kalshi import seed, server

ARS = "KXEPLGAME-26NOV28ARSCHE-ARS"
KEY_ID = "44444444-4444-4444-8444-444444444444"
OTHER_KEY_ID = "55555555-5555-4555-8555-555555555555"


@dataclasses.dataclass(frozen=True)
class Signer:
    """Signs requests for one Ed25519 key, as a client would."""

    key_id: str
    private: ed25519.Ed25519PrivateKey

    def headers(self, method: str, path: str, now_ms: int) -> dict[str, str]:
        signature = self.private.sign(f"{now_ms}{method}{path}".encode())
        return {
            "KALSHI-ACCESS-KEY": self.key_id,
            "KALSHI-ACCESS-TIMESTAMP": str(now_ms),
            "KALSHI-ACCESS-SIGNATURE": base64.b64encode(signature).decode(),
        }


def _register(sim: server.RunningKalshiSim, key_id: str) -> Signer:
    private = ed25519.Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    sim.register_key(key_id, public)
    return Signer(key_id, private)


class ManualClock:
    """A clock that only moves when a test moves it, so token buckets are deterministic."""

    def __init__(self, start_ms: int) -> None:
        self.now = start_ms

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_795_000_000_000)


@pytest.fixture
async def sim(clock: ManualClock) -> AsyncIterator[server.RunningKalshiSim]:
    options = server.SimOptions(ping_interval_secs=0.05)
    running = await server.start_kalshi_sim(options=options, now_ms=clock)
    seed.epl_match(running.exchange, running.shared.now_ms())
    running.flush()
    yield running
    await running.stop()


@pytest.fixture
def signer(sim: server.RunningKalshiSim) -> Signer:
    return _register(sim, KEY_ID)


@pytest.fixture
def other(sim: server.RunningKalshiSim) -> Signer:
    return _register(sim, OTHER_KEY_ID)
