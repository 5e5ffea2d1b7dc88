"""The bot's risk-service token: a rotated projected token is picked up at the next report, and
no value it ever read shows in a log line."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from touchline_bot.core import units
from touchline_bot.risk_service import client, rules
from touchline_bot.telemetry import logs

FIRST = "eyJhbGciOiJSUzI1NiJ9.first-token-value"
SECOND = "eyJhbGciOiJSUzI1NiJ9.rotated-token-value"


def _write(path: Path, token: str, mtime_ns: int) -> None:
    path.write_text(token + "\n")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_rotated_token_file_is_read_again_and_both_values_are_redacted(tmp_path: Path) -> None:
    path = tmp_path / "token"
    _write(path, FIRST, 1_000_000_000)
    token = client.TokenFile(path)
    assert token() == FIRST
    _write(path, SECOND, 2_000_000_000)
    assert token() == SECOND
    line = logs.redact(f"sent {FIRST} then {SECOND}")
    assert FIRST not in line
    assert SECOND not in line


async def test_each_report_carries_the_token_current_at_that_moment(tmp_path: Path) -> None:
    path = tmp_path / "token"
    _write(path, FIRST, 1_000_000_000)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        lease = {"budget_dollars": "10", "ttl_ms": 5_000}
        body = {"lease": lease, "halted": False, "halt_reason": ""}
        return httpx.Response(200, json=body)

    bot = client.RiskClient(
        base_url="http://risk.test",
        token=client.TokenFile(path),
        ticker="KXT",
        transport=httpx.MockTransport(answer),
    )
    zero = units.Money(0)
    report = rules.BotReport("m", 1, 0, exposure=zero, realized_pnl=zero, unrealized_pnl=zero)
    try:
        await bot.report(report)
        _write(path, SECOND, 2_000_000_000)
        await bot.report(report)
    finally:
        await bot.aclose()
    assert seen == [f"Bearer {FIRST}", f"Bearer {SECOND}"]
