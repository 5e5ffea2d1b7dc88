"""The operator as its own process (as the Helm chart runs it): liveness endpoint, Prometheus
metrics, JSON logs, and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e import cluster, operator_harness

pytestmark = pytest.mark.e2e

H = operator_harness


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with H.crds_installed(k8s):
        yield


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=2.0)
    except httpx.HTTPError:
        return None


def test_operator_process_serves_liveness_metrics_and_json_logs(
    k8s: cluster.ControlPlane, namespace: str, crds: None, tmp_path: Path
) -> None:
    k8s.apply(H.fleet_config_map(namespace))
    live_port, metrics_port = _free_port(), _free_port()
    env = dict(os.environ, PYTHONPATH=f"{H.ROOT / 'bot'}:{H.ROOT / 'operator'}")
    argv = [sys.executable, "-m", "touchline_operator", "operator", f"--namespace={namespace}",
            f"--kubeconfig={k8s.kubeconfig}", f"--liveness=http://127.0.0.1:{live_port}/healthz",
            f"--metrics-port={metrics_port}"]  # fmt: skip
    log_path = tmp_path / "operator.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        k8s.apply(H.market("ars-tot", namespace))
        cluster.eventually(lambda: H.get(k8s, "deployment", "tl-bot-ars-tot", namespace)
                           is not None, "children from the operator process")  # fmt: skip
        health = _get(f"http://127.0.0.1:{live_port}/healthz")
        assert health is not None
        assert health.status_code == 200
        metrics = _get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert metrics is not None
        assert 'touchline_operator_reconcile_duration_seconds_count{handler="ensure"}' in (
            metrics.text
        )
        assert "touchline_operator_markets" in metrics.text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        H.release_markets(k8s, namespace)
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    assert lines, "the operator logged nothing"
    for line in lines:
        assert isinstance(json.loads(line), dict), line
