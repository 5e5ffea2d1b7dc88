"""Carries out a fleet rollout: plan (pure, ``rollout``), then per batch move the markets to the
new fleet settings, wait until the batch is healthy, failed or out of time, and stop on failure.

Progress is visible as Events and an annotation on the fleet ConfigMap, and as metrics. Waiting
is woken by market and Deployment events (``State.changed``), not by a fixed sleep.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from touchline_operator import clock, conditions, fleet, kube, models, reconcile, render, rollout
from touchline_operator import status as status_mod

if TYPE_CHECKING:
    from touchline_operator import runtime

log = logging.getLogger(__name__)
Obj = dict[str, Any]
ROLLOUT_ANNOTATION = "touchline.dev/rollout"
WAKE_SECS = 5.0
"""Re-check at least this often even if no event arrives (a missed event must not stall)."""
RETRY_MAX_SECS = 30.0
FAILING_WAIT_REASONS = frozenset(
    {"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError",
     "InvalidImageName", "CreateContainerError"}
)  # fmt: skip


def _in_play(spec: models.SoccerMarketSpec, now: str) -> bool:
    at = clock.parse_rfc3339(now)
    return spec.start_time_utc <= at < spec.scheduled_end_time_utc


def _target(
    ctx: reconcile.Context,
    body: Obj,
    namespace: str,
    config_maps: dict[str, Obj],
    new: fleet.Fleet,
    now: str,
) -> rollout.Target | None:
    meta = body["metadata"]
    if meta.get("deletionTimestamp") or status_mod.children_deleted(body.get("status") or {}):
        return None
    try:
        spec = reconcile.checked_spec(ctx, body)
    except models.InvalidSpecError:
        return None  # its own reconcile reports it (invalid or not allowed); no rollout fixes it
    live_cm = config_maps.get(render.bot_name(meta["name"]))
    market = render.Market(meta["name"], namespace, spec, render.Owner(meta["name"], meta["uid"]))
    old = render.pinned_fleet(new, live_cm)
    annotations = ((live_cm or {}).get("metadata") or {}).get("annotations") or {}
    old_template = render.deployment(market, old)["spec"]["template"]
    return rollout.Target(
        name=f"{namespace}/{meta['name']}",
        revision=annotations.get(render.FLEET_REVISION, ""),
        needs_restart=old_template != render.deployment(market, new)["spec"]["template"],
        in_play=_in_play(spec, now),
        forced=spec.allow_restart_in_play,
    )


async def _targets(
    state: runtime.State, new: fleet.Fleet
) -> tuple[list[rollout.Target], dict[str, Obj]]:
    targets: list[rollout.Target] = []
    bodies: dict[str, Obj] = {}
    kube, now = state.ctx.kube, state.ctx.now()
    for namespace in state.options.namespaces:
        live = await kube.list("ConfigMap", namespace, label_selector=render.MARKET_LABEL)
        config_maps = {cm["metadata"]["name"]: cm for cm in live}
        for body in await kube.list(models.KIND, namespace):
            target = _target(state.ctx, body, namespace, config_maps, new, now)
            if target is not None:
                targets.append(target)
                bodies[target.name] = body
    return targets, bodies


async def _view(state: runtime.State, key: str) -> rollout.MarketView | None:
    namespace, name = key.split("/", 1)
    kube = state.ctx.kube
    body = await kube.get(models.KIND, namespace, name)
    cm = await kube.get("ConfigMap", namespace, render.bot_name(name))
    if body is None or cm is None:
        return None
    conds = {
        c.get("type"): c.get("status") for c in (body.get("status") or {}).get("conditions") or []
    }
    pods = await kube.list("Pod", namespace, label_selector=f"{render.MARKET_LABEL}={name}")
    return rollout.MarketView(
        revision=((cm.get("metadata") or {}).get("annotations") or {}).get(
            render.FLEET_REVISION, ""
        ),
        ready=conds.get("Ready") == conditions.TRUE,
        config_applied=conds.get("ConfigApplied") == conditions.TRUE,
        degraded=conds.get("Degraded") == conditions.TRUE,
        restarts_failing=any(_pod_failing(p) for p in pods),
    )


def _pod_failing(pod: Obj) -> bool:
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in FAILING_WAIT_REASONS:
            return True
    return False


async def _record(
    state: runtime.State, fleet_cm: Obj, progress: Obj, reason: str, message: str
) -> None:
    meta = fleet_cm["metadata"]
    annotation = {ROLLOUT_ANNOTATION: json.dumps(progress, sort_keys=True)}
    await state.ctx.kube.patch(
        "ConfigMap", meta["namespace"], meta["name"], {"metadata": {"annotations": annotation}}
    )
    kind = "Warning" if progress.get("state") == "Failed" else "Normal"
    state.ctx.events(fleet_cm, kind, reason, message)
    log.info("rollout", extra={"reason": reason, "detail": message})


async def _wait_batch(
    state: runtime.State, batch: tuple[str, ...], revision: str, timeout_secs: float
) -> tuple[rollout.Verdict, tuple[str, ...]]:
    started = time.perf_counter()
    while True:
        views = {key: v for key in batch if (v := await _view(state, key)) is not None}
        verdict, names = rollout.judge(
            views, batch, revision=revision,
            elapsed_secs=time.perf_counter() - started, timeout_secs=timeout_secs,
        )  # fmt: skip
        if verdict is not rollout.Verdict.WAIT:
            return verdict, names
        await state.wait_for_change(WAKE_SECS)


async def run(state: runtime.State, new: fleet.Fleet, fleet_cm: Obj) -> None:
    """Roll ``new`` out to every market in batches; stop at the first failed batch."""
    revision = new.rollout_fingerprint()
    targets, bodies = await _targets(state, new)
    plan = rollout.plan(targets, revision=revision, batch_size=new.rollout.batch_size,
                        force_in_play=new.rollout.force_in_play)  # fmt: skip
    if not plan.batches:
        return
    m = state.metrics.rollout_markets
    m.labels("planned").set(plan.total)
    m.labels("deferred").set(len(plan.deferred))
    m.labels("done").set(0)
    m.labels("failed").set(0)
    progress: Obj = {
        "revision": revision,
        "batches": len(plan.batches),
        "deferred": list(plan.deferred),
    }
    done = 0
    for index, batch in enumerate(plan.batches, start=1):
        progress |= {"state": "InProgress", "batch": index}
        await _record(state, fleet_cm, progress, "RolloutBatchStarted",
                      f"batch {index}/{len(plan.batches)}: {', '.join(batch)}")  # fmt: skip
        for key in batch:
            await reconcile.ensure(state.ctx, bodies[key], rollout_to=new)
        verdict, names = await _wait_batch(state, batch, revision, new.rollout.batch_timeout_secs)
        if verdict is rollout.Verdict.STOP:
            state.metrics.rollout_batches.labels("failed").inc()
            m.labels("failed").set(len(names))
            progress |= {"state": "Failed", "failed": list(names)}
            message = f"batch {index} failed ({', '.join(names)}); later batches not started"
            await _record(state, fleet_cm, progress, "RolloutStopped", message)
            return
        state.metrics.rollout_batches.labels("healthy").inc()
        done += len(batch)
        m.labels("done").set(done)
    progress |= {"state": "Succeeded"}
    await _record(state, fleet_cm, progress, "RolloutSucceeded", f"{done} markets on {revision}")


def already_stopped(fleet_cm: Obj, new: fleet.Fleet) -> bool:
    """The recorded rollout of this very revision failed (e.g. before an operator restart)."""
    annotations = (fleet_cm.get("metadata") or {}).get("annotations") or {}
    try:
        recorded = json.loads(annotations.get(ROLLOUT_ANNOTATION) or "{}")
    except ValueError:
        return False
    if not isinstance(recorded, dict):
        return False
    return bool(
        recorded.get("revision") == new.rollout_fingerprint() and recorded.get("state") == "Failed"
    )


async def supervise(state: runtime.State, new: fleet.Fleet, fleet_cm: Obj) -> None:
    """``run`` with retries on transient API trouble (re-planning is idempotent: markets already
    moved count as up to date); a refusal by the API server stops the rollout with an Event."""
    attempt = 0
    while True:
        try:
            await run(state, new, fleet_cm)
        except kube.TransientApiError as exc:
            attempt += 1
            delay_secs = min(RETRY_MAX_SECS, 0.5 * 2**attempt)
            log.warning(
                "rollout interrupted; retrying", extra={"error": str(exc), "delay_secs": delay_secs}
            )
            await asyncio.sleep(delay_secs)
        except (kube.RejectedError, models.InvalidSpecError) as exc:
            # Refused by the API server, or the new defaults do not fit some market's overrides.
            state.metrics.rollout_batches.labels("failed").inc()
            state.ctx.events(fleet_cm, "Warning", "RolloutRejected", str(exc))
            return
        else:
            return
