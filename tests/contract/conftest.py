"""Fixtures of the SDK contract tests: keys per session, a seeded simulator per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract import support
from touchline_bot.sim.kalshi import seed, server


@pytest.fixture(scope="session")
def keys() -> dict[str, support.Key]:
    return {
        "rsa": support.rsa_key("11111111-1111-4111-8111-111111111111"),
        "ed25519": support.ed25519_key("22222222-2222-4222-8222-222222222222"),
        "counterparty": support.ed25519_key("33333333-3333-4333-8333-333333333333"),
    }


@pytest.fixture
def sim(keys: dict[str, support.Key]) -> Iterator[server.RunningKalshiSim]:
    running = support.SimThread()
    sim = running.sim
    seed.epl_match(sim.exchange, sim.shared.now_ms())
    for key in keys.values():
        sim.register_key(key.key_id, key.public_pem)
    yield sim
    running.close()
