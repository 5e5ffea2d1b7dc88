"""The bot's trading summary in its ``SoccerMarket``'s ``status.bot`` (``kubectl get sm``).

Metrics are the real-time channel; status is for people and the operator (ConfigApplied,
SettlementVerified, the finalizer's "orders cancelled"), so it is written only when something a
person would see changed, and at most once per ``min_interval_ms``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kubernetes_asyncio import client

from touchline_bot.kube import api

PLURAL = "soccermarkets"


@dataclass
class StatusWriter:
    """Rate-limited merge patches of ``status.bot``."""

    api_client: client.ApiClient
    namespace: str
    name: str
    min_interval_ms: int = 5_000
    writes: int = 0
    _last: dict[str, Any] = field(default_factory=dict)
    _last_ms: int = -(10**12)

    def due(self, summary: dict[str, Any], now_ms: int, *, force: bool = False) -> bool:
        """Whether ``summary`` should be written now."""
        if summary == self._last:
            return False
        return force or now_ms - self._last_ms >= self.min_interval_ms

    async def write(self, summary: dict[str, Any], now_ms: int, *, force: bool = False) -> bool:
        """Patch ``status.bot`` if due; ``force`` for transitions that must not wait (DONE,
        orders cancelled). Returns True when it wrote."""
        if not self.due(summary, now_ms, force=force):
            return False
        stamped = {
            **summary,
            "updatedAt": dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC).isoformat(),
        }
        await api.merge_patch_status(
            self.api_client,
            namespace=self.namespace,
            plural=PLURAL,
            name=self.name,
            status={"bot": stamped},
        )
        self._last = summary
        self._last_ms = now_ms
        self.writes += 1
        return True
