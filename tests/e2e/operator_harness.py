"""Helpers for the operator's end-to-end tests: install the CRDs, run the operator in a thread
against the real control plane, and build ``SoccerMarket`` manifests.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import leaks, schedule
from tests.e2e import cluster
from touchline_bot.engine import clock as engine_clock
from touchline_operator import main, runtime

ROOT = Path(__file__).resolve().parents[2]
CRD_NAMES = (
    "soccermarkets.touchline.dev",
    "riskpolicies.touchline.dev",
    "kopfpeerings.kopf.dev",
)
START_TIMEOUT_SECS = 60.0
RULES_HASH = "ab" * 32
HOME_TOKEN = "7132104567925221259462638553270691275033272857194253228963137931245558399256"
KICKOFF_MS = engine_clock.now_ms() // schedule.MINUTE_MS * schedule.MINUTE_MS + 3 * 86_400_000
"""Three days after this test session began (to the minute): every market here is before its
match — a bot may be restarted — on any day the suite runs."""
END_MS = KICKOFF_MS + schedule.MATCH_MS

SPEC: dict[str, Any] = {
    "league": "EPL",
    "matchName": "Arsenal vs Tottenham",
    "startTimeUtc": schedule.iso_utc(KICKOFF_MS),
    "scheduledEndTimeUtc": schedule.iso_utc(END_MS),
    "kalshi": {"ticker": "KXEPLGAME-30JAN15ARSTOT-ARS"},
    "polymarket": {"marketSlug": "epl-ars-tot", "tokenIds": {"home": HOME_TOKEN}},
    "settlementEquivalence": {"rulesHash": RULES_HASH},
}


def market(name: str, namespace: str, **spec_changes: Any) -> dict[str, Any]:
    """A valid ``SoccerMarket`` with top-level spec keys replaced (``None`` removes a key)."""
    spec = copy.deepcopy(SPEC)
    for key, value in spec_changes.items():
        if value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    return {
        "apiVersion": "touchline.dev/v1alpha1",
        "kind": "SoccerMarket",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def _crds_state(k8s: cluster.ControlPlane) -> str:
    # The SoccerMarket CRD decides: if someone else (a Helm install) put it there, we touch none.
    found = k8s.kubectl("get", "crd", CRD_NAMES[0], "-o", "json", check=False)
    if found.returncode != 0:
        return "absent"
    terminating = json.loads(found.stdout).get("metadata", {}).get("deletionTimestamp")
    return "terminating" if terminating else "present"


def _established(k8s: cluster.ControlPlane, crd: str) -> bool:
    # Not `kubectl wait`: it fails instead of waiting while a new CRD has no conditions yet.
    found = k8s.kubectl("get", "crd", crd, "-o", "json", check=False)
    if found.returncode != 0:
        return False
    conditions = json.loads(found.stdout).get("status", {}).get("conditions") or []
    return any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)


def release_markets(k8s: cluster.ControlPlane, namespace: str | None = None) -> None:
    """Drop our finalizer from markets left over (no operator runs after a test), so that their
    namespace and the CRDs can go."""
    scope = ["-n", namespace] if namespace else ["-A"]
    found = k8s.kubectl("get", "sm", *scope, "-o", "json", check=False)
    if found.returncode != 0:
        return
    for item in json.loads(found.stdout)["items"]:
        meta = item["metadata"]
        if meta.get("finalizers"):
            k8s.kubectl("patch", "sm", meta["name"], "-n", meta["namespace"], "--type=merge",
                        "-p", '{"metadata":{"finalizers":[]}}', check=False)  # fmt: skip


@contextlib.contextmanager
def crds_installed(k8s: cluster.ControlPlane) -> Iterator[None]:
    """Apply the CRDs unless another test (e.g. a Helm install) already did; remove ours after."""
    cluster.eventually(lambda: _crds_state(k8s) != "terminating", "old CRDs gone")
    present = _crds_state(k8s) == "present"
    if not present:
        k8s.kubectl("apply", "-f", str(ROOT / "crds"))
        cluster.eventually(
            lambda: all(_established(k8s, crd) for crd in CRD_NAMES), "CRDs established"
        )
    try:
        yield
    finally:
        if not present:
            release_markets(k8s)
            k8s.kubectl("delete", "-f", str(ROOT / "crds"), "--timeout=60s", check=False)


def fleet_config_map(namespace: str, fleet_yaml: str = "image: touchline:1.0\n") -> dict[str, Any]:
    """The fleet settings ConfigMap the operator finds by its label."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "touchline-fleet",
            "namespace": namespace,
            "labels": {"touchline.dev/fleet": "true"},
        },
        "data": {"fleet.yaml": fleet_yaml},
    }


@contextlib.contextmanager
def operator_running(
    k8s: cluster.ControlPlane, namespace: str, kubeconfig: Path
) -> Iterator[runtime.Options]:
    """The operator in a background thread (its own event loop), watching ``namespace``; when
    it stops, leftover markets of the namespace lose their finalizer."""
    options = runtime.Options(
        namespaces=(namespace,), fleet_namespace=namespace, kubeconfig=str(kubeconfig)
    )
    stop, ready = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(main.serve(options, stop_flag=stop, ready_flag=ready))
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread below
            failures.append(exc)

    previous = os.environ.get("KUBECONFIG")
    os.environ["KUBECONFIG"] = str(kubeconfig)  # kopf's own login reads it
    thread = threading.Thread(target=target, name="touchline-operator", daemon=True)
    # Every HTTP session the operator (ours and kopf's) opens is closed once it stops: a leak
    # fails here, not as a ResourceWarning whenever the garbage collector happens to run.
    with leaks.tracking(pytest.MonkeyPatch()) as sessions:
        thread.start()
        try:
            cluster.eventually(lambda: ready.is_set() or bool(failures), "operator started",
                               timeout_secs=START_TIMEOUT_SECS)  # fmt: skip
            assert not failures, failures
            yield options
        finally:
            stop.set()
            thread.join(timeout=START_TIMEOUT_SECS)
            if previous is None:
                os.environ.pop("KUBECONFIG", None)
            else:
                os.environ["KUBECONFIG"] = previous
            release_markets(k8s, namespace)
    assert not thread.is_alive(), "operator did not stop"
    assert not failures, failures
    assert sessions.open() == [], "the operator left HTTP sessions open"


def get(k8s: cluster.ControlPlane, kind: str, name: str, namespace: str) -> dict[str, Any] | None:
    """One object as JSON, or None when it does not exist."""
    done = k8s.kubectl("get", kind, name, "-n", namespace, "-o", "json", check=False)
    if done.returncode != 0:
        return None
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


def condition(obj: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    """The condition of ``kind`` in an object's status (empty when absent)."""
    for cond in ((obj or {}).get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            result: dict[str, Any] = cond
            return result
    return {}
