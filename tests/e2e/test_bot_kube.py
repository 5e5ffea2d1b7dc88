"""The bot's own Kubernetes objects against the real API server, as the bot's ServiceAccount
with exactly the per-market Role the operator renders: its market Lease (acquire, renew, refuse
a second holder, takeover after expiry, release) and its rate-limited ``status.bot`` writer.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from kubernetes_asyncio import client
from kubernetes_asyncio.client.rest import ApiException

from tests.e2e import cluster, operator_harness
from touchline_bot.kube import api, lease, status
from touchline_operator import models, render

pytestmark = pytest.mark.e2e

START_MS = 1_900_000_000_000
DURATION_SECS = 15


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with operator_harness.crds_installed(k8s):
        yield


def _market(k8s: cluster.ControlPlane, namespace: str, name: str) -> render.Market:
    """Create the SoccerMarket and the identity, Role and Lease the operator renders for it."""
    k8s.apply(operator_harness.market(name, namespace))
    obj = k8s.get_json("sm", name, namespace=namespace)
    market = render.Market(
        name=name,
        namespace=namespace,
        spec=models.SoccerMarketSpec.model_validate(obj["spec"]),
        owner=render.Owner(name=name, uid=obj["metadata"]["uid"]),
    )
    children = (render.service_account(market), render.role(market), render.role_binding(market),
                render.lease(market))  # fmt: skip
    for child in children:
        k8s.apply(child)
    return market


@pytest.fixture
def home_kubeconfig(k8s: cluster.ControlPlane, namespace: str, crds: None) -> Any:
    """A kubeconfig for ``tl-bot-home`` (markets ``home`` and ``away`` exist), RBAC in place."""
    for name in ("home", "away"):
        _market(k8s, namespace, name)
    token = k8s.mint_token(namespace, render.bot_name("home"))
    who = f"--as=system:serviceaccount:{namespace}:{render.bot_name('home')}"

    def can(*args: str) -> bool:
        done = k8s.kubectl("auth", "can-i", *args, who, "-n", namespace, check=False)
        return done.stdout.strip() == "yes"

    cluster.eventually(
        lambda: (
            can("update", f"leases.coordination.k8s.io/{render.lease_name('home')}")
            and can("patch", "soccermarkets.touchline.dev/home", "--subresource=status")
        ),
        "the bot's RBAC",
    )
    return k8s.kubeconfig_for_token(token)


@pytest.fixture
async def bot_api(home_kubeconfig: Any) -> AsyncIterator[client.ApiClient]:
    api_client = await api.connect(home_kubeconfig)
    try:
        yield api_client
    finally:
        await api_client.close()


def _lease(bot_api: client.ApiClient, namespace: str, holder: str) -> lease.MarketLease:
    return lease.MarketLease(
        bot_api, namespace, render.lease_name("home"), holder, duration_secs=DURATION_SECS
    )


async def _stored_lease(k8s: cluster.ControlPlane, namespace: str) -> dict[str, Any]:
    return await asyncio.to_thread(
        k8s.get_json, "lease", render.lease_name("home"), namespace=namespace
    )


async def test_the_lease_is_acquired_renewed_and_released(
    k8s: cluster.ControlPlane, namespace: str, bot_api: client.ApiClient
) -> None:
    mine = _lease(bot_api, namespace, "pod-a")
    await mine.acquire(START_MS)
    spec = (await _stored_lease(k8s, namespace))["spec"]
    assert spec["holderIdentity"] == "pod-a"
    assert spec["leaseDurationSeconds"] == DURATION_SECS
    assert spec["renewTime"].startswith("2030-03-17T17:46:40")
    first_transitions = spec["leaseTransitions"]

    await mine.renew(START_MS + 5_000)
    spec = (await _stored_lease(k8s, namespace))["spec"]
    assert spec["renewTime"].startswith("2030-03-17T17:46:45")
    assert mine.renewed_ms == START_MS + 5_000

    await mine.release()
    assert (await _stored_lease(k8s, namespace))["spec"].get("holderIdentity", "") == ""
    successor = _lease(bot_api, namespace, "pod-b")
    await successor.acquire(START_MS + 6_000)
    spec = (await _stored_lease(k8s, namespace))["spec"]
    assert (spec["holderIdentity"], spec["leaseTransitions"]) == ("pod-b", first_transitions + 1)


async def test_the_operators_owner_reference_and_labels_survive_every_write_of_the_bot(
    k8s: cluster.ControlPlane, namespace: str, bot_api: client.ApiClient
) -> None:
    # The operator creates the Lease owned by its SoccerMarket, so that deleting the market
    # deletes it; a bot that rewrote the whole object dropped that reference at its first write.
    made = (await _stored_lease(k8s, namespace))["metadata"]
    assert made["ownerReferences"][0]["kind"] == "SoccerMarket"
    mine = _lease(bot_api, namespace, "pod-a")
    await mine.acquire(START_MS)
    await mine.renew(START_MS + 5_000)
    after_renew = (await _stored_lease(k8s, namespace))["metadata"]
    await mine.release()
    after_release = (await _stored_lease(k8s, namespace))["metadata"]
    for meta in (after_renew, after_release):
        assert meta["ownerReferences"] == made["ownerReferences"]
        assert meta["labels"] == made["labels"]


@pytest.mark.parametrize(
    ("second_at_ms", "taken_over"),
    [
        pytest.param(DURATION_SECS * 1000 - 1, False, id="current-lease-is-refused"),
        pytest.param(DURATION_SECS * 1000, True, id="expired-lease-is-taken-over"),
    ],
)
async def test_a_second_holder_gets_the_lease_only_after_it_expired(
    k8s: cluster.ControlPlane,
    namespace: str,
    bot_api: client.ApiClient,
    second_at_ms: int,
    taken_over: bool,
) -> None:
    first = _lease(bot_api, namespace, "pod-a")
    await first.acquire(START_MS)
    second = _lease(bot_api, namespace, "pod-b")
    if not taken_over:
        with pytest.raises(lease.LeaseLostError, match="held by pod-a"):
            await second.acquire(START_MS + second_at_ms)
        await first.renew(START_MS + second_at_ms)
        return
    await second.acquire(START_MS + second_at_ms)
    assert (await _stored_lease(k8s, namespace))["spec"]["holderIdentity"] == "pod-b"
    with pytest.raises(lease.LeaseLostError):
        await first.renew(START_MS + second_at_ms + 1)


async def test_a_takeover_written_from_a_stale_read_is_refused_with_a_conflict(
    k8s: cluster.ControlPlane, namespace: str, bot_api: client.ApiClient
) -> None:
    first = _lease(bot_api, namespace, "pod-a")
    await first.acquire(START_MS)
    coordination = client.CoordinationV1Api(bot_api)
    stale = await coordination.read_namespaced_lease(render.lease_name("home"), namespace)
    await first.renew(START_MS + 1_000)
    takeover: Any = {
        "metadata": {"name": render.lease_name("home"), "namespace": namespace,
                     "resourceVersion": stale.metadata.resource_version},
        "spec": {"holderIdentity": "pod-b", "leaseDurationSeconds": DURATION_SECS},
    }  # fmt: skip
    with pytest.raises(ApiException) as refused:
        await coordination.replace_namespaced_lease(render.lease_name("home"), namespace, takeover)
    assert refused.value.status == lease.CONFLICT
    assert (await _stored_lease(k8s, namespace))["spec"]["holderIdentity"] == "pod-a"


async def test_a_renewal_after_our_own_expiry_is_a_lost_lease(
    namespace: str, bot_api: client.ApiClient
) -> None:
    mine = _lease(bot_api, namespace, "pod-a")
    await mine.acquire(START_MS)
    with pytest.raises(lease.LeaseLostError, match="expired"):
        await mine.renew(START_MS + DURATION_SECS * 1000)


async def test_the_bot_cannot_touch_another_markets_lease(
    namespace: str, bot_api: client.ApiClient
) -> None:
    theirs = lease.MarketLease(bot_api, namespace, render.lease_name("away"), "pod-a")
    with pytest.raises(ApiException) as refused:
        await theirs.acquire(START_MS)
    assert refused.value.status == 403


SUMMARY = {"state": "QUOTING", "phase": "PREMATCH", "fair": "0.4500", "position": "3"}


async def _bot_status(k8s: cluster.ControlPlane, namespace: str, name: str) -> dict[str, Any]:
    obj = await asyncio.to_thread(k8s.get_json, "sm", name, namespace=namespace)
    found: dict[str, Any] = (obj.get("status") or {}).get("bot") or {}
    return found


async def test_the_status_writer_merges_status_bot_of_its_own_market(
    k8s: cluster.ControlPlane, namespace: str, bot_api: client.ApiClient
) -> None:
    patch = json.dumps({"status": {"bot": {"paramsVersion": "v1"}}})
    await asyncio.to_thread(
        k8s.kubectl, "patch", "sm", "home", "-n", namespace, "--subresource=status",
        "--type=merge", "-p", patch,
    )  # fmt: skip
    writer = status.StatusWriter(bot_api, namespace, "home", min_interval_ms=5_000)
    assert await writer.write(SUMMARY, START_MS) is True
    written = await _bot_status(k8s, namespace, "home")
    assert {k: written[k] for k in SUMMARY} == SUMMARY
    assert written["paramsVersion"] == "v1"
    assert written["updatedAt"].startswith("2030-03-17T17:46:40")


@pytest.mark.parametrize(
    ("after_ms", "force", "written"),
    [
        pytest.param(4_999, False, False, id="inside-the-interval-is-skipped"),
        pytest.param(4_999, True, True, id="inside-the-interval-but-forced-is-written"),
        pytest.param(5_000, False, True, id="after-the-interval-is-written"),
    ],
)
async def test_the_status_writer_is_rate_limited(
    k8s: cluster.ControlPlane,
    namespace: str,
    bot_api: client.ApiClient,
    after_ms: int,
    force: bool,
    written: bool,
) -> None:
    writer = status.StatusWriter(bot_api, namespace, "home", min_interval_ms=5_000)
    assert await writer.write(SUMMARY, START_MS)
    changed = {**SUMMARY, "state": "PAUSED"}
    assert await writer.write(changed, START_MS + after_ms, force=force) is written
    assert writer.writes == (2 if written else 1)
    expected = "PAUSED" if written else "QUOTING"
    assert (await _bot_status(k8s, namespace, "home"))["state"] == expected


async def test_the_status_writer_is_forbidden_on_another_market(
    k8s: cluster.ControlPlane, namespace: str, bot_api: client.ApiClient
) -> None:
    writer = status.StatusWriter(bot_api, namespace, "away")
    with pytest.raises(ApiException) as refused:
        await writer.write(SUMMARY, START_MS)
    assert refused.value.status == 403
    assert writer.writes == 0
    assert await _bot_status(k8s, namespace, "away") == {}
