"""The risk service's state and behaviour, independent of HTTP: reports in, leases out;
halt, reset, the last-resort cancel-all and the venue cross-check.

It fails closed: no answer that depends on the durable state (the high-water mark, the halt,
each market's realized PnL) leaves before that state is saved. A save that fails raises
:class:`StateNotDurableError` (the HTTP layer answers 503, so bots fall back to reduce-only
when their lease runs out), is counted and logged, and every later call tries the save again
before it answers.

After a restart it grants nothing beyond reduce-only, and judges no drawdown, for one lease
period (plus :data:`RECOVERY_SLACK_MS`): every lease granted before the restart has expired by
then, and every live bot has reported. Leases themselves are not saved (that would be a write
per report); waiting them out is what makes them safe. A market's realized PnL is kept here,
durably, across the bot's restarts: a bot reports what its own process realized (its
``session``), and what earlier sessions realized is carried.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from touchline_bot.core import units
from touchline_bot.risk_service import metrics as risk_metrics
from touchline_bot.risk_service import rules, store

log = logging.getLogger(__name__)


class StateNotDurableError(Exception):
    """The durable state could not be saved: nothing that depends on it may be answered."""


class TickerNotYoursError(Exception):
    """A report names a ticker that is not its market's (HTTP 403): each market's ticker is
    pinned by its first report, and no two markets share one."""


CancelAllFn = Callable[[], Awaitable[None]]
"""Cancels every order of the account at the venue (Kalshi's cancel-all endpoint)."""
CancelMarketFn = Callable[[str], Awaitable[int]]
"""Cancels every resting order of the account in one ticker; returns how many."""
PositionsFn = Callable[[], Awaitable[dict[str, int]]]
"""The venue's own positions by ticker, in 1/100 contract."""
FORGET_AFTER_MS = 600_000
"""A market silent this long that holds nothing at risk leaves the ledger (its realized PnL is
carried): entries do not pile up over a season of markets."""
RECOVERY_SLACK_MS = 1_000
"""Beyond the lease period after a restart: a bot's lease runs from when it got the answer."""
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
        cancel_market: CancelMarketFn | None = None,
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
        self._cancel_market = cancel_market
        self._silent_handled: dict[str, int] = {}
        """Markets whose orders were cancelled for silence, by the report time they outlived."""
        self._record_event = record_event
        self._forced_for_halt_ms: int | None = None
        self._saved = store.Persisted(units.Money(0), rules.Halt())
        self._unsaved = False
        self._realized: dict[str, store.Realized] = {}
        self._owners: dict[str, str] = {}
        """Each pinned ticker's market."""
        self._recover_until_ms = 0
        metrics.account_limit.set(metrics.dollars(limits.max_total_notional))
        metrics.max_drawdown.set(metrics.dollars(limits.max_drawdown))

    async def start(self) -> None:
        """Restore the high-water mark and the halt from the durable store."""
        saved = await self._store.load()
        if saved is not None:
            self._realized = dict(saved.realized)
            self.tickers = dict(saved.tickers)
            self._owners = {ticker: market for market, ticker in saved.tickers.items()}
            self.ledger = rules.Ledger(
                high_water_mark=saved.high_water_mark,
                halt=saved.halt,
                carried={m: entry.total for m, entry in saved.realized.items()},
            )
            self._saved = saved
            # Leases granted before the restart may still be held: wait them out.
            self._recover_until_ms = self.now_ms() + self.limits.lease_ttl_ms + RECOVERY_SLACK_MS
        else:
            # A first start writes its state at once: the next start finds it (and a store
            # that cannot be written stops the service here, before it answers anyone).
            await self._persist()
        self._export()

    async def ensure_durable(self) -> None:
        """Save what an earlier failed save left unsaved; raises while it still cannot."""
        if self._unsaved:
            await self._persist()

    async def report(self, report: rules.BotReport, ticker: str) -> rules.Lease:
        """Record a bot's report and grant its lease."""
        pinned = self._pin(report.market_id, ticker)
        before = (self.ledger.high_water_mark, self.ledger.halt)
        realized = self._realized_after(report)
        moved = realized != self._realized.get(report.market_id)
        self._realized[report.market_id] = realized
        rules.set_carried(self.ledger, report.market_id, realized.carried)
        self.ledger, lease = rules.apply_report(
            self.ledger, report, self.limits, recovering=self.recovering()
        )
        changed = (self.ledger.high_water_mark, self.ledger.halt) != before
        if changed or moved or pinned or self._unsaved:
            await self._persist()
        self.metrics.leases_granted.inc()
        self.metrics.lease_budget.labels(report.market_id).set(self.metrics.dollars(lease.budget))
        self._export()
        return lease

    async def cancel_silent(self) -> list[str]:
        """The dead-man's switch: a bot silent for longer than its lease (plus
        :data:`RECOVERY_SLACK_MS`) can no longer be trusted to cancel; with venue access the
        service cancels that market's resting orders, once per silence. Its lease has expired,
        so it counts with its last reported exposure. A market silent for
        :data:`FORGET_AFTER_MS` that holds nothing at risk leaves the ledger (``rules.forget``).
        Returns the markets whose orders were cancelled."""
        now = self.now_ms()
        silent_after_ms = self.limits.lease_ttl_ms + RECOVERY_SLACK_MS
        acted = []
        for market_id, report in list(self.ledger.reports.items()):
            if now - report.ts_ms > FORGET_AFTER_MS and rules.forget(self.ledger, market_id):
                self._silent_handled.pop(market_id, None)
                continue
            ticker = self.tickers.get(market_id)
            if ticker is None or now - report.ts_ms <= silent_after_ms:
                continue
            if self._cancel_market is None or self._silent_handled.get(market_id) == report.ts_ms:
                continue
            cancelled = await self._cancel_market(ticker)
            self._silent_handled[market_id] = report.ts_ms
            self.metrics.silent_bot_cancels.inc()
            acted.append(market_id)
            await self._event(
                "SilentBotCancelled",
                f"market {market_id} silent {(now - report.ts_ms) / 1000:.1f} s: "
                f"{cancelled} resting orders of {ticker} cancelled",
            )
        return acted

    def _pin(self, market_id: str, ticker: str) -> bool:
        """Check ``ticker`` against the market's pinned one, pinning it on first sight; True
        when a new pin must be saved. An empty ticker (a bot that sends none) is not checked."""
        if not ticker:
            return False
        pinned = self.tickers.get(market_id)
        owner = self._owners.get(ticker)
        if (pinned is not None and pinned != ticker) or (owner is not None and owner != market_id):
            self.metrics.ticker_refusals.inc()
            log.warning(
                "report refused: ticker is not the market's",
                extra={"market": market_id, "ticker": ticker[:64], "pinned": pinned},
            )
            raise TickerNotYoursError(f"ticker {ticker[:64]!r} is not market {market_id!r}'s")
        if pinned is not None:
            return False
        self.tickers[market_id], self._owners[ticker] = ticker, market_id
        return True

    def recovering(self) -> bool:
        """Within a lease period of a restart: leases are reduce-only, drawdown not judged."""
        return self.now_ms() < self._recover_until_ms

    def _realized_after(self, report: rules.BotReport) -> store.Realized:
        """The market's realized PnL with ``report``: a new session carries what the previous
        one realized (a bot restart does not erase it)."""
        known = self._realized.get(report.market_id)
        if known is None:
            return store.Realized(report.session, units.Money(0), report.realized_pnl)
        if known.session != report.session:
            return store.Realized(report.session, known.total, report.realized_pnl)
        return store.Realized(report.session, known.carried, report.realized_pnl)

    async def halt(self, reason: str) -> None:
        """A person (or the cross-check) halts the fleet."""
        if not self.ledger.halt.halted:
            self.ledger = rules.set_halt(self.ledger, reason=reason, now_ms=self.now_ms())
        if self._unsaved or not self._saved.halt.halted:
            await self._persist()
        self._export()

    async def reset(self) -> None:
        """A person resets the halt."""
        before = self.ledger
        self.ledger = rules.reset_halt(self.ledger)
        try:
            await self._persist()
        except StateNotDurableError:
            # A reset that is not saved does not happen: the fleet stays halted.
            self.ledger = before
            raise
        self._forced_for_halt_ms = None
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
        state = store.Persisted(
            self.ledger.high_water_mark, self.ledger.halt, dict(self._realized), dict(self.tickers)
        )
        try:
            await self._store.save(state)
        except Exception as exc:
            # Any failure of the store (a full or read-only disk, an API error) is the same
            # thing here: the state is not durable. The cause's type is logged, not its text
            # (an API error's body may be long).
            self._unsaved = True
            self.metrics.state_write_failures.inc()
            log.error(  # noqa: TRY400 - the type says what failed; no traceback per request
                "risk state not saved; answering 503 until it is",
                extra={"error": type(exc).__name__},
            )
            raise StateNotDurableError(type(exc).__name__) from exc
        previous, self._saved, self._unsaved = self._saved, state, False
        if state.halt.halted and not previous.halt.halted:
            await self._event("Halted", state.halt.reason)

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
            m.halt_info.labels(m.halt_label(self.ledger.halt.reason)).set(1)
