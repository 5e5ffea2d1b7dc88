"""The risk service's durable state in the cluster: the ``RiskPolicy`` resource. Its spec holds
the account limits and a person's halt switch; its status keeps the high-water mark and the
halt, so they survive a restart of the service."""

from __future__ import annotations

from typing import Any

from kubernetes_asyncio import client

from touchline_bot.core import units
from touchline_bot.kube import api
from touchline_bot.risk_service import rules, store

PLURAL = "riskpolicies"


class RiskPolicyStore:
    """Implements ``risk_service.store.Store`` on a RiskPolicy's status subresource."""

    def __init__(self, api_client: client.ApiClient, *, namespace: str, name: str) -> None:
        self._custom = client.CustomObjectsApi(api_client)
        self._namespace = namespace
        self._name = name

    async def read(self) -> dict[str, Any]:
        """The whole object."""
        obj: dict[str, Any] = await self._custom.get_namespaced_custom_object(
            api.GROUP, api.VERSION, self._namespace, PLURAL, self._name
        )
        return obj

    async def limits(self) -> rules.AccountLimits:
        """The account limits from the spec."""
        spec = (await self.read())["spec"]
        return rules.AccountLimits(
            max_total_notional=units.parse_money(spec["maxTotalNotionalDollars"]),
            max_drawdown=units.parse_money(spec["maxDrawdownDollars"]),
            lease_ttl_ms=int(spec.get("leaseTtlMs", 5_000)),
            active_after_ms=int(spec.get("activeAfterMs", 10_000)),
        )

    async def load(self) -> store.Persisted | None:
        """The saved high-water mark and halt, or None before the first save."""
        status = (await self.read()).get("status") or {}
        if "highWaterMarkDollars" not in status:
            return None
        return store.Persisted(
            high_water_mark=units.parse_money(status["highWaterMarkDollars"]),
            halt=rules.Halt(
                halted=bool(status.get("halted", False)),
                reason=str(status.get("haltReason", "")),
                since_ms=int(status.get("haltedSinceMs", 0)),
            ),
        )

    async def save(self, state: store.Persisted) -> None:
        """Write the status (a merge patch of our fields only)."""
        body = {
            "status": {
                "highWaterMarkDollars": units.format_money(state.high_water_mark),
                "halted": state.halt.halted,
                "haltReason": state.halt.reason,
                "haltedSinceMs": state.halt.since_ms,
            }
        }
        await self._custom.patch_namespaced_custom_object_status(
            api.GROUP, api.VERSION, self._namespace, PLURAL, self._name, body
        )
