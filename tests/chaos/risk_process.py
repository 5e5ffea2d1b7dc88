"""``touchline risk`` (local mode) as a child process of the test: its JSON log in a file, its
URL read back from the ``risk service listening`` line, killed (a crash) or stopped by the test.
Every wait polls a condition with a deadline."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SECRET = "chaos-secret-0123456789"
POLL_SECS = 0.05


def flat_report(market_id: str, ticker: str) -> dict[str, object]:
    """A report body of a market holding nothing: no position, no exposure, no PnL."""
    from touchline_bot.core import units
    from touchline_bot.risk_service import rules, wire

    report = rules.BotReport(
        market_id=market_id,
        ts_ms=0,
        position_qty=0,
        exposure=units.Money(0),
        realized_pnl=units.Money(0),
        unrealized_pnl=units.Money(0),
    )
    return wire.report_to_json(report, ticker=ticker)


@dataclass
class RiskProcess:
    """One running risk service and the file its output goes to."""

    proc: asyncio.subprocess.Process
    log: Path

    def records(self) -> list[dict[str, Any]]:
        """The JSON log records written so far."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        found = []
        for line in text.splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    found.append(record)
        return found

    def url(self) -> str | None:
        """The base URL once the service said it listens."""
        for record in self.records():
            if record.get("msg") == "risk service listening":
                return str(record["url"])
        return None

    async def wait_url(self, timeout_secs: float) -> str:
        """Wait for the listening line; fail (with the log) if the process exits first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_secs
        while (url := self.url()) is None:
            if self.proc.returncode is not None or loop.time() > deadline:
                raise AssertionError(f"no listening line:\n{self.log.read_text()[-3000:]}")
            await asyncio.sleep(POLL_SECS)
        return url

    async def crash(self) -> None:
        """SIGKILL: nothing gets a chance to flush or save."""
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()


async def start(
    workdir: Path, *args: str, name: str, env_extra: dict[str, str] | None = None
) -> RiskProcess:
    """Start ``touchline risk --port 0 <args>`` with the shared secret in its environment (and
    ``env_extra``: the Kalshi key that gives it venue access)."""
    log = workdir / f"{name}.log"
    env = {**os.environ, "TOUCHLINE_RISK_SECRET": SECRET, **(env_extra or {})}
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "touchline_bot.cli", "risk", "--port", "0", *args,
            stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT,
            env=env, cwd=workdir,
        )  # fmt: skip
    return RiskProcess(proc, log)


@contextlib.asynccontextmanager
async def running(
    workdir: Path, *args: str, name: str, env_extra: dict[str, str] | None = None
) -> AsyncIterator[RiskProcess]:
    """``start``, and kill on the way out whatever the test left running."""
    risk = await start(workdir, *args, name=name, env_extra=env_extra)
    try:
        yield risk
    finally:
        await risk.crash()
