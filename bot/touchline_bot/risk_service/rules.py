"""The global risk service's rules as pure functions: budget leases, drawdown, halt.

Bots report their worst-case exposure and PnL about once a second; the service answers with a
notional budget lease. Leases are granted so that, at every instant, the sum of what every bot
may still commit stays within the account limit:

* a bot whose lease is current may commit up to its lease;
* a bot whose lease expired may only reduce, so it commits its last reported exposure;
* a new lease for one bot is at most the account limit minus what every *other* bot commits,
  and never below what the bot already has exposed when that fits (it may only reduce).

Headroom (the limit minus every bot's current exposure) is shared equally between the bots that
reported recently. Drawdown is measured against a high-water mark of account PnL that the caller
persists; a breach halts the fleet until a person resets it.

This module must not: read clocks, do I/O, or import anything outside the standard library and
the core's units.
"""

from __future__ import annotations

import dataclasses
import heapq
from dataclasses import dataclass, field

from touchline_bot.core import units


@dataclass(frozen=True, slots=True)
class AccountLimits:
    """Account-wide limits (the ``RiskPolicy`` spec, or the local file)."""

    max_total_notional: units.Money
    max_drawdown: units.Money
    lease_ttl_ms: int = 5_000
    active_after_ms: int = 10_000
    """A bot that has not reported for this long no longer takes a share of the headroom."""


@dataclass(frozen=True, slots=True)
class BotReport:
    """What one bot says about itself."""

    market_id: str
    ts_ms: int
    position_qty: int
    exposure: units.Money
    """Worst-case exposure: position + resting + placements and cancels not yet acknowledged."""
    realized_pnl: units.Money
    unrealized_pnl: units.Money
    resting_orders: int = 0
    halted_ack: bool = False
    """The bot has cancelled everything and stopped because of the halt."""
    session: str = ""
    """The reporting process (a bot restart starts a new one): its ``realized_pnl`` counts
    from its own start, so what earlier sessions realized is carried by the service."""


@dataclass(frozen=True, slots=True)
class Lease:
    """A notional budget a bot may use until ``expires_at_ms``."""

    budget: units.Money
    expires_at_ms: int


@dataclass(frozen=True, slots=True)
class Halt:
    """The fleet-wide halt switch; survives restarts with the high-water mark."""

    halted: bool = False
    reason: str = ""
    since_ms: int = 0


@dataclass(slots=True)
class Ledger:
    """Everything the service knows. :func:`apply_report` updates it in place in O(1) amortised
    time (plus O(log n) for the expiry heaps): the account's totals are kept as running sums and
    leases and activity expire lazily from time-ordered heaps, so a report costs the same with
    1,000 bots as with 3. Replacing a field (``dataclasses.replace``, as a halt or a reset does)
    recomputes the sums once."""

    reports: dict[str, BotReport] = field(default_factory=dict)
    leases: dict[str, Lease] = field(default_factory=dict)
    high_water_mark: units.Money = units.Money(0)
    halt: Halt = Halt()
    carried: dict[str, units.Money] = field(default_factory=dict)
    """Realized PnL a market's latest report does not include: what its bot's earlier sessions
    realized, and, after the service's restart, all it realized until it reports again."""
    _exposure: int = field(init=False, default=0)
    """The sum of every latest report's exposure."""
    _pnl: int = field(init=False, default=0)
    """The sum of every latest report's realized + unrealized PnL."""
    _carried: int = field(init=False, default=0)
    _excess: int = field(init=False, default=0)
    """The sum of ``_over`` over the markets: what current leases allow beyond exposure."""
    _over: dict[str, int] = field(init=False, default_factory=dict)
    """Per market, ``max(0, lease - exposure)`` while its lease has not been seen to expire."""
    _live: set[str] = field(init=False, default_factory=set)
    """Markets whose lease has not been seen to expire."""
    _lease_heap: list[tuple[int, str]] = field(init=False, default_factory=list)
    _active: set[str] = field(init=False, default_factory=set)
    _active_heap: list[tuple[int, str]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._exposure = sum(r.exposure for r in self.reports.values())
        self._pnl = sum(r.realized_pnl + r.unrealized_pnl for r in self.reports.values())
        self._carried = sum(self.carried.values())
        self._over = {m: self._excess_of(m, lease) for m, lease in self.leases.items()}
        self._excess = sum(self._over.values())
        self._live = set(self.leases)
        self._lease_heap = [(lease.expires_at_ms, m) for m, lease in self.leases.items()]
        heapq.heapify(self._lease_heap)
        self._active = set(self.reports)
        self._active_heap = [(r.ts_ms, m) for m, r in self.reports.items()]
        heapq.heapify(self._active_heap)

    def _excess_of(self, market_id: str, lease: Lease) -> int:
        report = self.reports.get(market_id)
        return max(0, lease.budget - (report.exposure if report else 0))

    def _set_over(self, market_id: str, value: int) -> None:
        self._excess += value - self._over.get(market_id, 0)
        self._over[market_id] = value

    def _expire(self, now_ms: int, limits: AccountLimits) -> None:
        """Forget what time has ended: leases expired at ``now_ms`` and bots silent for longer
        than ``active_after_ms`` (amortised: each heap entry is popped once)."""
        while self._lease_heap and self._lease_heap[0][0] <= now_ms:
            expires_at, market_id = heapq.heappop(self._lease_heap)
            lease = self.leases.get(market_id)
            if lease is not None and lease.expires_at_ms == expires_at:
                self._set_over(market_id, 0)
                self._live.discard(market_id)
        quiet_before = now_ms - limits.active_after_ms
        while self._active_heap and self._active_heap[0][0] < quiet_before:
            ts_ms, market_id = heapq.heappop(self._active_heap)
            report = self.reports.get(market_id)
            if report is not None and report.ts_ms == ts_ms:
                self._active.discard(market_id)

    def _record(self, report: BotReport) -> None:
        old = self.reports.get(report.market_id)
        if old is not None:
            self._exposure -= old.exposure
            self._pnl -= old.realized_pnl + old.unrealized_pnl
        self.reports[report.market_id] = report
        self._exposure += report.exposure
        self._pnl += report.realized_pnl + report.unrealized_pnl
        self._active.add(report.market_id)
        heapq.heappush(self._active_heap, (report.ts_ms, report.market_id))
        if report.market_id in self._live:
            lease = self.leases[report.market_id]
            self._set_over(report.market_id, self._excess_of(report.market_id, lease))

    def _grant(self, market_id: str, lease: Lease) -> None:
        self.leases[market_id] = lease
        self._live.add(market_id)
        self._set_over(market_id, self._excess_of(market_id, lease))
        heapq.heappush(self._lease_heap, (lease.expires_at_ms, market_id))


def committed(ledger: Ledger, market_id: str, now_ms: int) -> units.Money:
    """What a bot may still have at risk: its current lease, or its exposure once expired."""
    report = ledger.reports.get(market_id)
    exposure = report.exposure if report else 0
    lease = ledger.leases.get(market_id)
    if lease is not None and lease.expires_at_ms > now_ms:
        return units.Money(max(lease.budget, exposure))
    return units.Money(exposure)


def account_pnl(ledger: Ledger) -> units.Money:
    """Realized plus unrealized PnL (marked at fair) over every bot's latest report, plus the
    realized PnL carried from earlier sessions and from before a restart."""
    return units.Money(ledger._pnl + ledger._carried)


def account_exposure(ledger: Ledger) -> units.Money:
    """The sum of every bot's latest reported worst-case exposure."""
    return units.Money(ledger._exposure)


def drawdown(ledger: Ledger) -> units.Money:
    """How far account PnL is below its high-water mark."""
    return units.Money(max(0, ledger.high_water_mark - account_pnl(ledger)))


def set_carried(ledger: Ledger, market_id: str, amount: units.Money) -> None:
    """Set the realized PnL carried for ``market_id`` (see :attr:`Ledger.carried`)."""
    ledger._carried += amount - ledger.carried.get(market_id, 0)
    ledger.carried[market_id] = amount


def forget(ledger: Ledger, market_id: str) -> bool:
    """Drop a market's entry once it holds nothing at risk — no exposure, no unrealized PnL, no
    resting order — keeping what it realized among the carried PnL (the account's PnL does not
    move). Returns False, changing nothing, while it still holds something."""
    report = ledger.reports.get(market_id)
    if report is None or report.exposure or report.unrealized_pnl or report.resting_orders:
        return False
    set_carried(
        ledger, market_id, units.Money(ledger.carried.get(market_id, 0) + report.realized_pnl)
    )
    del ledger.reports[market_id]
    ledger._pnl -= report.realized_pnl
    ledger._set_over(market_id, 0)
    ledger._over.pop(market_id, None)
    ledger._live.discard(market_id)
    ledger._active.discard(market_id)
    ledger.leases.pop(market_id, None)
    return True


def apply_report(
    ledger: Ledger, report: BotReport, limits: AccountLimits, *, recovering: bool = False
) -> tuple[Ledger, Lease]:
    """Record a report, update the high-water mark and halt, and grant the bot its lease
    (``ledger`` is updated in place and returned).

    ``recovering``: the service restarted less than a lease period ago, so leases granted
    before it may still be held and not every bot has reported: the lease is reduce-only (no
    budget) and drawdown is not judged from a partial sum of PnL."""
    now_ms = report.ts_ms
    market_id = report.market_id
    ledger._expire(now_ms, limits)
    ledger._record(report)
    if not recovering:
        _update_drawdown(ledger, now_ms, limits)
    if ledger.halt.halted or recovering:
        lease = Lease(units.Money(0), now_ms + limits.lease_ttl_ms)
    else:
        mine = report.exposure + ledger._over.get(market_id, 0)
        others = ledger._exposure + ledger._excess - mine
        available = max(0, limits.max_total_notional - others)
        headroom = max(0, limits.max_total_notional - ledger._exposure)
        share = headroom // max(1, len(ledger._active))
        target = report.exposure + share
        lease = Lease(units.Money(min(target, available)), now_ms + limits.lease_ttl_ms)
    ledger._grant(market_id, lease)
    return ledger, lease


def _update_drawdown(ledger: Ledger, now_ms: int, limits: AccountLimits) -> None:
    pnl = account_pnl(ledger)
    hwm = units.Money(max(ledger.high_water_mark, pnl))
    ledger.high_water_mark = hwm
    if not ledger.halt.halted and hwm - pnl >= limits.max_drawdown:
        reason = (
            f"drawdown {units.format_money(hwm - pnl)} reached the limit "
            f"{units.format_money(limits.max_drawdown)}"
        )
        ledger.halt = Halt(True, reason, now_ms)


def set_halt(ledger: Ledger, *, reason: str, now_ms: int) -> Ledger:
    """A person (or the cross-check) halts the fleet."""
    return dataclasses.replace(ledger, halt=Halt(True, reason, now_ms))


def reset_halt(ledger: Ledger) -> Ledger:
    """A person resets the halt; the high-water mark restarts from current PnL."""
    return dataclasses.replace(
        ledger, halt=Halt(), high_water_mark=units.Money(max(0, account_pnl(ledger)))
    )


def unconfirmed_after_halt(ledger: Ledger, *, now_ms: int, deadline_ms: int) -> list[str]:
    """Bots that have not confirmed their cancellations within ``deadline_ms`` of the halt."""
    if not ledger.halt.halted or now_ms - ledger.halt.since_ms < deadline_ms:
        return []
    return sorted(
        m
        for m, r in ledger.reports.items()
        if not (r.halted_ack and r.resting_orders == 0 and r.ts_ms >= ledger.halt.since_ms)
    )
