"""Pure planning of fleet-wide rollouts: which markets change, in which batches, and whether a
batch is healthy, still settling or failed. The runner (``rollout_runner``) acts on the plan.

Rules: markets already on the target revision are left alone; a change that restarts the bot is
not applied to a market in play unless the market or the rollout forces it (the market is
deferred, not failed); batches go in a stable order; one failed batch stops the rollout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Target:
    """One market as the planner sees it."""

    name: str
    revision: str
    """The fleet revision its children carry now."""
    needs_restart: bool
    """Moving it to the target changes its pod template (image or pod shape)."""
    in_play: bool
    forced: bool = False
    """The market allows a restart in play (``spec.allowRestartInPlay``)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Batches to apply in order, and who was left out and why."""

    revision: str
    batches: tuple[tuple[str, ...], ...]
    deferred: tuple[str, ...]
    """In play and would restart: picked up by a later rollout."""
    up_to_date: tuple[str, ...]

    @property
    def total(self) -> int:
        """Markets the rollout will touch."""
        return sum(len(b) for b in self.batches)


def plan(
    targets: Iterable[Target], *, revision: str, batch_size: int, force_in_play: bool = False
) -> Plan:
    """Split the markets needing ``revision`` into batches of at most ``batch_size``."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    todo: list[str] = []
    deferred: list[str] = []
    current: list[str] = []
    for t in sorted(targets, key=lambda t: t.name):
        if t.revision == revision:
            current.append(t.name)
        elif t.needs_restart and t.in_play and not (t.forced or force_in_play):
            deferred.append(t.name)
        else:
            todo.append(t.name)
    batches = tuple(tuple(todo[i : i + batch_size]) for i in range(0, len(todo), batch_size))
    return Plan(revision, batches, tuple(deferred), tuple(current))


class Health(StrEnum):
    """One market's health after it was moved to the target revision."""

    HEALTHY = "healthy"
    PENDING = "pending"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class MarketView:
    """What the runner observed of one market of the current batch."""

    revision: str
    ready: bool
    config_applied: bool
    degraded: bool
    restarts_failing: bool = False
    """The bot's pod is crash-looping or cannot start (image pull, config error)."""


def market_health(view: MarketView, *, revision: str) -> Health:
    """Failed as soon as it is degraded or cannot start; healthy once ready on the revision."""
    if view.degraded or view.restarts_failing:
        return Health.FAILED
    if view.revision == revision and view.ready and view.config_applied:
        return Health.HEALTHY
    return Health.PENDING


class Verdict(StrEnum):
    """What the runner does next with a batch."""

    NEXT = "next"
    WAIT = "wait"
    STOP = "stop"


def judge(
    views: Mapping[str, MarketView],
    batch: Iterable[str],
    *,
    revision: str,
    elapsed_secs: float,
    timeout_secs: float,
) -> tuple[Verdict, tuple[str, ...]]:
    """The batch's verdict and the markets that failed (or were still pending at the timeout)."""
    health = {
        name: market_health(views[name], revision=revision) if name in views else Health.PENDING
        for name in batch
    }
    failed = tuple(sorted(n for n, h in health.items() if h is Health.FAILED))
    if failed:
        return Verdict.STOP, failed
    pending = tuple(sorted(n for n, h in health.items() if h is Health.PENDING))
    if not pending:
        return Verdict.NEXT, ()
    if elapsed_secs >= timeout_secs:
        return Verdict.STOP, pending
    return Verdict.WAIT, pending
