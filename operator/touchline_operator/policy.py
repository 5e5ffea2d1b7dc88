"""What a ``SoccerMarket`` author may ask for, as the chart (the operator's flags) allows it:
which Secrets may serve as a bot's Kalshi key, and whether a market may trade on Kalshi prod;
and the fleet's ceilings on any market's limits.

Pure: the refusal names the field, what was asked and what is allowed. A market refused here
gets no children (``Degraded``, reason ``NotAllowed``); its earlier children, if any, stay as
they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from touchline_bot.config import params as config_params
from touchline_operator import fleet, models

DEFAULT_KEY_SECRET = "touchline-kalshi"  # noqa: S105 - a Secret's name, not a secret
"""The chart's ``kalshi.existingSecret`` default and the CRD's ``keySecretName`` default."""


class NotAllowedError(models.InvalidSpecError):
    """The spec is well-formed but asks for something the installation does not allow."""


@dataclass(frozen=True, slots=True)
class MarketPolicy:
    """The installation's limits on what a market may name."""

    allowed_key_secrets: frozenset[str] = field(
        default_factory=lambda: frozenset({DEFAULT_KEY_SECRET})
    )
    allow_prod: bool = False

    def __post_init__(self) -> None:
        if not self.allowed_key_secrets:
            raise ValueError("at least one Kalshi key Secret must be allowed")

    def check(self, spec: models.SoccerMarketSpec) -> None:
        """Raise ``NotAllowedError`` naming every refused field."""
        problems = []
        secret = spec.kalshi.key_secret_name
        if secret not in self.allowed_key_secrets:
            allowed = ", ".join(sorted(self.allowed_key_secrets))
            problems.append(
                f"spec.kalshi.keySecretName: {secret!r} is not an allowed Kalshi key Secret"
                f" (allowed: {allowed})"
            )
        if spec.kalshi.env is models.KalshiEnv.PROD and not self.allow_prod:
            problems.append(
                "spec.kalshi.env: prod is not allowed by this installation"
                " (the chart's kalshi.env is demo)"
            )
        if problems:
            raise NotAllowedError("; ".join(problems))


def check_ceilings(resolved: config_params.Params, ceilings: fleet.Ceilings) -> None:
    """Raise ``NotAllowedError`` naming every resolved limit above the fleet's ceilings."""
    q, r = resolved.quoting, resolved.risk
    limits: list[tuple[str, Decimal, Decimal, str]] = [
        ("quoting.maxOrderNotionalDollars", q.max_order_notional_dollars,
         ceilings.notional_dollars, "notionalDollars"),
        ("risk.maxPositionNotionalDollars", r.max_position_notional_dollars,
         ceilings.notional_dollars, "notionalDollars"),
        ("risk.maxTotalNotionalDollars", r.max_total_notional_dollars,
         ceilings.notional_dollars, "notionalDollars"),
        ("risk.fillRateMaxNotionalDollars", r.fill_rate_max_notional_dollars,
         ceilings.notional_dollars, "notionalDollars"),
        ("risk.maxDrawdownDollars", r.max_drawdown_dollars,
         ceilings.drawdown_dollars, "drawdownDollars"),
        ("quoting.maxOrderContracts", q.max_order_contracts,
         ceilings.order_contracts, "orderContracts"),
    ]  # fmt: skip
    problems = [
        f"params.{name}: {value} is above the fleet's ceiling {ceiling} (ceilings.{which})"
        for name, value, ceiling, which in limits
        if value > ceiling
    ]
    if problems:
        raise NotAllowedError("; ".join(problems))
