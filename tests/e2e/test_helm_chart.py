"""The Helm chart with the real ``helm`` binary: lint, render with and without the monitoring
APIs, validate every rendered object against the Kubernetes schemas, and refuse bad values."""

from __future__ import annotations

import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.e2e import binaries

pytestmark = pytest.mark.e2e

CHART = Path(__file__).resolve().parents[2] / "helm" / "touchline"
ROOT_CRDS = Path(__file__).resolve().parents[2] / "crds"
K8S_SCHEMA_VERSION = "1.35"
MONITORING = "monitoring.coreos.com/v1"


def _helm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binaries.bin_dir() / "helm"), *args], capture_output=True, text=True, check=False
    )


def _template(*extra: str) -> list[dict[str, object]]:
    result = _helm("template", "touchline", str(CHART), "--namespace", "touchline", *extra)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def test_chart_crds_are_the_repository_crds() -> None:
    for crd in sorted(ROOT_CRDS.glob("*.yaml")):
        copy = CHART / "crds" / crd.name
        assert copy.read_text() == crd.read_text(), f"run: cp crds/{crd.name} {copy}"


def test_helm_lint_strict_passes() -> None:
    result = _helm("lint", "--strict", str(CHART))
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_monitoring_api_no_monitoring_objects_render() -> None:
    kinds = {doc["kind"] for doc in _template()}
    assert not kinds & {"PodMonitor", "ServiceMonitor", "PrometheusRule"}
    assert {"Deployment", "RiskPolicy", "NetworkPolicy"} <= kinds


def test_with_monitoring_api_monitoring_objects_render() -> None:
    docs = _template("--api-versions", MONITORING)
    kinds = {doc["kind"] for doc in docs}
    assert {"PodMonitor", "ServiceMonitor", "PrometheusRule"} <= kinds
    rule = next(d for d in docs if d["kind"] == "PrometheusRule")
    urls = [
        r["annotations"]["runbook_url"]
        for g in rule["spec"]["groups"]  # type: ignore[index]
        for r in g["rules"]
    ]
    assert all(u.startswith("docs/runbooks.md#") for u in urls)


def test_rendered_builtin_objects_validate_against_kubernetes_schemas() -> None:
    for doc in _template("--api-versions", MONITORING):
        api_version = str(doc["apiVersion"])
        if "touchline.dev" in api_version or "monitoring.coreos.com" in api_version:
            continue
        kubernetes_validate.validate(doc, K8S_SCHEMA_VERSION, strict=True)


def test_every_pod_runs_restricted() -> None:
    for doc in _template():
        if doc["kind"] != "Deployment":
            continue
        pod = doc["spec"]["template"]["spec"]  # type: ignore[index]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        for container in pod["containers"]:
            ctx = container["securityContext"]
            assert ctx["readOnlyRootFilesystem"] is True
            assert ctx["allowPrivilegeEscalation"] is False
            assert ctx["capabilities"]["drop"] == ["ALL"]


def test_dashboards_are_labelled_for_the_grafana_sidecar() -> None:
    maps = [
        d for d in _template() if d["kind"] == "ConfigMap" and "dashboard" in str(d["metadata"])
    ]
    assert len(maps) == 3
    for cm in maps:
        assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"  # type: ignore[index]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        pytest.param(["--set", "surprise=1"], "surprise", id="unknown-top-level-key"),
        pytest.param(["--set", "kalshi.env=staging"], "env", id="bad-env"),
        pytest.param(
            ["--set", "risk.policy.maxTotalNotionalDollars=-5"],
            "maxTotalNotional",
            id="negative-limit",
        ),
        pytest.param(["--set", "operator.replicas=9"], "replicas", id="too-many-replicas"),
        pytest.param(["--set", "kalshi.privateKey=abc"], "privateKey", id="key-in-values"),
        pytest.param(["--set", "monitoring.interval=often"], "interval", id="bad-interval"),
    ],
)
def test_bad_values_are_rejected_by_the_schema(override: list[str], expected: str) -> None:
    result = _helm("template", "touchline", str(CHART), *override)
    assert result.returncode != 0
    assert expected in result.stderr
