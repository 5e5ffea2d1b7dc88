"""The risk service in a cluster: limits from a ``RiskPolicy`` spec, durable state in its
status, bots authenticated by TokenReview of their audience-bound ServiceAccount tokens,
Kubernetes Events on halt, reset and forced cancel-all, and the spec's halt switch polled.

Local mode (a state file and a shared secret) lives in :mod:`runner`; both serve the same
:mod:`server` application.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from kubernetes_asyncio import client
from prometheus_client import CollectorRegistry

from touchline_bot.kube import api, events, riskpolicy, tokenreview
from touchline_bot.risk_service import metrics as risk_metrics
from touchline_bot.risk_service import policy_switch, runner, server, service
from touchline_bot.tasks import cancel_and_wait

DEFAULT_AUDIENCE = "touchline-risk"


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """Which RiskPolicy to serve, and how to reach the API server."""

    namespace: str
    policy: str
    audience: str = DEFAULT_AUDIENCE
    kubeconfig: Path | None = None
    """None in a pod: the in-cluster ServiceAccount."""
    poll_secs: float = 2.0
    admin_accounts: frozenset[str] = tokenreview.ADMIN_ACCOUNTS_DEFAULT
    token_cache_ttl_ms: int = tokenreview.CACHE_TTL_MS_DEFAULT
    """How long an accepted bot token is trusted without asking the API server again."""


@dataclass
class RunningClusterService:
    """A started cluster-mode service: its URL, state, switch, Events, and how to stop it."""

    base_url: str
    service: service.RiskService
    registry: CollectorRegistry
    switch: policy_switch.PolicySwitch
    recorder: events.EventRecorder
    authenticator: tokenreview.TokenReviewAuth
    _api: client.ApiClient
    _runner: web.AppRunner
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def stop(self) -> None:
        """Stop polling and serving, then close the API client (also when a step before
        fails)."""
        try:
            for task in self._tasks:
                task.cancel()
            for task in self._tasks:
                await cancel_and_wait(task)
            await self._runner.cleanup()
        finally:
            await self._api.close()


@dataclass(frozen=True, slots=True)
class VenueFns:
    """The venue hooks (absent without Kalshi credentials)."""

    cancel_all: service.CancelAllFn | None = None
    positions: service.PositionsFn | None = None
    cancel_market: service.CancelMarketFn | None = None


@dataclass(frozen=True, slots=True)
class _Parts:
    service: service.RiskService
    policy: riskpolicy.RiskPolicyStore
    recorder: events.EventRecorder
    registry: CollectorRegistry


async def start_cluster_service(
    options: ClusterOptions,
    *,
    now_ms: Callable[[], int],
    host: str = "127.0.0.1",
    port: int = 0,
    service_options: service.ServiceOptions = service.ServiceOptions(),
    venue: VenueFns = VenueFns(),
    loops: server.LoopOptions = server.LoopOptions(),
) -> RunningClusterService:
    """Connect, read the policy, serve on ``host:port`` (0 picks a free port), start polling."""
    api_client = await api.connect(options.kubeconfig)
    try:
        parts = await _assemble(api_client, options, now_ms, service_options, venue)
        authenticator = tokenreview.TokenReviewAuth(
            api_client,
            namespace=options.namespace,
            audience=options.audience,
            now_ms=now_ms,
            admin_accounts=options.admin_accounts,
            cache_ttl_ms=options.token_cache_ttl_ms,
        )
        base_url, app_runner = await runner.serve(
            parts.service, authenticator, parts.registry,
            host=host, port=port, positions=venue.positions, loops=loops,
        )  # fmt: skip
    except BaseException:
        await api_client.close()
        raise
    switch = policy_switch.PolicySwitch(parts.service, parts.policy)
    running = RunningClusterService(
        base_url,
        parts.service,
        parts.registry,
        switch,
        parts.recorder,
        authenticator,
        api_client,
        app_runner,
    )
    try:
        await switch.sync()
    except BaseException:
        await running.stop()
        raise
    running._tasks.append(asyncio.create_task(switch.run(options.poll_secs)))
    return running


async def _assemble(
    api_client: client.ApiClient,
    options: ClusterOptions,
    now_ms: Callable[[], int],
    service_options: service.ServiceOptions,
    venue: VenueFns,
) -> _Parts:
    policy = riskpolicy.RiskPolicyStore(
        api_client, namespace=options.namespace, name=options.policy
    )
    obj = await policy.read()
    recorder = events.EventRecorder(
        api_client,
        namespace=options.namespace,
        policy=options.policy,
        policy_uid=str(obj["metadata"]["uid"]),
        now_ms=now_ms,
    )
    registry = CollectorRegistry()
    svc = service.RiskService(
        limits=riskpolicy.limits_from_spec(obj["spec"]),
        durable=policy,
        metrics=risk_metrics.RiskMetrics(registry),
        now_ms=now_ms,
        options=service_options,
        cancel_all=venue.cancel_all,
        cancel_market=venue.cancel_market,
        record_event=recorder.record,
    )
    return _Parts(svc, policy, recorder, registry)
