"""Stopping a feed task: the task is always finished afterwards, and a cancellation of the
caller that arrives while it waits is never swallowed (a swallowed cancellation once left the
feed's stream loop reconnecting forever inside a cancelled ``TaskGroup``)."""

from __future__ import annotations

import asyncio

import pytest

from touchline_bot.venues.polymarket import feed


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
    stopping = asyncio.create_task(feed.cancel_and_wait(child))
    release.set()
    await asyncio.wait_for(stopping, timeout=5)
    assert child.cancelled()


async def test_a_cancelled_caller_stays_cancelled_while_the_task_finishes() -> None:
    entered, release = asyncio.Event(), asyncio.Event()
    child = asyncio.create_task(_slow_to_stop(entered, release))
    await entered.wait()
    after: list[str] = []

    async def owner() -> None:
        await feed.cancel_and_wait(child)
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
