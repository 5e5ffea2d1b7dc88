"""The per-market Lease a bot holds while quoting, so that two bots never quote one market at
once (beside the Deployment's ``Recreate`` strategy, which alone does not survive a partition).

A bot acquires the Lease before its first order, renews it well inside its duration, and treats
any failure to renew before expiry as lost: it cancels everything and stops. A renewal that
comes after our own expiry is refused too (another pod may have taken over meanwhile; the bot
must acquire again). Every write carries the ``resourceVersion`` it read, so of two racing pods
exactly one wins. Times come from the caller's clock; the API server only stores them.

Every API call is bounded (``call_timeout_secs``): a hung API server is a failed call, never a
wait that outlasts the Lease.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from kubernetes_asyncio import client
from kubernetes_asyncio.client.rest import ApiException

log = logging.getLogger(__name__)

CONFLICT = 409
NOT_FOUND = 404
CALL_TIMEOUT_SECS = 3.0
T = TypeVar("T")


def _micro_time(ms: int) -> str:
    """A ``MicroTime`` as the API server parses it (RFC 3339 with exactly six fractional
    digits); the client's own ``isoformat`` drops them on whole seconds and is refused."""
    seconds, millis = divmod(ms, 1000)
    moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis:03d}000Z"


def _ms(moment: dt.datetime | None) -> int:
    if moment is None:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(milliseconds=1)


class LeaseLostError(Exception):
    """Another holder has the Lease, or it could not be renewed before it expired."""


@dataclass
class MarketLease:
    """One market's Lease, held by one pod."""

    api: client.ApiClient
    namespace: str
    name: str
    holder: str
    duration_secs: int = 15
    acquired_ms: int = 0
    renewed_ms: int = 0
    call_timeout_secs: float = CALL_TIMEOUT_SECS

    async def _bounded(self, call: Awaitable[T]) -> T:
        """One API call, failed (``TimeoutError``) when the server does not answer in time."""
        return await asyncio.wait_for(call, self.call_timeout_secs)

    def _coordination(self) -> client.CoordinationV1Api:
        return client.CoordinationV1Api(self.api)

    def _body(
        self, now_ms: int, transitions: int, *, current: client.V1Lease | None = None
    ) -> Any:  # a dict: the stubs want V1Lease, whose datetimes would serialise wrongly
        """The whole Lease as we write it. Over ``current`` the write is conditional (its
        ``resourceVersion``) and keeps what others set on it: the operator's owner reference
        (which deletes the Lease with its market) and its labels."""
        metadata: dict[str, Any] = {"name": self.name, "namespace": self.namespace}
        if current is not None and current.metadata is not None:
            kept = self.api.sanitize_for_serialization(current.metadata)
            for key in ("resourceVersion", "ownerReferences", "labels", "annotations"):
                if kept.get(key):
                    metadata[key] = kept[key]
        return {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": metadata,
            "spec": {
                "holderIdentity": self.holder,
                "leaseDurationSeconds": self.duration_secs,
                "acquireTime": _micro_time(self.acquired_ms or now_ms),
                "renewTime": _micro_time(now_ms),
                "leaseTransitions": transitions,
            },
        }

    async def _create(self, now_ms: int) -> None:
        try:
            await self._bounded(
                self._coordination().create_namespaced_lease(self.namespace, self._body(now_ms, 0))
            )
        except ApiException as exc:
            if exc.status == CONFLICT:
                raise LeaseLostError(f"lease {self.name} was created by another pod") from None
            raise

    async def acquire(self, now_ms: int) -> None:
        """Take the Lease if it is free, ours, or expired; raise LeaseLostError otherwise."""
        api = self._coordination()
        try:
            current = await self._bounded(api.read_namespaced_lease(self.name, self.namespace))
        except ApiException as exc:
            if exc.status != NOT_FOUND:
                raise
            self.acquired_ms = now_ms
            await self._create(now_ms)
            self.renewed_ms = now_ms
            return
        spec = current.spec or client.V1LeaseSpec()
        holder = spec.holder_identity
        renewed_ms = _ms(spec.renew_time)
        duration_ms = (spec.lease_duration_seconds or self.duration_secs) * 1000
        if holder not in (None, "", self.holder) and now_ms < renewed_ms + duration_ms:
            raise LeaseLostError(f"lease {self.name} is held by {holder}")
        transitions = (spec.lease_transitions or 0) + (0 if holder == self.holder else 1)
        self.acquired_ms = now_ms
        await self._replace(self._body(now_ms, transitions, current=current))
        self.renewed_ms = now_ms

    async def renew(self, now_ms: int) -> None:
        """Renew (optimistic concurrency through resourceVersion); lost on any conflict, on a
        takeover, or when our own hold expired before this renewal."""
        if self.renewed_ms == 0 or self.expired(now_ms):
            raise LeaseLostError(f"lease {self.name} expired before it was renewed")
        api = self._coordination()
        try:
            current = await self._bounded(api.read_namespaced_lease(self.name, self.namespace))
        except ApiException as exc:
            if exc.status == NOT_FOUND:
                raise LeaseLostError(f"lease {self.name} was deleted") from None
            raise
        if current.spec is None or current.spec.holder_identity != self.holder:
            raise LeaseLostError(f"lease {self.name} was taken over")
        transitions = current.spec.lease_transitions or 0
        await self._replace(self._body(now_ms, transitions, current=current))
        self.renewed_ms = now_ms

    async def _replace(self, lease: Any) -> None:
        try:
            await self._bounded(
                self._coordination().replace_namespaced_lease(self.name, self.namespace, lease)
            )
        except ApiException as exc:
            if exc.status == CONFLICT:
                raise LeaseLostError(f"lease {self.name} changed under us") from None
            raise

    def expired(self, now_ms: int, *, margin_ms: int = 0) -> bool:
        """True once our last successful renewal is older than the Lease's duration (less
        ``margin_ms``: time kept to stop before another pod may take over)."""
        return now_ms >= self.renewed_ms + self.duration_secs * 1000 - margin_ms

    async def release(self) -> None:
        """Give the Lease up on a clean shutdown (a successor need not wait for expiry)."""
        api = self._coordination()
        try:
            current = await self._bounded(api.read_namespaced_lease(self.name, self.namespace))
            if current.spec is not None and current.spec.holder_identity == self.holder:
                body = self._body(
                    self.renewed_ms or 0, current.spec.lease_transitions or 0, current=current
                )
                body["spec"]["holderIdentity"] = ""
                await self._bounded(api.replace_namespaced_lease(self.name, self.namespace, body))
        except (ApiException, TimeoutError) as exc:
            log.warning(
                "could not release the market lease",
                extra={"lease": self.name, "status": getattr(exc, "status", "timeout")},
            )
        self.renewed_ms = 0
