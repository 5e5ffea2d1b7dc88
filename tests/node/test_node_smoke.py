"""The node runs pods: the project's image, imported without a registry, in a namespace that
enforces the ``restricted`` Pod Security Standard; the API server reaches the kubelet (logs);
a pod reaches the API server through the ``kubernetes`` Service, and finds Services by name
through the node's CoreDNS."""

from __future__ import annotations

import json
import time

import pytest

from tests.e2e import cluster, flags
from tests.node import node as node_harness

pytestmark = pytest.mark.node

RESTRICTED = {
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "runAsGroup": 10001,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


def _pod(name: str, image: str, args: list[str], *, restart: str = "Never") -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "restartPolicy": restart,
            "automountServiceAccountToken": False,
            "containers": [
                {
                    "name": "main",
                    "image": image,
                    "imagePullPolicy": "Never",
                    "args": args,
                    "securityContext": RESTRICTED,
                }
            ],
        },
    }


def _phase(node: node_harness.Node, namespace: str, name: str) -> str:
    pod = node.plane.get_json("pod", name, namespace=namespace)
    phase: str = pod["status"].get("phase", "")
    return phase


def test_the_node_is_ready_and_reports_its_runtime(node: node_harness.Node) -> None:
    got = node.plane.get_json("node", node_harness.NODE_NAME)
    info = got["status"]["nodeInfo"]
    assert info["containerRuntimeVersion"].startswith("containerd://2.")
    assert info["kubeletVersion"].startswith("v1.35.")
    assert node.ready_secs < node_harness.NODE_READY_SECS


def test_the_project_image_runs_as_a_restricted_pod_and_its_log_is_readable(
    node: node_harness.Node, node_namespace: str
) -> None:
    manifest = _pod("version", node.image, ["--help"])
    node.plane.kubectl("apply", "-n", node_namespace, "-f", "-", stdin=json.dumps(manifest))
    cluster.eventually(
        lambda: _phase(node, node_namespace, "version") in {"Succeeded", "Failed"},
        "the pod finished",
        timeout_secs=120,
    )
    log = node.plane.kubectl("logs", "-n", node_namespace, "version").stdout
    assert _phase(node, node_namespace, "version") == "Succeeded", log
    assert "usage: touchline" in log


def test_a_pod_is_ready_soon_after_apply_and_reaches_the_api_server(
    node: node_harness.Node, node_namespace: str
) -> None:
    # A ServiceAccount token and the in-cluster address are all a pod needs for the API.
    probe = (
        "import ssl, urllib.request, os\n"
        "ctx = ssl.create_default_context("
        "cafile='/var/run/secrets/kubernetes.io/serviceaccount/ca.crt')\n"
        "url = 'https://%s:%s/version' % ("
        "os.environ['KUBERNETES_SERVICE_HOST'], os.environ['KUBERNETES_SERVICE_PORT'])\n"
        "print(urllib.request.urlopen(url, context=ctx, timeout=10).status)\n"
    )
    manifest = _pod("api", node.image, [])
    spec = manifest["spec"]
    assert isinstance(spec, dict)
    spec["automountServiceAccountToken"] = True
    spec["containers"][0]["command"] = ["/opt/touchline/bin/python", "-c", probe]
    started = time.monotonic()
    node.plane.kubectl("apply", "-n", node_namespace, "-f", "-", stdin=json.dumps(manifest))
    cluster.eventually(
        lambda: _phase(node, node_namespace, "api") in {"Succeeded", "Failed"},
        "the API probe finished",
        timeout_secs=120,
    )
    finished_secs = time.monotonic() - started
    log = node.plane.kubectl("logs", "-n", node_namespace, "api").stdout
    assert _phase(node, node_namespace, "api") == "Succeeded", log
    # /version answers anonymous callers with 200 or, with anonymous auth off, 401/403: the
    # point is that the connection and TLS to the kubernetes Service work.
    assert log.strip() in {"200"}
    assert finished_secs < 60


def test_a_pod_finds_services_by_name_through_the_nodes_coredns(
    node: node_harness.Node, node_namespace: str
) -> None:
    # A Service with no fixed address: only DNS tells a pod where it is.
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "named"},
        "spec": {"selector": {"app": "none"}, "ports": [{"name": "http", "port": 80}]},
    }
    node.plane.kubectl("apply", "-n", node_namespace, "-f", "-", stdin=json.dumps(service))
    cluster_ip = node.plane.get_json("service", "named", namespace=node_namespace)["spec"][
        "clusterIP"
    ]
    probe = (
        "import socket\n"
        "for name in ('named', f'named.{NS}.svc.cluster.local', 'kubernetes.default'):\n"
        "    print(name, socket.gethostbyname(name))\n"
    ).replace("{NS}", node_namespace)
    manifest = _pod("dns", node.image, [])
    spec = manifest["spec"]
    assert isinstance(spec, dict)
    spec["containers"][0]["command"] = ["/opt/touchline/bin/python", "-c", probe]
    node.plane.kubectl("apply", "-n", node_namespace, "-f", "-", stdin=json.dumps(manifest))
    cluster.eventually(
        lambda: _phase(node, node_namespace, "dns") in {"Succeeded", "Failed"},
        "the DNS probe finished",
        timeout_secs=120,
    )
    log = node.plane.kubectl("logs", "-n", node_namespace, "dns").stdout
    assert _phase(node, node_namespace, "dns") == "Succeeded", log
    answers = dict(line.split() for line in log.splitlines())
    assert answers == {
        "named": cluster_ip,
        f"named.{node_namespace}.svc.cluster.local": cluster_ip,
        "kubernetes.default": flags.KUBERNETES_SERVICE_IP,
    }, log
