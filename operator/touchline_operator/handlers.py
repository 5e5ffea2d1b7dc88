"""The kopf handlers: thin adapters from kopf's callbacks to ``reconcile`` and ``rollout_runner``,
translating our errors into kopf's retry model and timing every call.

Importing this module registers the handlers with kopf's default registry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import kopf

from touchline_operator import fleet, kube, models, reconcile, render, rollout_runner, runtime
from touchline_operator import status as status_mod

log = logging.getLogger(__name__)
MARKETS = (models.GROUP, models.VERSION, models.PLURAL)
TRANSIENT_DELAY_SECS = 5.0
REJECTED_DELAY_SECS = 30.0
WAIT_DELAY_SECS = 2.0
CLEANUP_INTERVAL_SECS = 10.0


@asynccontextmanager
async def _handling(memo: Any, handler: str) -> AsyncIterator[None]:
    """Time the call, count its errors, and map them to kopf's retry model."""
    state: runtime.State = memo.state
    started = time.perf_counter()
    try:
        yield
    except models.InvalidSpecError as exc:
        state.metrics.reconcile_errors.labels(handler, "InvalidSpec").inc()
        raise kopf.PermanentError(str(exc)) from exc
    except reconcile.NotYetError as exc:
        raise kopf.TemporaryError(str(exc), delay=WAIT_DELAY_SECS) from exc
    except kube.TransientApiError as exc:
        state.metrics.reconcile_errors.labels(handler, "Transient").inc()
        raise kopf.TemporaryError(str(exc), delay=TRANSIENT_DELAY_SECS) from exc
    except kube.RejectedError as exc:
        state.metrics.reconcile_errors.labels(handler, "Rejected").inc()
        raise kopf.TemporaryError(str(exc), delay=REJECTED_DELAY_SECS) from exc
    finally:
        state.metrics.reconcile_seconds.labels(handler).observe(time.perf_counter() - started)


@kopf.on.startup()
async def startup(settings: kopf.OperatorSettings, memo: Any, **_: Any) -> None:
    """Settings, the API client, metrics; the state the other handlers share."""
    settings.persistence.finalizer = f"{models.GROUP}/finalizer"
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix=models.GROUP)
    settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
        prefix=models.GROUP, key="last-handled-configuration"
    )
    settings.posting.level = logging.WARNING
    settings.watching.server_timeout = 300
    settings.watching.client_timeout = 330
    settings.networking.request_timeout = 30
    settings.queueing.worker_limit = 64
    memo.state = await runtime.State.start(memo.options)


@kopf.on.login()
async def login(memo: Any, **_: Any) -> kopf.ConnectionInfo:
    """kopf authenticates exactly like our own client (kubeconfig, or the pod's account)."""
    options: runtime.Options = memo.options
    return runtime.connection_info(await runtime.load_configuration(options.kubeconfig))


@kopf.on.cleanup()
async def cleanup(memo: Any, **_: Any) -> None:
    """Stop the rollout and close the API client (none when the startup handler failed)."""
    state: runtime.State | None = getattr(memo, "state", None)
    if state is not None:
        await state.close()


@kopf.on.resume(*MARKETS)
@kopf.on.create(*MARKETS)
@kopf.on.update(*MARKETS)
async def ensure_market(body: kopf.Body, memo: Any, **_: Any) -> None:
    """Converge the market's children to its spec (idempotent on create, resume and update)."""
    async with _handling(memo, "ensure"):
        await reconcile.ensure(memo.state.ctx, _plain(body))


@kopf.on.delete(*MARKETS)
async def delete_market(body: kopf.Body, memo: Any, runtime: Any, **_: Any) -> None:
    """Hold the finalizer (bounded) until the bot confirms its orders are cancelled."""
    async with _handling(memo, "delete"):
        await memo.state.ctx_fleet_loaded()
        await reconcile.finish(memo.state.ctx, _plain(body), waited_secs=runtime.total_seconds())


@kopf.on.event(*MARKETS)
async def market_event(event: kopf.RawEvent, memo: Any, **_: Any) -> None:
    """The bot's report or the spec changed: refresh the conditions and the market index."""
    state: runtime.State = memo.state
    body: dict[str, Any] = dict(event.get("object") or {})
    if event.get("type") == "DELETED":
        state.forget(body)
        return
    if state.remember(body):
        await _quietly(state, "refresh", reconcile.refresh(state.ctx, body))


@kopf.on.event(
    "apps", "v1", "deployments", labels={"app.kubernetes.io/managed-by": "touchline-operator"}
)
async def deployment_event(event: kopf.RawEvent, memo: Any, **_: Any) -> None:
    """A bot Deployment's status changed: refresh its market's conditions."""
    state: runtime.State = memo.state
    deployment: dict[str, Any] = dict(event.get("object") or {})
    meta = deployment.get("metadata") or {}
    market = (meta.get("labels") or {}).get(render.MARKET_LABEL)
    if not market or event.get("type") == "DELETED":
        return
    state.changed.set()
    body = await state.ctx.kube.get(models.KIND, meta["namespace"], market)
    if body is not None:
        work = reconcile.refresh(state.ctx, body, deployment=deployment)
        await _quietly(state, "refresh", work)


@kopf.on.event("", "v1", "pods", labels={"app.kubernetes.io/managed-by": "touchline-operator"})
async def pod_event(event: kopf.RawEvent, memo: Any, **_: Any) -> None:
    """A bot pod changed: a container that cannot start (a missing Secret, an image the node
    cannot get, a crash loop) shows in its market's Degraded and Ready conditions."""
    state: runtime.State = memo.state
    pod: dict[str, Any] = dict(event.get("object") or {})
    meta = pod.get("metadata") or {}
    market = (meta.get("labels") or {}).get(render.MARKET_LABEL)
    if not market or event.get("type") == "DELETED":
        return
    pods = [pod]
    degraded = status_mod.pod_problem(pods) is not None
    body = await state.ctx.kube.get(models.KIND, meta["namespace"], market)
    if body is None:
        return
    conds = (body.get("status") or {}).get("conditions") or []
    was_pod_problem = any(
        c.get("type") == "Degraded" and c.get("reason") in status_mod.POD_PROBLEM_REASONS
        for c in conds
    )
    if degraded or was_pod_problem:
        await _quietly(state, "refresh", reconcile.refresh(state.ctx, body, pods=pods))


@kopf.on.event("", "v1", "configmaps", labels={fleet.FLEET_LABEL: "true"})
async def fleet_event(event: kopf.RawEvent, memo: Any, **_: Any) -> None:
    """The fleet settings changed: start (or restart) the staged rollout. Only the ConfigMap the
    operator's flags name counts; another one carrying the label is an impostor (or a mistake):
    ignored, logged and counted."""
    state: runtime.State = memo.state
    if event.get("type") == "DELETED":
        return
    body: dict[str, Any] = dict(event.get("object") or {})
    if not reconcile.is_fleet_config_map(state.ctx, body):
        meta = body.get("metadata") or {}
        state.metrics.fleet_ignored.inc()
        log.warning(
            "a ConfigMap labelled %s=true that is not the fleet ConfigMap was ignored",
            fleet.FLEET_LABEL,
            extra={
                "configmap": f"{meta.get('namespace')}/{meta.get('name')}",
                "fleet_configmap": f"{state.ctx.fleet_namespace}/{state.ctx.fleet_name}",
            },
        )
        return
    try:
        new = fleet.parse(body.get("data"))
    except (ValueError, TypeError) as exc:
        state.metrics.fleet_errors.inc()
        log.warning("fleet settings refused", extra={"error": str(exc)})
        return
    state.ctx.last_fleet = new
    state.ctx.fleet_watched = True
    if rollout_runner.already_stopped(body, new):
        return  # a failed rollout waits for a person to change the fleet again
    state.start_rollout(new.rollout_fingerprint(), rollout_runner.supervise(state, new, body))


@kopf.timer(*MARKETS, interval=CLEANUP_INTERVAL_SECS,
            when=lambda status, **_: status_mod.bot_done(dict(status)))  # fmt: skip
async def cleanup_after_match(body: kopf.Body, memo: Any, **_: Any) -> None:
    """Delete the children a configured while after the bot reported DONE."""
    async with _handling(memo, "cleanup"):
        await reconcile.cleanup_if_due(memo.state.ctx, _plain(body))


async def _quietly(state: runtime.State, handler: str, work: Awaitable[None]) -> None:
    """Event handlers are not retried by kopf: count and log failures, the next event retries."""
    started = time.perf_counter()
    try:
        await work
    except (TimeoutError, kube.ApiError) as exc:
        state.metrics.reconcile_errors.labels(handler, type(exc).__name__).inc()
        log.warning("refresh failed", extra={"error": str(exc)})
    finally:
        state.metrics.reconcile_seconds.labels(handler).observe(time.perf_counter() - started)


def _plain(body: kopf.Body) -> dict[str, Any]:
    """kopf's live view as a plain dict snapshot."""
    return {key: body[key] for key in body}
