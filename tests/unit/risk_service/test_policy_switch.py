"""The RiskPolicy's halt switch, when the risk state cannot be saved: a halt is saved on a
later poll, and a reset that could not be saved is tried again rather than forgotten."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from touchline_bot.core import units
from touchline_bot.kube import riskpolicy
from touchline_bot.risk_service import metrics, policy_switch, rules, service, store

LIMITS = rules.AccountLimits(
    max_total_notional=units.Money(125_000_000),
    max_drawdown=units.Money(50_000_000),
    lease_ttl_ms=3_000,
)


class FlakyStatus:
    """The status subresource (the persistence seam) with a switchable write failure."""

    def __init__(self) -> None:
        self.saved: store.Persisted | None = None
        self.failing = False

    async def load(self) -> store.Persisted | None:
        return self.saved

    async def save(self, state: store.Persisted) -> None:
        if self.failing:
            raise OSError("status write refused")
        self.saved = state


class Spec:
    """The spec subresource (the API seam): a switch a person flips."""

    def __init__(self) -> None:
        self.halt = False
        self.name = "default"

    async def spec(self) -> riskpolicy.PolicySpec:
        return riskpolicy.PolicySpec(generation=1, limits=LIMITS, halt=self.halt)

    async def observe(self, generation: int) -> None:
        del generation


def _halted(svc: service.RiskService) -> bool:
    return svc.ledger.halt.halted


def _saved_halted(status: FlakyStatus) -> bool | None:
    return None if status.saved is None else status.saved.halt.halted


async def _switch() -> tuple[policy_switch.PolicySwitch, FlakyStatus, Spec, service.RiskService]:
    status, spec = FlakyStatus(), Spec()
    svc = service.RiskService(
        limits=LIMITS,
        durable=status,
        metrics=metrics.RiskMetrics(CollectorRegistry()),
        now_ms=lambda: 1_000,
    )
    await svc.start()
    switch = policy_switch.PolicySwitch(svc, spec)  # type: ignore[arg-type]
    return switch, status, spec, svc


async def test_a_halt_that_could_not_be_saved_is_saved_on_a_later_poll() -> None:
    switch, status, spec, _ = await _switch()
    spec.halt, status.failing = True, True
    assert not await switch.sync_logged()
    assert _saved_halted(status) is False
    status.failing = False
    assert await switch.sync_logged()
    assert _saved_halted(status) is True


async def test_a_reset_that_could_not_be_saved_is_tried_again_not_forgotten() -> None:
    switch, status, spec, svc = await _switch()
    spec.halt = True
    assert await switch.sync_logged()
    spec.halt, status.failing = False, True
    assert not await switch.sync_logged()
    assert _halted(svc)  # an unsaved reset does not happen
    status.failing = False
    assert await switch.sync_logged()
    assert not _halted(svc)
    assert _saved_halted(status) is False
