"""One market's reconcile, free of kopf: validate → render (pure) → apply → status.

``ensure`` converges the children to the spec (create, resume, update); ``refresh`` only
recomputes the conditions when something observed changed (the bot's report, the Deployment's
status); ``finish`` is the bounded wait on deletion; ``cleanup_if_due`` removes the children a
while after the match is over. Errors come out as ``kube.ApiError`` or the classes below, and
the kopf handlers translate them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from touchline_operator import conditions, fleet, kube, models, policy, render, status

log = logging.getLogger(__name__)

Obj = dict[str, Any]
EventSink = Callable[[Obj, str, str, str], None]
"""``(body, type, reason, message)``: posts a Kubernetes Event about the object."""
CHILD_KINDS = ("Deployment", "ConfigMap", "RoleBinding", "Role", "ServiceAccount")


class NotYetError(Exception):
    """A wait that is not over: retry the handler shortly."""


@dataclass
class Context:
    """What reconciles share: the API, where the fleet settings live, a clock, an event sink."""

    kube: kube.Kube
    fleet_namespace: str
    fleet_name: str
    """The one ConfigMap the fleet settings are read from (the operator's flag names it); no
    other is ever read, whatever its labels."""
    now: Callable[[], str]
    events: EventSink
    last_fleet: fleet.Fleet = field(default_factory=fleet.Fleet)
    fleet_watched: bool = False
    """The fleet ConfigMap's watch delivered it: ``last_fleet`` is current, no need to read."""
    fleet_errors: int = 0
    market_policy: policy.MarketPolicy = field(default_factory=policy.MarketPolicy)
    """Which key Secrets and Kalshi environments a market may name (the operator's flags)."""


async def load_fleet(ctx: Context) -> fleet.Fleet:
    """The current fleet settings; a garbled ConfigMap keeps the last good ones (counted)."""
    if ctx.fleet_watched:
        return ctx.last_fleet
    cm = await _fleet_config_map(ctx)
    if cm is None:
        return ctx.last_fleet
    try:
        ctx.last_fleet = fleet.parse(cm.get("data"))
    except (ValueError, TypeError) as exc:
        ctx.fleet_errors += 1
        log.warning("fleet settings refused; keeping the last good ones", extra={"error": str(exc)})
    return ctx.last_fleet


async def _fleet_config_map(ctx: Context) -> Obj | None:
    return await ctx.kube.get("ConfigMap", ctx.fleet_namespace, ctx.fleet_name)


def is_fleet_config_map(ctx: Context, body: Obj) -> bool:
    """Whether ``body`` is the ConfigMap the operator's flags name (and not any other that
    carries the fleet label)."""
    meta = body.get("metadata") or {}
    return (meta.get("namespace"), meta.get("name")) == (ctx.fleet_namespace, ctx.fleet_name)


def checked_spec(ctx: Context, body: Obj) -> models.SoccerMarketSpec:
    """The market's spec, parsed and within what the installation allows (``InvalidSpecError``
    or its ``policy.NotAllowedError`` otherwise)."""
    spec = models.parse_spec(body.get("spec") or {})
    ctx.market_policy.check(spec)
    return spec


def _spec_refused(exc: models.InvalidSpecError) -> conditions.Observed:
    reason = "NotAllowed" if isinstance(exc, policy.NotAllowedError) else "InvalidSpec"
    return conditions.Observed(spec_error=str(exc), spec_reason=reason)


def _market(body: Obj, spec: models.SoccerMarketSpec) -> render.Market:
    meta = body["metadata"]
    owner = render.Owner(name=meta["name"], uid=meta["uid"])
    return render.Market(name=meta["name"], namespace=meta["namespace"], spec=spec, owner=owner)


async def ensure(ctx: Context, body: Obj, *, rollout_to: fleet.Fleet | None = None) -> None:
    """Converge the market's children to its spec and publish its conditions.

    The children keep the fleet settings they were rendered with, unless a rollout moves them
    (``rollout_to``)."""
    st: Obj = body.get("status") or {}
    if status.children_deleted(st):
        return
    meta = body["metadata"]
    live_cm = await ctx.kube.get("ConfigMap", meta["namespace"], render.bot_name(meta["name"]))
    pinned = rollout_to or render.pinned_fleet(await load_fleet(ctx), live_cm)
    try:
        market = _market(body, checked_spec(ctx, body))
        policy.check_ceilings(render.resolved_params(market, pinned), pinned.ceilings)
        version = render.params_version(market, pinned)
    except models.InvalidSpecError as exc:
        await publish(ctx, body, _spec_refused(exc))
        raise
    scaled_down = status.bot_done(st)
    applied: dict[str, Obj] = {}
    try:
        # The bot's Lease exists before its pod: the bot may only get and update it, by name
        # (Kubernetes cannot narrow "create" by name, so bots get no "create" at all).
        await ctx.kube.create_if_absent(render.lease(market))
        for obj in render.children(market, pinned, replicas=0 if scaled_down else 1):
            applied[obj["kind"]], _ = await ctx.kube.apply(obj)
    except kube.RejectedError as exc:
        observed = conditions.Observed(apply_error=str(exc), desired_params_version=version)
        await publish(ctx, body, observed)
        raise
    observed = conditions.Observed(
        desired_params_version=version,
        deployment=status.deployment_state(applied.get("Deployment")),
        bot=status.bot_report(st),
        scaled_down=scaled_down,
    )
    extra = {"configVersion": version, **status.done_fields(st, ctx.now())}
    await publish(ctx, body, observed, extra)


async def _pod_problem(
    ctx: Context, namespace: str, name: str, dep: Obj | None, pods: list[Obj] | None
) -> tuple[str, str] | None:
    """What keeps the bot pod from running; its pods are read only while it is not ready."""
    state = status.deployment_state(dep)
    if pods is None:
        if state is None or state.ready_replicas >= state.replicas:
            return None
        selector = f"{render.MARKET_LABEL}={name}"
        pods = await ctx.kube.list("Pod", namespace, label_selector=selector)
    return status.pod_problem(pods)


async def refresh(
    ctx: Context, body: Obj, *, deployment: Obj | None = None, pods: list[Obj] | None = None
) -> None:
    """Recompute the conditions from the live children without changing them (``deployment``:
    the bot Deployment as just observed, saving a read; ``pods``: its pods as just observed)."""
    st: Obj = body.get("status") or {}
    meta = body["metadata"]
    if meta.get("deletionTimestamp") or status.children_deleted(st) or not st.get("configVersion"):
        return  # being deleted, cleaned up, or ensure() has not run yet (it publishes itself)
    try:
        market = _market(body, checked_spec(ctx, body))
        policy.check_ceilings(
            render.resolved_params(market, ctx.last_fleet), ctx.last_fleet.ceilings
        )
    except models.InvalidSpecError:
        return  # ensure() already published why; nothing observed can change that
    name, namespace = meta["name"], meta["namespace"]
    dep = deployment or await ctx.kube.get("Deployment", namespace, render.bot_name(name))
    if status.bot_done(st) and dep is not None and (dep.get("spec") or {}).get("replicas"):
        await ctx.kube.patch(
            "Deployment", namespace, render.bot_name(name), {"spec": {"replicas": 0}}
        )
        ctx.events(body, "Normal", "MatchDone", "the bot reported DONE; scaled to zero")
    observed = conditions.Observed(
        desired_params_version=st.get("configVersion"),
        deployment=status.deployment_state(dep),
        bot=status.bot_report(st),
        scaled_down=status.bot_done(st),
        pod_problem=await _pod_problem(ctx, namespace, name, dep, pods),
    )
    await publish(ctx, body, observed, status.done_fields(st, ctx.now()))


async def _scale_to_zero(ctx: Context, namespace: str, name: str) -> None:
    await ctx.kube.patch("Deployment", namespace, render.bot_name(name), {"spec": {"replicas": 0}})


async def publish(
    ctx: Context, body: Obj, observed: conditions.Observed, extra: Obj | None = None
) -> None:
    """Write the whole conditions list (and ``extra``) if anything changed; post Events."""
    meta = body["metadata"]
    st: Obj = body.get("status") or {}
    previous = st.get("conditions")
    current = conditions.compute(observed)
    generation = int(meta.get("generation") or 0)
    stamped = conditions.stamp(previous, current, generation=generation, now=ctx.now())
    new: Obj = {"conditions": stamped, "observedGeneration": generation, **(extra or {})}
    if all(st.get(key) == value for key, value in new.items()):
        return
    await ctx.kube.patch_status(models.KIND, meta["namespace"], meta["name"], new)
    for cond, old in conditions.transitions(previous, current):
        kind = "Warning" if status.is_bad(cond) else "Normal"
        ctx.events(body, kind, cond.reason, f"{cond.type}: {old} -> {cond.status}. {cond.message}")


async def finish(ctx: Context, body: Obj, *, waited_secs: float) -> None:
    """On deletion: stop the bot and wait (bounded) until it confirms its orders are cancelled.

    Raises ``NotYetError`` while waiting; the children go with the owner (garbage collection).
    """
    meta, st = body["metadata"], body.get("status") or {}
    name, namespace = meta["name"], meta["namespace"]
    if not status.needs_cancel_confirmation(st):
        return
    dep = await ctx.kube.get("Deployment", namespace, render.bot_name(name))
    if dep is None:
        return
    if (dep.get("spec") or {}).get("replicas"):
        # SIGTERM makes the bot cancel every resting order and report ordersCancelled.
        await ctx.kube.patch(
            "Deployment", namespace, render.bot_name(name), {"spec": {"replicas": 0}}
        )
    limit_secs = ctx.last_fleet.lifecycle.delete_wait_secs
    if waited_secs >= limit_secs:
        ctx.events(
            body, "Warning", "CancelNotConfirmed",
            f"no confirmation of cancelled orders after {limit_secs}s; deleting anyway",
        )  # fmt: skip
        return
    raise NotYetError(f"waiting for the bot to confirm its orders are cancelled ({name})")


async def cleanup_if_due(ctx: Context, body: Obj) -> bool:
    """Delete the children once the match has been DONE for the configured delay."""
    meta, st = body["metadata"], body.get("status") or {}
    delay_secs = (await load_fleet(ctx)).lifecycle.cleanup_after_done_secs
    now = ctx.now()
    if not status.cleanup_due(st, now=now, delay_secs=delay_secs):
        return False
    for kind in CHILD_KINDS:
        await ctx.kube.delete(kind, meta["namespace"], render.bot_name(meta["name"]))
    await ctx.kube.patch_status(models.KIND, meta["namespace"], meta["name"],
                                {"childrenDeletedAt": now})  # fmt: skip
    ctx.events(body, "Normal", "ChildrenDeleted", f"{delay_secs}s after the match ended")
    return True
