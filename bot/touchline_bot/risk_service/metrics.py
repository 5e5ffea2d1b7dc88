"""Prometheus metrics of the global risk service (base units: dollars, seconds)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from touchline_bot.core import units

HALT_LABEL_CHARS = 64
"""A halt reason is free text (a person's, or a mismatch listing tickers); its label is cut."""


def _dollars(money: int) -> float:
    return money / units.MONEY_SCALE


class RiskMetrics:
    """Every series the risk service exports; names are the contract with dashboards/alerts."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.account_exposure = Gauge(
            "touchline_risk_account_exposure_dollars",
            "Sum of bots' worst-case exposure.",
            registry=registry,
        )
        self.account_limit = Gauge(
            "touchline_risk_account_limit_dollars",
            "Account-wide notional limit.",
            registry=registry,
        )
        self.lease_budget = Gauge(
            "touchline_risk_lease_budget_dollars",
            "Current lease per market.",
            ["market"],
            registry=registry,
        )
        self.leases_granted = Counter(
            "touchline_risk_leases_granted", "Leases granted.", registry=registry
        )
        self.pnl = Gauge(
            "touchline_risk_account_pnl_dollars", "Account PnL marked at fair.", registry=registry
        )
        self.drawdown = Gauge(
            "touchline_risk_drawdown_dollars",
            "High-water mark minus account PnL.",
            registry=registry,
        )
        self.max_drawdown = Gauge(
            "touchline_risk_max_drawdown_dollars", "Drawdown limit.", registry=registry
        )
        self.high_water_mark = Gauge(
            "touchline_risk_high_water_mark_dollars",
            "High-water mark of account PnL.",
            registry=registry,
        )
        self.halted = Gauge(
            "touchline_risk_halted", "1 while the fleet is halted.", registry=registry
        )
        self.halt_info = Gauge(
            "touchline_risk_halt_info",
            "The halt reason, its first 64 printable characters (value 1 while halted).",
            ["reason"],
            registry=registry,
        )
        self.report_age = Gauge(
            "touchline_risk_report_age_seconds",
            "Age of each bot's last report.",
            ["market"],
            registry=registry,
        )
        self.crosscheck_mismatch = Gauge(
            "touchline_risk_crosscheck_mismatch_contracts",
            "Venue position minus reported position.",
            ["ticker"],
            registry=registry,
        )
        self.crosscheck_mismatches = Counter(
            "touchline_risk_crosscheck_mismatches",
            "Cross-checks that found a mismatch.",
            registry=registry,
        )
        self.ticker_refusals = Counter(
            "touchline_risk_ticker_refusals",
            "Reports refused because their ticker is not their market's.",
            registry=registry,
        )
        self.silent_bot_cancels = Counter(
            "touchline_risk_silent_bot_cancels",
            "Markets whose orders the service cancelled because their bot stopped reporting.",
            registry=registry,
        )
        self.forced_cancel_all = Counter(
            "touchline_risk_forced_cancel_all",
            "Account-wide cancel-all calls made by the service.",
            registry=registry,
        )
        self.state_write_failures = Counter(
            "touchline_risk_state_write_failures",
            "Saves of the durable state (high-water mark, halt) that failed; each answers 503.",
            registry=registry,
        )
        self.auth_failures = Counter(
            "touchline_risk_auth_failures", "Refused callers.", ["code"], registry=registry
        )

    def halt_label(self, reason: str) -> str:
        """A bounded label for a halt reason: one series at a time, at most 64 characters."""
        return "".join(c if c.isprintable() else " " for c in reason)[:HALT_LABEL_CHARS]

    def dollars(self, money: int) -> float:
        """Money to dollars for export."""
        return _dollars(money)
