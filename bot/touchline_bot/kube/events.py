"""Kubernetes Events the risk service records on its ``RiskPolicy`` (halt, reset, forced
cancel-all), so ``kubectl describe riskpolicy`` and ``kubectl get events`` tell a person what
happened and why.

Recording is best effort: an Event that cannot be written is logged and counted, never an error
for the caller (the halt itself is already persisted in the RiskPolicy's status).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import aiohttp
from kubernetes_asyncio import client
from kubernetes_asyncio.client.rest import ApiException

from touchline_bot.kube import api

log = logging.getLogger(__name__)

COMPONENT = "touchline-risk"
NORMAL_REASONS = frozenset({"HaltReset"})
"""Reasons recorded as ``Normal``; every other reason is a ``Warning``."""
MESSAGE_MAX_CHARS = 1024


def _time(ms: int) -> dt.datetime:
    seconds, millis = divmod(ms, 1000)
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC) + dt.timedelta(milliseconds=millis)


class EventRecorder:
    """Creates core/v1 Events whose involvedObject is one RiskPolicy."""

    def __init__(
        self,
        api_client: client.ApiClient,
        *,
        namespace: str,
        policy: str,
        policy_uid: str,
        now_ms: Callable[[], int],
    ) -> None:
        self._core = client.CoreV1Api(api_client)
        self._namespace = namespace
        self._policy = policy
        self._uid = policy_uid
        self._now_ms = now_ms
        self.recorded = 0
        self.failures = 0

    def _event(self, reason: str, message: str) -> client.CoreV1Event:
        now = _time(self._now_ms())
        return client.CoreV1Event(
            metadata=client.V1ObjectMeta(
                generate_name=f"{self._policy}.", namespace=self._namespace
            ),
            involved_object=client.V1ObjectReference(
                api_version=f"{api.GROUP}/{api.VERSION}",
                kind="RiskPolicy",
                name=self._policy,
                namespace=self._namespace,
                uid=self._uid,
            ),
            reason=reason,
            message=message[:MESSAGE_MAX_CHARS],
            type="Normal" if reason in NORMAL_REASONS else "Warning",
            source=client.V1EventSource(component=COMPONENT),
            first_timestamp=now,
            last_timestamp=now,
            count=1,
        )

    async def record(self, reason: str, message: str) -> None:
        """Record one Event (``service.EventFn``); failures are logged and counted."""
        try:
            await self._core.create_namespaced_event(self._namespace, self._event(reason, message))
        except (ApiException, aiohttp.ClientError, TimeoutError) as exc:
            self.failures += 1
            log.warning(
                "could not record a Kubernetes Event",
                extra={"reason": reason, "error": type(exc).__name__},
            )
            return
        self.recorded += 1
