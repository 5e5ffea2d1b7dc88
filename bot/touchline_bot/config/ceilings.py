"""Limits a parameter change may lower but never raise.

A market's limits are set by whoever configures the account: the markets file in local mode,
the ``SoccerMarket`` (through the operator's ConfigMap) in a cluster. A change that arrives any
other way — ``POST /params`` — is checked against those values: every limit it sets must be at
most its ceiling, so a stolen or mistyped call can tighten the bot but never loosen it.
"""

from __future__ import annotations

from decimal import Decimal

from touchline_bot.config import errors
from touchline_bot.config import params as config_params

LIMITS: tuple[tuple[str, str], ...] = (
    ("risk", "max_position_notional_dollars"),
    ("risk", "max_total_notional_dollars"),
    ("risk", "fill_rate_max_notional_dollars"),
    ("risk", "max_drawdown_dollars"),
    ("quoting", "max_order_notional_dollars"),
    ("quoting", "max_order_contracts"),
    ("flatten", "max_cross_loss_dollars"),
)
"""Every parameter whose larger value lets the bot risk more money (section, field)."""


def _value(params: config_params.Params, section: str, name: str) -> Decimal:
    value: object = getattr(getattr(params, section), name)
    if not isinstance(value, Decimal):
        raise TypeError(f"{section}.{name} is not a decimal limit")
    return value


def check(
    ceiling: config_params.Params, proposed: config_params.Params, *, where: str = "params"
) -> None:
    """Raise :class:`~.errors.ConfigError` naming each limit of ``proposed`` above
    ``ceiling``'s (none: the change is within the account's limits)."""
    issues = [
        errors.Issue(
            f"{where}.{section}.{name}",
            f"{_value(proposed, section, name)} is above the account's ceiling "
            f"{_value(ceiling, section, name)} (set by the configuration; a change over HTTP "
            "may lower a limit, never raise it)",
        )
        for section, name in LIMITS
        if _value(proposed, section, name) > _value(ceiling, section, name)
    ]
    if issues:
        raise errors.ConfigError(issues)
