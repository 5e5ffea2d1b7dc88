"""Pure computation of a market's ``status.conditions``: Ready, Progressing, ConfigApplied,
SettlementVerified and Degraded, always the whole list, from what the operator observed.

``lastTransitionTime`` changes only when a condition's status changes, so writing the list again
with the same facts is a no-op. Transitions are returned so the handler can post Events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TRUE, FALSE, UNKNOWN = "True", "False", "Unknown"
TYPES = ("Ready", "Progressing", "ConfigApplied", "SettlementVerified", "Degraded")


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition before it is stamped with times and generation."""

    type: str
    status: str
    reason: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class DeploymentState:
    """The parts of the bot Deployment's status that matter."""

    replicas: int
    ready_replicas: int
    updated_replicas: int
    generation: int
    observed_generation: int

    @property
    def rolled_out(self) -> bool:
        """The controller has seen the latest spec and every replica runs it."""
        return (
            self.observed_generation >= self.generation and self.updated_replicas >= self.replicas
        )


@dataclass(frozen=True, slots=True)
class BotReport:
    """What the bot wrote under ``status.bot``."""

    state: str | None = None
    params_version: str | None = None
    settlement_verified: bool | None = None
    settlement_message: str = ""


@dataclass(frozen=True, slots=True)
class Observed:
    """Everything the operator knows about one market at one reconcile."""

    spec_error: str | None = None
    spec_reason: str = "InvalidSpec"
    """``NotAllowed`` when the spec is well-formed but asks for what the installation refuses."""
    apply_error: str | None = None
    desired_params_version: str | None = None
    deployment: DeploymentState | None = None
    bot: BotReport | None = None
    scaled_down: bool = False
    """The match is over and the bot was scaled to zero on purpose."""
    pod_problem: tuple[str, str] | None = None
    """Why the bot pod cannot run (reason, message), read from its container statuses: a
    missing Kalshi key Secret, an image the node cannot get, a crash loop."""


def _config_applied(obs: Observed) -> Condition:
    reported = obs.bot.params_version if obs.bot else None
    if obs.desired_params_version is None:
        return Condition("ConfigApplied", UNKNOWN, "NotRendered", "no configuration rendered yet")
    if reported is None:
        return Condition("ConfigApplied", UNKNOWN, "AwaitingBot", "the bot has not reported yet")
    if reported == obs.desired_params_version:
        return Condition("ConfigApplied", TRUE, "ParamsVersionReported", f"running {reported}")
    return Condition(
        "ConfigApplied",
        FALSE,
        "ParamsVersionPending",
        f"bot runs {reported}, desired {obs.desired_params_version}",
    )


def _settlement(obs: Observed) -> Condition:
    verified = obs.bot.settlement_verified if obs.bot else None
    if verified is None:
        return Condition("SettlementVerified", UNKNOWN, "AwaitingBot", "not checked yet")
    if verified:
        return Condition("SettlementVerified", TRUE, "RulesHashMatches", "")
    message = obs.bot.settlement_message if obs.bot else ""
    return Condition(
        "SettlementVerified", FALSE, "RulesHashMismatch", message or "the bot refuses to quote"
    )


def _degraded(obs: Observed, settlement: Condition) -> Condition:
    if obs.spec_error:
        return Condition("Degraded", TRUE, obs.spec_reason, obs.spec_error)
    if obs.apply_error:
        return Condition("Degraded", TRUE, "ApplyFailed", obs.apply_error)
    if obs.pod_problem is not None:
        return Condition("Degraded", TRUE, *obs.pod_problem)
    if settlement.status == FALSE:
        return Condition("Degraded", TRUE, "SettlementMismatch", settlement.message)
    return Condition("Degraded", FALSE, "AsExpected", "")


def _progressing(obs: Observed, config: Condition) -> Condition:
    if obs.spec_error or obs.apply_error:
        return Condition("Progressing", FALSE, "Blocked", "see Degraded")
    if obs.scaled_down:
        return Condition("Progressing", FALSE, "MatchDone", "the bot is scaled to zero")
    dep = obs.deployment
    if dep is None:
        return Condition("Progressing", TRUE, "Creating", "creating the bot")
    if not dep.rolled_out:
        return Condition("Progressing", TRUE, "RollingOut", "the bot pod is being replaced")
    if config.status != TRUE:
        return Condition("Progressing", TRUE, "ConfigPending", config.message)
    return Condition("Progressing", FALSE, "Stable", "")


def _ready(obs: Observed, config: Condition, degraded: Condition) -> Condition:
    dep = obs.deployment
    if degraded.status == TRUE:
        return Condition("Ready", FALSE, degraded.reason, degraded.message)
    if obs.scaled_down:
        return Condition("Ready", FALSE, "MatchDone", "the match is over")
    if dep is None or dep.ready_replicas < 1:
        return Condition("Ready", FALSE, "BotNotReady", "the bot pod is not ready")
    if not dep.rolled_out:
        return Condition("Ready", FALSE, "RollingOut", "the bot pod is being replaced")
    if config.status != TRUE:
        return Condition("Ready", FALSE, "ConfigPending", config.message)
    return Condition("Ready", TRUE, "BotReady", "")


def compute(obs: Observed) -> list[Condition]:
    """All five conditions, in a fixed order."""
    config = _config_applied(obs)
    settlement = _settlement(obs)
    degraded = _degraded(obs, settlement)
    return [
        _ready(obs, config, degraded),
        _progressing(obs, config),
        config,
        settlement,
        degraded,
    ]


def stamp(
    previous: list[dict[str, Any]] | None,
    current: list[Condition],
    *,
    generation: int,
    now: str,
) -> list[dict[str, Any]]:
    """The full list to write: ``lastTransitionTime`` kept where the status did not change."""
    before = {c.get("type"): c for c in previous or [] if isinstance(c, dict)}
    out = []
    for cond in current:
        old = before.get(cond.type)
        unchanged = old is not None and old.get("status") == cond.status
        since = old.get("lastTransitionTime") if unchanged and old else None
        out.append(
            {
                "type": cond.type,
                "status": cond.status,
                "reason": cond.reason,
                "message": cond.message,
                "lastTransitionTime": since or now,
                "observedGeneration": generation,
            }
        )
    return out


def transitions(
    previous: list[dict[str, Any]] | None, current: list[Condition]
) -> list[tuple[Condition, str]]:
    """Conditions whose status changed, each with its old status. A condition seen for the
    first time is not a transition (no Event flood when markets are created in bulk)."""
    before = {c.get("type"): c.get("status") for c in previous or [] if isinstance(c, dict)}
    changed = [c for c in current if c.type in before and before[c.type] != c.status]
    return [(c, str(before[c.type])) for c in changed]
