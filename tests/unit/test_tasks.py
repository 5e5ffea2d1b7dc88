"""Stopping a task: the task is always finished afterwards, a cancellation of the caller that
arrives while it waits is never swallowed (a swallowed cancellation once left the Polymarket
feed's stream loop reconnecting forever inside a cancelled ``TaskGroup``), and a shutdown of
many tasks logs the one that failed and still stops the others."""

from __future__ import annotations

import asyncio
import logging

import pytest

from touchline_bot import tasks


async def _slow_to_stop(entered: asyncio.Event, release: asyncio.Event) -> None:
    """Like a feed closing its socket: cancellation takes a while to finish."""
    try:
        entered.set()
        await asyncio.Event().wait()
    finally:
        await release.wait()


async def test_cancel_and_wait_finishes_the_task() -> None:
    entered, release = asyncio.Event(), asyncio.Event()
    child = asyncio.create_task(_slow_to_stop(entered, release))
    await entered.wait()
    stopping = asyncio.create_task(tasks.cancel_and_wait(child))
    release.set()
    await asyncio.wait_for(stopping, timeout=5)
    assert child.cancelled()


async def test_a_cancelled_caller_stays_cancelled_while_the_task_finishes() -> None:
    entered, release = asyncio.Event(), asyncio.Event()
    child = asyncio.create_task(_slow_to_stop(entered, release))
    await entered.wait()
    after: list[str] = []

    async def owner() -> None:
        await tasks.cancel_and_wait(child)
        after.append("ran on after being cancelled")

    stopping = asyncio.create_task(owner())
    await asyncio.sleep(0)  # let the owner reach its wait on the child
    stopping.cancel()  # the owner's cancellation is forwarded to the awaited child ...
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(stopping, timeout=5)
    assert stopping.cancelled()  # ... and must still end the owner
    assert after == []
    assert child.done()


async def test_stop_all_logs_a_failed_task_and_still_stops_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fails() -> None:
        raise RuntimeError("feed crashed")

    broken = asyncio.create_task(fails(), name="broken-feed")
    await asyncio.wait([broken])
    waiting = asyncio.create_task(asyncio.Event().wait(), name="runner")
    log = logging.getLogger("test.tasks")
    with caplog.at_level(logging.ERROR, logger=log.name):
        await tasks.stop_all([broken, waiting], log)
    assert waiting.cancelled()
    (record,) = caplog.records
    assert record.getMessage() == "task ended with an error"
    assert record.__dict__["task"] == "broken-feed"
