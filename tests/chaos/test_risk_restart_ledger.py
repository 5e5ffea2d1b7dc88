"""Item 7: around a risk-service restart (SIGKILL, then the real ``touchline risk`` again on
its state file) the leases the bots hold never sum above the account limit — the restarted
service grants only reduce-only leases until every lease from before the crash has expired —
and no drawdown is judged from a partial sum of PnL; a bot's restart (a new session of the same
market) does not erase what it realized, nor does the service's."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.chaos import risk_process
from touchline_bot.core import units
from touchline_bot.risk_service import auth, rules, wire

START_SECS = 30.0
TTL_MS = 15_000
"""Long enough that the restart (a Python process starting on a busy machine) ends within it."""
LIMIT = units.money_from_dollars(125)
TOKENS = auth.SharedSecretAuth(risk_process.SECRET)
POLL_SECS = 0.1


def _report(market_id: str, *, realized_dollars: int = 0, session: str = "") -> dict[str, object]:
    report = rules.BotReport(
        market_id=market_id,
        ts_ms=0,
        position_qty=0,
        exposure=units.Money(0),
        realized_pnl=units.Money(realized_dollars * units.MONEY_SCALE),
        unrealized_pnl=units.Money(0),
    )
    return {**wire.report_to_json(report, ticker=f"KX-{market_id.upper()}"), "session": session}


@dataclass
class Bot:
    """One market's reports over HTTP, and the leases it holds (by its own clock)."""

    market_id: str
    url: str
    leases: list[tuple[int, float]]
    """(budget, expiry in loop time) of each lease received: from when the report was sent,
    as the bot's client counts it."""

    async def report(self, *, realized_dollars: int = 0, session: str = "") -> tuple[int, bool]:
        headers = {"Authorization": f"Bearer {TOKENS.token_for(self.market_id)}"}
        sent = asyncio.get_running_loop().time()
        async with httpx.AsyncClient(base_url=self.url, headers=headers, timeout=5.0) as http:
            answer = await http.post(
                "/v1/reports",
                json=_report(self.market_id, realized_dollars=realized_dollars, session=session),
            )
        assert answer.status_code == 200, answer.text
        budget, ttl_ms, halted, _ = wire.reply_from_json(answer.json())
        self.leases.append((budget, sent + ttl_ms / 1000))
        return budget, halted

    def held(self, now: float) -> int:
        """The budget of the latest lease still current at ``now``."""
        current = [budget for budget, expires in self.leases if expires > now]
        return current[-1] if current else 0


def _args(state: Path, *extra: str) -> tuple[str, ...]:
    return ("--state-file", str(state), "--lease-ttl-ms", str(TTL_MS), *extra)


@pytest.mark.slow
async def test_leases_never_sum_above_the_limit_around_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "risk.json"
    loop = asyncio.get_running_loop()
    async with risk_process.running(tmp_path, *_args(state, "--first-start"), name="a") as risk:
        url = await risk.wait_url(START_SECS)
        home, away = Bot("home", url, []), Bot("away", url, [])
        for bot in (home, away, home, away):  # the first to report takes all, then they share
            await bot.report()
        before_crash = home.held(loop.time()) + away.held(loop.time())
    async with risk_process.running(tmp_path, *_args(state), name="b") as risk:
        home.url = await risk.wait_url(START_SECS)
        assert away.held(loop.time()) > 0, "the restart outlasted the lease: nothing to check"
        sums: list[int] = []
        deadline = loop.time() + START_SECS
        while home.leases[-1][0] == 0 or len(sums) == 0:
            await home.report()
            sums.append(home.held(loop.time()) + away.held(loop.time()))
            assert loop.time() < deadline, "the restarted service never granted again"
            await asyncio.sleep(POLL_SECS)
    assert before_crash <= LIMIT
    assert max(sums) <= LIMIT, [units.format_money(units.Money(s)) for s in sums]
    assert home.leases[-1][0] == LIMIT  # once the old leases are gone, home may use it all


@pytest.mark.slow
async def test_a_bot_restart_keeps_its_realized_loss_and_a_restart_no_spurious_halt(
    tmp_path: Path,
) -> None:
    state = tmp_path / "risk.json"
    loop = asyncio.get_running_loop()
    async with risk_process.running(tmp_path, *_args(state, "--first-start"), name="a") as risk:
        url = await risk.wait_url(START_SECS)
        winner, loser = Bot("winner", url, []), Bot("loser", url, [])
        await winner.report(realized_dollars=50, session="w1")  # high-water mark $50
        await winner.report(realized_dollars=0, session="w2")  # restarted: still +$50
        _, halted_at_winner_restart = await loser.report(realized_dollars=-30, session="l1")
    async with risk_process.running(tmp_path, *_args(state), name="b") as risk:
        loser.url = await risk.wait_url(START_SECS)
        # The winner never reports again; the loser's bot restarted too (a new session).
        budget, halted_in_recovery = await loser.report(realized_dollars=0, session="l2")
        halted_after_recovery, deadline = halted_in_recovery, loop.time() + START_SECS
        while budget == 0 and not halted_after_recovery:
            assert loop.time() < deadline, "the restarted service never granted again"
            await asyncio.sleep(POLL_SECS)
            budget, halted_after_recovery = await loser.report(realized_dollars=0, session="l2")
        # Account PnL is +$50 - $30 = +$20: a drawdown of $30 from $50, within the $50 limit;
        # a further $25 lost by the loser's new session makes it $55 and halts.
        _, halted_on_loss = await loser.report(realized_dollars=-25, session="l2")
    assert not halted_at_winner_restart
    assert not halted_in_recovery
    assert not halted_after_recovery  # was: a halt from the loser's $0 against the $50 mark
    assert halted_on_loss  # was: not halted, the $30 loss erased by the bot's restart
