"""Shared test configuration: Hypothesis profiles (``ci`` is derandomized), the root logger
put back after every test (a command run in-process configures logging for the whole process,
as it should in production), and ``time.sleep`` made to work in the shifted-clock pass."""

from __future__ import annotations

import logging
import operator
import os
import select
import time
from collections.abc import Iterator
from typing import SupportsIndex

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _sleep_by_select(secs: float | SupportsIndex) -> None:
    """``time.sleep`` as a relative ``select`` timeout, for the shifted-clock pass."""
    timeout = float(secs) if isinstance(secs, float) else float(operator.index(secs))
    if timeout < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], timeout)


# Under libfaketime 0.9.10 with the monotonic clock left real (``make test-shifted-clock``,
# docs/testing.md) the preload's clock_nanosleep rejects the absolute monotonic deadline that
# time.sleep passes it (EINVAL; fixed upstream after 0.9.10). Tests sleep in thread jobs and
# subprocess waits with a timeout sleep, so in that pass a sleep is a select() timeout, which
# the preload leaves alone. The product never sleeps a thread (ruff bans time.sleep there).
if os.environ.get("TOUCHLINE_SHIFTED_CLOCK_DAYS"):
    time.sleep = _sleep_by_select


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    yield
    root.setLevel(level)
    root.handlers[:] = handlers
