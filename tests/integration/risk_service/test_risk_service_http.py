"""The global risk service over loopback HTTP: auth, leases, halt persistence, last resort."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from touchline_bot.core import units
from touchline_bot.risk_service import client, rules, runner, server, service, wire

SECRET = "test-secret-0123456789"
LIMITS = rules.AccountLimits(
    max_total_notional=units.Money(125_000_000),
    max_drawdown=units.Money(50_000_000),
    lease_ttl_ms=3_000,
)


class FakeClock:
    """Time as an input: tests move it explicitly."""

    def __init__(self) -> None:
        self.ms = 1_000_000

    def __call__(self) -> int:
        return self.ms


async def _wait_for(predicate: Callable[[], bool], timeout_secs: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_secs
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.01)


def _report(market: str, ts_ms: int, *, exposure: int = 0, pnl: int = 0) -> rules.BotReport:
    return rules.BotReport(
        market_id=market,
        ts_ms=ts_ms,
        position_qty=0,
        exposure=units.Money(exposure),
        realized_pnl=units.Money(pnl),
        unrealized_pnl=units.Money(0),
        resting_orders=1,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def risk(tmp_path: Path, clock: FakeClock) -> AsyncIterator[runner.RunningRiskService]:
    running = await runner.start_risk_service(
        limits=LIMITS, state_path=tmp_path / "risk.json", secret=SECRET, now_ms=clock
    )
    yield running
    await running.stop()


async def test_report_without_token_is_401(risk: runner.RunningRiskService) -> None:
    async with httpx.AsyncClient(base_url=risk.base_url) as http:
        response = await http.post("/v1/reports", json={})
    assert response.status_code == 401


async def test_report_for_another_market_is_403(risk: runner.RunningRiskService) -> None:
    async with httpx.AsyncClient(
        base_url=risk.base_url, headers={"Authorization": f"Bearer {risk.auth.token_for('home')}"}
    ) as http:
        response = await http.post("/v1/reports", json=wire.report_to_json(_report("away", 0)))
    assert response.status_code == 403


async def test_forged_token_is_401(risk: runner.RunningRiskService) -> None:
    bot = client.RiskClient(base_url=risk.base_url, token="home.deadbeef", ticker="KXT-H")
    with pytest.raises(client.RiskServiceUnavailableError, match="401"):
        await bot.report(_report("home", 0))
    await bot.aclose()


async def test_bot_receives_a_lease_valid_from_its_send_time(
    risk: runner.RunningRiskService, clock: FakeClock
) -> None:
    bot = client.RiskClient(base_url=risk.base_url, token=risk.auth.token_for("home"), ticker="KX")
    reply = await bot.report(_report("home", clock.ms, exposure=5_000_000))
    assert reply.budget == LIMITS.max_total_notional
    assert reply.expires_at_ms == clock.ms + LIMITS.lease_ttl_ms
    assert not reply.halted
    await bot.aclose()


async def test_drawdown_halt_survives_a_restart_until_reset(
    tmp_path: Path, clock: FakeClock
) -> None:
    state = tmp_path / "risk.json"
    first = await runner.start_risk_service(
        limits=LIMITS, state_path=state, secret=SECRET, now_ms=clock
    )
    bot = client.RiskClient(base_url=first.base_url, token=first.auth.token_for("home"), ticker="K")
    await bot.report(_report("home", clock.ms, pnl=10_000_000))
    reply = await bot.report(_report("home", clock.ms, pnl=-45_000_000))
    assert reply.halted
    assert "drawdown" in reply.halt_reason
    await bot.aclose()
    await first.stop()

    second = await runner.start_risk_service(
        limits=LIMITS, state_path=state, secret=SECRET, now_ms=clock
    )
    bot = client.RiskClient(
        base_url=second.base_url, token=second.auth.token_for("home"), ticker="K"
    )
    reply = await bot.report(_report("home", clock.ms, pnl=0))
    assert reply.halted, "the halt must survive a restart"
    assert reply.budget == 0
    async with httpx.AsyncClient(
        base_url=second.base_url,
        headers={"Authorization": f"Bearer {second.auth.admin_token()}"},
    ) as http:
        assert (await http.post("/v1/reset")).status_code == 200
    reply = await bot.report(_report("home", clock.ms, pnl=0))
    assert not reply.halted
    await bot.aclose()
    await second.stop()


async def test_bot_cannot_reset_the_halt(risk: runner.RunningRiskService) -> None:
    async with httpx.AsyncClient(
        base_url=risk.base_url, headers={"Authorization": f"Bearer {risk.auth.token_for('home')}"}
    ) as http:
        assert (await http.post("/v1/reset")).status_code == 403


async def test_unconfirmed_halt_triggers_one_account_wide_cancel_all(
    tmp_path: Path, clock: FakeClock
) -> None:
    calls: list[int] = []

    async def cancel_all() -> None:
        calls.append(clock.ms)

    running = await runner.start_risk_service(
        limits=LIMITS,
        state_path=tmp_path / "r.json",
        secret=SECRET,
        now_ms=clock,
        options=service.ServiceOptions(cancel_deadline_ms=2_000),
        cancel_all=cancel_all,
        loops=server.LoopOptions(enforce_every_secs=0.01),
    )
    bot = client.RiskClient(base_url=running.base_url, token=running.auth.token_for("h"), ticker="")
    await bot.report(_report("h", clock.ms))
    await running.service.halt("test halt")
    clock.ms += 2_500  # the bot is frozen: it never confirms
    await _wait_for(lambda: len(calls) == 1)
    await asyncio.sleep(0)  # one more loop turn: no second call for the same halt
    assert len(calls) == 1
    async with httpx.AsyncClient(base_url=running.base_url) as http:
        metrics = (await http.get("/metrics")).text
    assert "touchline_risk_forced_cancel_all_total 1.0" in metrics
    await bot.aclose()
    await running.stop()


async def test_position_mismatch_shows_in_metrics(risk: runner.RunningRiskService) -> None:
    bot = client.RiskClient(base_url=risk.base_url, token=risk.auth.token_for("h"), ticker="KXA")
    await bot.report(_report("h", 0))
    mismatches = await risk.service.crosscheck({"KXA": 500})
    assert mismatches == {"KXA": 500}
    async with httpx.AsyncClient(base_url=risk.base_url) as http:
        text = (await http.get("/metrics")).text
    assert 'touchline_risk_crosscheck_mismatch_contracts{ticker="KXA"} 5.0' in text
    assert "touchline_risk_crosscheck_mismatches_total 1.0" in text
    await bot.aclose()
