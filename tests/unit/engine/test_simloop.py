"""The simulated event loop: time stands still while anything is ready (callbacks, sockets,
threads) and jumps to the next timer when everything is idle; the loop clock reads it."""

from __future__ import annotations

import asyncio
import time

import httpcore

from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import simloop


def test_an_hour_of_timers_passes_without_an_hour_of_real_time() -> None:
    async def main() -> tuple[float, int]:
        loop = asyncio.get_running_loop()
        for _ in range(60):
            await asyncio.sleep(60)
        assert isinstance(loop, simloop.SimulatedEventLoop)
        return loop.time(), loop.jumps

    started = time.monotonic()
    sim_secs, jumps = simloop.run(main)
    assert sim_secs == 3_600
    assert jumps == 60
    assert time.monotonic() - started < 60


def test_busy_work_takes_no_simulated_time() -> None:
    async def main() -> float:
        loop = asyncio.get_running_loop()
        before = loop.time()
        deadline = time.monotonic() + 0.05
        while time.monotonic() < deadline:  # the machine is busy, the match clock is not
            pass
        await asyncio.sleep(0)
        return loop.time() - before

    assert simloop.run(main) == 0


def test_a_thread_job_holds_simulated_time_until_it_is_done() -> None:
    async def main() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        ticker = asyncio.ensure_future(asyncio.sleep(10))  # a timer that could be jumped to
        await asyncio.to_thread(time.sleep, 0.1)
        during = loop.time()
        await ticker
        return during, loop.time()

    during, after = simloop.run(main)
    assert during == 0
    assert after == 10


def test_socket_data_is_read_before_a_later_timer_fires() -> None:
    async def main() -> list[str]:
        seen: list[str] = []

        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(await reader.readline())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        timer = asyncio.get_running_loop().call_later(0.001, seen.append, "timer")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"hello\n")
        seen.append((await reader.readline()).decode().strip())
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        timer.cancel()
        return seen

    assert simloop.run(main) == ["hello"]


def test_pace_holds_simulated_time_to_a_multiple_of_real_time() -> None:
    async def main() -> float:
        await asyncio.sleep(2)
        return asyncio.get_running_loop().time()

    started = time.monotonic()
    assert simloop.run(main, pace=20) == 2
    assert time.monotonic() - started >= 0.1


def test_the_loop_clock_reads_the_loops_time_from_its_start() -> None:
    async def main() -> tuple[int, int, int]:
        clock = engine_clock.LoopClock(
            asyncio.get_running_loop(), start_ms=1_800_000_000_000, seed=1
        )
        first = clock.now_ms()
        await asyncio.sleep(clock.real_secs(1_500))
        return first, clock.now_ms(), clock.monotonic_ms()

    assert simloop.run(main) == (1_800_000_000_000, 1_800_000_001_500, 1_500)


def test_the_loop_clocks_jitter_is_the_same_in_every_run() -> None:
    async def draws() -> list[float]:
        clock = engine_clock.LoopClock(asyncio.get_running_loop(), start_ms=0, seed=7)
        return [clock.rng().random() for _ in range(3)]

    assert simloop.run(draws) == simloop.run(draws)


def test_httpcore_keepalive_expiry_reads_simulated_time_during_a_run_only() -> None:
    async def main() -> float:
        return float(httpcore._async.http11.time.monotonic())  # type: ignore[attr-defined]

    assert simloop.run(main) == 0.0
    assert httpcore._async.http11.time is time  # type: ignore[attr-defined]
