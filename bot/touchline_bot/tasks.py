"""Stopping asyncio tasks without losing a cancellation or an error.

``with suppress(CancelledError): await task`` after ``task.cancel()`` is not enough: cancelling
a task that awaits another task cancels the awaited one instead, so the caller's own
cancellation arrives as the child's ``CancelledError`` and is swallowed with it — the caller
then runs on as if never cancelled (a Polymarket feed reconnected forever that way).
``cancelling()`` tells the two apart. Every part of the bot that stops a task uses this module.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait until it has finished; a cancellation of the caller still
    propagates, and an error the task ended with is raised."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise


async def stop_all(tasks: Iterable[asyncio.Task[Any]], log: logging.Logger) -> None:
    """Cancel every task, then wait for each; an error a task ended with is logged (with the
    task's name), not raised, so that one failed task cannot stop the others' shutdown."""
    pending = list(tasks)
    for task in pending:
        task.cancel()
    for task in pending:
        try:
            await cancel_and_wait(task)
        except Exception:
            log.exception("task ended with an error", extra={"task": task.get_name()})
