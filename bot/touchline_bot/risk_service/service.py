"""The risk service's state and behaviour, independent of HTTP: reports in, leases out;
halt, reset, the last-resort cancel-all and the venue cross-check.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from touchline_bot.core import units
from touchline_bot.risk_service import metrics as risk_metrics
from touchline_bot.risk_service import rules, store

log = logging.getLogger(__name__)

CancelAllFn = Callable[[], Awaitable[None]]
"""Cancels every order of the account at the venue (Kalshi's cancel-all endpoint)."""
PositionsFn = Callable[[], Awaitable[dict[str, int]]]
"""The venue's own positions by ticker, in 1/100 contract."""
EventFn = Callable[[str, str], Awaitable[None]]
"""Records an event (reason, message): a Kubernetes Event in a cluster, a log line locally."""


@dataclass(frozen=True, slots=True)
class ServiceOptions:
    """How the service behaves beyond the account limits."""

    cancel_deadline_ms: int = 2_000
    """After a halt, bots have this long to confirm; then the service cancels everything."""
    crosscheck_tolerance_qty: int = 0
    halt_on_mismatch: bool = False


class RiskService:
    """One ledger, guarded by the asyncio loop (every method runs on it)."""

    def __init__(
        self,
        *,
        limits: rules.AccountLimits,
        durable: store.Store,
        metrics: risk_metrics.RiskMetrics,
        now_ms: Callable[[], int],
        options: ServiceOptions = ServiceOptions(),
        cancel_all: CancelAllFn | None = None,
        record_event: EventFn | None = None,
    ) -> None:
        self.limits = limits
        self.ledger = rules.Ledger()
        self.tickers: dict[str, str] = {}
        self._store = durable
        self.metrics = metrics
        self.now_ms = now_ms
        self._options = options
        self._cancel_all = cancel_all
        self._record_event = record_event
        self._forced_for_halt_ms: int | None = None
        metrics.account_limit.set(metrics.dollars(limits.max_total_notional))
        metrics.max_drawdown.set(metrics.dollars(limits.max_drawdown))

    async def start(self) -> None:
        """Restore the high-water mark and the halt from the durable store."""
        saved = await self._store.load()
        if saved is not None:
            self.ledger = rules.Ledger(high_water_mark=saved.high_water_mark, halt=saved.halt)
        self._export()

    async def report(self, report: rules.BotReport, ticker: str) -> rules.Lease:
        """Record a bot's report and grant its lease."""
        before = (self.ledger.high_water_mark, self.ledger.halt)
        self.ledger, lease = rules.apply_report(self.ledger, report, self.limits)
        if ticker:
            self.tickers[report.market_id] = ticker
        if (self.ledger.high_water_mark, self.ledger.halt) != before:
            await self._persist()
            if self.ledger.halt.halted and not before[1].halted:
                await self._event("Halted", self.ledger.halt.reason)
        self.metrics.leases_granted.inc()
        self.metrics.lease_budget.labels(report.market_id).set(self.metrics.dollars(lease.budget))
        self._export()
        return lease

    async def halt(self, reason: str) -> None:
        """A person (or the cross-check) halts the fleet."""
        if not self.ledger.halt.halted:
            self.ledger = rules.set_halt(self.ledger, reason=reason, now_ms=self.now_ms())
            await self._persist()
            await self._event("Halted", reason)
        self._export()

    async def reset(self) -> None:
        """A person resets the halt."""
        self.ledger = rules.reset_halt(self.ledger)
        self._forced_for_halt_ms = None
        await self._persist()
        await self._event("HaltReset", "halt reset by an administrator")
        self._export()

    async def enforce_halt(self) -> bool:
        """Last resort: cancel every order of the account when a bot has not confirmed its
        cancellations within the deadline after a halt. Returns True when it acted."""
        now = self.now_ms()
        late = rules.unconfirmed_after_halt(
            self.ledger, now_ms=now, deadline_ms=self._options.cancel_deadline_ms
        )
        if not late or self._cancel_all is None:
            return False
        if self._forced_for_halt_ms == self.ledger.halt.since_ms:
            return False
        self._forced_for_halt_ms = self.ledger.halt.since_ms
        log.warning("forcing account-wide cancel-all", extra={"unconfirmed": late})
        await self._cancel_all()
        self.metrics.forced_cancel_all.inc()
        await self._event("ForcedCancelAll", f"bots {', '.join(late)} did not confirm in time")
        return True

    async def crosscheck(self, venue_positions: dict[str, int]) -> dict[str, int]:
        """Compare bots' reported positions with the venue's; returns mismatches by ticker."""
        reported: dict[str, int] = {}
        for market_id, report in self.ledger.reports.items():
            ticker = self.tickers.get(market_id, market_id)
            reported[ticker] = reported.get(ticker, 0) + report.position_qty
        mismatches: dict[str, int] = {}
        for ticker in sorted(set(reported) | set(venue_positions)):
            diff = venue_positions.get(ticker, 0) - reported.get(ticker, 0)
            self.metrics.crosscheck_mismatch.labels(ticker).set(diff / units.QTY_SCALE)
            if abs(diff) > self._options.crosscheck_tolerance_qty:
                mismatches[ticker] = diff
        if mismatches:
            self.metrics.crosscheck_mismatches.inc()
            if self._options.halt_on_mismatch:
                await self.halt(f"position mismatch with the venue: {mismatches}")
        return mismatches

    def export_ages(self) -> None:
        """Refresh per-bot report ages (called before each scrape)."""
        now = self.now_ms()
        for market_id, report in self.ledger.reports.items():
            self.metrics.report_age.labels(market_id).set((now - report.ts_ms) / 1000)

    async def _persist(self) -> None:
        await self._store.save(store.Persisted(self.ledger.high_water_mark, self.ledger.halt))

    async def _event(self, reason: str, message: str) -> None:
        log.warning("risk event", extra={"reason": reason, "detail": message})
        if self._record_event is not None:
            await self._record_event(reason, message)

    def _export(self) -> None:
        m = self.metrics
        m.account_exposure.set(m.dollars(rules.account_exposure(self.ledger)))
        m.pnl.set(m.dollars(rules.account_pnl(self.ledger)))
        m.drawdown.set(m.dollars(rules.drawdown(self.ledger)))
        m.high_water_mark.set(m.dollars(self.ledger.high_water_mark))
        m.halted.set(1 if self.ledger.halt.halted else 0)
        m.halt_info.clear()
        if self.ledger.halt.halted:
            m.halt_info.labels(self.ledger.halt.reason).set(1)
