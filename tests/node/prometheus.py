"""A real Prometheus (Debian's ``prometheus``) inside the node's network namespace, scraping the
pods as the Prometheus Operator would from the chart's own PodMonitors and ServiceMonitor.

The node has no Prometheus Operator, and Debian builds Prometheus without Kubernetes service
discovery (``kubernetes_sd_configs`` is "not found in type config.ScrapeConfig"), so the harness
does both jobs with what Debian's build has, file-based discovery: the chart is rendered with
``helm template --api-versions monitoring.coreos.com/v1`` (the install's values), and for each
monitor ``discover`` lists, through the API server, what the operator's relabelling would keep —
the pods (PodMonitor) or the Service endpoints (ServiceMonitor) its selector matches, with the
named port, not finished — and writes them as targets with the labels the operator gives them:
``namespace``, ``pod``, ``container`` (``service``), ``endpoint``, and ``job`` as the operator
sets it — ``<namespace>/<monitor>`` for a PodMonitor, the Service's name for a ServiceMonitor,
the value of the ``jobLabel`` label when one is set. So the ``job`` labels the alerts select on
are the ones a user's Prometheus sees.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.e2e import cluster, processes
from tests.node import node as node_harness

PORT = 9090
READY_SECS = 60.0
REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "helm" / "touchline" / "files" / "prometheus-rules.yaml"


class PrometheusMissingError(RuntimeError):
    """Debian's prometheus is not installed (scripts/node/install-deps.sh installs it)."""


def binary() -> str:
    """The installed ``prometheus``; raises with the command that installs it."""
    found = shutil.which("prometheus")
    if found is None:
        raise PrometheusMissingError(
            "no prometheus on PATH: run `make node-deps` (scripts/node/install-deps.sh)"
        )
    return found


def monitors(plane: cluster.ControlPlane, chart: Path, values: Path, namespace: str) -> list[Any]:
    """The chart's PodMonitors and ServiceMonitors as a user's cluster would get them."""
    rendered = plane.helm(
        "template", "touchline", str(chart), "-n", namespace, "-f", str(values),
        "--api-versions", "monitoring.coreos.com/v1",
    ).stdout  # fmt: skip
    docs = [d for d in yaml.safe_load_all(rendered) if d]
    return [d for d in docs if d["kind"] in ("PodMonitor", "ServiceMonitor")]


def _selector(monitor: dict[str, Any]) -> str:
    labels = monitor["spec"]["selector"].get("matchLabels", {})
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _endpoints(monitor: dict[str, Any]) -> list[dict[str, Any]]:
    spec = monitor["spec"]
    found: list[dict[str, Any]] = spec.get("podMetricsEndpoints") or spec.get("endpoints") or []
    return found


def job_name(monitor: dict[str, Any], namespace: str, index: int) -> str:
    """The scrape job's name, as the Prometheus Operator names it."""
    kind = "podMonitor" if monitor["kind"] == "PodMonitor" else "serviceMonitor"
    return f"{kind}/{namespace}/{monitor['metadata']['name']}/{index}"


def _pod_targets(
    plane: cluster.ControlPlane, monitor: dict[str, Any], namespace: str, port: str
) -> list[dict[str, Any]]:
    pods = plane.get_json("pods", "-l", _selector(monitor), namespace=namespace)["items"]
    job_label = monitor["spec"].get("jobLabel")
    targets = []
    for pod in pods:
        ip = pod.get("status", {}).get("podIP")
        if not ip or pod["status"].get("phase") in ("Succeeded", "Failed"):
            continue
        for container in pod["spec"]["containers"]:
            for p in container.get("ports") or []:
                if p.get("name") != port:
                    continue
                labels = pod["metadata"].get("labels") or {}
                job = f"{namespace}/{monitor['metadata']['name']}"
                targets.append(
                    {
                        "targets": [f"{ip}:{p['containerPort']}"],
                        "labels": {
                            "namespace": namespace,
                            "pod": pod["metadata"]["name"],
                            "container": container["name"],
                            "endpoint": port,
                            "job": (labels.get(job_label) or job) if job_label else job,
                        },
                    }
                )
    return targets


def _service_targets(
    plane: cluster.ControlPlane, monitor: dict[str, Any], namespace: str, port: str
) -> list[dict[str, Any]]:
    services = plane.get_json("services", "-l", _selector(monitor), namespace=namespace)["items"]
    targets = []
    for service in services:
        name = service["metadata"]["name"]
        got = plane.kubectl("get", "endpoints", name, "-n", namespace, "-o", "json", check=False)
        if got.returncode != 0:
            continue
        for subset in json.loads(got.stdout).get("subsets") or []:
            numbers = [p["port"] for p in subset.get("ports") or [] if p.get("name") == port]
            for address in subset.get("addresses") or []:
                for number in numbers:
                    ref = address.get("targetRef") or {}
                    targets.append(
                        {
                            "targets": [f"{address['ip']}:{number}"],
                            "labels": {
                                "namespace": namespace,
                                "service": name,
                                "pod": ref.get("name", ""),
                                "endpoint": port,
                                "job": name,
                            },
                        }
                    )
    return targets


@dataclasses.dataclass(frozen=True)
class Prometheus:
    """A Prometheus running in the node's network namespace, and its file-based discovery."""

    node: node_harness.Node
    child: processes.Child
    workdir: Path
    namespace: str
    found: tuple[Any, ...]

    def discover(self) -> int:
        """Write every monitor's current targets for Prometheus; returns how many."""
        count = 0
        for monitor in self.found:
            for index, endpoint in enumerate(_endpoints(monitor)):
                targets = (_pod_targets if monitor["kind"] == "PodMonitor" else _service_targets)(
                    self.node.plane, monitor, self.namespace, endpoint["port"]
                )
                path = _targets_file(self.workdir, job_name(monitor, self.namespace, index))
                partial = path.with_suffix(".tmp")
                partial.write_text(json.dumps(targets))
                partial.replace(path)  # Prometheus never reads half a file
                count += len(targets)
        return count

    def query(self, promql: str) -> list[dict[str, Any]]:
        """An instant query's result vector (empty when nothing matches)."""

        def get() -> dict[str, Any]:
            url = f"http://127.0.0.1:{PORT}/api/v1/query"
            body: dict[str, Any] = httpx.get(url, params={"query": promql}, timeout=10.0).json()
            return body

        body = self.node.spaces.call(get)
        if body.get("status") != "success":
            raise AssertionError(f"query {promql!r} failed: {body}")
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    def ready(self) -> bool:
        """``/-/ready`` answers 200."""

        def get() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{PORT}/-/ready", timeout=5.0).status_code == 200
            except httpx.TransportError:
                return False

        return self.node.spaces.call(get)


def _targets_file(workdir: Path, job: str) -> Path:
    return workdir / "targets" / (job.replace("/", "_") + ".json")


def config(found: list[Any], namespace: str, workdir: Path) -> dict[str, Any]:
    """One job per monitor endpoint, at its interval and path, its targets from a file."""
    jobs = []
    for monitor in found:
        for index, endpoint in enumerate(_endpoints(monitor)):
            name = job_name(monitor, namespace, index)
            jobs.append(
                {
                    "job_name": name,
                    "scrape_interval": endpoint.get("interval", "30s"),
                    "metrics_path": endpoint.get("path", "/metrics"),
                    "file_sd_configs": [
                        {"files": [str(_targets_file(workdir, name))], "refresh_interval": "5s"}
                    ],
                }
            )
    return {
        "global": {"evaluation_interval": "15s"},
        "rule_files": [str(RULES)],
        "scrape_configs": jobs,
    }


@contextlib.contextmanager
def running(
    node: node_harness.Node, workdir: Path, found: list[Any], namespace: str
) -> Iterator[Prometheus]:
    """Start Prometheus scraping what ``found`` selects, with the chart's alert rules; stop it
    after. Call ``discover`` again when pods change."""
    executable = binary()
    (workdir / "targets").mkdir(parents=True, exist_ok=True)
    config_path = workdir / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(config(found, namespace, workdir), sort_keys=False))
    prom_child = processes.start(
        "prometheus",
        [
            executable,
            f"--config.file={config_path}",
            f"--storage.tsdb.path={workdir / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{PORT}",
            "--storage.tsdb.retention.time=1h",
        ],
        workdir,
        prefix=node.spaces.prefix,
    )
    try:
        prom = Prometheus(node, prom_child, workdir, namespace, tuple(found))
        prom.discover()
        processes.wait_until(
            prom.ready, timeout_secs=READY_SECS, what="prometheus", watch=[prom_child]
        )
        yield prom
    finally:
        processes.stop(prom_child)
