"""A fleet-wide change to 20 markets rolls out in batches and stops at a failing batch.

There is no kubelet: a small stand-in plays the kubelet and the bots — it marks bot pods ready
(or crash-looping, for the one market whose new image is broken) and reports each ready bot's
parameter version, as the real bot does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e import cluster, operator_harness

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

H = operator_harness
MARKETS = [f"m{i:02d}" for i in range(20)]
BROKEN = "m12"
NEW_IMAGE = "touchline:2.0"
FLEET = "image: {image}\nrollout:\n  batchSize: 5\n  batchTimeoutSecs: 120\n"
PACE_SECS = 0.2
"""How often the stand-in kubelet looks again (it is an actor, not a wait in the test)."""


class FakeNodeAndBots:
    """Marks pods ready (or crash-looping) and reports the bots' parameter versions."""

    def __init__(self, client: httpx.Client, namespace: str) -> None:
        self.client, self.ns = client, namespace
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, name="fake-node", daemon=True)

    def _patch_status(self, path: str, status: dict[str, Any]) -> None:
        self.client.patch(path, content=json.dumps({"status": status}),
                          headers={"Content-Type": "application/merge-patch+json"})  # fmt: skip

    def _items(self, path: str) -> list[dict[str, Any]]:
        """A list's items; none while the server says to come back (a custom resource's storage
        still initializing, throttling): the stand-in looks again at its next pace."""
        response = self.client.get(path)
        if response.status_code in {429, 503}:
            return []
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def _pods(self) -> None:
        for pod in self._items(f"/api/v1/namespaces/{self.ns}/pods"):
            (container,) = pod["spec"]["containers"]
            broken = pod["metadata"]["labels"].get("touchline.dev/market") == BROKEN and (
                container["image"] == NEW_IMAGE
            )
            ready = "False" if broken else "True"
            state = ({"waiting": {"reason": "CrashLoopBackOff"}} if broken
                     else {"running": {"startedAt": "2030-01-01T00:00:00Z"}})  # fmt: skip
            current = {c["type"]: c["status"] for c in pod.get("status", {}).get("conditions", [])}
            if current.get("Ready") == ready:
                continue
            path = f"/api/v1/namespaces/{self.ns}/pods/{pod['metadata']['name']}/status"
            self._patch_status(path, {
                "phase": "Running",
                "conditions": [{"type": "Ready", "status": ready},
                               {"type": "ContainersReady", "status": ready}],
                "containerStatuses": [{"name": "bot", "image": container["image"], "imageID": "",
                                       "ready": ready == "True", "restartCount": 0,
                                       "state": state}],
            })  # fmt: skip

    def _bots(self) -> None:
        base = f"/apis/touchline.dev/v1alpha1/namespaces/{self.ns}/soccermarkets"
        deployments = self._items(f"/apis/apps/v1/namespaces/{self.ns}/deployments")
        ready = {d["metadata"]["name"] for d in deployments
                 if d.get("status", {}).get("readyReplicas")
                 and d["status"].get("updatedReplicas") == d["spec"]["replicas"]}  # fmt: skip
        for sm in self._items(base):
            name = sm["metadata"]["name"]
            if f"tl-bot-{name}" not in ready:
                continue
            cm = self.client.get(f"/api/v1/namespaces/{self.ns}/configmaps/tl-bot-{name}")
            version = cm.json()["data"]["paramsVersion"] if cm.status_code == 200 else None
            if version and sm.get("status", {}).get("bot", {}).get("paramsVersion") != version:
                report = {"state": "QUOTING", "paramsVersion": version, "settlementVerified": True}
                self._patch_status(f"{base}/{name}/status", {"bot": report})

    def _run(self) -> None:
        while not self.stop.wait(PACE_SECS):
            try:
                self._pods()
                self._bots()
            except httpx.HTTPError as exc:  # the API server restarting under us is a failure
                self.errors.append(exc)
                return

    def __enter__(self) -> FakeNodeAndBots:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.errors, self.errors


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with H.crds_installed(k8s):
        yield


def _images(k8s: cluster.ControlPlane, namespace: str) -> dict[str, str]:
    items = k8s.get_json("deployments", namespace=namespace)["items"]
    return {d["metadata"]["name"].removeprefix("tl-bot-"):
            d["spec"]["template"]["spec"]["containers"][0]["image"] for d in items}  # fmt: skip


def _ready(k8s: cluster.ControlPlane, namespace: str) -> set[str]:
    items = k8s.get_json("sm", namespace=namespace)["items"]
    return {i["metadata"]["name"] for i in items if H.condition(i, "Ready").get("status") == "True"}


def _rollout(k8s: cluster.ControlPlane, namespace: str) -> dict[str, Any]:
    cm = k8s.get_json("configmap", "touchline-fleet", namespace=namespace)
    text = cm["metadata"].get("annotations", {}).get("touchline.dev/rollout", "{}")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# Twenty markets on a busy 2-core machine: the waits have deadlines; this bounds them all.
@pytest.mark.timeout(900)
def test_fleet_image_change_rolls_out_in_batches_and_stops_at_the_failing_batch(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> None:
    k8s.apply(H.fleet_config_map(namespace, FLEET.format(image="touchline:1.0")))
    with H.operator_running(k8s, namespace, k8s.kubeconfig), k8s.http() as client, \
            FakeNodeAndBots(client, namespace):  # fmt: skip
        for name in MARKETS:
            k8s.apply(H.market(name, namespace))
        cluster.eventually(lambda: _ready(k8s, namespace) == set(MARKETS), "all 20 ready", 300)

        k8s.apply(H.fleet_config_map(namespace, FLEET.format(image=NEW_IMAGE)))
        cluster.eventually(lambda: _rollout(k8s, namespace).get("state") == "Failed",
                           "the rollout stops", 240)  # fmt: skip

        progress = _rollout(k8s, namespace)
        assert progress["batches"] == 4
        assert progress["batch"] == 3
        assert progress["failed"] == [f"{namespace}/{BROKEN}"]
        images = _images(k8s, namespace)
        assert {n for n, image in images.items() if image == NEW_IMAGE} == set(MARKETS[:15])
        assert {n for n, image in images.items() if image != NEW_IMAGE} == set(MARKETS[15:])
        # The stand-in kubelet marks the last batch's new pods ready a moment after the rollout
        # stops: wait for it rather than race it.
        cluster.eventually(
            lambda: set(MARKETS[:15]) - {BROKEN} <= _ready(k8s, namespace),
            "the healthy markets of the failed batch are ready",
            60,
        )
        events = k8s.get_json("events", namespace=namespace)["items"]
        reasons = [e["reason"] for e in events if e["involvedObject"]["name"] == "touchline-fleet"]
        assert reasons.count("RolloutBatchStarted") == 3
        assert "RolloutStopped" in reasons
        assert "RolloutSucceeded" not in reasons
