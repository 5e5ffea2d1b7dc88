"""Item 18: ``touchline bot`` refuses a Kalshi private key file that other users (or its group)
may read, with one line and exit code 2, before it connects to anything."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.bot import conftest, process

MARKET = "epl-ars-che-20261128-ars"
EXIT_SECS = 30.0


@pytest.mark.parametrize("mode", [0o644, 0o640])
async def test_a_key_file_others_may_read_stops_the_bot_with_one_line(
    stack: conftest.Stack, mode: int
) -> None:
    stack.key_path.chmod(mode)
    argv = ["bot", "--config", str(stack.config_path), "--market", MARKET, "--http-port", "0"]
    async with process.running(stack, argv, name=f"key-{mode:o}") as bot:
        try:
            code = await asyncio.wait_for(bot.proc.wait(), EXIT_SECS)
        except TimeoutError:
            code = None  # before the fix it started and quoted
    said = bot.log_text()
    assert code == 2, said[-2000:]
    assert f"mode {mode:04o}" in said
    assert "chmod 600" in said
    assert "Traceback" not in said
    assert stack.ever_ordered() == []
