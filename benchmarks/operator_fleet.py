"""Benchmark: 300 ``SoccerMarket``s applied at once against a real API server.

Starts the end-to-end control plane (``make k8s`` must have prepared the binaries), installs the
CRDs, runs the operator as its own process, applies 300 markets in one request and prints, as
one JSON line, the seconds until every market has all its children and its conditions, and the
operator's peak RSS. Targets: <= 60 s and <= 250 MB.

    .venv/bin/python benchmarks/operator_fleet.py [--markets 300]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bot"), str(ROOT / "operator")]

from tests.e2e import cluster, operator_harness  # noqa: E402

CHILD_PATHS = (
    "/api/v1/namespaces/{ns}/serviceaccounts",
    "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
    "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
    "/api/v1/namespaces/{ns}/configmaps",
    "/apis/apps/v1/namespaces/{ns}/deployments",
)
TIMEOUT_SECS = 600.0


def _names(client: httpx.Client, path: str) -> set[str]:
    return {i["metadata"]["name"] for i in client.get(path).json()["items"]}


def _complete(client: httpx.Client, namespace: str, markets: list[str]) -> bool:
    wanted = {f"tl-bot-{m}" for m in markets}
    for path in CHILD_PATHS:
        if not wanted <= _names(client, path.format(ns=namespace)):
            return False
    items = client.get(f"/apis/touchline.dev/v1alpha1/namespaces/{namespace}/soccermarkets")
    with_conditions = {i["metadata"]["name"] for i in items.json()["items"]
                       if len((i.get("status") or {}).get("conditions") or []) == 5}  # fmt: skip
    return with_conditions == set(markets)


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _apply_and_wait(k8s: cluster.ControlPlane, namespace: str, count: int) -> float:
    markets = [f"m{i:03d}" for i in range(count)]
    items = [operator_harness.market(m, namespace) for m in markets]
    body = json.dumps({"apiVersion": "v1", "kind": "List", "items": items})
    started = time.monotonic()
    k8s.kubectl("apply", "-f", "-", stdin=body)
    with k8s.http() as client:
        cluster.eventually(
            lambda: _complete(client, namespace, markets),
            "all children and conditions",
            timeout_secs=TIMEOUT_SECS,
        )
    return time.monotonic() - started


def run(count: int) -> dict[str, Any]:
    """Measure one run with ``count`` markets."""
    namespace = "bench"
    with tempfile.TemporaryDirectory() as tmp, cluster.running(Path(tmp)) as k8s:
        k8s.kubectl("create", "namespace", namespace)
        with operator_harness.crds_installed(k8s):
            k8s.apply(operator_harness.fleet_config_map(namespace))
            env = dict(os.environ, PYTHONPATH=f"{ROOT / 'bot'}:{ROOT / 'operator'}")
            argv = [sys.executable, "-m", "touchline_operator", "operator",
                    f"--namespace={namespace}", f"--kubeconfig={k8s.kubeconfig}",
                    "--log-level=WARNING"]  # fmt: skip
            with (Path(tmp) / "operator.log").open("w") as log:
                op = subprocess.Popen(argv, env=env, stdout=log, stderr=log)
                try:
                    elapsed = _apply_and_wait(k8s, namespace, count)
                    rss_mb = _peak_rss_mb(op.pid)
                finally:
                    op.terminate()
                    op.wait(timeout=30)
    return {
        "markets": count,
        "seconds_to_converge": round(elapsed, 2),
        "operator_peak_rss_mb": round(rss_mb, 1),
        "targets": {"seconds": 60, "rss_mb": 250},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--markets", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(run(args.markets)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
