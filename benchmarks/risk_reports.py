"""Benchmark: the risk service's report latency with 300 and 1,000 bots (issue 17 item 14).

Two measurements per fleet size, printed as one JSON line:

* ``http``: the real ``touchline risk`` process (local mode, a fresh state file) and that many
  bots, each reporting once a second (spread evenly over the second) over HTTP with its own
  token, for ``--secs`` seconds; the latency of every report from send to answer, as a bot sees
  it (the bots share this process, so on a busy machine their own cost is in it);
* ``service``: the service's own work per report (``RiskService.report`` in process, no HTTP),
  over a ledger already holding every bot — the part that used to grow with the fleet.

Target: p99 ≤ 50 ms at 1,000 bots over HTTP (the bot's timeout is 1 s).

    .venv/bin/python benchmarks/risk_reports.py [--bots 300 1000] [--secs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from prometheus_client import CollectorRegistry

from touchline_bot.core import units
from touchline_bot.risk_service import auth, rules, service, store, wire
from touchline_bot.risk_service import metrics as risk_metrics

SECRET = "benchmark-secret-0123456789"
LIMITS = rules.AccountLimits(
    max_total_notional=units.money_from_dollars(125_000),
    max_drawdown=units.money_from_dollars(10**6),
)


def _report(market_id: str, exposure_cents: int) -> rules.BotReport:
    return rules.BotReport(
        market_id=market_id,
        ts_ms=0,
        position_qty=0,
        exposure=units.Money(exposure_cents * 10_000),
        realized_pnl=units.Money(0),
        unrealized_pnl=units.Money(0),
    )


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(cut[49], 3), "p99_ms": round(cut[98], 3), "n": len(ordered)}


async def _service_side(bots: int, rounds: int) -> dict[str, float]:
    clock = {"ms": 1_000}
    with tempfile.TemporaryDirectory() as tmp:
        svc = service.RiskService(
            limits=LIMITS,
            durable=store.FileStore(Path(tmp) / "risk.json", first_start=True),
            metrics=risk_metrics.RiskMetrics(CollectorRegistry()),
            now_ms=lambda: clock["ms"],
        )
        await svc.start()
        samples = []
        for r in range(rounds):
            for i in range(bots):
                clock["ms"] += 1_000 // bots or 1
                report = _report(f"m{i}", (i * 7 + r) % 500)
                report = rules.BotReport(**{**_fields(report), "ts_ms": clock["ms"]})
                started = time.perf_counter()
                await svc.report(report, f"KX-M{i}")
                samples.append((time.perf_counter() - started) * 1000)
        return _percentiles(samples[bots:])  # the first round only fills the ledger


def _fields(report: rules.BotReport) -> dict[str, object]:
    return {name: getattr(report, name) for name in report.__dataclass_fields__}


async def _http_side(bots: int, secs: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "risk.log"
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "touchline_bot.cli", "risk", "--port", "0",
                "--first-start", "--state-file", str(Path(tmp) / "risk.json"),
                "--max-total-notional-dollars", "125000",
                stdout=out, stderr=asyncio.subprocess.STDOUT,
                env={**os.environ, "TOUCHLINE_RISK_SECRET": SECRET},
            )  # fmt: skip
        try:
            url = await _wait_url(log, proc)
            return await _drive(url, bots, secs)
        finally:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()


async def _wait_url(log: Path, proc: asyncio.subprocess.Process) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = await asyncio.to_thread(log.read_text, errors="replace")
        for line in text.splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict) and record.get("msg") == "risk service listening":
                    return str(record["url"])
        if proc.returncode is not None:
            break
        await asyncio.sleep(0.05)
    text = await asyncio.to_thread(log.read_text, errors="replace")
    raise SystemExit(f"the risk service did not start:\n{text[-2000:]}")


async def _drive(url: str, bots: int, secs: float) -> dict[str, float]:
    tokens = auth.SharedSecretAuth(SECRET)
    samples: list[float] = []
    failures = 0
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(base_url=url, connector=connector) as http:

        async def bot(i: int) -> None:
            nonlocal failures
            market = f"m{i}"
            headers = {"Authorization": f"Bearer {tokens.token_for(market)}"}
            loop = asyncio.get_running_loop()
            await asyncio.sleep(i / bots)  # spread over the second
            start = loop.time()
            beat = 0
            while loop.time() - start < secs:
                body = wire.report_to_json(_report(market, (i + beat) % 500), ticker=f"KX-{i}")
                sent = time.perf_counter()
                try:
                    async with http.post("/v1/reports", json=body, headers=headers) as answer:
                        await answer.read()
                        ok = answer.status == 200
                except aiohttp.ClientError:
                    ok = False
                if ok:
                    samples.append((time.perf_counter() - sent) * 1000)
                else:
                    failures += 1
                beat += 1
                await asyncio.sleep(max(0.0, start + beat - loop.time()))

        await asyncio.gather(*(bot(i) for i in range(bots)))
    return {**_percentiles(samples), "failures": failures}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bots", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--secs", type=float, default=10.0)
    args = parser.parse_args()
    result: dict[str, object] = {"benchmark": "risk_reports"}
    for bots in args.bots:
        result[f"service_{bots}"] = await _service_side(bots, rounds=5)
        result[f"http_{bots}"] = await _http_side(bots, args.secs)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
