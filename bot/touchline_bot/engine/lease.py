"""The bot's side of the global risk service: report about once a second, turn the answer into
``LeaseGranted`` and ``HaltChanged`` events for the core.

When the service cannot be reached nothing is submitted: the lease the core holds simply
expires, and from then on the core only keeps quotes that reduce exposure.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from touchline_bot.core import events
from touchline_bot.risk_service import client as risk_client
from touchline_bot.risk_service import rules

log = logging.getLogger(__name__)


@dataclass
class LeaseLoop:
    """Reports for one market and feeds the answers back to its runner."""

    client: risk_client.RiskClient
    snapshot: Callable[[int], rules.BotReport]
    """Builds the report for ``ts_ms`` from the bot's current state."""
    submit: Callable[[events.Event], None]
    now_ms: Callable[[], int]
    interval_secs: float = 1.0
    failures: int = 0
    _halted: bool | None = None

    async def once(self) -> bool:
        """One report; True when the service answered."""
        ts_ms = self.now_ms()
        try:
            reply = await self.client.report(self.snapshot(ts_ms))
        except risk_client.RiskServiceUnavailableError as exc:
            self.failures += 1
            log.warning("lease renewal failed", extra={"error": str(exc)})
            return False
        now = self.now_ms()
        if reply.halted != self._halted:
            self._halted = reply.halted
            self.submit(events.HaltChanged(now, reply.halted, reply.halt_reason))
        self.submit(events.LeaseGranted(now, reply.budget, reply.expires_at_ms))
        return True

    async def run(self) -> None:
        """Report forever (cancel the task to stop)."""
        while True:
            await self.once()
            await asyncio.sleep(self.interval_secs)
