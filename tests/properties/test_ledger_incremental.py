"""The ledger's running sums and lazy expiry (O(1) amortised per report, issue 17 item 14)
grant exactly the leases the direct O(markets) computation grants, for any sequence of reports
and passing time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from touchline_bot.core import units
from touchline_bot.risk_service import rules

LIMITS = rules.AccountLimits(
    max_total_notional=units.Money(1_000), max_drawdown=units.Money(10**9), lease_ttl_ms=5_000
)
BOTS = ("a", "b", "c", "d", "e")


def _direct(
    reports: dict[str, rules.BotReport], leases: dict[str, rules.Lease], report: rules.BotReport
) -> int:
    """The lease as the rules computed it before the running sums: every market, each time."""
    now = report.ts_ms
    reports = {**reports, report.market_id: report}

    def committed(market_id: str) -> int:
        exposure = reports[market_id].exposure
        lease = leases.get(market_id)
        if lease is not None and lease.expires_at_ms > now:
            return max(lease.budget, exposure)
        return exposure

    others = sum(committed(m) for m in reports if m != report.market_id)
    available = max(0, LIMITS.max_total_notional - others)
    active = [m for m, r in reports.items() if now - r.ts_ms <= LIMITS.active_after_ms]
    headroom = max(0, LIMITS.max_total_notional - sum(r.exposure for r in reports.values()))
    target = report.exposure + headroom // max(1, len(active))
    return min(target, available)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(BOTS), st.integers(0, 1_000), st.integers(0, 7_000)),
        min_size=1,
        max_size=60,
    )
)
def test_incremental_leases_equal_the_direct_computation(
    steps: list[tuple[str, int, int]],
) -> None:
    ledger = rules.Ledger()
    reports: dict[str, rules.BotReport] = {}
    leases: dict[str, rules.Lease] = {}
    now = 0
    for bot, exposure, wait_ms in steps:
        now += wait_ms
        report = rules.BotReport(
            market_id=bot,
            ts_ms=now,
            position_qty=0,
            exposure=units.Money(exposure),
            realized_pnl=units.Money(0),
            unrealized_pnl=units.Money(0),
        )
        expected = _direct(reports, leases, report)
        ledger, lease = rules.apply_report(ledger, report, LIMITS)
        assert lease.budget == expected
        reports[bot], leases[bot] = report, lease
        assert rules.account_exposure(ledger) == sum(r.exposure for r in reports.values())
