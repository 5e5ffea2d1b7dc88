"""Helpers for the SDK contract tests: generated keys, the simulator in a background loop, and
the official SDK client pointed at it.

The official SDK is synchronous, so the simulator runs in its own thread and the tests call the
SDK directly. Keys: RSA (PKCS#1, as the web UI issues them) and Ed25519 (PKCS#8).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from typing import Any

import kalshi_python_sync as kalshi
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.contract import sdk
from touchline_bot.sim.kalshi import server

STARTUP_TIMEOUT_SECS = 10


@dataclasses.dataclass(frozen=True)
class Key:
    """An API key: its id, private key PEM (what the SDK loads) and public key PEM."""

    key_id: str
    private_pem: str
    public_pem: bytes


def rsa_key(key_id: str) -> Key:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Key(key_id, pem, public)


def ed25519_key(key_id: str) -> Key:
    private = ed25519.Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Key(key_id, pem, public)


class SimThread:
    """A running simulator owned by a background thread's event loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.sim = self.call(server.start_kalshi_sim())

    def call(self, coro: Any) -> Any:
        """Run ``coro`` on the simulator's loop and wait for its result (with a deadline)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(STARTUP_TIMEOUT_SECS)

    def close(self) -> None:
        self.call(self.sim.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(STARTUP_TIMEOUT_SECS)
        self.loop.close()


def client_for(sim: server.RunningKalshiSim, key: Key) -> Any:
    """The official SDK client, unchanged, pointed at the simulator."""
    config = sdk.Configuration(host=sim.base_url)
    config.api_key_id = key.key_id
    config.private_key_pem = key.private_pem
    # The SDK's client constructor is untyped; the tests only call its typed API methods.
    return kalshi.KalshiClient(config)  # type: ignore[no-untyped-call]
