"""The invariants a scenario run must keep, checked on every sample and at the end. Each
violation carries its time and the values that broke the rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from touchline_bot.core.types import MachineState

STALE_SLACK_MS = 2_000
"""Match-clock time allowed between the staleness deadline and the cancel reaching the venue
(the sampling interval and the bot's staleness check; on the simulated clock no time passes
while the machine is merely busy, so this is not an allowance for scheduler delay)."""
SHOCK_WINDOW_MS = 6_000
"""A jump must be followed by a shock pause within this long."""
JUMP_MIN = 500
"""Jumps smaller than 5 cents need not trip the shock detector."""


@dataclass
class Checker:
    """Accumulates violations."""

    violations: list[dict[str, Any]] = field(default_factory=list)
    paused_for_shock_ms: dict[str, list[int]] = field(default_factory=dict)

    def violate(self, t_ms: int, kind: str, market: str, **values: Any) -> None:
        """Record one violation."""
        self.violations.append({"t_secs": t_ms / 1000, "kind": kind, "market": market, **values})

    def exposure(self, t_ms: int, market: str, *, exposure: int, limit: int) -> None:
        """Worst-case exposure never above its per-market limit."""
        if exposure > limit:
            self.violate(t_ms, "exposure_above_limit", market, exposure=exposure, limit=limit)

    def account(self, t_ms: int, *, total: int, limit: int) -> None:
        """The fleet's worst-case exposure never above the account limit."""
        if total > limit:
            self.violate(t_ms, "account_exposure_above_limit", "*", exposure=total, limit=limit)

    def stale(
        self,
        t_ms: int,
        market: str,
        *,
        age_ms: int | None,
        stale_after_ms: int,
        resting: int,
        slack_ms: int = STALE_SLACK_MS,
    ) -> None:
        """No quote resting while the signal is stale beyond the threshold. ``age_ms`` is how
        far the bot's view lags the venue's latest change (a frozen or dropped feed), on the
        run's simulated clock."""
        if age_ms is not None and age_ms > stale_after_ms + slack_ms and resting > 0:
            self.violate(
                t_ms, "quote_resting_on_stale_signal", market, age_ms=age_ms, resting=resting
            )

    def note_state(self, t_ms: int, market: str, state: str, reason: str) -> None:
        """Remember when a market was not quoting (paused for a shock, or for anything else
        that already kept it off the book when a jump came)."""
        del reason
        if state != MachineState.QUOTING.value:
            self.paused_for_shock_ms.setdefault(market, []).append(t_ms)

    def shocks(self, market: str, jumps_ms: list[int], *, window_ms: int = SHOCK_WINDOW_MS) -> None:
        """Every jump was followed by a shock pause within ``window_ms``."""
        seen = self.paused_for_shock_ms.get(market, [])
        for jump in jumps_ms:
            if not any(jump <= t <= jump + window_ms for t in seen):
                self.violate(jump, "no_pause_after_shock", market)

    def done_by_stop(self, t_ms: int, market: str, *, state: str, resting: int) -> None:
        """DONE with nothing resting by the stop-quoting time."""
        if state != MachineState.DONE.value or resting:
            self.violate(t_ms, "not_done_at_stop_quoting", market, state=state, resting=resting)

    def after_shutdown(self, t_ms: int, market: str, *, resting: int) -> None:
        """Nothing resting after the shutdown path."""
        if resting:
            self.violate(t_ms, "orders_resting_after_shutdown", market, resting=resting)

    def crossed(self, t_ms: int, market: str, *, taker_orders: int) -> None:
        """No order of ours ever took liquidity (flattening disabled)."""
        if taker_orders:
            self.violate(t_ms, "order_crossed_the_book", market, orders=taker_orders)

    def book_equal(self, t_ms: int, market: str, *, ours: object, venue: object) -> None:
        """After gaps and reconnects the client's book equals the venue's."""
        if ours != venue:
            self.violate(t_ms, "book_differs_from_venue", market, ours=ours, venue=venue)
