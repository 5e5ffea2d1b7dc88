"""A bot pod's Kubernetes duties close their API client on every path: a key missing from the
pod's market.json opens none, and a Lease release that cannot reach the server still closes it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests import leaks
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import cluster, wiring
from touchline_bot.kube import api, lease, status

NOWHERE = wiring.Endpoints(
    kalshi_rest="http://127.0.0.1:1", kalshi_ws="ws://127.0.0.1:1", kalshi_key_id="k",
    kalshi_key_path=Path("unused.pem"),
)  # fmt: skip


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> Iterator[leaks.Sessions]:
    with leaks.tracking(monkeypatch) as tracked:
        yield tracked


async def test_close_closes_the_api_client_when_the_lease_release_fails(
    tmp_path: Path, sessions: leaks.Sessions
) -> None:
    api_client = await api.connect(leaks.unreachable_kubeconfig(tmp_path))
    duties = cluster.PodDuties(
        api_client,
        lease.MarketLease(api_client, "markets", "tl-bot-home", "pod-a"),
        status.StatusWriter(api_client, "markets", "home"),
        asyncio.Event(),
    )
    app = bot_app.BotApp((), NOWHERE, engine_clock.WallClock())
    with pytest.raises(aiohttp.ClientError):
        await duties.close(app)
    assert sessions.created == 1
    assert sessions.open() == []


async def test_a_market_json_without_its_lease_name_opens_no_client(
    sessions: leaks.Sessions,
) -> None:
    with pytest.raises(KeyError, match="leaseName"):
        await cluster.PodDuties.connect({"namespace": "markets", "name": "home"})
    assert sessions.created == 0
