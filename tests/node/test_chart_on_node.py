"""The chart on the real node, with the image built here: ``helm install`` with the simulators in
the cluster, in a namespace enforcing the ``restricted`` Pod Security Standard; the operator, the
risk service and both simulators run as pods; a ``SoccerMarket`` becomes a bot pod that reaches
the in-cluster Kalshi and writes its report; a market whose key Secret is missing says so in
its conditions. No cluster DNS: the Services have fixed addresses (``docs/simulators.md``)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.e2e import cluster, operator_harness
from tests.node import node as node_harness
from touchline_bot.config import settlement
from touchline_bot.core import units
from touchline_bot.sim.polymarket import gamma
from touchline_bot.sim.polymarket import state as poly_state

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[2]
KEY_ID = "node-tier-key"
TICKER = "KXEPLGAME-26DEC05LIVMUN-LIV"
KALSHI_SIM = "touchline-sim-kalshi"
READY_SECS = 180.0


def _keys(workdir: Path) -> tuple[Path, Path]:
    private = ed25519.Ed25519PrivateKey.generate()
    key, public = workdir / "key.pem", workdir / "public.pem"
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key, public


def _values(image: str) -> dict[str, Any]:
    repository, _, tag = image.rpartition(":")
    return {
        "image": {"repository": repository, "tag": tag, "pullPolicy": "Never"},
        "risk": {"clusterIP": "10.0.0.50"},
        "simulators": {
            "enabled": True,
            "kalshi": {"clusterIP": "10.0.0.60"},
            "polymarket": {"clusterIP": "10.0.0.61"},
        },
    }


def _deployments_ready(node: node_harness.Node, namespace: str, names: list[str]) -> bool:
    items = node.plane.get_json("deployments", namespace=namespace)["items"]
    ready = {d["metadata"]["name"] for d in items if d.get("status", {}).get("readyReplicas")}
    return set(names) <= ready


def _proxy(node: node_harness.Node, namespace: str, service: str, path: str) -> Any:
    raw = f"/api/v1/namespaces/{namespace}/services/{service}:http/proxy{path}"
    return json.loads(node.plane.kubectl("get", "--raw", raw).stdout)


def _yes_token(outcome: str) -> str:
    """The YES token the in-cluster Polymarket simulator lists (its CLI's default match)."""
    ids = gamma.add_match(
        gamma.Catalog(),
        poly_state.SimState(lambda: 0),
        event_slug="epl-ars-che-2026-03-01",
        home="Arsenal",
        away="Chelsea",
        kickoff_iso="2026-03-01T15:00:00Z",
        fairs={name: units.Price(5000) for name in gamma.OUTCOMES},
    )
    return ids[outcome]


def _eventually(node: node_harness.Node, namespace: str, ready: Any, what: str) -> None:
    """``cluster.eventually`` that, on failure, says what the namespace looked like."""
    try:
        cluster.eventually(ready, what, timeout_secs=READY_SECS)
    except Exception as exc:
        plane = node.plane
        seen = [
            plane.kubectl("get", "pods,sm", "-o", "wide", "-n", namespace, check=False).stdout,
            plane.kubectl("get", "sm", "-o", "yaml", "-n", namespace, check=False).stdout[-3000:],
            plane.kubectl(
                "logs", "-n", namespace, "deploy/touchline-operator", "--tail=40", check=False
            ).stdout,
        ]
        pods = plane.get_json("pods", namespace=namespace)["items"]
        seen += [json.dumps(p.get("status", {}).get("containerStatuses"))[:800] for p in pods]
        raise AssertionError(f"{what}: {exc}\n" + "\n".join(seen)) from exc


def _condition(node: node_harness.Node, namespace: str, name: str, kind: str) -> dict[str, Any]:
    got = node.plane.get_json("sm", name, namespace=namespace)
    for cond in got.get("status", {}).get("conditions") or []:
        if cond["type"] == kind:
            return dict(cond)
    return {}


def test_the_chart_runs_the_product_in_pods_on_the_node(
    node: node_harness.Node, node_namespace: str, tmp_path: Path
) -> None:
    plane, ns = node.plane, node_namespace
    key, public = _keys(tmp_path)
    plane.kubectl(
        "create", "secret", "generic", "touchline-kalshi", "-n", ns,
        f"--from-literal=key-id={KEY_ID}", f"--from-file=private-key.pem={key}",
    )  # fmt: skip
    plane.kubectl(
        "create", "secret", "generic", "touchline-kalshi-sim", "-n", ns,
        f"--from-file=public-key.pem={public}",
    )  # fmt: skip
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump(_values(node.image)))
    started = time.monotonic()
    chart = str(ROOT / "helm" / "touchline")
    plane.helm("install", "touchline", chart, "-n", ns, "-f", str(values))
    components = [
        "touchline-operator",
        "touchline-risk",
        KALSHI_SIM,
        "touchline-sim-polymarket",
    ]
    _eventually(
        node,
        ns,
        lambda: _deployments_ready(node, ns, components),
        "operator, risk service and simulators Ready",
    )
    install_to_ready_secs = time.monotonic() - started

    # The bot's market: the simulated Kalshi's, with its real rules hash.
    market = _proxy(node, ns, KALSHI_SIM, f"/trade-api/v2/markets/{TICKER}")["market"]
    rules = settlement.rules_hash(
        market.get("rules_primary") or "", market.get("rules_secondary") or ""
    )
    good = operator_harness.market(
        "liv",
        ns,
        kalshi={"ticker": TICKER},
        polymarket={"marketSlug": "epl-ars-che", "tokenIds": {"home": _yes_token("home")}},
        settlementEquivalence={"rulesHash": rules},
    )
    applied = time.monotonic()
    plane.apply(good)
    missing = operator_harness.market(
        "mun",
        ns,
        kalshi={"ticker": "KXEPLGAME-26DEC05LIVMUN-MUN", "keySecretName": "no-such-secret"},
    )
    plane.apply(missing)

    _eventually(
        node,
        ns,
        lambda: _condition(node, ns, "mun", "Degraded").get("reason") == "SecretMissing",
        "the missing Secret in the market's conditions",
    )
    assert "no-such-secret" in _condition(node, ns, "mun", "Degraded")["message"]

    def bot_reported() -> bool:
        got = plane.get_json("sm", "liv", namespace=ns)
        return bool(got.get("status", {}).get("bot", {}).get("state"))

    _eventually(node, ns, bot_reported, "the bot pod's report in its SoccerMarket")
    report_secs = time.monotonic() - applied
    verified = _condition(node, ns, "liv", "SettlementVerified")
    assert verified.get("status") == "True", verified
    pods = plane.get_json("pods", "-l", "touchline.dev/market=liv", namespace=ns)["items"]
    (pod,) = pods
    assert pod["status"]["phase"] == "Running"
    assert pod["spec"]["securityContext"]["runAsUser"] == 10001
    # The measured times, for docs/testing.md (shown with pytest -s).
    print(
        f"\nhelm install → components Ready {install_to_ready_secs:.1f} s; "
        f"apply → bot report {report_secs:.1f} s"
    )
