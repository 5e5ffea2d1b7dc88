"""The global risk service with real bots against the simulators: a drawdown breach empties
every book within 2 s; a frozen bot's orders are removed by the service's own cancel-all; a
position the venue holds but no bot reports shows in the metrics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.integration.bot.conftest import KEY_ID, Stack, stack, until
from touchline_bot import config
from touchline_bot.core import units
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.risk_service import client, rules, runner, server, service

__all__ = ["stack"]  # the simulators fixture, shared with the bot tests

SECRET = "fleet-halt-secret-0123"
LIMITS = rules.AccountLimits(
    max_total_notional=units.Money(125_000_000), max_drawdown=units.Money(50_000_000)
)


@pytest.fixture
async def risk(stack: Stack, tmp_path: Path) -> AsyncIterator[runner.RunningRiskService]:
    hooks = stack.venue_hooks()
    running = await runner.start_risk_service(
        limits=LIMITS,
        state_path=tmp_path / "risk.json",
        secret=SECRET,
        now_ms=engine_clock.now_ms,
        options=service.ServiceOptions(cancel_deadline_ms=2_000),
        cancel_all=hooks.cancel_all,
        positions=hooks.positions,
        loops=server.LoopOptions(enforce_every_secs=0.1, crosscheck_every_secs=0.2),
    )
    yield running
    await running.stop()
    await hooks.aclose()


async def _bots(stack: Stack, risk: runner.RunningRiskService) -> list[bot_app.BotApp]:
    apps = []
    for market in config.load(stack.config_path).markets:
        options = bot_app.AppOptions(
            http_port=None, risk_url=risk.base_url, risk_token=risk.auth.token_for(market.market.id)
        )
        app = bot_app.BotApp((market,), stack.endpoints(), engine_clock.WallClock(), options)
        await app.start()
        apps.append(app)
    return apps


def _tickers(stack: Stack) -> list[str]:
    return [m.spec.ticker for m in config.load(stack.config_path).markets]


@pytest.mark.slow
async def test_drawdown_breach_empties_every_book_within_two_seconds(
    stack: Stack, risk: runner.RunningRiskService
) -> None:
    apps = await _bots(stack, risk)
    tickers = _tickers(stack)
    try:
        await until(
            lambda: all(stack.resting(t) for t in tickers), timeout_secs=30, what="all quoting"
        )
        # Another market of the account reports a $60 loss: the account's drawdown passes $50.
        loser = client.RiskClient(
            base_url=risk.base_url, token=risk.auth.token_for("loser"), ticker=""
        )
        started = asyncio.get_running_loop().time()
        reply = await loser.report(
            rules.BotReport("loser", engine_clock.now_ms(), 0, units.Money(0),
                            units.Money(-60_000_000), units.Money(0))
        )  # fmt: skip
        assert reply.halted
        await until(
            lambda: not any(stack.resting(t) for t in tickers), timeout_secs=5, what="all cancelled"
        )
        elapsed = asyncio.get_running_loop().time() - started
        sys.stdout.write(f"\ndrawdown breach -> every book empty in {elapsed:.3f} s\n")
        assert elapsed <= 2.0
        await loser.aclose()
    finally:
        for app in apps:
            await app.shutdown("test over")


@pytest.mark.slow
async def test_frozen_bot_orders_are_cancelled_by_the_risk_service(
    stack: Stack, risk: runner.RunningRiskService, tmp_path: Path
) -> None:
    market = config.load(stack.config_path).markets[0]
    token_file = tmp_path / "token"
    token_file.write_text(risk.auth.token_for(market.market.id))
    proc = subprocess.Popen(  # noqa: ASYNC220 - a child process the test owns
        [sys.executable, "-m", "touchline_bot.cli", "bot", "--config", str(stack.config_path),
         "--market", market.market.id, "--http-port", "0", "--risk-url", risk.base_url,
         "--risk-token-file", str(token_file), *stack.cli_args()],
        env={**os.environ, **stack.env()}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await until(
            lambda: bool(stack.resting(market.spec.ticker)), timeout_secs=30, what="quoting"
        )
        proc.send_signal(signal.SIGSTOP)
        async with httpx.AsyncClient(
            base_url=risk.base_url,
            headers={"Authorization": f"Bearer {risk.auth.admin_token()}"},
        ) as http:
            assert (await http.post("/v1/halt", json={"reason": "test"})).status_code == 200
        await until(
            lambda: not stack.resting(market.spec.ticker), timeout_secs=6, what="forced cancel-all"
        )
        async with httpx.AsyncClient(base_url=risk.base_url) as http:
            metrics = (await http.get("/metrics")).text
        assert "touchline_risk_forced_cancel_all_total 1.0" in metrics
    finally:
        proc.send_signal(signal.SIGCONT)
        proc.terminate()
        # Wait on the loop: the simulators the bot talks to while shutting down live on it.
        with contextlib.suppress(AssertionError):
            await until(lambda: proc.poll() is not None, timeout_secs=20, what="bot exit")
        if proc.poll() is None:
            proc.kill()
        proc.wait()


async def test_position_the_venue_holds_but_no_bot_reports_shows_in_the_metrics(
    stack: Stack, risk: runner.RunningRiskService
) -> None:
    ticker = _tickers(stack)[0]
    stack.kalshi.force_position(KEY_ID, ticker, units.Qty(700))

    async def mismatch_metric() -> str:
        async with httpx.AsyncClient(base_url=risk.base_url) as http:
            return (await http.get("/metrics")).text

    expected = f'touchline_risk_crosscheck_mismatch_contracts{{ticker="{ticker}"}} 7.0'
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    text = await mismatch_metric()
    while expected not in text:
        assert loop.time() < deadline, "mismatch not reported"
        await asyncio.sleep(0.1)
        text = await mismatch_metric()
    assert "touchline_risk_crosscheck_mismatches_total" in text
