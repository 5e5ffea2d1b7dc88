"""Budget leases of the global risk service, for any sequence of reports from N bots.

Bots are modelled as obeying their leases: a bot with a current lease reports any exposure up to
it; a bot whose lease expired (service unreachable, network cut) may only reduce. Under that
model, whatever the interleaving of reports, fills and time passing:

* everything the fleet may still commit (current leases, and exposure of expired bots) stays
  within the account limit, and
* no bot is granted a lease below the exposure it already has.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from touchline_bot.core import units
from touchline_bot.risk_service import rules

BOTS = ("home", "away", "draw", "spare")
LIMIT = units.Money(125_000_000)


class LeaseMachine(RuleBasedStateMachine):
    """Reports, fills, expiries and halts from several bots against one ledger."""

    def __init__(self) -> None:
        super().__init__()
        self.limits = rules.AccountLimits(
            max_total_notional=LIMIT, max_drawdown=units.Money(50_000_000), lease_ttl_ms=5_000
        )
        self.ledger = rules.Ledger()
        self.now_ms = 1_000_000
        self.exposure: dict[str, int] = {}
        self.last_lease: dict[str, rules.Lease] = {}

    @initialize()
    def start(self) -> None:
        self.exposure = dict.fromkeys(BOTS, 0)

    def _allowed(self, bot: str) -> int:
        lease = self.last_lease.get(bot)
        if lease is not None and lease.expires_at_ms > self.now_ms:
            return max(lease.budget, self.exposure[bot])
        return self.exposure[bot]

    @rule(
        bot=st.sampled_from(BOTS),
        fraction_bps=st.integers(0, 10_000),
        pnl=st.integers(-(10**7), 10**7),
    )
    def report(self, bot: str, fraction_bps: int, pnl: int) -> None:
        """A bot changes its exposure within what it may, then reports and gets a lease."""
        allowed = self._allowed(bot)
        self.exposure[bot] = allowed * fraction_bps // 10_000
        report = rules.BotReport(
            market_id=bot,
            ts_ms=self.now_ms,
            position_qty=0,
            exposure=units.Money(self.exposure[bot]),
            realized_pnl=units.Money(pnl),
            unrealized_pnl=units.Money(0),
        )
        self.ledger, lease = rules.apply_report(self.ledger, report, self.limits)
        if not self.ledger.halt.halted:
            assert lease.budget >= self.exposure[bot], "a lease fell below current exposure"
        self.last_lease[bot] = lease

    @rule(bot=st.sampled_from(BOTS), reduce_bps=st.integers(0, 10_000))
    def fill_reduces(self, bot: str, reduce_bps: int) -> None:
        """A fill or a cancel lowers a bot's exposure between reports."""
        self.exposure[bot] -= self.exposure[bot] * reduce_bps // 10_000

    @rule(ms=st.integers(1, 8_000))
    def time_passes(self, ms: int) -> None:
        self.now_ms += ms

    @precondition(lambda self: self.ledger.halt.halted)
    @rule()
    def person_resets_halt(self) -> None:
        self.ledger = rules.reset_halt(self.ledger)

    @invariant()
    def fleet_commitment_within_account_limit(self) -> None:
        total = sum(self._allowed(bot) for bot in BOTS)
        assert total <= LIMIT, f"fleet may commit {total} > limit {LIMIT}"

    @invariant()
    def current_leases_sum_within_account_limit(self) -> None:
        current = sum(
            lease.budget for lease in self.last_lease.values() if lease.expires_at_ms > self.now_ms
        )
        assert current <= LIMIT


TestLeases = LeaseMachine.TestCase
