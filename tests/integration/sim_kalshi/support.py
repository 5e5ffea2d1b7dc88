"""Helpers for the simulator's loopback tests: tickers, key ids, request signing, a manual clock."""

from __future__ import annotations

import base64
import dataclasses

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from touchline_bot.sim.kalshi import server

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


def register(sim: server.RunningKalshiSim, key_id: str) -> Signer:
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
