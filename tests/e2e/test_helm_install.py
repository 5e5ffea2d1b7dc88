"""The Helm chart installed into the real control plane: every rendered object exists; the
operator and the risk service, run locally as the chart's ServiceAccounts, work with exactly the
RBAC the chart grants; an upgrade of the fleet settings starts the staged rollout; an uninstall
removes every chart object and leaves the CRDs (and the SoccerMarkets) in place.

Pods never run (there is no kubelet), so the Kalshi Secret the chart references is not needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.e2e import cluster, operator_harness, processes, risk_harness
from touchline_bot.risk_service import wire

pytestmark = pytest.mark.e2e

H = operator_harness
CHART = H.ROOT / "helm" / "touchline"
RELEASE = "touchline"
OPERATOR_ACCOUNT = "touchline-operator"
RISK_ACCOUNT = "touchline-risk"
FLEET_CONFIGMAP = "touchline-fleet"
MARKET = "ars-tot"
NEW_TAG = "9.9.9-e2e"
WARMUP_MS = 45_678
WAIT_SECS = 60.0


def _manifest_objects(k8s: cluster.ControlPlane, namespace: str) -> list[tuple[str, str]]:
    """``(kind, name)`` of every object of the release, from ``helm get manifest``."""
    text = k8s.helm("get", "manifest", RELEASE, "-n", namespace).stdout
    docs = [doc for doc in yaml.safe_load_all(text) if doc]
    return sorted((doc["kind"], doc["metadata"]["name"]) for doc in docs)


def _exists(k8s: cluster.ControlPlane, namespace: str, kind: str, name: str) -> bool:
    found = k8s.kubectl("get", f"{kind}/{name}", "-n", namespace, "-o", "name", check=False)
    return found.returncode == 0


def _python_child(name: str, argv: list[str], kubeconfig: Path, log_dir: Path) -> processes.Child:
    """``python -m touchline_bot.cli ARGV`` with no Kalshi credentials and only ``kubeconfig``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KALSHI_")}
    environ["KUBECONFIG"] = str(kubeconfig)  # kopf's own login reads it
    log = log_dir / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(
            [sys.executable, "-m", "touchline_bot.cli", *argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environ,
            start_new_session=True,
        )
    return processes.Child(name=name, popen=popen, log=log)


@contextlib.contextmanager
def _running(children: list[processes.Child]) -> Iterator[list[processes.Child]]:
    """Stop every child on exit, whatever happened; tokens never reach their logs."""
    try:
        yield children
    finally:
        for child in children:
            processes.stop(child)


def _wait(ready: Callable[[], bool], what: str, watch: list[processes.Child]) -> None:
    processes.wait_until(ready, timeout_secs=WAIT_SECS, what=what, watch=watch)


def _token_kubeconfig(k8s: cluster.ControlPlane, namespace: str, account: str) -> Path:
    """A kubeconfig for the chart's ``account``, which must already exist (never created here)."""
    assert _exists(k8s, namespace, "serviceaccount", account), account
    return k8s.kubeconfig_for_token(k8s.mint_token(namespace, account))


def _operator(k8s: cluster.ControlPlane, namespace: str, log_dir: Path) -> processes.Child:
    kubeconfig = _token_kubeconfig(k8s, namespace, OPERATOR_ACCOUNT)
    argv = ["operator", "--namespace", namespace, "--kubeconfig", str(kubeconfig),
            "--liveness", f"http://127.0.0.1:{processes.free_port()}/healthz"]  # fmt: skip
    return _python_child("operator", argv, kubeconfig, log_dir)


def _risk(k8s: cluster.ControlPlane, namespace: str, log_dir: Path, port: int) -> processes.Child:
    kubeconfig = _token_kubeconfig(k8s, namespace, RISK_ACCOUNT)
    argv = ["risk", "--namespace", namespace, "--policy", risk_harness.POLICY,
            "--kubeconfig", str(kubeconfig), "--host", "127.0.0.1",
            "--port", str(port)]  # fmt: skip
    return _python_child("risk", argv, kubeconfig, log_dir)


def _rollout(k8s: cluster.ControlPlane, namespace: str) -> dict[str, Any]:
    cm = k8s.get_json("configmap", FLEET_CONFIGMAP, namespace=namespace)
    text = (cm["metadata"].get("annotations") or {}).get("touchline.dev/rollout", "{}")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _bot_image(k8s: cluster.ControlPlane, namespace: str) -> str:
    dep = H.get(k8s, "deployment", f"tl-bot-{MARKET}", namespace)
    if dep is None:
        return ""
    image: str = dep["spec"]["template"]["spec"]["containers"][0]["image"]
    return image


def _fleet_reasons(k8s: cluster.ControlPlane, namespace: str) -> list[str]:
    events = k8s.get_json("events", namespace=namespace)["items"]
    return [e["reason"] for e in events if e["involvedObject"]["name"] == FLEET_CONFIGMAP]


@contextlib.contextmanager
def _crds_kept_or_removed(k8s: cluster.ControlPlane) -> Iterator[None]:
    """Helm installs the CRDs when absent; remove them afterwards only if this test added them."""
    cluster.eventually(lambda: H._crds_state(k8s) != "terminating", "old CRDs gone")
    present = H._crds_state(k8s) == "present"
    try:
        yield
    finally:
        H.release_markets(k8s)
        if not present:
            k8s.kubectl("delete", "-f", str(CHART / "crds"), "--timeout=60s", check=False)


def _install(k8s: cluster.ControlPlane, namespace: str) -> list[tuple[str, str]]:
    k8s.helm("install", RELEASE, str(CHART), "-n", namespace, "--wait=false")
    cluster.eventually(
        lambda: all(H._established(k8s, crd) for crd in H.CRD_NAMES), "CRDs established"
    )
    objects = _manifest_objects(k8s, namespace)
    missing = [o for o in objects if not _exists(k8s, namespace, *o)]
    assert not missing, missing
    return objects


def _assert_operator_reconciles(
    k8s: cluster.ControlPlane, namespace: str, watch: list[processes.Child]
) -> None:
    k8s.apply(H.market(MARKET, namespace))

    def reconciled() -> bool:
        sm = H.get(k8s, "sm", MARKET, namespace)
        return (
            H.get(k8s, "configmap", f"tl-bot-{MARKET}", namespace) is not None
            and _bot_image(k8s, namespace) != ""
            and all(H.condition(sm, kind) for kind in ("Ready", "Progressing", "ConfigApplied"))
        )

    _wait(reconciled, "the market's ConfigMap, Deployment and conditions", watch)
    assert _exists(k8s, namespace, "serviceaccount", f"tl-bot-{MARKET}")


def _assert_risk_leases(
    k8s: cluster.ControlPlane, namespace: str, url: str, watch: list[processes.Child]
) -> None:
    _wait(processes.http_ok(f"{url}/healthz", verify=False), "touchline risk", watch)
    token = k8s.mint_token(namespace, f"tl-bot-{MARKET}", [risk_harness.AUDIENCE])
    headers = {"Authorization": f"Bearer {token}"}
    answer = httpx.post(f"{url}/v1/reports", json=risk_harness.report_body(MARKET),
                        headers=headers, timeout=10.0)  # fmt: skip
    assert answer.status_code == 200, answer.text
    budget, ttl_ms, halted, _ = wire.reply_from_json(answer.json())
    assert (budget > 0, ttl_ms, halted) == (True, 5_000, False)
    for child in watch:
        assert token not in child.log_tail()


def _market_config(k8s: cluster.ControlPlane, namespace: str) -> str:
    cm = H.get(k8s, "configmap", f"tl-bot-{MARKET}", namespace)
    return json.dumps((cm or {}).get("data") or {})


def _assert_upgrade_starts_rollout(
    k8s: cluster.ControlPlane, namespace: str, watch: list[processes.Child]
) -> None:
    old_image = _bot_image(k8s, namespace)
    old_revision = _rollout(k8s, namespace).get("revision")
    batches_before = _fleet_reasons(k8s, namespace).count("RolloutBatchStarted")
    assert not old_image.endswith(NEW_TAG)
    assert str(WARMUP_MS) not in _market_config(k8s, namespace)
    k8s.helm("upgrade", RELEASE, str(CHART), "-n", namespace, "--set", f"image.tag={NEW_TAG}",
             "--set-json", f'bots.defaults={{"timing":{{"warmupMs":{WARMUP_MS}}}}}')  # fmt: skip
    _wait(lambda: _rollout(k8s, namespace).get("revision") not in {None, old_revision},
          "a rollout of the new fleet revision", watch)  # fmt: skip
    _wait(lambda: _bot_image(k8s, namespace).endswith(f":{NEW_TAG}"),
          "the market's Deployment on the new image", watch)  # fmt: skip
    _wait(lambda: str(WARMUP_MS) in _market_config(k8s, namespace),
          "the market's ConfigMap with the new fleet default", watch)  # fmt: skip
    assert _rollout(k8s, namespace)["state"] in {"InProgress", "Succeeded"}
    assert _fleet_reasons(k8s, namespace).count("RolloutBatchStarted") > batches_before


def _assert_uninstall_keeps_crds_and_risk_state(
    k8s: cluster.ControlPlane, namespace: str, objects: list[tuple[str, str]]
) -> None:
    k8s.helm("uninstall", RELEASE, "-n", namespace)
    # The RiskPolicy holds the risk state in its status (helm.sh/resource-policy: keep).
    kept = [("RiskPolicy", "default")]
    gone = [o for o in objects if o not in kept]
    cluster.eventually(
        lambda: not any(_exists(k8s, namespace, *o) for o in gone), "chart objects gone"
    )
    assert all(H._established(k8s, crd) for crd in H.CRD_NAMES)
    assert H.get(k8s, "sm", MARKET, namespace) is not None
    assert all(_exists(k8s, namespace, *o) for o in kept)


def test_install_runs_both_services_on_chart_rbac_upgrade_rolls_out_uninstall_keeps_crds(
    k8s: cluster.ControlPlane, namespace: str, tmp_path: Path
) -> None:
    with _crds_kept_or_removed(k8s):
        objects = _install(k8s, namespace)
        port = processes.free_port()
        with _running([_operator(k8s, namespace, tmp_path)]) as watch:
            _assert_operator_reconciles(k8s, namespace, watch)
            watch.append(_risk(k8s, namespace, tmp_path, port))
            _assert_risk_leases(k8s, namespace, f"http://127.0.0.1:{port}", watch)
            _assert_upgrade_starts_rollout(k8s, namespace, watch)
        for child in watch:
            assert child.popen.returncode == 0, child.log_tail()
            log = child.log.read_text()
            assert "Forbidden" not in log, f"{child.name} lacked RBAC:\n{child.log_tail()}"
        _assert_uninstall_keeps_crds_and_risk_state(k8s, namespace, objects)
