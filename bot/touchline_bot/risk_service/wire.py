"""The JSON shapes between bots and the risk service; money travels as dollar strings.

One module serves both sides, so the client and the server can never disagree.
"""

from __future__ import annotations

from typing import Any

from touchline_bot.core import units
from touchline_bot.risk_service import rules


class WireError(ValueError):
    """A request or reply body is malformed."""


def report_to_json(report: rules.BotReport, *, ticker: str = "") -> dict[str, Any]:
    """A bot's report as JSON."""
    return {
        "market_id": report.market_id,
        "ticker": ticker,
        "position_contracts": units.format_count(report.position_qty),
        "exposure_dollars": units.format_money(report.exposure),
        "realized_pnl_dollars": units.format_money(report.realized_pnl),
        "unrealized_pnl_dollars": units.format_money(report.unrealized_pnl),
        "resting_orders": report.resting_orders,
        "halted_ack": report.halted_ack,
    }


def report_from_json(body: Any, *, ts_ms: int) -> tuple[rules.BotReport, str]:
    """Parse a report (stamped with the service's own receive time) and its Kalshi ticker."""
    if not isinstance(body, dict):
        raise WireError("report must be a JSON object")
    try:
        report = rules.BotReport(
            market_id=str(body["market_id"]),
            ts_ms=ts_ms,
            position_qty=units.parse_count(body["position_contracts"]),
            exposure=units.parse_money(body["exposure_dollars"]),
            realized_pnl=units.parse_money(body["realized_pnl_dollars"]),
            unrealized_pnl=units.parse_money(body["unrealized_pnl_dollars"]),
            resting_orders=int(body.get("resting_orders", 0)),
            halted_ack=bool(body.get("halted_ack", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"malformed report: {exc}") from exc
    if report.exposure < 0:
        raise WireError("exposure_dollars must not be negative")
    return report, str(body.get("ticker", ""))


def reply_to_json(lease: rules.Lease, halt: rules.Halt, *, ttl_ms: int) -> dict[str, Any]:
    """The service's answer to a report."""
    return {
        "lease": {
            "budget_dollars": units.format_money(lease.budget),
            "expires_at_ms": lease.expires_at_ms,
            "ttl_ms": ttl_ms,
        },
        "halted": halt.halted,
        "halt_reason": halt.reason,
    }


def reply_from_json(body: Any) -> tuple[units.Money, int, bool, str]:
    """(budget, ttl_ms, halted, halt_reason) from the service's answer."""
    try:
        lease = body["lease"]
        return (
            units.parse_money(lease["budget_dollars"]),
            int(lease["ttl_ms"]),
            bool(body["halted"]),
            str(body["halt_reason"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"malformed reply: {exc}") from exc
