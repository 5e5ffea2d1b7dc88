"""The operator against the real API server: apply → children and conditions, parameter edits
without restarts, bounded deletion, and a restart that duplicates nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e import cluster, operator_harness

pytestmark = pytest.mark.e2e

H = operator_harness
CHILD_KINDS = ("serviceaccount", "role", "rolebinding", "configmap", "deployment")


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with H.crds_installed(k8s):
        yield


@pytest.fixture
def operator(k8s: cluster.ControlPlane, namespace: str, crds: None) -> Iterator[None]:
    k8s.apply(H.fleet_config_map(namespace))
    with H.operator_running(k8s, namespace, k8s.kubeconfig):
        yield


def _children_exist(k8s: cluster.ControlPlane, namespace: str, name: str) -> bool:
    return all(H.get(k8s, kind, f"tl-bot-{name}", namespace) for kind in CHILD_KINDS)


def _has_conditions(k8s: cluster.ControlPlane, namespace: str, name: str) -> bool:
    obj = H.get(k8s, "sm", name, namespace)
    types = {c["type"] for c in ((obj or {}).get("status") or {}).get("conditions") or []}
    return types == {"Ready", "Progressing", "ConfigApplied", "SettlementVerified", "Degraded"}


def _report(k8s: cluster.ControlPlane, namespace: str, name: str, bot: dict[str, Any]) -> None:
    """What the bot does with its ServiceAccount: merge-patch ``status.bot``."""
    k8s.kubectl("patch", "sm", name, "-n", namespace, "--subresource=status", "--type=merge",
                "-p", json.dumps({"status": {"bot": bot}}))  # fmt: skip


def test_apply_creates_children_and_conditions_within_five_seconds(
    k8s: cluster.ControlPlane, namespace: str, operator: None
) -> None:
    started = time.monotonic()
    k8s.apply(H.market("ars-tot", namespace))
    cluster.eventually(lambda: _children_exist(k8s, namespace, "ars-tot")
                       and _has_conditions(k8s, namespace, "ars-tot"),
                       "children and conditions", timeout_secs=5.0)  # fmt: skip
    assert time.monotonic() - started <= 5.0
    dep = H.get(k8s, "deployment", "tl-bot-ars-tot", namespace)
    assert dep is not None
    assert dep["spec"]["replicas"] == 1
    assert dep["spec"]["strategy"]["type"] == "Recreate"
    (owner,) = dep["metadata"]["ownerReferences"]
    assert owner["kind"] == "SoccerMarket"
    assert owner["name"] == "ars-tot"
    pod = dep["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["serviceAccountName"] == "tl-bot-ars-tot"
    market = H.get(k8s, "sm", "ars-tot", namespace)
    assert H.condition(market, "Ready")["status"] == "False"
    assert H.condition(market, "ConfigApplied")["reason"] == "AwaitingBot"
    assert H.condition(market, "Degraded")["status"] == "False"
    header = k8s.kubectl("get", "sm", "-n", namespace).stdout.splitlines()[0].split()
    assert header == ["NAME", "STATE", "PHASE", "FAIR", "BID", "ASK", "POSITION", "PNL", "READY",
                      "AGE"]  # fmt: skip


def test_parameter_edit_updates_config_map_but_not_the_pod_template(
    k8s: cluster.ControlPlane, namespace: str, operator: None
) -> None:
    k8s.apply(H.market("ars-tot", namespace))
    cluster.eventually(lambda: _children_exist(k8s, namespace, "ars-tot"), "children")
    cm_before = H.get(k8s, "configmap", "tl-bot-ars-tot", namespace)
    dep_before = H.get(k8s, "deployment", "tl-bot-ars-tot", namespace)
    assert cm_before is not None
    assert dep_before is not None
    _report(k8s, namespace, "ars-tot", {"state": "QUOTING", "paramsVersion":
                                        cm_before["data"]["paramsVersion"]})  # fmt: skip
    cluster.eventually(lambda: H.condition(H.get(k8s, "sm", "ars-tot", namespace),
                                           "ConfigApplied").get("status") == "True",
                       "ConfigApplied true for the first version")  # fmt: skip

    k8s.apply(H.market("ars-tot", namespace, params={"prematch": {"polyWeight": 0.6}}))

    def new_version() -> str | None:
        cm = H.get(k8s, "configmap", "tl-bot-ars-tot", namespace)
        version = (cm or {}).get("data", {}).get("version")
        return version if version != cm_before["data"]["version"] else None

    cluster.eventually(lambda: new_version() is not None, "ConfigMap updated")
    cm = H.get(k8s, "configmap", "tl-bot-ars-tot", namespace)
    assert cm is not None
    assert '"poly_weight": "0.6"' in cm["data"]["params.json"]
    version = cm["data"]["paramsVersion"]
    assert version != cm_before["data"]["paramsVersion"]
    dep = H.get(k8s, "deployment", "tl-bot-ars-tot", namespace)
    assert dep is not None
    assert dep["spec"]["template"] == dep_before["spec"]["template"]
    assert dep["metadata"]["generation"] == dep_before["metadata"]["generation"]
    market = H.get(k8s, "sm", "ars-tot", namespace)
    assert H.condition(market, "ConfigApplied")["status"] == "False"

    _report(k8s, namespace, "ars-tot", {"paramsVersion": version})
    cluster.eventually(lambda: H.condition(H.get(k8s, "sm", "ars-tot", namespace),
                                           "ConfigApplied").get("status") == "True",
                       "ConfigApplied true once the bot reports the new version")  # fmt: skip


def test_delete_waits_for_cancelled_orders_then_children_are_collected(
    k8s: cluster.ControlPlane, namespace: str, operator: None
) -> None:
    k8s.apply(H.market("ars-tot", namespace))
    cluster.eventually(lambda: _children_exist(k8s, namespace, "ars-tot"), "children")
    _report(k8s, namespace, "ars-tot", {"state": "QUOTING"})
    k8s.kubectl("delete", "sm", "ars-tot", "-n", namespace, "--wait=false")

    def scaled_to_zero() -> bool:
        dep = H.get(k8s, "deployment", "tl-bot-ars-tot", namespace)
        return dep is not None and dep["spec"]["replicas"] == 0

    cluster.eventually(scaled_to_zero, "bot scaled to zero to cancel its orders")
    held = H.get(k8s, "sm", "ars-tot", namespace)
    assert held is not None, "deleted before the bot confirmed its orders were cancelled"
    assert "touchline.dev/finalizer" in held["metadata"]["finalizers"]

    _report(k8s, namespace, "ars-tot", {"ordersCancelled": True})
    cluster.eventually(lambda: H.get(k8s, "sm", "ars-tot", namespace) is None, "finalizer done")
    cluster.eventually(
        lambda: not any(H.get(k8s, kind, "tl-bot-ars-tot", namespace) for kind in CHILD_KINDS),
        "children garbage-collected",
    )


def test_operator_restart_duplicates_nothing_and_restarts_no_bot(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> None:
    k8s.apply(H.fleet_config_map(namespace))
    with H.operator_running(k8s, namespace, k8s.kubeconfig):
        k8s.apply(H.market("ars-tot", namespace))
        cluster.eventually(lambda: _children_exist(k8s, namespace, "ars-tot"), "children")
        cluster.eventually(lambda: _has_conditions(k8s, namespace, "ars-tot"), "conditions")
    dep_before = H.get(k8s, "deployment", "tl-bot-ars-tot", namespace)
    cm_before = H.get(k8s, "configmap", "tl-bot-ars-tot", namespace)
    assert dep_before is not None
    assert cm_before is not None
    # Changed while the operator is down: the restarted operator must pick it up.
    k8s.apply(H.market("ars-tot", namespace, paused=True))
    with H.operator_running(k8s, namespace, k8s.kubeconfig):
        cluster.eventually(
            lambda: '"mode": "paused"' in (H.get(k8s, "configmap", "tl-bot-ars-tot", namespace)
                                           or {}).get("data", {}).get("market.json", ""),
            "the change made while down is applied",
        )  # fmt: skip
    assert k8s.names("deployments", namespace) == ["tl-bot-ars-tot"]
    assert len(k8s.names("replicasets", namespace)) <= 1
    assert [n for n in k8s.names("configmaps", namespace) if n.startswith("tl-bot-")] == [
        "tl-bot-ars-tot"
    ]
    dep = H.get(k8s, "deployment", "tl-bot-ars-tot", namespace)
    assert dep is not None
    assert dep["metadata"]["uid"] == dep_before["metadata"]["uid"]
    assert dep["metadata"]["generation"] == dep_before["metadata"]["generation"]
    assert dep["spec"]["template"] == dep_before["spec"]["template"]


def test_done_scales_to_zero_then_children_are_deleted_after_the_delay(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> None:
    k8s.apply(H.fleet_config_map(namespace, "image: touchline:1.0\nlifecycle:\n"
                                 "  cleanupAfterDoneSecs: 1\n"))  # fmt: skip
    with H.operator_running(k8s, namespace, k8s.kubeconfig):
        k8s.apply(H.market("ars-tot", namespace))
        cluster.eventually(lambda: _children_exist(k8s, namespace, "ars-tot"), "children")
        cluster.eventually(lambda: _has_conditions(k8s, namespace, "ars-tot"), "conditions")
        _report(k8s, namespace, "ars-tot", {"state": "DONE"})
        cluster.eventually(
            lambda: (
                (H.get(k8s, "sm", "ars-tot", namespace) or {}).get("status", {}).get("doneAt")
                is not None
            ),
            "doneAt stamped",
        )
        cluster.eventually(
            lambda: (H.get(k8s, "sm", "ars-tot", namespace) or {}).get("status", {})
            .get("childrenDeletedAt") is not None,
            "children deleted after the delay", timeout_secs=60,
        )  # fmt: skip
        cluster.eventually(
            lambda: not any(H.get(k8s, kind, "tl-bot-ars-tot", namespace) for kind in CHILD_KINDS),
            "children gone",
        )
        market = H.get(k8s, "sm", "ars-tot", namespace)
        assert H.condition(market, "Ready")["reason"] == "MatchDone"
