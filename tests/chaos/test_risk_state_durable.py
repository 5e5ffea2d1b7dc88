"""Item 5: the risk service fails closed when its state cannot be written. While the state
file cannot be replaced, every answer that depends on the state is a 503 (never "halted" or a
lease from state that a crash would lose), and the failures are counted; once it can write
again the halt is saved and answered, and it survives a crash. A missing state file stops the
service unless it is told this is its first start."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.chaos import risk_process
from touchline_bot.core import units
from touchline_bot.risk_service import auth, rules, wire

START_SECS = 30.0
TOKENS = auth.SharedSecretAuth(risk_process.SECRET)


def _report(pnl_dollars: int) -> dict[str, object]:
    report = rules.BotReport(
        market_id="home",
        ts_ms=0,
        position_qty=0,
        exposure=units.Money(0),
        realized_pnl=units.Money(pnl_dollars * units.MONEY_SCALE),
        unrealized_pnl=units.Money(0),
    )
    return wire.report_to_json(report, ticker="KX")


def _bot(url: str) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {TOKENS.token_for('home')}"}
    return httpx.AsyncClient(base_url=url, headers=headers, timeout=5.0)


def _admin(url: str) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {TOKENS.admin_token()}"}
    return httpx.AsyncClient(base_url=url, headers=headers, timeout=5.0)


def _write_failures(metrics_text: str) -> float:
    for line in metrics_text.splitlines():
        if line.startswith("touchline_risk_state_write_failures_total "):
            return float(line.split()[1])
    return 0.0


async def test_a_halt_that_cannot_be_saved_is_never_answered_and_survives_a_crash_once_saved(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state" / "risk.json"
    args = ("--state-file", str(state))
    async with risk_process.running(tmp_path, *args, "--first-start", name="first") as risk:
        url = await risk.wait_url(START_SECS)
        async with _bot(url) as bot, _admin(url) as admin:
            assert (await bot.post("/v1/reports", json=_report(10))).status_code == 200
            # The fault: the temporary file the state is written through cannot be created
            # (a full or read-only disk behaves the same for the service; this holds for root).
            state.with_suffix(".tmp").mkdir()
            halt = await admin.post("/v1/halt", json={"reason": "chaos"})
            during = [(await bot.post("/v1/reports", json=_report(10))).status_code]
            during.append((await admin.get("/v1/state")).status_code)
            failures = _write_failures((await bot.get("/metrics")).text)
            state.with_suffix(".tmp").rmdir()
            after = await bot.post("/v1/reports", json=_report(10))
        await risk.crash()
    assert halt.status_code == 503
    assert during == [503, 503]
    assert failures >= 3
    assert (after.status_code, after.json()["halted"]) == (200, True)
    async with risk_process.running(tmp_path, *args, name="second") as risk:
        url = await risk.wait_url(START_SECS)
        async with _bot(url) as bot:
            reply = (await bot.post("/v1/reports", json=_report(10))).json()
    assert (reply["halted"], reply["halt_reason"]) == (True, "chaos")
    assert units.parse_money(reply["lease"]["budget_dollars"]) == 0


async def test_a_missing_state_file_stops_the_service_unless_it_is_the_first_start(
    tmp_path: Path,
) -> None:
    state = tmp_path / "lost-volume" / "risk.json"
    risk = await risk_process.start(tmp_path, "--state-file", str(state), name="missing")
    try:
        # Before the fix it started fresh and served: no exit within the deadline.
        code = await asyncio.wait_for(risk.proc.wait(), START_SECS)
    except TimeoutError:
        code = None
    finally:
        await risk.crash()
    errors = [r for r in risk.records() if r.get("level") == "error"]
    assert code == 2
    assert any("--first-start" in str(r.get("error")) for r in errors), risk.records()
    assert not state.exists()
