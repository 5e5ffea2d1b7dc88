"""The operator's shared, process-wide state: the API client and reconcile context, metrics,
the in-memory index of markets (for the state/phase gauge and for waking rollouts), and the
one rollout task that may run at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, cast

import kopf
import prometheus_client
from kubernetes_asyncio import client as k8s_client
from kubernetes_asyncio import config as k8s_config

from touchline_operator import clock, fleet, kube, metrics, policy, reconcile
from touchline_operator import status as status_mod

log = logging.getLogger(__name__)
Obj = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line (or a test) decides."""

    namespaces: tuple[str, ...]
    fleet_namespace: str
    fleet_name: str = fleet.DEFAULT_CONFIGMAP
    """The one ConfigMap the fleet settings are read from."""
    market_policy: policy.MarketPolicy = field(default_factory=policy.MarketPolicy)
    """Which key Secrets and Kalshi environments a SoccerMarket may name."""
    kubeconfig: str | None = None
    metrics_port: int | None = None
    """None: no HTTP server (tests read the registry directly)."""
    registry: prometheus_client.CollectorRegistry = field(
        default_factory=prometheus_client.CollectorRegistry
    )


def post_event(body: Obj, kind: str, reason: str, message: str) -> None:
    """A Kubernetes Event through kopf's posting queue (only inside the running operator)."""
    try:
        kopf.event(
            kopf.Body(cast(kopf.RawBody, body)), type=kind, reason=reason, message=message[:1000]
        )
    except LookupError:
        log.info("event not posted outside the operator", extra={"reason": reason})


async def load_configuration(kubeconfig: str | None) -> k8s_client.Configuration:
    """Client settings: the given kubeconfig, else in-cluster, else the default kubeconfig."""
    configuration = k8s_client.Configuration()
    if kubeconfig is None:
        try:
            # kubernetes_asyncio leaves this one function unannotated.
            k8s_config.load_incluster_config(client_configuration=configuration)  # type: ignore[no-untyped-call]
        except k8s_config.ConfigException:
            await k8s_config.load_kube_config(client_configuration=configuration)
    else:
        await k8s_config.load_kube_config(
            config_file=kubeconfig, client_configuration=configuration
        )
    return configuration


def connection_info(configuration: k8s_client.Configuration) -> kopf.ConnectionInfo:
    """The same credentials for kopf's own API access (so both clients act as one identity)."""
    bearer = str((configuration.api_key or {}).get("BearerToken") or "")
    scheme, _, token = bearer.partition(" ") if " " in bearer else ("Bearer", "", bearer)
    return kopf.ConnectionInfo(
        server=str(configuration.host),
        ca_path=configuration.ssl_ca_cert or None,
        insecure=not configuration.verify_ssl,
        scheme=scheme if token else None,
        token=token or None,
        certificate_path=configuration.cert_file or None,
        private_key_path=configuration.key_file or None,
    )


@dataclass
class State:
    """Everything the handlers share, created once at startup."""

    options: Options
    api: k8s_client.ApiClient
    ctx: reconcile.Context
    metrics: metrics.OperatorMetrics
    markets: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    bot_reports: dict[tuple[str, str], str] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    rollout: asyncio.Task[None] | None = None
    rollout_revision: str = ""

    @classmethod
    async def start(cls, options: Options) -> State:
        """Connect, and serve metrics when a port is given. The API client is closed again
        when anything after it fails (a metrics port in use): nothing leaks from a failed start."""
        api = k8s_client.ApiClient(await load_configuration(options.kubeconfig))
        try:
            ctx = reconcile.Context(
                kube=kube.Kube(api),
                fleet_namespace=options.fleet_namespace,
                fleet_name=options.fleet_name,
                market_policy=options.market_policy,
                now=clock.now_rfc3339,
                events=post_event,
            )
            op_metrics = metrics.OperatorMetrics(options.registry)
            if options.metrics_port is not None:
                prometheus_client.start_http_server(options.metrics_port, registry=options.registry)
        except BaseException:
            await api.close()
            raise
        return cls(options=options, api=api, ctx=ctx, metrics=op_metrics)

    async def ctx_fleet_loaded(self) -> None:
        """Make sure the fleet settings were read at least once (deletion needs its limits)."""
        await reconcile.load_fleet(self.ctx)

    def remember(self, body: Obj) -> bool:
        """Index a market's bot report; wake whoever waits for changes. True when the bot's
        report changed since the last event (other changes are the operator's own writes, or
        spec changes that the change handlers converge)."""
        meta = body.get("metadata") or {}
        bot = status_mod.bot_section(body.get("status") or {})
        key = (str(meta.get("namespace")), str(meta.get("name")))
        self.markets[key] = (str(bot.get("state") or "UNKNOWN"), str(bot.get("phase") or "UNKNOWN"))
        self.metrics.set_markets(self.markets.values())
        self.changed.set()
        report = json.dumps(bot, sort_keys=True)
        changed = self.bot_reports.get(key) != report
        self.bot_reports[key] = report
        return changed

    def forget(self, body: Obj) -> None:
        """Drop a deleted market from the index."""
        meta = body.get("metadata") or {}
        key = (str(meta.get("namespace")), str(meta.get("name")))
        self.markets.pop(key, None)
        self.bot_reports.pop(key, None)
        self.metrics.set_markets(self.markets.values())
        self.changed.set()

    async def wait_for_change(self, timeout_secs: float) -> None:
        """Until a market or its Deployment changes, or the timeout (whichever comes first)."""
        self.changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.changed.wait(), timeout=timeout_secs)

    def start_rollout(self, revision: str, work: Coroutine[Any, Any, None]) -> bool:
        """Run ``work`` as the rollout of ``revision`` unless that revision was already started
        by this process; a newer revision cancels the previous rollout. True if started."""
        if revision == self.rollout_revision:
            work.close()
            return False
        if self.rollout is not None and not self.rollout.done():
            self.rollout.cancel()
        self.rollout_revision = revision
        self.rollout = asyncio.create_task(work, name="touchline-rollout")
        return True

    async def close(self) -> None:
        """Stop the rollout and close the API client (closed even when the rollout's end
        raises)."""
        try:
            if self.rollout is not None and not self.rollout.done():
                self.rollout.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.rollout
        finally:
            await self.api.close()
