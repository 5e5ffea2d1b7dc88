"""Issue 17 item 16, with the real helm binary against the real API server: ``helm uninstall``
must not delete the ``RiskPolicy`` whose status is the risk state (the drawdown high-water mark
and the halt). It stays, with its status, and installing the release again adopts it without
resetting that state; only a deliberate ``kubectl delete riskpolicy`` removes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e import cluster, operator_harness

pytestmark = pytest.mark.e2e

H = operator_harness
CHART = H.ROOT / "helm" / "touchline"
RELEASE = "touchline"
RISK_STATE = {
    "halted": True,
    "haltReason": "drawdown 45.00 of 40.00",
    "highWaterMarkDollars": "125.00",
    "haltedSinceMs": 1_700_000_000_000,
}


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with H.crds_installed(k8s):
        yield


def _policy(k8s: cluster.ControlPlane, namespace: str) -> dict[str, Any] | None:
    return H.get(k8s, "riskpolicy", "default", namespace)


def _state(policy: dict[str, Any] | None) -> dict[str, Any]:
    status = (policy or {}).get("status") or {}
    return {key: status.get(key) for key in RISK_STATE}


def _release_objects(k8s: cluster.ControlPlane, namespace: str) -> list[str]:
    found = k8s.kubectl("get", "deployments,services,serviceaccounts,configmaps,roles",
                        "-n", namespace, "-l", f"app.kubernetes.io/instance={RELEASE}",
                        "-o", "name")  # fmt: skip
    return found.stdout.split()


def test_helm_uninstall_keeps_the_risk_state_and_a_reinstall_adopts_it(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> None:
    try:
        k8s.helm("install", RELEASE, str(CHART), "-n", namespace, "--wait=false")
        cluster.eventually(lambda: _policy(k8s, namespace) is not None, "the chart's RiskPolicy")
        # What the risk service saves after a drawdown halt.
        k8s.kubectl("patch", "riskpolicy", "default", "-n", namespace, "--subresource=status",
                    "--type=merge", "-p", json.dumps({"status": RISK_STATE}))  # fmt: skip
        assert _state(_policy(k8s, namespace)) == RISK_STATE
        assert _release_objects(k8s, namespace), "the release installed nothing"

        k8s.helm("uninstall", RELEASE, "-n", namespace)
        cluster.eventually(lambda: not _release_objects(k8s, namespace), "the release's objects")
        kept = _policy(k8s, namespace)
        assert kept is not None, "helm uninstall deleted the RiskPolicy and with it the halt"
        assert _state(kept) == RISK_STATE

        k8s.helm("install", RELEASE, str(CHART), "-n", namespace, "--wait=false")
        manifest = k8s.helm("get", "manifest", RELEASE, "-n", namespace).stdout
        assert "kind: RiskPolicy" in manifest  # adopted by the new release
        assert _state(_policy(k8s, namespace)) == RISK_STATE  # the halt and the mark survive

        # Removing it is a deliberate act (docs/helm.md): uninstall, then delete it by name.
        k8s.helm("uninstall", RELEASE, "-n", namespace)
        k8s.kubectl("delete", "riskpolicy", "default", "-n", namespace)
        cluster.eventually(lambda: _policy(k8s, namespace) is None, "the RiskPolicy deleted")
    finally:
        k8s.helm("uninstall", RELEASE, "-n", namespace, check=False)
