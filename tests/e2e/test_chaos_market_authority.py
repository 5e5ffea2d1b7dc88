"""Issue 17 item 15, against the real API server: a ``SoccerMarket`` author must not point a bot
at any Secret of the namespace as its Kalshi key, choose prod on a demo installation, or raise
its limits without bound; and a bot's token must not pre-create other markets' Leases.

The operator refuses such markets (``Degraded``, reason ``NotAllowed``, no children); the API
server refuses limits beyond the CRD's bounds; the operator creates each bot's Lease and the
bot's Role only lets it read and update that one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import cluster, operator_harness
from touchline_operator import render

pytestmark = pytest.mark.e2e

H = operator_harness
ABOVE_CEILING = {"risk": {"maxPositionNotionalDollars": "25", "maxTotalNotionalDollars": "100000"},
                 "quoting": {"maxOrderContracts": 300}}  # fmt: skip
"""What issue 17 got accepted: a $25 limit raised to $100,000, quote size ~7 raised to 300."""
REFUSED: dict[str, dict[str, Any]] = {
    "steal-secret": {"kalshi": {"ticker": "KXEPLGAME-30JAN15ARSTOT-ARS",
                                "keySecretName": "touchline-risk-admin"}},
    "on-prod": {"kalshi": {"ticker": "KXEPLGAME-30JAN15ARSTOT-ARS", "env": "prod"}},
    "unbounded": {"params": ABOVE_CEILING},
}  # fmt: skip
NAMED = {"steal-secret": "touchline-risk-admin", "on-prod": "prod",
         "unbounded": "maxTotalNotionalDollars"}  # fmt: skip


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with H.crds_installed(k8s):
        yield


def _degraded_or_children(k8s: cluster.ControlPlane, namespace: str, name: str) -> bool:
    market = H.get(k8s, "sm", name, namespace)
    degraded = H.condition(market, "Degraded")
    child = H.get(k8s, "deployment", render.bot_name(name), namespace)
    return degraded.get("status") == "True" or child is not None


def _lease(name: str, namespace: str, holder: str) -> dict[str, Any]:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": render.lease_name(name), "namespace": namespace},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15}}  # fmt: skip


def _as_bot(
    k8s: cluster.ControlPlane, kubeconfig: Path, *args: str, stdin: str | None = None
) -> Any:
    return k8s.kubectl(*args, stdin=stdin, check=False, kubeconfig=kubeconfig)


def test_markets_beyond_what_the_installation_allows_are_refused_and_bots_hold_only_their_lease(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> None:
    # Beyond the CRD's bounds: the API server refuses the object itself.
    huge = H.market("huge", namespace, params={"risk": {"maxDrawdownDollars": "5000000"}})
    done = k8s.kubectl("apply", "-f", "-", stdin=json.dumps(huge), check=False)
    assert done.returncode != 0
    assert "maxDrawdownDollars" in done.stderr

    k8s.apply(H.fleet_config_map(namespace))
    with H.operator_running(k8s, namespace, k8s.kubeconfig):
        k8s.apply(H.market("ok", namespace))
        for name, changes in REFUSED.items():
            k8s.apply(H.market(name, namespace, **changes))
        cluster.eventually(lambda: H.get(k8s, "deployment", "tl-bot-ok", namespace) is not None,
                           "the allowed market's bot")  # fmt: skip
        for name in REFUSED:
            cluster.eventually(functools.partial(_degraded_or_children, k8s, namespace, name),
                               f"{name} refused (or given a bot)")  # fmt: skip
            degraded = H.condition(H.get(k8s, "sm", name, namespace), "Degraded")
            assert H.get(k8s, "deployment", render.bot_name(name), namespace) is None, name
            assert (degraded["status"], degraded["reason"]) == ("True", "NotAllowed"), degraded
            assert NAMED[name] in degraded["message"], degraded
        own = H.get(k8s, "lease", render.lease_name("ok"), namespace)
        assert own is not None, "the operator did not create the bot's Lease"
        assert own["metadata"]["ownerReferences"][0]["name"] == "ok"

        # The bot's own token: its Lease, and nothing else.
        bot = k8s.kubeconfig_for_token(k8s.mint_token(namespace, render.bot_name("ok")))
        who = f"--as=system:serviceaccount:{namespace}:{render.bot_name('ok')}"
        own_lease = f"leases.coordination.k8s.io/{render.lease_name('ok')}"
        cluster.eventually(lambda: k8s.kubectl("auth", "can-i", "update", own_lease, who, "-n",
                                               namespace, check=False).stdout.strip() == "yes",
                           "the bot's RBAC")  # fmt: skip
        got = _as_bot(k8s, bot, "get", "lease", render.lease_name("ok"), "-n", namespace)
        assert got.returncode == 0, got.stderr
        took = _as_bot(k8s, bot, "replace", "-f", "-",
                       stdin=json.dumps(_lease("ok", namespace, "pod-ok") | {"metadata": {
                           **_lease("ok", namespace, "pod-ok")["metadata"],
                           "resourceVersion": own["metadata"]["resourceVersion"]}}))  # fmt: skip
        assert took.returncode == 0, took.stderr
        for other in ("tomorrow", "steal-secret"):  # a market to come, a refused one
            squat = _as_bot(k8s, bot, "create", "-f", "-",
                            stdin=json.dumps(_lease(other, namespace, "pod-ok")))  # fmt: skip
            assert squat.returncode != 0, f"the bot's token created {render.lease_name(other)}"
            assert "forbidden" in squat.stderr.lower(), squat.stderr
            assert H.get(k8s, "lease", render.lease_name(other), namespace) is None
