"""The account limit across the markets of one process without the global risk service
(``touchline run``, the seed's single-process mode): the service's own lease rules
(:mod:`touchline_bot.risk_service.rules`) applied in process.

Every interval each market reports its worst-case exposure and PnL to an in-memory ledger and
gets a lease back, exactly as it would from the service: leases are granted so that the sum of
what every market may still commit stays within the account limit, a market whose lease lapsed
may only reduce, and an account drawdown at the limit halts every market. The ledger lives as
long as the process (the high-water mark and a halt start afresh with the next run).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from touchline_bot.core import events
from touchline_bot.risk_service import rules

log = logging.getLogger(__name__)


@dataclass
class LocalMarket:
    """One market's side of the in-process ledger."""

    market_id: str
    snapshot: Callable[[int], rules.BotReport]
    submit: Callable[[events.Event], None]


@dataclass
class LocalRisk:
    """The in-process risk ledger of one process's markets."""

    limits: rules.AccountLimits
    now_ms: Callable[[], int]
    markets: list[LocalMarket] = field(default_factory=list)
    ledger: rules.Ledger = field(default_factory=rules.Ledger)
    interval_secs: float = 1.0
    _halted: bool = False

    def once(self) -> None:
        """One round: every market reports and gets its lease (and the halt, when it moved)."""
        for market in self.markets:
            now = self.now_ms()
            self.ledger, lease = rules.apply_report(self.ledger, market.snapshot(now), self.limits)
            halt = self.ledger.halt
            if halt.halted != self._halted:
                log.error("account halted", extra={"reason": halt.reason})
                self._halted = halt.halted
                for each in self.markets:
                    each.submit(events.HaltChanged(now, halt.halted, halt.reason))
            market.submit(events.LeaseGranted(now, lease.budget, lease.expires_at_ms))

    async def run(self) -> None:
        """Grant leases forever (cancel the task to stop)."""
        while True:
            self.once()
            await asyncio.sleep(self.interval_secs)
