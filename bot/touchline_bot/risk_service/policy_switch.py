"""The RiskPolicy spec as the risk service's live controls: the limits, and a person's halt
switch.

The service polls the spec. ``spec.halt: true`` halts the fleet with the reason
:data:`PERSON_REASON` (and keeps it halted: a reset through the HTTP API is undone on the next
poll). A ``true → false`` transition resets any halt, including one the service raised itself
for a drawdown: that is how a person resets after a drawdown halt (set ``halt: true``, wait
until ``status.observedGeneration`` reaches the object's ``generation``, then set it back to
``false``). If the switch was turned off while the service was down, a halt whose reason is
:data:`PERSON_REASON` is reset on start; any other halt stays until the next ``true → false``.
A spec that cannot be read or parsed is logged and counted, and the previous limits stay.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from kubernetes_asyncio.client.rest import ApiException

from touchline_bot.kube import riskpolicy
from touchline_bot.risk_service import rules, service

log = logging.getLogger(__name__)

PERSON_REASON = "halted by a person"


class PolicySwitch:
    """Applies the RiskPolicy spec to a running :class:`service.RiskService`."""

    def __init__(self, svc: service.RiskService, policy: riskpolicy.RiskPolicyStore) -> None:
        self._svc = svc
        self._policy = policy
        self._last_halt: bool | None = None
        self.observed_generation = 0
        self.failures = 0

    async def sync(self) -> None:
        """Read the spec once and act on it (raises on an unreadable or malformed spec)."""
        spec = await self._policy.spec()
        self._apply_limits(spec.limits)
        await self._apply_switch(spec.halt)
        if spec.generation != self.observed_generation:
            await self._policy.observe(spec.generation)
            self.observed_generation = spec.generation

    async def sync_logged(self) -> bool:
        """:meth:`sync`, with any failure logged and counted; True when it succeeded."""
        try:
            await self.sync()
        except (
            ApiException,
            aiohttp.ClientError,
            TimeoutError,
            KeyError,
            ValueError,
            service.StateNotDurableError,
        ) as exc:
            self.failures += 1
            log.warning(
                "could not apply the RiskPolicy spec; keeping the previous limits",
                extra={"error": type(exc).__name__, "failures": self.failures},
            )
            return False
        return True

    async def run(self, every_secs: float) -> None:
        """Poll forever (cancel the task to stop)."""
        while True:
            await asyncio.sleep(every_secs)
            try:
                await self.sync_logged()
            except Exception:
                self.failures += 1
                log.exception("applying the RiskPolicy spec failed; will retry")

    def _apply_limits(self, limits: rules.AccountLimits) -> None:
        svc = self._svc
        if limits == svc.limits:
            return
        log.info("account limits changed", extra={"policy": self._policy.name})
        svc.limits = limits
        svc.metrics.account_limit.set(svc.metrics.dollars(limits.max_total_notional))
        svc.metrics.max_drawdown.set(svc.metrics.dollars(limits.max_drawdown))

    async def _apply_switch(self, halt: bool) -> None:
        # The switch's last position is remembered only once acting on it succeeded: a halt or
        # a reset that could not be saved (StateNotDurableError) is tried again on the next
        # poll instead of being forgotten. ``halt()`` is idempotent, and saves a halt still
        # unsaved.
        halted = self._svc.ledger.halt
        previous = self._last_halt
        if halt:
            await self._svc.halt(PERSON_REASON)
        else:
            released = previous is True
            released_while_down = previous is None and halted.reason == PERSON_REASON
            if halted.halted and (released or released_while_down):
                await self._svc.reset()
        self._last_halt = halt
