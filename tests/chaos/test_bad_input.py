"""Item 18: hostile bodies sent to the risk service's HTTP API (the real server on loopback)
are answered with a clean 400 — never a 500 — and change nothing; the halt reason's metric
label is bounded."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from touchline_bot.core import units
from touchline_bot.risk_service import rules, runner

SECRET = "chaos-secret-0123456789"
LIMITS = rules.AccountLimits(
    max_total_notional=units.Money(125_000_000),
    max_drawdown=units.Money(50_000_000),
    lease_ttl_ms=3_000,
)
REPORT = {
    "market_id": "home",
    "ticker": "KX",
    "position_contracts": "0",
    "exposure_dollars": "0",
    "realized_pnl_dollars": "0",
    "unrealized_pnl_dollars": "0",
    "resting_orders": 0,
    "halted_ack": False,
}
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
async def risk(tmp_path: Path) -> AsyncIterator[runner.RunningRiskService]:
    running = await runner.start_risk_service(
        limits=LIMITS, state_path=tmp_path / "risk.json", secret=SECRET, now_ms=lambda: 1_000
    )
    try:
        yield running
    finally:
        await running.stop()


def _client(risk: runner.RunningRiskService, who: str) -> httpx.AsyncClient:
    token = risk.auth.admin_token() if who == "admin" else risk.auth.token_for(who)
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.AsyncClient(base_url=risk.base_url, headers=headers, timeout=10.0)


def _report(**fields: object) -> str:
    return json.dumps({**REPORT, **fields})


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(DEEP, id="deeply-nested"),
        pytest.param(
            _report().replace('"resting_orders": 0', '"resting_orders": 1e400'), id="1e400"
        ),
        pytest.param(_report(exposure_dollars=1e30), id="exposure-1e30"),
        pytest.param(_report(realized_pnl_dollars="-1e30"), id="pnl-minus-1e30"),
        pytest.param(_report(market_id=["home"]), id="unhashable-market"),
        pytest.param(_report(halted_ack="false"), id="halted-ack-string"),
        pytest.param(_report(exposure_dollars="\u0661\u0662"), id="unicode-digits"),
        pytest.param('{"market_id": NaN}', id="nan"),
    ],
)
async def test_a_hostile_report_is_a_clean_400(risk: runner.RunningRiskService, body: str) -> None:
    async with _client(risk, "home") as bot:
        answer = await bot.post(
            "/v1/reports", content=body, headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 400, answer.text
    assert "error" in answer.json()
    assert risk.service.ledger.reports == {}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[1]", id="array"),
        pytest.param('"halt"', id="string"),
        pytest.param(DEEP, id="deeply-nested"),
        pytest.param('{"reason": {"a": 1}}', id="reason-not-a-string"),
        pytest.param(json.dumps({"reason": "r" * 100_000}), id="reason-unbounded"),
    ],
)
async def test_a_hostile_halt_body_is_a_clean_400_and_does_not_halt(
    risk: runner.RunningRiskService, body: str
) -> None:
    async with _client(risk, "admin") as admin:
        answer = await admin.post(
            "/v1/halt", content=body, headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 400, answer.text
    assert not risk.service.ledger.halt.halted


async def test_the_halt_reason_label_is_bounded(risk: runner.RunningRiskService) -> None:
    reason = "x" * 1_000 + "\n"
    async with _client(risk, "admin") as admin:
        assert (await admin.post("/v1/halt", json={"reason": reason})).status_code == 200
        metrics = (await admin.get("/metrics")).text
    (line,) = [m for m in metrics.splitlines() if m.startswith("touchline_risk_halt_info{")]
    label = line.split('reason="', 1)[1].rsplit('"}', 1)[0]
    assert label == "x" * 64
