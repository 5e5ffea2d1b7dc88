"""The operator works with exactly the ServiceAccount and RBAC the Helm chart defines (a minted
token), and that account cannot read Secrets anywhere."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.e2e import cluster, operator_harness

pytestmark = pytest.mark.e2e

H = operator_harness


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with H.crds_installed(k8s):
        yield


def _chart_objects(k8s: cluster.ControlPlane, release: str, namespace: str) -> list[dict[str, Any]]:
    rendered = k8s.helm("template", release, str(H.ROOT / "helm" / "touchline"), "-n", namespace,
                        "--show-only", "templates/operator.yaml",
                        "--show-only", "templates/fleet.yaml").stdout  # fmt: skip
    docs = [d for d in yaml.safe_load_all(rendered) if d]
    # Everything the chart gives the operator except its own Deployment (we run it in-process).
    return [d for d in docs if d["kind"] != "Deployment"]


@pytest.fixture
def operator_token_kubeconfig(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> Iterator[tuple[str, Any]]:
    release = f"r{uuid.uuid4().hex[:6]}"
    objects = _chart_objects(k8s, release, namespace)
    for obj in objects:
        obj["metadata"].setdefault("namespace", namespace)
    k8s.kubectl("apply", "-n", namespace, "-f", "-", stdin=json.dumps(
        {"apiVersion": "v1", "kind": "List", "items": objects}))  # fmt: skip
    (account,) = [o["metadata"]["name"] for o in objects if o["kind"] == "ServiceAccount"]
    token = k8s.mint_token(namespace, account)
    try:
        yield account, k8s.kubeconfig_for_token(token)
    finally:
        for obj in objects:
            if obj["kind"].startswith("Cluster"):
                k8s.kubectl("delete", obj["kind"], obj["metadata"]["name"], "--wait=false",
                            check=False)  # fmt: skip


def test_operator_with_the_charts_rbac_reconciles_and_cannot_read_secrets(
    k8s: cluster.ControlPlane, namespace: str, operator_token_kubeconfig: tuple[str, Any]
) -> None:
    account, kubeconfig = operator_token_kubeconfig
    with H.operator_running(k8s, namespace, kubeconfig):
        k8s.apply(H.market("ars-tot", namespace))
        cluster.eventually(
            lambda: (
                H.condition(H.get(k8s, "sm", "ars-tot", namespace), "Ready").get("reason")
                == "BotNotReady"
                and H.get(k8s, "deployment", "tl-bot-ars-tot", namespace) is not None
                and H.get(k8s, "rolebinding", "tl-bot-ars-tot", namespace) is not None
            ),
            "children and conditions written with the chart's RBAC",
        )
        market = H.get(k8s, "sm", "ars-tot", namespace)
        assert H.condition(market, "Degraded")["status"] == "False"
        k8s.kubectl("delete", "sm", "ars-tot", "-n", namespace, "--wait=false")
        cluster.eventually(lambda: H.get(k8s, "sm", "ars-tot", namespace) is None,
                           "finalizer removed with the chart's RBAC")  # fmt: skip
    user = f"system:serviceaccount:{namespace}:{account}"
    for scope in (["--all-namespaces"], ["-n", namespace]):
        answer = k8s.kubectl("auth", "can-i", "get", "secrets", *scope, f"--as={user}",
                             check=False).stdout.strip()  # fmt: skip
        assert answer == "no", scope
    listing = k8s.kubectl("get", "secrets", "-A", kubeconfig=kubeconfig, check=False)
    assert listing.returncode != 0
    assert "forbidden" in listing.stderr
