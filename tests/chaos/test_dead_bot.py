"""Item 12: the dead-man's switch. A bot quoting under the real risk service (which has the
account's Kalshi key) is SIGKILLed: nothing of it is left to cancel its orders, so once it has
been silent for longer than its lease the service cancels that market's resting orders."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.chaos import risk_process
from tests.integration.bot import conftest, process
from touchline_bot.risk_service import auth

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
TTL_MS = 2_000
START_SECS = 60.0
CANCEL_SECS = 30.0
"""A bound for the wait, far above what is measured (the lease + 1 s + one sweep)."""


@pytest.mark.slow
async def test_a_killed_bots_orders_are_cancelled_by_the_risk_service(
    stack: conftest.Stack, tmp_path: Path
) -> None:
    args = (
        "--state-file", str(tmp_path / "risk.json"), "--first-start",
        "--lease-ttl-ms", str(TTL_MS), "--kalshi-base-url", stack.kalshi.base_url,
    )  # fmt: skip
    async with risk_process.running(tmp_path, *args, name="risk", env_extra=stack.env()) as risk:
        url = await risk.wait_url(START_SECS)
        token_file = tmp_path / "risk-token"
        token_file.write_text(auth.SharedSecretAuth(risk_process.SECRET).token_for(MARKET))
        argv = [
            "bot", "--config", str(stack.config_path), "--market", MARKET,
            "--http-port", "0", "--risk-url", url, "--risk-token-file", str(token_file),
        ]  # fmt: skip
        async with process.running(stack, argv, name="doomed") as bot:
            await bot.wait_port(START_SECS)
            await conftest.until(
                lambda: {o.book_side for o in stack.resting(TICKER)} == {"bid", "ask"},
                timeout_secs=START_SECS,
                what="resting bid and ask",
            )
            await bot.kill()
            loop = asyncio.get_running_loop()
            killed = loop.time()
            assert stack.resting(TICKER)  # the SIGKILL cancelled nothing
            await conftest.until(
                lambda: not stack.resting(TICKER),
                timeout_secs=CANCEL_SECS,
                what="the dead bot's orders cancelled by the risk service",
            )
            took = loop.time() - killed
        async with httpx.AsyncClient(base_url=url) as http:
            metrics = (await http.get("/metrics")).text
    assert "touchline_risk_silent_bot_cancels_total 1.0" in metrics
    print(f"orders of the killed bot cancelled {took:.1f} s after the SIGKILL")
