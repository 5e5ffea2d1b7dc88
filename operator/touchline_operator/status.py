"""Pure readings of a market's status and its Deployment: the bot's report, the match-over
lifecycle, and which condition transitions deserve a Warning event.

The bot writes ``status.bot`` (state, phase, prices, position, PnL, ``paramsVersion``,
``settlementVerified``, ``ordersCancelled``); the operator writes everything else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from touchline_operator import clock, conditions

Obj = dict[str, Any]
DONE = "DONE"


def bot_section(st: Obj) -> Obj:
    """``status.bot`` or an empty mapping (never None)."""
    bot = st.get("bot")
    return bot if isinstance(bot, dict) else {}


def bot_report(st: Obj) -> conditions.BotReport | None:
    """The bot's report, or None before its first one."""
    bot = bot_section(st)
    if not bot:
        return None
    verified = bot.get("settlementVerified")
    return conditions.BotReport(
        state=bot.get("state"),
        params_version=bot.get("paramsVersion"),
        settlement_verified=verified if isinstance(verified, bool) else None,
        settlement_message=str(bot.get("settlementMessage") or ""),
    )


# A bot stopped before its match ends (SIGTERM for a rollout, a deletion) reports STOPPED; bots
# of earlier releases reported DONE then, so only DONE at the end of the match (or with no phase
# reported) means the match is over.
_BEFORE_THE_END = frozenset({"PREMATCH", "INPLAY"})


def bot_done(st: Obj) -> bool:
    """The bot reported that its match is over: DONE in its last phase. A DONE reported before
    kick-off or in play is a bot of an earlier release that was stopped (a rollout's restart):
    not the end."""
    bot = bot_section(st)
    return bot.get("state") == DONE and bot.get("phase") not in _BEFORE_THE_END


def children_deleted(st: Obj) -> bool:
    """The children were removed after the match; nothing is to be recreated."""
    return bool(st.get("childrenDeletedAt"))


def done_fields(st: Obj, now: str) -> Obj:
    """``doneAt``, stamped once when the bot first reports DONE."""
    if bot_done(st):
        return {"doneAt": st.get("doneAt") or now}
    return {}


def cleanup_due(st: Obj, *, now: str, delay_secs: int) -> bool:
    """DONE for at least ``delay_secs`` and not cleaned up yet."""
    done_at = st.get("doneAt")
    if not done_at or children_deleted(st) or not bot_done(st):
        return False
    elapsed = clock.parse_rfc3339(now) - clock.parse_rfc3339(str(done_at))
    return elapsed >= dt.timedelta(seconds=delay_secs)


def needs_cancel_confirmation(st: Obj) -> bool:
    """A bot that ever reported may have resting orders until it confirms they are cancelled."""
    bot = bot_section(st)
    return bool(bot) and bot.get("ordersCancelled") is not True


# Waiting reasons of a bot container that need a person, and the condition reason for each.
_POD_PROBLEMS = {
    "CreateContainerConfigError": "PodConfigError",
    "ErrImageNeverPull": "ImageUnavailable",
    "ErrImagePull": "ImageUnavailable",
    "ImagePullBackOff": "ImageUnavailable",
    "InvalidImageName": "ImageUnavailable",
    "CrashLoopBackOff": "CrashLooping",
}
POD_PROBLEM_REASONS = frozenset({*_POD_PROBLEMS.values(), "SecretMissing"})


def pod_problem(pods: list[Obj]) -> tuple[str, str] | None:
    """Why a bot pod cannot run, as (condition reason, message), or None. A missing Secret
    (the Kalshi key) is ``SecretMissing`` with the kubelet's message, which names the Secret."""
    for pod in pods:
        for cs in (pod.get("status") or {}).get("containerStatuses") or []:
            waiting = (cs.get("state") or {}).get("waiting") or {}
            reason = _POD_PROBLEMS.get(str(waiting.get("reason") or ""))
            if reason is None:
                continue
            message = str(waiting.get("message") or waiting.get("reason"))
            if "secret" in message and "not found" in message:
                reason = "SecretMissing"
            return reason, message
    return None


def deployment_state(dep: Obj | None) -> conditions.DeploymentState | None:
    """The replica counts of a live Deployment."""
    if dep is None:
        return None
    spec, st = dep.get("spec") or {}, dep.get("status") or {}
    meta = dep.get("metadata") or {}
    return conditions.DeploymentState(
        replicas=int(spec.get("replicas", 1) or 0),
        ready_replicas=int(st.get("readyReplicas") or 0),
        updated_replicas=int(st.get("updatedReplicas") or 0),
        generation=int(meta.get("generation") or 0),
        observed_generation=int(st.get("observedGeneration") or 0),
    )


def is_bad(cond: conditions.Condition) -> bool:
    """Transitions that a person should notice."""
    if cond.type == "Degraded":
        return cond.status == conditions.TRUE
    return cond.type in ("Ready", "SettlementVerified") and cond.status == conditions.FALSE
