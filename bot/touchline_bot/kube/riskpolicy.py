"""The risk service's durable state in the cluster: the ``RiskPolicy`` resource. Its spec holds
the account limits and a person's halt switch; its status keeps the high-water mark and the
halt, so they survive a restart of the service, and ``observedGeneration``, the spec generation
the service has acted on (so a person, or a test, knows an edit was seen)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kubernetes_asyncio import client

from touchline_bot.core import units
from touchline_bot.kube import api
from touchline_bot.risk_service import rules, store

PLURAL = "riskpolicies"
KIND = "RiskPolicy"
UNREADABLE_REASON = "the RiskPolicy status was unreadable at start"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PolicySpec:
    """What the service reads from the spec on every poll."""

    generation: int
    limits: rules.AccountLimits
    halt: bool


def limits_from_spec(spec: dict[str, Any]) -> rules.AccountLimits:
    """The account limits (raises KeyError/ValueError on a malformed spec)."""
    return rules.AccountLimits(
        max_total_notional=units.parse_money(str(spec["maxTotalNotionalDollars"])),
        max_drawdown=units.parse_money(str(spec["maxDrawdownDollars"])),
        lease_ttl_ms=int(spec.get("leaseTtlMs", 5_000)),
        active_after_ms=int(spec.get("activeAfterMs", 10_000)),
    )


class RiskPolicyStore:
    """Implements ``risk_service.store.Store`` on a RiskPolicy's status subresource."""

    def __init__(self, api_client: client.ApiClient, *, namespace: str, name: str) -> None:
        self._api = api_client
        self._custom = client.CustomObjectsApi(api_client)
        self.namespace = namespace
        self.name = name

    async def read(self) -> dict[str, Any]:
        """The whole object."""
        obj: dict[str, Any] = await self._custom.get_namespaced_custom_object(
            api.GROUP, api.VERSION, self.namespace, PLURAL, self.name
        )
        return obj

    async def spec(self) -> PolicySpec:
        """The limits, the halt switch and the generation they belong to."""
        obj = await self.read()
        spec = obj["spec"]
        return PolicySpec(
            generation=int(obj["metadata"].get("generation", 0)),
            limits=limits_from_spec(spec),
            halt=bool(spec.get("halt", False)),
        )

    async def limits(self) -> rules.AccountLimits:
        """The account limits from the spec."""
        return (await self.spec()).limits

    async def load(self) -> store.Persisted | None:
        """The saved high-water mark and halt, or None before the first save. A status that
        cannot be parsed fails closed: logged, and replaced by a halt a person must reset."""
        status = (await self.read()).get("status") or {}
        if "highWaterMarkDollars" not in status:
            return None
        try:
            return store.Persisted(
                high_water_mark=units.parse_money(str(status["highWaterMarkDollars"])),
                halt=rules.Halt(
                    halted=bool(status.get("halted", False)),
                    reason=str(status.get("haltReason", "")),
                    since_ms=int(status.get("haltedSinceMs", 0)),
                ),
            )
        except (TypeError, ValueError) as exc:
            log.exception(
                "the RiskPolicy status is unreadable; starting halted",
                extra={"policy": self.name, "error": type(exc).__name__},
            )
            halted = store.Persisted(units.Money(0), rules.Halt(True, UNREADABLE_REASON, 0))
            await self.save(halted)
            return halted

    async def save(self, state: store.Persisted) -> None:
        """Write the status (a merge patch of our fields only)."""
        await self._patch_status(
            {
                "highWaterMarkDollars": units.format_money(state.high_water_mark),
                "halted": state.halt.halted,
                "haltReason": state.halt.reason[:1024],
                "haltedSinceMs": state.halt.since_ms,
            }
        )

    async def observe(self, generation: int) -> None:
        """Record that the service has acted on the spec of ``generation``."""
        await self._patch_status({"observedGeneration": generation})

    async def _patch_status(self, fields: dict[str, Any]) -> None:
        await api.merge_patch_status(
            self._api, namespace=self.namespace, plural=PLURAL, name=self.name, status=fields
        )
