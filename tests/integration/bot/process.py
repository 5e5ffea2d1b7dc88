"""``touchline run|bot`` as a child process of the test: started with the seed's environment
variables and the host overrides that point it at the simulators, its JSON log lines in a file,
its bound HTTP port read back from the ``bot running`` line, and stopped by a signal.

The simulators run on the test's event loop, so every wait here is an ``asyncio`` poll."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.integration.bot import conftest

_LOG_TAIL_CHARS = 3000


@dataclass
class BotProcess:
    """One running ``touchline`` command and the file its output goes to."""

    proc: asyncio.subprocess.Process
    log: Path

    def log_text(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON log records written so far (other lines skipped)."""
        records = []
        for line in self.log_text().splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    records.append(record)
        return records

    def tail(self) -> str:
        """The end of the log, for failure messages."""
        return self.log_text()[-_LOG_TAIL_CHARS:]

    def http_port(self) -> int | None:
        """The port the process reported binding, once it did."""
        for record in self.log_lines():
            if record.get("msg") == "bot running" and isinstance(record.get("http_port"), int):
                port: int = record["http_port"]
                return port
        return None

    async def wait_port(self, timeout_secs: float) -> int:
        """Wait for the ``bot running`` line; fail early (quoting the log) if the process died."""

        def started() -> bool:
            if self.proc.returncode is not None:
                raise AssertionError(f"exited with {self.proc.returncode}:\n{self.tail()}")
            return self.http_port() is not None

        await conftest.until(started, timeout_secs=timeout_secs, what="bot running")
        port = self.http_port()
        assert port is not None
        return port

    async def terminate(self, timeout_secs: float) -> tuple[int, float]:
        """SIGTERM, then the exit code and the seconds the exit took (fails if it does not
        exit within ``timeout_secs``)."""
        loop = asyncio.get_running_loop()
        sent = loop.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout_secs)
        except TimeoutError as exc:
            raise AssertionError(f"no exit within {timeout_secs} s:\n{self.tail()}") from exc
        return code, loop.time() - sent

    async def kill(self) -> None:
        """Teardown after a failed test: make sure nothing outlives it."""
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


async def start(stack: conftest.Stack, argv: list[str], *, name: str) -> BotProcess:
    """Run ``touchline <argv>`` against the simulators of ``stack``."""
    log = stack.workdir / f"{name}.log"
    env = {**os.environ, **stack.env()}
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "touchline_bot.cli",
            *argv,
            *stack.cli_args(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
        )
    return BotProcess(proc, log)


@contextlib.asynccontextmanager
async def running(stack: conftest.Stack, argv: list[str], *, name: str) -> Any:
    """``start``, and kill on the way out whatever the test left running."""
    bot = await start(stack, argv, name=name)
    try:
        yield bot
    finally:
        await bot.kill()
