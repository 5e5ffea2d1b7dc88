"""The labels Prometheus gives each Touchline scrape target, derived from the chart as the real
``helm template`` renders it, never written by hand.

The bots' pods come from the operator's own rendering of a bot Deployment (``render.deployment``
with the fleet settings the chart renders), the operator's and the risk service's pods from the
chart's Deployments. Each PodMonitor/ServiceMonitor is then applied the way the Prometheus
Operator relabels its targets: ``job`` is ``<namespace>/<monitor>`` for a PodMonitor, the
Service's name for a ServiceMonitor, or the value of the pod's (Service's) ``jobLabel`` label;
``namespace``, ``pod``, ``container`` and ``endpoint`` (the port's name) are added, plus
``service`` for a ServiceMonitor. A monitor that selects no pod, or names a port no container
has, fails here: an alert on its ``up`` series could never fire.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.e2e import binaries
from tests.unit.operator import samples
from touchline_operator import fleet as fleet_mod
from touchline_operator import models, render

CHART = Path(__file__).resolve().parents[2] / "helm" / "touchline"
RELEASE = "touchline"
NAMESPACE = "tl-markets"
"""Not the docs' ``touchline``: a label that only matched by luck would show."""
MONITORING_API = "monitoring.coreos.com/v1"
POD_SUFFIX = "-6c9f7d8b5-q7x2m"
"""A ReplicaSet hash and a pod hash, as a Deployment's pods are named."""

COMPONENT = "app.kubernetes.io/component"

Obj = dict[str, Any]


def rendered_chart(*extra: str) -> list[Obj]:
    """The chart's objects with the monitoring API present (``extra``: more helm arguments)."""
    result = subprocess.run(
        [
            str(binaries.bin_dir() / "helm"), "template", RELEASE, str(CHART),
            "--namespace", NAMESPACE, "--api-versions", MONITORING_API, *extra,
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def _bot_deployment(docs: list[Obj]) -> Obj:
    maps = [d for d in docs if d["kind"] == "ConfigMap"]
    fleet_map = next(d for d in maps if "touchline.dev/fleet" in d["metadata"]["labels"])
    market = render.Market(
        name="ars-tot",
        namespace=NAMESPACE,
        spec=models.parse_spec(samples.spec()),
        owner=render.Owner(name="ars-tot", uid="0b7c6a7e-1111-2222-3333-444455556666"),
    )
    return render.deployment(market, fleet_mod.parse(fleet_map["data"]))


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def _pod(deployments: list[Obj], selector: dict[str, str], monitor: str) -> Obj:
    found = [
        d for d in deployments if _matches(selector, d["spec"]["template"]["metadata"]["labels"])
    ]
    assert len(found) == 1, f"{monitor} selects {len(found)} Deployments' pods, not one"
    return found[0]


def _container(deployment: Obj, port: str, monitor: str) -> tuple[str, int]:
    for container in deployment["spec"]["template"]["spec"]["containers"]:
        for candidate in container.get("ports", []):
            if candidate.get("name") == port:
                return str(container["name"]), int(candidate["containerPort"])
    raise AssertionError(f"{monitor} scrapes port {port!r}, which no container names")


def targets() -> dict[str, dict[str, str]]:
    """``{component: labels of its up series}`` for every monitored Touchline component."""
    docs = rendered_chart()
    deployments = [d for d in docs if d["kind"] == "Deployment"] + [_bot_deployment(docs)]
    services = [d for d in docs if d["kind"] == "Service"]
    out: dict[str, dict[str, str]] = {}
    monitors = [d for d in docs if d["kind"] in {"PodMonitor", "ServiceMonitor"}]
    for index, monitor in enumerate(monitors):
        name, spec = monitor["metadata"]["name"], monitor["spec"]
        selector = spec["selector"]["matchLabels"]
        namespace = monitor["metadata"].get("namespace", NAMESPACE)
        job_label = spec.get("jobLabel")
        if monitor["kind"] == "PodMonitor":
            (endpoint,) = spec["podMetricsEndpoints"]
            port = str(endpoint["port"])
            deployment = _pod(deployments, selector, name)
            pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
            job = pod_labels[job_label] if job_label else f"{namespace}/{name}"
            extra: dict[str, str] = {}
        else:
            (endpoint,) = spec["endpoints"]
            port = str(endpoint["port"])
            matching = [s for s in services if _matches(selector, s["metadata"]["labels"])]
            assert len(matching) == 1, f"{name} selects {len(matching)} Services, not one"
            service = matching[0]
            service_port = next(p for p in service["spec"]["ports"] if p.get("name") == port)
            deployment = _pod(deployments, service["spec"]["selector"], name)
            port = str(service_port["targetPort"])
            job_name = service["metadata"]["name"]
            job = service["metadata"]["labels"][job_label] if job_label else job_name
            extra = {"service": job_name}
        container, number = _container(deployment, port, name)
        component = deployment["spec"]["template"]["metadata"]["labels"][COMPONENT]
        out[component] = {
            "job": job,
            "namespace": namespace,
            "pod": deployment["metadata"]["name"] + POD_SUFFIX,
            "container": container,
            "endpoint": str(endpoint["port"]),
            "instance": f"10.0.0.{index + 1}:{number}",
            **extra,
        }
    return out
