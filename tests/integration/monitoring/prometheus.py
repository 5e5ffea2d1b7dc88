"""The real ``prometheus`` binary as a child process of a test: a static scrape configuration
for the bots and the risk service on loopback, one-second scrape and rule evaluation, the
chart's canonical alert rules, a temporary TSDB, and a small client for its HTTP API.

Waiting helpers poll on the test's event loop (the in-process simulators and bots keep running
while the test waits) and fail with what was last seen when the deadline passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

REPO = Path(__file__).resolve().parents[3]
RULES = REPO / "helm" / "touchline" / "files" / "prometheus-rules.yaml"
BOT_JOB = "touchline-bot"
RISK_JOB = "touchline-risk"
POLL_SECS = 0.25
STOP_SECS = 10.0


def binary() -> str | None:
    """The installed ``prometheus`` executable, if any."""
    return shutil.which("prometheus")


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scrape_config(bot_targets: list[str], risk_targets: list[str]) -> dict[str, Any]:
    """The configuration: both jobs every second, the real rules evaluated every second."""
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {"job_name": BOT_JOB, "static_configs": [{"targets": bot_targets}]},
            {"job_name": RISK_JOB, "static_configs": [{"targets": risk_targets}]},
        ],
    }


@dataclass
class Prometheus:
    """A running Prometheus and its HTTP API."""

    process: subprocess.Popen[bytes]
    base_url: str
    http: httpx.AsyncClient

    async def query(self, promql: str) -> list[dict[str, Any]]:
        """An instant query's result vector (empty when the query matches nothing)."""
        reply = await self.http.get("/api/v1/query", params={"query": promql})
        body = reply.json()
        if body.get("status") != "success":
            raise AssertionError(f"query {promql!r} failed: {body}")
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    async def alerts(self) -> list[dict[str, Any]]:
        """Every pending or firing alert."""
        reply = await self.http.get("/api/v1/alerts")
        alerts: list[dict[str, Any]] = reply.json()["data"]["alerts"]
        return alerts

    async def ready(self) -> bool:
        """Prometheus answers ``/-/ready``."""
        try:
            return (await self.http.get("/-/ready")).status_code == 200
        except httpx.TransportError:
            return False

    async def stop(self) -> None:
        """Terminate the process and wait for it, killing it after ``STOP_SECS``."""
        await self.http.aclose()
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(AssertionError):
                await until(lambda: _exited(self.process), timeout_secs=STOP_SECS, what="exit")
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _exited(process: subprocess.Popen[bytes]) -> Awaitable[bool]:
    async def probe() -> bool:
        return process.poll() is not None

    return probe()


def start(workdir: Path, config: dict[str, Any], executable: str) -> Prometheus:
    """Launch Prometheus on a free loopback port with a TSDB under ``workdir``; its output goes
    to ``workdir/prometheus.log``."""
    config_path = workdir / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(config))
    port = free_port()
    log = (workdir / "prometheus.log").open("wb")
    process = subprocess.Popen(  # a child process the test owns and stops
        [
            executable,
            f"--config.file={config_path}",
            f"--storage.tsdb.path={workdir / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--storage.tsdb.retention.time=1h",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    base_url = f"http://127.0.0.1:{port}"
    return Prometheus(process, base_url, httpx.AsyncClient(base_url=base_url, timeout=5.0))


async def until(probe: Callable[[], Awaitable[bool]], *, timeout_secs: float, what: str) -> None:
    """Await ``probe`` every ``POLL_SECS`` until true; fail after ``timeout_secs``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_secs
    while not await probe():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout_secs} s")
        await asyncio.sleep(POLL_SECS)
