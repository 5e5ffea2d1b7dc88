"""A bot pod's duties toward Kubernetes: hold the market's Lease while quoting (two bots never
quote one market at once, even across a partition) and report a trading summary in its
``SoccerMarket``'s ``status.bot`` (rate-limited; the operator derives ConfigApplied,
SettlementVerified and the delete finalizer from it).

The Lease is acquired before the first order; a renewal that fails past the Lease's duration,
or a Lease taken over, shuts the bot down (cancel everything, exit non-zero). Expiry is watched
by its own task, and every API call is bounded: a hung API server cannot keep a bot quoting on
a Lease it no longer holds. The bot stops :data:`STOP_MARGIN_SECS` before the Lease would expire,
so that its cancels are under way before another pod may take the market.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

from kubernetes_asyncio import client

from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.kube import api, lease, status

log = logging.getLogger(__name__)
RENEW_EVERY_SECS = 5.0
STATUS_EVERY_SECS = 1.0
ACQUIRE_TIMEOUT_SECS = 60.0
RETRY_RENEW_SECS = 1.0
STATUS_TIMEOUT_SECS = 2.0
STOP_MARGIN_SECS = 3.0


def in_cluster() -> bool:
    """True inside a pod with a ServiceAccount token."""
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST"))


@dataclass
class PodDuties:
    """The Lease and the status writer of one market's pod."""

    api_client: client.ApiClient
    market_lease: lease.MarketLease
    writer: status.StatusWriter
    lost: asyncio.Event

    @classmethod
    async def connect(cls, market_doc: dict[str, Any]) -> PodDuties:
        """Build them from the ConfigMap's ``market.json`` (read before connecting: a key
        missing leaves no client open)."""
        namespace = str(market_doc["namespace"])
        lease_name, name = str(market_doc["leaseName"]), str(market_doc["name"])
        holder = os.environ.get("POD_NAME") or socket.gethostname()
        api_client = await api.connect()
        return cls(
            api_client,
            lease.MarketLease(api_client, namespace, lease_name, holder),
            status.StatusWriter(api_client, namespace, name),
            asyncio.Event(),
        )

    async def acquire(self) -> None:
        """Wait (bounded) until the Lease is ours: a predecessor may still hold it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ACQUIRE_TIMEOUT_SECS
        while True:
            try:
                await self.market_lease.acquire(engine_clock.now_ms())
            except lease.LeaseLostError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(1.0)
            else:
                return

    async def keep(self, app: bot_app.BotApp) -> None:
        """Renew the Lease and write status until cancelled; set ``lost`` on a lost Lease (or
        one about to expire unrenewed, whatever the API server does meanwhile)."""
        watchdog = asyncio.create_task(self._watch())
        try:
            await self._renew(app)
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog

    async def _watch(self) -> None:
        margin_ms = int(STOP_MARGIN_SECS * 1000)
        while True:
            held = self.market_lease
            # Sleep until the stop time of the latest renewal, then look again (it may have
            # been renewed meanwhile).
            left_ms = (
                held.renewed_ms + held.duration_secs * 1000 - margin_ms - engine_clock.now_ms()
            )
            if left_ms <= 0:
                break
            await asyncio.sleep(left_ms / 1000)
        log.error(
            "market lease not renewed in time: stopping",
            extra={"lease": self.market_lease.name, "renewed_ms": self.market_lease.renewed_ms},
        )
        self.lost.set()

    async def _renew(self, app: bot_app.BotApp) -> None:
        next_renew = 0.0
        loop = asyncio.get_running_loop()
        while not self.lost.is_set():
            now = engine_clock.now_ms()
            if loop.time() >= next_renew:
                try:
                    await self.market_lease.renew(now)
                except Exception:  # any failure is retried until the watchdog stops us
                    log.warning("market lease renewal failed", exc_info=True)
                    if self.market_lease.expired(engine_clock.now_ms()):
                        self.lost.set()
                        return
                    next_renew = loop.time() + RETRY_RENEW_SECS
                else:
                    next_renew = loop.time() + RENEW_EVERY_SECS
            await self.report(app, force=False)
            await asyncio.sleep(STATUS_EVERY_SECS)

    async def report(self, app: bot_app.BotApp, *, force: bool) -> None:
        """Write the summary of the pod's one market (errors are logged, never raised)."""
        for market in app.markets.values():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    self.writer.write(market.host.status(), engine_clock.now_ms(), force=force),
                    STATUS_TIMEOUT_SECS,
                )

    async def close(self, app: bot_app.BotApp) -> None:
        """Final status (orders cancelled) and release the Lease; the API client is closed
        even when the release fails."""
        try:
            await self.report(app, force=True)
            await self.market_lease.release()
        finally:
            await self.api_client.close()
