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


@dataclass(frozen=True, slots=True)
class Ledger:
    """Everything the service knows, as one immutable value."""

    reports: dict[str, BotReport] = field(default_factory=dict)
    leases: dict[str, Lease] = field(default_factory=dict)
    high_water_mark: units.Money = units.Money(0)
    halt: Halt = Halt()
    carried: dict[str, units.Money] = field(default_factory=dict)
    """Realized PnL a market's latest report does not include: what its bot's earlier sessions
    realized, and, after the service's restart, all it realized until it reports again."""


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
    reported = sum(r.realized_pnl + r.unrealized_pnl for r in ledger.reports.values())
    return units.Money(reported + sum(ledger.carried.values()))


def account_exposure(ledger: Ledger) -> units.Money:
    """The sum of every bot's latest reported worst-case exposure."""
    return units.Money(sum(r.exposure for r in ledger.reports.values()))


def drawdown(ledger: Ledger) -> units.Money:
    """How far account PnL is below its high-water mark."""
    return units.Money(max(0, ledger.high_water_mark - account_pnl(ledger)))


def _active(ledger: Ledger, now_ms: int, limits: AccountLimits) -> list[str]:
    return [m for m, r in ledger.reports.items() if now_ms - r.ts_ms <= limits.active_after_ms]


def _fair_target(ledger: Ledger, market_id: str, now_ms: int, limits: AccountLimits) -> int:
    active = _active(ledger, now_ms, limits)
    headroom = max(0, limits.max_total_notional - account_exposure(ledger))
    share = headroom // max(1, len(active))
    return ledger.reports[market_id].exposure + share


def apply_report(
    ledger: Ledger, report: BotReport, limits: AccountLimits, *, recovering: bool = False
) -> tuple[Ledger, Lease]:
    """Record a report, update the high-water mark and halt, and grant the bot its lease.

    ``recovering``: the service restarted less than a lease period ago, so leases granted
    before it may still be held and not every bot has reported: the lease is reduce-only (no
    budget) and drawdown is not judged from a partial sum of PnL."""
    reports = {**ledger.reports, report.market_id: report}
    ledger = dataclasses.replace(ledger, reports=reports)
    if not recovering:
        ledger = _update_drawdown(ledger, report.ts_ms, limits)
    now_ms = report.ts_ms
    if ledger.halt.halted or recovering:
        lease = Lease(units.Money(0), now_ms + limits.lease_ttl_ms)
    else:
        others = sum(committed(ledger, m, now_ms) for m in reports if m != report.market_id)
        available = max(0, limits.max_total_notional - others)
        target = _fair_target(ledger, report.market_id, now_ms, limits)
        lease = Lease(units.Money(min(target, available)), now_ms + limits.lease_ttl_ms)
    leases = {**ledger.leases, report.market_id: lease}
    return dataclasses.replace(ledger, leases=leases), lease


def _update_drawdown(ledger: Ledger, now_ms: int, limits: AccountLimits) -> Ledger:
    pnl = account_pnl(ledger)
    hwm = units.Money(max(ledger.high_water_mark, pnl))
    ledger = dataclasses.replace(ledger, high_water_mark=hwm)
    if not ledger.halt.halted and hwm - pnl >= limits.max_drawdown:
        reason = (
            f"drawdown {units.format_money(hwm - pnl)} reached the limit "
            f"{units.format_money(limits.max_drawdown)}"
        )
        ledger = dataclasses.replace(ledger, halt=Halt(True, reason, now_ms))
    return ledger


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
