"""The operator's shared state opens one API client and closes it on every path: a start that
fails after connecting (the metrics port taken), and a close whose rollout ends in an error."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import leaks
from touchline_operator import handlers, runtime


@pytest.fixture
def kubeconfig(tmp_path: Path) -> str:
    return str(leaks.unreachable_kubeconfig(tmp_path))


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> Iterator[leaks.Sessions]:
    with leaks.tracking(monkeypatch) as tracked:
        yield tracked


async def test_a_start_that_fails_after_connecting_closes_the_api_client(
    kubeconfig: str, taken_port: int, sessions: leaks.Sessions
) -> None:
    options = runtime.Options(
        namespaces=("ns",), fleet_namespace="ns", kubeconfig=kubeconfig, metrics_port=taken_port
    )
    with pytest.raises(OSError, match="in use"):
        await runtime.State.start(options)
    assert sessions.created >= 1
    assert sessions.open() == []


async def test_close_closes_the_api_client_even_when_the_rollout_fails(
    kubeconfig: str, sessions: leaks.Sessions
) -> None:
    state = await runtime.State.start(
        runtime.Options(namespaces=("ns",), fleet_namespace="ns", kubeconfig=kubeconfig)
    )

    waiting = asyncio.Event()

    async def failing_rollout() -> None:
        try:
            waiting.set()
            await asyncio.Event().wait()
        finally:
            raise RuntimeError("the rollout's last write failed")

    state.start_rollout("r1", failing_rollout())
    await asyncio.wait_for(waiting.wait(), timeout=10)
    with pytest.raises(RuntimeError, match="last write failed"):
        await state.close()
    assert sessions.open() == []


async def test_cleanup_after_a_failed_startup_has_nothing_to_close() -> None:
    class Memo:
        """kopf's memo as a failed startup handler leaves it: no state."""

    # kopf's decorator types the handler as kopf calls it (every keyword); this is a direct call.
    cleanup: Any = handlers.cleanup
    await cleanup(memo=Memo())
