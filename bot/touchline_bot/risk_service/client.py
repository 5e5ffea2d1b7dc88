"""The bot's side of the risk service: report, receive a lease or learn of a halt.

A lease is valid from when the report was *sent* (not when the answer arrived) for ``ttl_ms``,
so a slow answer can only shorten it, never extend it.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from touchline_bot.core import units
from touchline_bot.risk_service import rules, wire


class RiskServiceUnavailableError(Exception):
    """The service could not be reached or answered with an error; the bot keeps its current
    lease until it expires and then may only reduce exposure."""


@dataclass(frozen=True, slots=True)
class LeaseReply:
    """What the bot learns from one report."""

    budget: units.Money
    expires_at_ms: int
    halted: bool
    halt_reason: str


class RiskClient:
    """Reports for one market with its bearer token (never logged)."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        ticker: str,
        timeout_secs: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout_secs,
            headers={"Authorization": f"Bearer {token}"},
            transport=transport,
        )
        self._ticker = ticker

    async def report(self, report: rules.BotReport) -> LeaseReply:
        """Send a report (``report.ts_ms`` is the send time) and return the lease."""
        try:
            response = await self._http.post(
                "/v1/reports", json=wire.report_to_json(report, ticker=self._ticker)
            )
        except httpx.HTTPError as exc:
            raise RiskServiceUnavailableError(
                f"risk service unreachable: {type(exc).__name__}"
            ) from exc
        if response.status_code != 200:
            raise RiskServiceUnavailableError(f"risk service answered {response.status_code}")
        try:
            budget, ttl_ms, halted, reason = wire.reply_from_json(response.json())
        except (ValueError, wire.WireError) as exc:
            raise RiskServiceUnavailableError(f"malformed answer: {exc}") from exc
        return LeaseReply(budget, report.ts_ms + ttl_ms, halted, reason)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._http.aclose()
