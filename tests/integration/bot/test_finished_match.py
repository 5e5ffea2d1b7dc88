"""``touchline run`` and ``touchline bot`` against markets whose match is over: a finished market
is named in one line and never quoted; with none left to play the command exits 2 before it
touches a venue, and with some left those run as usual."""

from __future__ import annotations

import asyncio

import pytest

from tests import schedule
from tests.integration.bot import conftest, process
from touchline_bot import config
from touchline_bot.engine import clock as engine_clock

ENDED_MS = 3 * 60 * schedule.MINUTE_MS
"""Kicked off three hours ago: the 115-minute match ended an hour ago."""
EXIT_SECS = 30.0
START_SECS = 30.0
QUOTE_SECS = 30.0
GRACE_SECS = 5.0
OVER = "the match is over"


def _serve_argv(command: str, stack: conftest.Stack, *extra: str) -> list[str]:
    return [
        command, "--config", str(stack.config_path), *extra,
        "--http-host", "127.0.0.1", "--http-port", "0", "--grace-secs", str(GRACE_SECS),
    ]  # fmt: skip


def _end_match(stack: conftest.Stack, market_id: str) -> None:
    kickoff_ms = engine_clock.now_ms() - ENDED_MS
    schedule.reschedule_market(stack.config_path, market_id, kickoff_ms=kickoff_ms)


def _markets(stack: conftest.Stack) -> list[config.ResolvedMarket]:
    return list(config.load(stack.config_path).markets)


async def test_run_with_every_match_over_names_each_in_one_line_and_exits_2(
    stack: conftest.Stack,
) -> None:
    for m in _markets(stack):
        _end_match(stack, m.market.id)
    async with process.running(stack, _serve_argv("run", stack), name="all-over") as bot:
        code = await asyncio.wait_for(bot.proc.wait(), EXIT_SECS)
    assert code == 2, bot.tail()
    lines = bot.log_text().splitlines()
    assert len(lines) == len(_markets(stack)), bot.tail()
    for market, line in zip(_markets(stack), lines, strict=True):
        prefix = f"touchline run: market {market.market.id} (Arsenal vs Chelsea): {OVER} —"
        assert line.startswith(prefix), line
    assert stack.ever_ordered() == []


async def test_bot_for_a_finished_market_says_so_in_one_line_and_exits_2(
    stack: conftest.Stack,
) -> None:
    market = _markets(stack)[0].market.id
    _end_match(stack, market)
    argv = _serve_argv("bot", stack, "--market", market)
    async with process.running(stack, argv, name="bot-over") as bot:
        code = await asyncio.wait_for(bot.proc.wait(), EXIT_SECS)
    assert code == 2, bot.tail()
    (line,) = bot.log_text().splitlines()
    assert line.startswith(f"touchline bot: market {market} (Arsenal vs Chelsea): {OVER}")
    assert stack.ever_ordered() == []


@pytest.mark.slow
async def test_run_quotes_the_markets_still_to_play_and_warns_once_of_the_finished_one(
    stack: conftest.Stack,
) -> None:
    finished_one, *to_play = _markets(stack)
    _end_match(stack, finished_one.market.id)
    async with process.running(stack, _serve_argv("run", stack), name="one-over") as bot:
        await bot.wait_port(START_SECS)
        await conftest.until(
            lambda: all(
                {o.book_side for o in stack.resting(m.spec.ticker)} == {"bid", "ask"}
                for m in to_play
            ),
            timeout_secs=QUOTE_SECS,
            what="a resting bid and ask on every market still to play",
        )
        code, _ = await bot.terminate(GRACE_SECS + 5.0)
    assert code == 0, bot.tail()
    warned = [r for r in bot.log_lines() if OVER in str(r.get("msg"))]
    assert [(r["level"], r["market"]) for r in warned] == [("warning", finished_one.market.id)]
    assert [o for o in stack.ever_ordered() if o.ticker == finished_one.spec.ticker] == []
    assert {o.ticker for o in stack.ever_ordered()} == {m.spec.ticker for m in to_play}
