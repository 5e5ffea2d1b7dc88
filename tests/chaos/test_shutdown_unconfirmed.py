"""Item 4: a bot's shutdown says "every order cancelled and confirmed" (and exits 0) only when
the venue listed none of its orders; while the venue errors it says not and exits non-zero —
and (item 2's deadlines) within its grace period, not after the executor's own cancel-all
retries run out (about 50 s)."""

from __future__ import annotations

import pytest

from tests.integration.bot import conftest, process

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
GRACE_SECS = 1.0
START_SECS = 30.0
QUOTE_SECS = 30.0
EXIT_SECS = 60.0
BOUNDED_EXIT_SECS = 10.0
"""The 1 s grace, the last actions' 0.5 s, closing, and a busy machine's slack: well below the
50 s the retries took."""
ALWAYS = 10**9
"""Every REST request from now on is answered 503."""


def _argv(stack: conftest.Stack) -> list[str]:
    return [
        "bot", "--config", str(stack.config_path), "--market", MARKET,
        "--http-host", "127.0.0.1", "--http-port", "0",
        "--grace-secs", str(GRACE_SECS), "--log-level", "INFO",
    ]  # fmt: skip


@pytest.mark.slow
async def test_sigterm_while_the_venue_errors_is_not_reported_confirmed_and_exits_non_zero(
    stack: conftest.Stack,
) -> None:
    async with process.running(stack, _argv(stack), name="unconfirmed") as bot:
        await bot.wait_port(START_SECS)
        await conftest.until(
            lambda: {o.book_side for o in stack.resting(TICKER)} == {"bid", "ask"},
            timeout_secs=QUOTE_SECS,
            what="resting bid and ask on the Kalshi simulator",
        )
        stack.kalshi.faults.server_errors = ALWAYS
        code, took_secs = await bot.terminate(EXIT_SECS)
        stack.kalshi.faults.server_errors = 0
    messages = [r.get("msg") for r in bot.log_lines()]
    assert len(stack.resting(TICKER)) == 2  # the venue never cancelled them
    assert "every order cancelled and confirmed" not in messages, bot.tail()
    assert code != 0, bot.tail()
    assert took_secs < BOUNDED_EXIT_SECS, bot.tail()
    print(f"exited {took_secs:.2f} s after SIGTERM with a {GRACE_SECS} s grace period")
