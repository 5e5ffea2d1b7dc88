"""One market's reconcile against the loopback fake API: children created once, conflicts
patched, the bounded wait on deletion, and the cleanup after the match."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.operator import samples
from tests.unit.operator.fake_api import FakeApi
from touchline_operator import kube, models, policy, reconcile

NS = "ns"
MARKET_PATH = f"/apis/touchline.dev/v1alpha1/namespaces/{NS}/soccermarkets/m"
DEP_PATH = f"/apis/apps/v1/namespaces/{NS}/deployments/tl-bot-m"
CHILD_PATHS = (
    f"/api/v1/namespaces/{NS}/serviceaccounts/tl-bot-m",
    f"/apis/rbac.authorization.k8s.io/v1/namespaces/{NS}/roles/tl-bot-m",
    f"/apis/rbac.authorization.k8s.io/v1/namespaces/{NS}/rolebindings/tl-bot-m",
    f"/api/v1/namespaces/{NS}/configmaps/tl-bot-m",
    DEP_PATH,
)
Events = list[tuple[str, str, str]]


def _context(k: kube.Kube, events: Events) -> reconcile.Context:
    return reconcile.Context(
        kube=k, fleet_namespace=NS, fleet_name="fleet", now=lambda: "2030-01-01T01:00:00Z",
        events=lambda _body, kind, reason, message: events.append((kind, reason, message)),
    )  # fmt: skip


def _body(status: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "touchline.dev/v1alpha1",
        "kind": "SoccerMarket",
        "metadata": {"name": "m", "namespace": NS, "uid": "u-1", "generation": 1},
        "spec": samples.spec(**spec),
        "status": status or {},
    }


async def test_ensure_creates_children_once_and_patches_on_conflict(
    fake: tuple[FakeApi, kube.Kube],
) -> None:
    api, k = fake
    api.objects[MARKET_PATH] = _body()
    ctx = _context(k, [])
    await reconcile.ensure(ctx, _body())
    await reconcile.ensure(ctx, _body())
    assert all(path in api.objects for path in CHILD_PATHS)
    methods = [
        m for m, path, _ in api.calls if path == DEP_PATH.rsplit("/", 1)[0] or path == DEP_PATH
    ]
    assert methods == ["POST", "POST", "PATCH"]
    status = api.objects[MARKET_PATH]["status"]
    assert [c["type"] for c in status["conditions"]] == [
        "Ready", "Progressing", "ConfigApplied", "SettlementVerified", "Degraded"
    ]  # fmt: skip
    assert status["configVersion"]


async def test_invalid_spec_publishes_degraded_and_raises(fake: tuple[FakeApi, kube.Kube]) -> None:
    api, k = fake
    api.objects[MARKET_PATH] = _body()
    with pytest.raises(models.InvalidSpecError):
        await reconcile.ensure(_context(k, []), _body(matchName="no versus"))
    degraded = api.objects[MARKET_PATH]["status"]["conditions"][-1]
    assert (degraded["type"], degraded["status"], degraded["reason"]) == (
        "Degraded", "True", "InvalidSpec"
    )  # fmt: skip
    assert not any(path in api.objects for path in CHILD_PATHS)


async def test_delete_scales_to_zero_and_waits_for_the_bot(fake: tuple[FakeApi, kube.Kube]) -> None:
    api, k = fake
    api.objects[DEP_PATH] = {"metadata": {"name": "tl-bot-m"}, "spec": {"replicas": 1}}
    with pytest.raises(reconcile.NotYetError):
        await reconcile.finish(_context(k, []), _body({"bot": {"state": "QUOTING"}}),
                               waited_secs=0.0)  # fmt: skip
    assert api.objects[DEP_PATH]["spec"]["replicas"] == 0


@pytest.mark.parametrize(
    ("status", "waited_secs", "event"),
    [
        pytest.param({"bot": {"ordersCancelled": True}}, 0.0, None, id="confirmed"),
        pytest.param({}, 0.0, None, id="bot-never-reported"),
        pytest.param({"bot": {"state": "QUOTING"}}, 120.0, "CancelNotConfirmed",
                     id="wait-is-bounded"),
    ],
)  # fmt: skip
async def test_delete_proceeds(
    fake: tuple[FakeApi, kube.Kube], status: dict[str, Any], waited_secs: float, event: str | None
) -> None:
    api, k = fake
    api.objects[DEP_PATH] = {"metadata": {"name": "tl-bot-m"}, "spec": {"replicas": 0}}
    events: Events = []
    await reconcile.finish(_context(k, events), _body(status), waited_secs=waited_secs)
    assert [reason for _, reason, _ in events] == ([event] if event else [])


async def test_cleanup_deletes_children_once_the_delay_passed(
    fake: tuple[FakeApi, kube.Kube],
) -> None:
    api, k = fake
    api.objects[MARKET_PATH] = _body()
    ctx = _context(k, [])
    await reconcile.ensure(ctx, _body())
    done = {"bot": {"state": "DONE"}, "doneAt": "2030-01-01T00:00:00Z"}
    assert await reconcile.cleanup_if_due(ctx, _body(done)) is True
    assert not any(path in api.objects for path in CHILD_PATHS)
    assert api.objects[MARKET_PATH]["status"]["childrenDeletedAt"] == "2030-01-01T01:00:00Z"
    recent = {"bot": {"state": "DONE"}, "doneAt": "2030-01-01T00:59:00Z"}
    assert await reconcile.cleanup_if_due(ctx, _body(recent)) is False


LEASE_PATH = f"/apis/coordination.k8s.io/v1/namespaces/{NS}/leases/tl-market-m"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        pytest.param({"kalshi__keySecretName": "risk-admin-token"}, "keySecretName",
                     id="secret-not-allowed"),
        pytest.param({"kalshi__env": "prod"}, "prod", id="prod-not-allowed"),
    ],
)  # fmt: skip
async def test_a_market_asking_for_what_the_installation_refuses_gets_no_children(
    fake: tuple[FakeApi, kube.Kube], changes: dict[str, Any], named: str
) -> None:
    api, k = fake
    api.objects[MARKET_PATH] = _body()
    with pytest.raises(policy.NotAllowedError):
        await reconcile.ensure(_context(k, []), _body(**changes))
    degraded = api.objects[MARKET_PATH]["status"]["conditions"][-1]
    assert (degraded["type"], degraded["status"], degraded["reason"]) == (
        "Degraded", "True", "NotAllowed"
    )  # fmt: skip
    assert named in degraded["message"]
    assert not any(path in api.objects for path in (*CHILD_PATHS, LEASE_PATH))


async def test_an_allowed_secret_and_prod_pass_when_the_installation_allows_them(
    fake: tuple[FakeApi, kube.Kube],
) -> None:
    api, k = fake
    api.objects[MARKET_PATH] = _body()
    ctx = _context(k, [])
    ctx.market_policy = policy.MarketPolicy(
        allowed_key_secrets=frozenset({"touchline-kalshi", "desk-b"}), allow_prod=True
    )
    await reconcile.ensure(ctx, _body(kalshi__keySecretName="desk-b", kalshi__env="prod"))
    assert all(path in api.objects for path in CHILD_PATHS)


async def test_the_operator_creates_the_bots_lease_once_and_never_writes_it_again(
    fake: tuple[FakeApi, kube.Kube],
) -> None:
    api, k = fake
    api.objects[MARKET_PATH] = _body()
    ctx = _context(k, [])
    await reconcile.ensure(ctx, _body())
    lease = api.objects[LEASE_PATH]
    assert lease["spec"] == {}
    assert lease["metadata"]["ownerReferences"][0]["uid"] == "u-1"
    lease["spec"] = {"holderIdentity": "pod-a"}  # the bot took it
    await reconcile.ensure(ctx, _body())
    assert api.objects[LEASE_PATH]["spec"] == {"holderIdentity": "pod-a"}
    writes = [m for m, path, _ in api.calls if path.startswith(LEASE_PATH.rsplit("/", 1)[0])]
    assert writes == ["POST", "POST"]  # the second refused as a conflict, nothing patched
