"""Item 8 (local): two ``touchline bot`` processes on one market of one venue never both quote.
The second is refused before it serves or sends anything — one line naming the holder, exit 2 —
and the first keeps its quotes; once the first has stopped, the market is free again."""

from __future__ import annotations

import pytest

from tests.integration.bot import conftest, process

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
START_SECS = 60.0
QUOTE_SECS = 60.0
EXIT_SECS = 60.0


def _argv(stack: conftest.Stack) -> list[str]:
    return ["bot", "--config", str(stack.config_path), "--market", MARKET,
            "--http-port", "0", "--log-level", "INFO"]  # fmt: skip


@pytest.mark.slow
async def test_a_second_process_on_the_same_market_is_refused(
    stack: conftest.Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(stack.workdir / "run"))
    async with process.running(stack, _argv(stack), name="first") as first:
        await first.wait_port(START_SECS)
        await conftest.until(
            lambda: {o.book_side for o in stack.resting(TICKER)} == {"bid", "ask"},
            timeout_secs=QUOTE_SECS,
            what="the first bot quoting",
        )
        async with process.running(stack, _argv(stack), name="second") as second:
            code = await second.proc.wait()
        refusal = second.log_text().strip().splitlines()[-1]
        assert {o.book_side for o in stack.resting(TICKER)} == {"bid", "ask"}
        first_code, _ = await first.terminate(EXIT_SECS)
    assert code == 2, second.tail()
    assert refusal.startswith(f"touchline bot: market {MARKET} ({TICKER}) is already quoted"), (
        refusal
    )
    assert f"pid {first.proc.pid}" in refusal
    assert "Traceback" not in second.log_text()
    assert first_code == 0, first.tail()
    assert second.http_port() is None  # refused before serving, so before any order
