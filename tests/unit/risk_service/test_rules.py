"""Pure rules of the global risk service: fair sharing, expiry, drawdown and halt."""

from __future__ import annotations

from touchline_bot.core import units
from touchline_bot.risk_service import rules

LIMITS = rules.AccountLimits(
    max_total_notional=units.Money(100), max_drawdown=units.Money(50), lease_ttl_ms=5_000
)


def _report(market: str, ts_ms: int, exposure: int, pnl: int = 0, **kw: object) -> rules.BotReport:
    return rules.BotReport(
        market_id=market,
        ts_ms=ts_ms,
        position_qty=0,
        exposure=units.Money(exposure),
        realized_pnl=units.Money(pnl),
        unrealized_pnl=units.Money(0),
        **kw,  # type: ignore[arg-type]
    )


def test_single_bot_gets_the_whole_headroom() -> None:
    _, lease = rules.apply_report(rules.Ledger(), _report("a", 0, 10), LIMITS)
    assert lease == rules.Lease(units.Money(100), 5_000)


def test_second_bot_gets_what_the_first_lease_leaves() -> None:
    ledger, _ = rules.apply_report(rules.Ledger(), _report("a", 0, 10), LIMITS)
    _, lease_b = rules.apply_report(ledger, _report("b", 1, 0), LIMITS)
    assert lease_b.budget == 0  # a's current lease still holds all 100


def test_headroom_is_shared_once_leases_renew() -> None:
    ledger, _ = rules.apply_report(rules.Ledger(), _report("a", 0, 10), LIMITS)
    ledger, _ = rules.apply_report(ledger, _report("b", 1, 0), LIMITS)
    ledger, lease_a = rules.apply_report(ledger, _report("a", 2, 10), LIMITS)
    # headroom 90 shared by 2 active bots: a gets 10 + 45
    assert lease_a.budget == 55
    ledger, lease_b = rules.apply_report(ledger, _report("b", 3, 0), LIMITS)
    assert lease_b.budget == 45


def test_expired_lease_frees_budget_but_active_bot_keeps_its_share() -> None:
    ledger, _ = rules.apply_report(rules.Ledger(), _report("a", 0, 30), LIMITS)
    _, lease_b = rules.apply_report(ledger, _report("b", 6_000, 0), LIMITS)
    assert lease_b.budget == 35  # a's lease expired (commits 30); headroom 70 shared by two


def test_silent_bot_commits_only_its_exposure_and_takes_no_share() -> None:
    ledger, _ = rules.apply_report(rules.Ledger(), _report("a", 0, 30), LIMITS)
    _, lease_b = rules.apply_report(ledger, _report("b", 11_000, 0), LIMITS)
    assert lease_b.budget == 70


def test_drawdown_breach_halts_and_zeroes_leases() -> None:
    ledger, _ = rules.apply_report(rules.Ledger(), _report("a", 0, 10, pnl=40), LIMITS)
    assert ledger.high_water_mark == 40
    ledger, lease = rules.apply_report(ledger, _report("a", 1, 10, pnl=-10), LIMITS)
    assert ledger.halt.halted
    assert "drawdown" in ledger.halt.reason
    assert lease.budget == 0


def test_reset_clears_halt_and_restarts_high_water_mark() -> None:
    ledger = rules.set_halt(rules.Ledger(), reason="operator", now_ms=5)
    ledger = rules.reset_halt(ledger)
    assert not ledger.halt.halted


def test_unconfirmed_bots_are_named_after_the_deadline() -> None:
    ledger, _ = rules.apply_report(rules.Ledger(), _report("a", 0, 10, resting_orders=2), LIMITS)
    ledger, _ = rules.apply_report(ledger, _report("b", 0, 0), LIMITS)
    ledger = rules.set_halt(ledger, reason="test", now_ms=100)
    ledger, _ = rules.apply_report(
        ledger, _report("b", 150, 0, resting_orders=0, halted_ack=True), LIMITS
    )
    assert rules.unconfirmed_after_halt(ledger, now_ms=200, deadline_ms=500) == []
    assert rules.unconfirmed_after_halt(ledger, now_ms=700, deadline_ms=500) == ["a"]


def test_while_recovering_a_lease_is_reduce_only_and_no_drawdown_is_judged() -> None:
    ledger = rules.Ledger(high_water_mark=units.Money(60))
    ledger, lease = rules.apply_report(ledger, _report("a", 0, 10, pnl=0), LIMITS, recovering=True)
    assert lease.budget == 0
    assert not ledger.halt.halted  # a drawdown of 60 from a partial sum is not judged


def test_carried_realized_pnl_counts_in_the_account() -> None:
    ledger = rules.Ledger(carried={"a": units.Money(-30)})
    ledger, _ = rules.apply_report(ledger, _report("a", 0, 0, pnl=-25), LIMITS)
    assert rules.account_pnl(ledger) == -55
    assert ledger.halt.halted


def test_a_flat_market_is_forgotten_keeping_its_realized_pnl_and_a_held_one_is_not() -> None:
    ledger, _ = rules.apply_report(rules.Ledger(), _report("flat", 0, 0, pnl=-7), LIMITS)
    ledger, _ = rules.apply_report(ledger, _report("held", 1, 30), LIMITS)
    assert rules.forget(ledger, "flat")
    assert not rules.forget(ledger, "held")
    assert set(ledger.reports) == {"held"}
    assert rules.account_pnl(ledger) == -7
    assert rules.account_exposure(ledger) == 30
    _, lease = rules.apply_report(ledger, _report("new", 2, 0), LIMITS)
    # flat's $100 lease no longer counts: 70 is free, shared by the two active bots
    assert lease.budget == 35
