"""What the shifted-clock pass (``make test-shifted-clock``: libfaketime, the wall clock 400 days
ahead, the monotonic clock left alone) relies on, checked in both passes: asyncio's timers and
timeouts, a thread's timed wait and a child process keep real time; and in the shifted pass, that
the wall clock really is shifted (a pass that silently ran on today's date would prove nothing).

Debian's libfaketime 0.9.10 cannot fake the monotonic clock under Python 3.11: it does not wrap
``sem_clockwait``, so every timed wait of a thread would wait until the faked deadline (400 days).
With ``FAKETIME_DONT_FAKE_MONOTONIC=1`` asyncio is untouched, but its ``clock_nanosleep`` wrapper
then rejects an absolute monotonic deadline: ``time.sleep`` would raise EINVAL, so in that pass
``tests/conftest.py`` sleeps by ``select`` (ruff bans ``time.sleep`` in the product; see
docs/testing.md).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time

import pytest

SHIFT_DAYS_ENV = "TOUCHLINE_SHIFTED_CLOCK_DAYS"
DAY_NS = 86_400 * 1_000_000_000
DEADLINE_SECS = 10.0


async def test_asyncio_sleeps_and_timeouts_take_real_time() -> None:
    loop = asyncio.get_running_loop()
    started_loop, started_ns = loop.time(), time.perf_counter_ns()
    await asyncio.sleep(0.05)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.Event().wait(), 0.05)
    took_secs = (time.perf_counter_ns() - started_ns) / 1e9
    assert 0.1 <= loop.time() - started_loop < DEADLINE_SECS
    assert 0.1 <= took_secs < DEADLINE_SECS


@pytest.mark.timeout(DEADLINE_SECS)
async def test_a_threads_timed_wait_ends_on_time() -> None:
    def timed_wait() -> bool:
        return threading.Event().wait(0.05)

    started_ns = time.perf_counter_ns()
    assert await asyncio.wait_for(asyncio.to_thread(timed_wait), DEADLINE_SECS) is False
    assert (time.perf_counter_ns() - started_ns) / 1e9 < DEADLINE_SECS


@pytest.mark.timeout(DEADLINE_SECS)
def test_a_threads_sleep_and_a_subprocess_wait_with_a_timeout_take_real_time() -> None:
    started_ns = time.perf_counter_ns()
    sleeper = threading.Thread(target=time.sleep, args=(0.05,))
    sleeper.start()
    sleeper.join(DEADLINE_SECS)
    assert not sleeper.is_alive()
    done = subprocess.run([sys.executable, "-c", "pass"], timeout=DEADLINE_SECS, check=True)
    took_secs = (time.perf_counter_ns() - started_ns) / 1e9
    assert done.returncode == 0
    assert 0.05 <= took_secs < DEADLINE_SECS


async def _child_wall_ns(env: dict[str, str]) -> int:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time; print(time.time_ns())",
        env=env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(child.communicate(), DEADLINE_SECS)
    assert child.returncode == 0
    return int(out)


@pytest.mark.skipif(
    SHIFT_DAYS_ENV not in os.environ, reason="the clock is not shifted (make test-shifted-clock)"
)
async def test_the_wall_clock_is_shifted_here_and_in_child_processes() -> None:
    shift_ns = int(os.environ[SHIFT_DAYS_ENV]) * DAY_NS
    unshifted = {k: v for k, v in os.environ.items() if k not in {"LD_PRELOAD", "FAKETIME"}}
    real_ns = await _child_wall_ns(unshifted)
    ours_ns, childs_ns = time.time_ns(), await _child_wall_ns(dict(os.environ))
    hour_ns = 3_600 * 1_000_000_000
    assert abs(ours_ns - real_ns - shift_ns) < hour_ns
    assert abs(childs_ns - real_ns - shift_ns) < hour_ns
