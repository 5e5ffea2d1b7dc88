"""Readings of the bot's report and the Deployment, and the match-over lifecycle."""

from __future__ import annotations

from typing import Any

import pytest

from touchline_operator import conditions, status


@pytest.mark.parametrize(
    ("st", "report"),
    [
        pytest.param({}, None, id="no-report-yet"),
        pytest.param({"bot": "garbled"}, None, id="garbled-report-ignored"),
        pytest.param({"bot": {"state": "QUOTING", "paramsVersion": "v1",
                              "settlementVerified": True}},
                     conditions.BotReport("QUOTING", "v1", True, ""), id="full-report"),
        pytest.param({"bot": {"settlementVerified": "yes"}},
                     conditions.BotReport(None, None, None, ""), id="non-boolean-verified-unknown"),
    ],
)  # fmt: skip
def test_bot_report(st: dict[str, Any], report: conditions.BotReport | None) -> None:
    assert status.bot_report(st) == report


@pytest.mark.parametrize(
    ("st", "now", "due"),
    [
        pytest.param({"bot": {"state": "DONE"}, "doneAt": "2030-01-01T00:00:00Z"},
                     "2030-01-01T00:59:59Z", False, id="before-the-delay"),
        pytest.param({"bot": {"state": "DONE"}, "doneAt": "2030-01-01T00:00:00Z"},
                     "2030-01-01T01:00:00Z", True, id="at-the-delay"),
        pytest.param({"bot": {"state": "DONE"}}, "2030-01-02T00:00:00Z", False,
                     id="done-not-stamped-yet"),
        pytest.param({"bot": {"state": "DONE"}, "doneAt": "2030-01-01T00:00:00Z",
                      "childrenDeletedAt": "2030-01-01T01:00:00Z"},
                     "2030-01-02T00:00:00Z", False, id="already-cleaned"),
        pytest.param({"bot": {"state": "QUOTING"}, "doneAt": "2030-01-01T00:00:00Z"},
                     "2030-01-02T00:00:00Z", False, id="not-done"),
    ],
)  # fmt: skip
def test_cleanup_due_after_the_configured_delay(st: dict[str, Any], now: str, due: bool) -> None:
    assert status.cleanup_due(st, now=now, delay_secs=3600) is due


def test_done_at_is_stamped_once() -> None:
    assert status.done_fields({"bot": {"state": "QUOTING"}}, "T1") == {}
    assert status.done_fields({"bot": {"state": "DONE"}}, "T1") == {"doneAt": "T1"}
    assert status.done_fields({"bot": {"state": "DONE"}, "doneAt": "T0"}, "T1") == {"doneAt": "T0"}


@pytest.mark.parametrize(
    ("st", "needed"),
    [
        pytest.param({}, False, id="never-reported-nothing-to-cancel"),
        pytest.param({"bot": {"state": "QUOTING"}}, True, id="reported-must-confirm"),
        pytest.param({"bot": {"ordersCancelled": True}}, False, id="confirmed"),
    ],
)
def test_needs_cancel_confirmation(st: dict[str, Any], needed: bool) -> None:
    assert status.needs_cancel_confirmation(st) is needed


def test_deployment_state_reads_counts_and_generations() -> None:
    dep = {
        "metadata": {"generation": 3},
        "spec": {"replicas": 1},
        "status": {"readyReplicas": 1, "updatedReplicas": 1, "observedGeneration": 3},
    }
    state = status.deployment_state(dep)
    assert state == conditions.DeploymentState(1, 1, 1, 3, 3)
    assert state.rolled_out
    assert status.deployment_state(None) is None
    assert status.deployment_state({"spec": {"replicas": 0}}) == conditions.DeploymentState(
        0, 0, 0, 0, 0
    )


def _pod(reason: str, message: str = "") -> dict[str, Any]:
    waiting = {"reason": reason, **({"message": message} if message else {})}
    return {"status": {"containerStatuses": [{"name": "bot", "state": {"waiting": waiting}}]}}


@pytest.mark.parametrize(
    ("pods", "problem"),
    [
        pytest.param([], None, id="no-pod"),
        pytest.param([_pod("ContainerCreating")], None, id="still-creating"),
        pytest.param(
            [_pod("CreateContainerConfigError", 'secret "touchline-kalshi" not found')],
            ("SecretMissing", 'secret "touchline-kalshi" not found'),
            id="missing-secret-named",
        ),
        pytest.param(
            [_pod("CreateContainerConfigError", 'configmap "x" not found')],
            ("PodConfigError", 'configmap "x" not found'),
            id="other-config-error",
        ),
        pytest.param(
            [_pod("ErrImageNeverPull", "image not present")],
            ("ImageUnavailable", "image not present"),
            id="image-not-on-node",
        ),
        pytest.param([_pod("CrashLoopBackOff")], ("CrashLooping", "CrashLoopBackOff"), id="crash"),
        pytest.param(
            [{"status": {"containerStatuses": [{"state": {"running": {}}}]}}], None, id="running"
        ),
    ],
)
def test_pod_problem_names_what_keeps_the_bot_from_running(
    pods: list[dict[str, Any]], problem: tuple[str, str] | None
) -> None:
    assert status.pod_problem(pods) == problem
    if problem is not None:
        assert problem[0] in status.POD_PROBLEM_REASONS


@pytest.mark.parametrize(
    ("bot", "done"),
    [
        pytest.param({"state": "DONE", "phase": "STOP_QUOTING"}, True, id="done-at-the-end"),
        pytest.param({"state": "DONE"}, True, id="done-without-a-phase"),
        pytest.param({"state": "DONE", "phase": "PREMATCH"}, False, id="stopped-before-kickoff"),
        pytest.param({"state": "DONE", "phase": "INPLAY"}, False, id="stopped-in-play"),
        pytest.param({"state": "QUOTING", "phase": "STOP_QUOTING"}, False, id="still-quoting"),
    ],
)
def test_only_a_done_at_the_end_of_the_match_is_the_end(bot: dict[str, Any], done: bool) -> None:
    # A rollout restarts a bot before kick-off: its shutdown reports DONE, and the operator
    # must not take that for the end of the match (it would scale the bot to zero for good).
    assert status.bot_done({"bot": bot}) is done
