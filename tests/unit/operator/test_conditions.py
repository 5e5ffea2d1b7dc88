"""Conditions are computed as a whole list; transition times move only on status changes."""

from __future__ import annotations

import pytest

from touchline_operator import conditions as c

ROLLED = c.DeploymentState(
    replicas=1, ready_replicas=1, updated_replicas=1, generation=2, observed_generation=2
)
ROLLING = c.DeploymentState(
    replicas=1, ready_replicas=0, updated_replicas=0, generation=3, observed_generation=2
)
CURRENT = c.BotReport(state="QUOTING", params_version="v1", settlement_verified=True)


def _by_type(obs: c.Observed) -> dict[str, tuple[str, str]]:
    return {x.type: (x.status, x.reason) for x in c.compute(obs)}


@pytest.mark.parametrize(
    ("obs", "expected"),
    [
        pytest.param(
            c.Observed(desired_params_version="v1", deployment=ROLLED, bot=CURRENT),
            {"Ready": ("True", "BotReady"), "Progressing": ("False", "Stable"),
             "ConfigApplied": ("True", "ParamsVersionReported"),
             "SettlementVerified": ("True", "RulesHashMatches"),
             "Degraded": ("False", "AsExpected")},
            id="all-good-is-ready",
        ),
        pytest.param(
            c.Observed(desired_params_version="v2", deployment=ROLLED, bot=CURRENT),
            {"Ready": ("False", "ConfigPending"), "Progressing": ("True", "ConfigPending"),
             "ConfigApplied": ("False", "ParamsVersionPending")},
            id="new-params-not-yet-reported",
        ),
        pytest.param(
            c.Observed(desired_params_version="v1", deployment=ROLLING, bot=CURRENT),
            {"Ready": ("False", "BotNotReady"), "Progressing": ("True", "RollingOut")},
            id="pod-being-replaced",
        ),
        pytest.param(
            c.Observed(desired_params_version="v1"),
            {"Ready": ("False", "BotNotReady"), "Progressing": ("True", "Creating"),
             "ConfigApplied": ("Unknown", "AwaitingBot"),
             "SettlementVerified": ("Unknown", "AwaitingBot")},
            id="just-created",
        ),
        pytest.param(
            c.Observed(desired_params_version="v1", bot=CURRENT,
                       deployment=c.DeploymentState(replicas=1, ready_replicas=1,
                                                    updated_replicas=0, generation=3,
                                                    observed_generation=3)),
            {"Ready": ("False", "RollingOut"), "Progressing": ("True", "RollingOut")},
            id="old-pod-ready-new-one-not-yet",
        ),
        pytest.param(
            c.Observed(spec_error="spec.kalshi.ticker: bad"),
            {"Ready": ("False", "InvalidSpec"), "Degraded": ("True", "InvalidSpec"),
             "Progressing": ("False", "Blocked"), "ConfigApplied": ("Unknown", "NotRendered")},
            id="invalid-spec-degrades",
        ),
        pytest.param(
            c.Observed(desired_params_version="v1", deployment=ROLLED, apply_error="forbidden"),
            {"Degraded": ("True", "ApplyFailed"), "Ready": ("False", "ApplyFailed")},
            id="apply-failure-degrades",
        ),
        pytest.param(
            c.Observed(desired_params_version="v1", deployment=ROLLED,
                       bot=c.BotReport(params_version="v1", settlement_verified=False,
                                       settlement_message="rules text changed")),
            {"SettlementVerified": ("False", "RulesHashMismatch"),
             "Degraded": ("True", "SettlementMismatch"), "Ready": ("False", "SettlementMismatch")},
            id="settlement-mismatch-degrades",
        ),
        pytest.param(
            c.Observed(desired_params_version="v1", deployment=ROLLING,
                       pod_problem=("SecretMissing", 'secret "touchline-kalshi" not found')),
            {"Degraded": ("True", "SecretMissing"), "Ready": ("False", "SecretMissing")},
            id="missing-secret-degrades",
        ),
        pytest.param(
            c.Observed(desired_params_version="v1", deployment=ROLLED, bot=CURRENT,
                       scaled_down=True),
            {"Ready": ("False", "MatchDone"), "Progressing": ("False", "MatchDone")},
            id="done-and-scaled-down",
        ),
    ],
)  # fmt: skip
def test_compute_states_each_condition(
    obs: c.Observed, expected: dict[str, tuple[str, str]]
) -> None:
    got = _by_type(obs)
    assert list(got) == list(c.TYPES)
    for kind, status_reason in expected.items():
        assert got[kind] == status_reason, kind


def test_stamp_keeps_transition_time_while_status_is_unchanged() -> None:
    obs = c.Observed(desired_params_version="v1", deployment=ROLLED, bot=CURRENT)
    first = c.stamp(None, c.compute(obs), generation=1, now="2026-01-01T00:00:00Z")
    again = c.stamp(first, c.compute(obs), generation=2, now="2026-01-01T00:05:00Z")
    assert all(x["lastTransitionTime"] == "2026-01-01T00:00:00Z" for x in again)
    assert all(x["observedGeneration"] == 2 for x in again)


def test_stamp_moves_transition_time_only_for_changed_conditions() -> None:
    good = c.Observed(desired_params_version="v1", deployment=ROLLED, bot=CURRENT)
    pending = c.Observed(desired_params_version="v2", deployment=ROLLED, bot=CURRENT)
    first = c.stamp(None, c.compute(good), generation=1, now="T0")
    second = c.stamp(first, c.compute(pending), generation=2, now="T1")
    times = {x["type"]: x["lastTransitionTime"] for x in second}
    assert times == {"Ready": "T1", "Progressing": "T1", "ConfigApplied": "T1",
                     "SettlementVerified": "T0", "Degraded": "T0"}  # fmt: skip


def test_transitions_report_changed_conditions_with_old_status_but_not_first_ones() -> None:
    good = c.Observed(desired_params_version="v1", deployment=ROLLED, bot=CURRENT)
    pending = c.Observed(desired_params_version="v2", deployment=ROLLED, bot=CURRENT)
    before = c.stamp(None, c.compute(good), generation=1, now="T0")
    changed = {cond.type: old for cond, old in c.transitions(before, c.compute(pending))}
    assert changed == {"Ready": "True", "Progressing": "False", "ConfigApplied": "True"}
    assert c.transitions(None, c.compute(good)) == []
