"""The JSON shapes between bots and the risk service; money travels as dollar strings.

One module serves both sides, so the client and the server can never disagree.
"""

from __future__ import annotations

from decimal import Decimal
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
        "session": report.session,
    }


MAX_ID_CHARS = 253
"""A market id is a Kubernetes name (at most 253 characters); a ticker is far shorter."""
MAX_REPORT_DOLLARS = 10**9
"""No report of one bot is worth more than this (in either sign): beyond it, it is garbage."""
MAX_RESTING_ORDERS = 1_000_000


def _text(body: dict[str, Any], name: str, default: str | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str) or len(value) > MAX_ID_CHARS:
        raise WireError(f"{name} must be a string of at most {MAX_ID_CHARS} characters")
    return value


def _amount(body: dict[str, Any], name: str, parse: Any, scale: int) -> int:
    """A decimal string (or an exact JSON number) within ±:data:`MAX_REPORT_DOLLARS` units."""
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise WireError(f"{name} must be a decimal string")
    try:
        parsed: int = parse(str(value))
    except ValueError as exc:
        raise WireError(f"{name}: {exc}") from exc
    if abs(parsed) > MAX_REPORT_DOLLARS * scale:
        raise WireError(f"{name} is out of range")
    return parsed


def _flag(body: dict[str, Any], name: str) -> bool:
    """A JSON boolean, strictly: the string ``"false"`` is not false, nor true."""
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise WireError(f"{name} must be true or false")
    return value


MAX_SESSION_CHARS = 64


def _session(body: dict[str, Any]) -> str:
    """The reporting process's id (empty from a bot that sends none: one session forever)."""
    value = body.get("session", "")
    if not isinstance(value, str) or len(value) > MAX_SESSION_CHARS or not value.isascii():
        raise WireError(f"session must be an ASCII string of at most {MAX_SESSION_CHARS}")
    return value


def report_from_json(body: Any, *, ts_ms: int) -> tuple[rules.BotReport, str]:
    """Parse a report (stamped with the service's own receive time) and its Kalshi ticker.
    Every field is type-checked strictly and bounded: hostile input is a 400, never a 500."""
    if not isinstance(body, dict):
        raise WireError("report must be a JSON object")
    resting = body.get("resting_orders", 0)
    if isinstance(resting, bool) or not isinstance(resting, int):
        raise WireError("resting_orders must be an integer")
    if not 0 <= resting <= MAX_RESTING_ORDERS:
        raise WireError("resting_orders is out of range")
    report = rules.BotReport(
        market_id=_text(body, "market_id"),
        ts_ms=ts_ms,
        position_qty=units.Qty(
            _amount(body, "position_contracts", units.parse_count, units.QTY_SCALE)
        ),
        exposure=units.Money(
            _amount(body, "exposure_dollars", units.parse_money, units.MONEY_SCALE)
        ),
        realized_pnl=units.Money(
            _amount(body, "realized_pnl_dollars", units.parse_money, units.MONEY_SCALE)
        ),
        unrealized_pnl=units.Money(
            _amount(body, "unrealized_pnl_dollars", units.parse_money, units.MONEY_SCALE)
        ),
        resting_orders=resting,
        halted_ack=_flag(body, "halted_ack"),
        session=_session(body),
    )
    if not report.market_id:
        raise WireError("market_id must not be empty")
    if report.exposure < 0:
        raise WireError("exposure_dollars must not be negative")
    return report, _text(body, "ticker", "")


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
        budget, ttl_ms = units.parse_money(lease["budget_dollars"]), lease["ttl_ms"]
        halted, reason = body["halted"], body["halt_reason"]
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"malformed reply: {exc}") from exc
    if not isinstance(halted, bool) or not isinstance(reason, str):
        raise WireError("malformed reply: halted must be true or false, halt_reason a string")
    if isinstance(ttl_ms, bool) or not isinstance(ttl_ms, int):
        raise WireError("malformed reply: ttl_ms must be an integer")
    return budget, ttl_ms, halted, reason
