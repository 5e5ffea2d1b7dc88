"""The bot's side of the risk service: report, receive a lease or learn of a halt.

A lease is valid from when the report was *sent* (not when the answer arrived) for ``ttl_ms``,
so a slow answer can only shorten it, never extend it. The bearer token is read for every
report: in a cluster it is a projected service-account token that the kubelet rotates (hourly
by default), so :class:`TokenFile` re-reads the file whenever it changed.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from touchline_bot.core import units
from touchline_bot.risk_service import rules, wire
from touchline_bot.telemetry import logs

Token = str | Callable[[], str]
"""A bearer token, or where to get the current one."""


class TokenFile:
    """The token in a file, re-read when the file changes (a rotated projected token); every
    value read is registered for redaction, so no log line ever shows it."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: tuple[int, int] | None = None
        self._token = ""
        self()

    def __call__(self) -> str:
        stat = self._path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            token = self._path.read_text().strip()
            logs.register_secret(token)
            self._token, self._stamp = token, stamp
        return self._token


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
        token: Token,
        ticker: str,
        timeout_secs: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_secs, transport=transport)
        self._token: Callable[[], str] = token if callable(token) else lambda: token
        self._ticker = ticker
        # This process's reports: the service carries what earlier processes realized.
        self.session = secrets.token_hex(8)

    async def report(self, report: rules.BotReport) -> LeaseReply:
        """Send a report (``report.ts_ms`` is the send time) and return the lease."""
        try:
            response = await self._http.post(
                "/v1/reports",
                json=wire.report_to_json(
                    dataclasses.replace(report, session=self.session), ticker=self._ticker
                ),
                headers={"Authorization": f"Bearer {self._token()}"},
            )
        except (httpx.HTTPError, OSError) as exc:
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
