"""The user's story on the real node, with the image built here, as one test: ``helm install``
with the simulators in the cluster, in a namespace enforcing the ``restricted`` Pod Security
Standard → three ``SoccerMarket``s of one match → three bot pods Ready → each quotes on the
simulated Kalshi → ``kubectl get sm`` shows state, fair price, position and PnL → a parameter
edit changes one bot's live spread without restarting its pod → ``helm upgrade`` to a new tag
rolls the fleet out in batches, the bot whose match is in play keeps its pod unless the rollout
is forced (``rollout.forceInPlay``) → a global halt through the
``RiskPolicy`` empties every book → deleting a market removes its pod after its orders are
cancelled → ``helm uninstall`` leaves the CRDs and the risk state; and a market whose key Secret
is missing says so in its conditions. A real Prometheus scrapes the pods the chart's PodMonitors
and ServiceMonitor select, labelled as the Prometheus Operator labels them
(``tests/node/prometheus``): the alerts' ``up`` selectors find every bot and the risk service,
and every query of the chart's Grafana dashboards returns data for every bot. The bots find the
risk service by its name (the node's CoreDNS), the simulators by fixed ClusterIPs — the path for
a cluster without DNS (``docs/simulators.md``). Each step's time is printed
(``pytest -s``) for docs/testing.md."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests import schedule
from tests.e2e import cluster, operator_harness, processes
from tests.node import node as node_harness
from tests.node import prometheus
from touchline_bot.config import settlement
from touchline_bot.core import units
from touchline_bot.engine import clock as engine_clock
from touchline_bot.sim.polymarket import cli as poly_cli
from touchline_bot.sim.polymarket import gamma
from touchline_bot.sim.polymarket import state as poly_state

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[2]
KEY_ID = "node-tier-key"
TICKER = "KXEPLGAME-26DEC05LIVMUN-LIV"
KALSHI_SIM = "touchline-sim-kalshi"
KALSHI_SIM_IP = "10.0.0.60"
READY_SECS = 180.0
EVENT = "KXEPLGAME-26DEC05LIVMUN"
# The three markets of the simulated match: name, Polymarket outcome, Kalshi ticker suffix.
MARKETS = (("liv", "home", "LIV"), ("mun", "away", "MUN"), ("tie", "draw", "TIE"))
# The market whose match is in play (the others are three days before kick-off).
IN_PLAY = "tie"
HALT_EMPTIES_BOOKS_SECS = 2.0
DASHBOARDS = ROOT / "helm" / "touchline" / "dashboards"
# Grafana's variables: $__rate_interval is four scrape intervals (the chart's 15 s).
GRAFANA_VARS = {"$__rate_interval": "1m", "$__interval": "15s"}
SCRAPE_SECS = 180.0


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
        # An allowed key Secret that does not exist: the market says SecretMissing (below).
        "kalshi": {"allowedKeySecrets": ["no-such-secret"]},
        "simulators": {
            "enabled": True,
            "kalshi": {"clusterIP": KALSHI_SIM_IP},
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
            plane.kubectl(
                "get", "events", "-n", namespace, "--sort-by=.lastTimestamp", check=False
            ).stdout[-3000:],
            json.dumps(
                plane.get_json("configmap", "touchline-fleet", namespace=namespace)["metadata"].get(
                    "annotations"
                )
            )[:2000],
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


def _sim_state(node: node_harness.Node) -> dict[str, Any]:
    """The simulated Kalshi's whole state, read from inside the node's network (no kubectl:
    the halt is timed to a fraction of a second)."""

    def read() -> dict[str, Any]:
        url = f"http://{KALSHI_SIM_IP}:8090/_sim/state"
        got: dict[str, Any] = httpx.get(url, timeout=5.0).json()
        return got

    return node.spaces.call(read)


def _resting(node: node_harness.Node, suffix: str | None = None) -> list[tuple[str, str, str]]:
    """Our resting orders (ticker, side, YES price), of one market or of all."""
    orders = _sim_state(node)["orders"]
    return sorted(
        (o["ticker"], o["book_side"], o["yes_price_dollars"])
        for o in orders
        if o["user_id"] == KEY_ID
        and o["status"] == "resting"
        and (suffix is None or o["ticker"] == f"{EVENT}-{suffix}")
    )


def _pods(node: node_harness.Node, namespace: str, market: str) -> list[dict[str, Any]]:
    selector = f"touchline.dev/market={market}"
    items: list[dict[str, Any]] = node.plane.get_json("pods", "-l", selector, namespace=namespace)[
        "items"
    ]
    return items


def _ready(pod: dict[str, Any]) -> bool:
    conditions = pod.get("status", {}).get("conditions") or []
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def _panel_queries(market: str) -> list[tuple[str, str]]:
    """(dashboard: panel, query) of every target of the chart's dashboards, for one market."""
    found = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                expr = target["expr"]
                for var, value in {**GRAFANA_VARS, "$market": market}.items():
                    expr = expr.replace(var, value)
                found.append((f"{path.stem}: {panel['title']}", expr))
    return found


def _scraped(node: node_harness.Node, ns: str, tmp_path: Path) -> dict[str, float]:
    """Prometheus with the chart's monitors as scrape jobs: seconds from its start until every
    bot and the risk service are up under the alerts' job selectors, and until every dashboard
    query returns data for every bot."""
    found = prometheus.monitors(
        node.plane, ROOT / "helm" / "touchline", tmp_path / "values.yaml", ns
    )
    assert {m["kind"] for m in found} == {"PodMonitor", "ServiceMonitor"}, found
    started = time.monotonic()
    with prometheus.running(node, tmp_path / "prometheus", found, ns) as prom:
        # The alerts' selectors (helm/touchline/files/prometheus-rules.yaml).
        bots = 'up{job=~".*touchline-bot.*"} == 1'
        risk = 'up{job=~".*touchline-risk.*"} == 1'

        def all_up() -> bool:
            prom.discover()
            return len(prom.query(bots)) == len(MARKETS) and len(prom.query(risk)) == 1

        _eventually(node, ns, all_up, "Prometheus: every bot and the risk service up")
        up = time.monotonic() - started
        markets = sorted(
            r["metric"]["market"] for r in prom.query("group by (market) (touchline_state)")
        )
        assert len(markets) == len(MARKETS), markets
        checks = [(what, expr) for market in markets for what, expr in _panel_queries(market)]
        lacking: list[str] = []

        def panels_have_data() -> bool:
            lacking[:] = [f"{what} [{expr}]" for what, expr in checks if not prom.query(expr)]
            return not lacking

        try:
            cluster.eventually(panels_have_data, "every dashboard query", timeout_secs=SCRAPE_SECS)
        except processes.StartError as exc:
            raise AssertionError(f"dashboard queries without data: {lacking}") from exc
        return {
            "Prometheus start → every bot and the risk service scraped (up)": up,
            f"Prometheus start → all {len(checks)} dashboard queries have data": time.monotonic()
            - started,
        }


def _install(node: node_harness.Node, ns: str, tmp_path: Path) -> float:
    plane = node.plane
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
    components = ["touchline-operator", "touchline-risk", KALSHI_SIM, "touchline-sim-polymarket"]
    _eventually(
        node,
        ns,
        lambda: _deployments_ready(node, ns, components),
        "operator, risk service and simulators Ready",
    )
    _street(node)
    return time.monotonic() - started


def _street(node: node_harness.Node) -> None:
    """Other makers on each market of the simulated Kalshi, 9 cents around the Polymarket
    simulator's fair price of its outcome: the bots' quotes come inside them, and the Kalshi
    microprice, which leaves our own orders out, is the other makers'."""

    def rest() -> None:
        for _, outcome, suffix in MARKETS:
            fair = poly_cli.DEFAULT_FAIRS[outcome]
            body = {"ticker": f"{EVENT}-{suffix}", "fair_price_dollars": fair}
            url = f"http://{KALSHI_SIM_IP}:8090/_sim/street"
            answer = httpx.post(url, json=body, timeout=5.0)
            assert answer.status_code == 200, answer.text

    node.spaces.call(rest)


def _in_play_schedule() -> dict[str, str]:
    """A match that kicked off ten minutes ago and ends in two hours: the bot quotes in play, and
    a rollout must leave its pod alone unless forced (docs/operator.md, "Fleet rollouts")."""
    now = engine_clock.now_ms() // schedule.MINUTE_MS * schedule.MINUTE_MS
    return {
        "startTimeUtc": schedule.iso_utc(now - 10 * schedule.MINUTE_MS),
        "scheduledEndTimeUtc": schedule.iso_utc(now + 120 * schedule.MINUTE_MS),
    }


def _apply_markets(node: node_harness.Node, ns: str) -> None:
    for name, outcome, suffix in MARKETS:
        when = _in_play_schedule() if name == IN_PLAY else {}
        ticker = f"{EVENT}-{suffix}"
        market = _proxy(node, ns, KALSHI_SIM, f"/trade-api/v2/markets/{ticker}")["market"]
        rules = settlement.rules_hash(
            market.get("rules_primary") or "", market.get("rules_secondary") or ""
        )
        token = _yes_token(outcome)
        node.plane.apply(
            operator_harness.market(
                name,
                ns,
                kalshi={"ticker": ticker},
                polymarket={
                    "marketSlug": "epl-ars-che",
                    "tokenIds": {outcome: token},
                },
                settlementEquivalence={"rulesHash": rules},
                **when,
            )
        )


def _upgrade(node: node_harness.Node, ns: str, tmp_path: Path, suffix: str, *, force: bool) -> str:
    """Another tag of the same image in the node's containerd, and ``helm upgrade`` to it."""
    new_image = f"{node.image}-{suffix}"
    node.ctr("images", "tag", node.image, new_image)
    values = _values(new_image)
    values["bots"] = {"rollout": {"batchSize": 1, "forceInPlay": force}}
    path = tmp_path / f"upgrade-{suffix}.yaml"
    path.write_text(yaml.safe_dump(values))
    chart = str(ROOT / "helm" / "touchline")
    node.plane.helm("upgrade", "touchline", chart, "-n", ns, "-f", str(path))
    return new_image


def _on_image(node: node_harness.Node, ns: str, market: str, image: str) -> bool:
    pods = _pods(node, ns, market)
    return any(_ready(p) and p["spec"]["containers"][0]["image"] == image for p in pods)


def _rollout(node: node_harness.Node, ns: str) -> dict[str, Any]:
    """The operator's record of the last rollout (the fleet ConfigMap's annotation)."""
    cm = node.plane.get_json("configmap", "touchline-fleet", namespace=ns)
    recorded: dict[str, Any] = json.loads(
        (cm["metadata"].get("annotations") or {}).get("touchline.dev/rollout") or "{}"
    )
    return recorded


def _batches_started(node: node_harness.Node, ns: str) -> list[str]:
    return [
        e["message"]
        for e in node.plane.get_json("events", namespace=ns)["items"]
        if e["involvedObject"]["name"] == "touchline-fleet" and e["reason"] == "RolloutBatchStarted"
    ]


def _quotes_both_sides(node: node_harness.Node) -> bool:
    sides = {(ticker, side) for ticker, side, _ in _resting(node)}
    return all((f"{EVENT}-{s}", b) in sides for _, _, s in MARKETS for b in ("bid", "ask"))


# Every step waits on its own condition (at most READY_SECS each); the whole story took 2.5 to
# over 5 minutes on the shared 2-core machine, beyond the suite's 300 s default.
@pytest.mark.timeout(1200)
def test_the_users_story_on_the_node(
    node: node_harness.Node, node_namespace: str, tmp_path: Path
) -> None:
    plane, ns = node.plane, node_namespace
    times = {"helm install → components Ready": _install(node, ns, tmp_path)}

    applied = time.monotonic()
    _apply_markets(node, ns)
    _eventually(
        node,
        ns,
        lambda: all(any(_ready(p) for p in _pods(node, ns, m)) for m, _, _ in MARKETS),
        "three bot pods Ready",
    )
    times["apply 3 SoccerMarkets → 3 bot pods Ready"] = time.monotonic() - applied
    for name, _, _ in MARKETS:
        (pod,) = _pods(node, ns, name)
        assert pod["spec"]["securityContext"]["runAsUser"] == 10001
        assert _condition(node, ns, name, "SettlementVerified").get("status") == "True"
    _eventually(node, ns, lambda: _quotes_both_sides(node), "a bid and an ask on every market")
    times["apply → every market quoted on the simulated Kalshi"] = time.monotonic() - applied
    # Quoting needs the risk service's lease: the bots reached it by its name, through CoreDNS.
    fleet_data = node.plane.get_json("configmap", "touchline-fleet", namespace=ns)["data"]
    assert "http://touchline-risk:" in json.dumps(fleet_data), fleet_data

    def table_shows_the_bots() -> bool:
        rows = plane.kubectl("get", "sm", "-n", ns).stdout.splitlines()
        header = rows[0].split()
        return all(c in header for c in ("STATE", "FAIR", "POSITION", "PNL")) and all(
            "QUOTING" in row and "0." in row for row in rows[1:]
        )

    _eventually(node, ns, table_shows_the_bots, "kubectl get sm: state, fair, position, PnL")
    scraped = _scraped(node, ns, tmp_path)
    print("\n" + "\n".join(f"{what}: {secs:.1f} s" for what, secs in scraped.items()))
    times.update(scraped)

    # A parameter edit: a wider spread on one market, live, the pod not restarted.
    (before_pod,) = _pods(node, ns, "liv")
    before = _resting(node, "LIV")
    edited = time.monotonic()
    plane.kubectl(
        "patch", "sm", "liv", "-n", ns, "--type=merge",
        "-p", '{"spec":{"params":{"prematch":{"halfSpreadBaseDollars":"0.10"}}}}',
    )  # fmt: skip

    def wider() -> bool:
        quotes = {side: price for _, side, price in _resting(node, "LIV")}
        old = {side: price for _, side, price in before}
        return {"bid", "ask"} <= set(quotes) and (
            float(quotes["ask"]) - float(quotes["bid"]) > float(old["ask"]) - float(old["bid"])
        )

    _eventually(node, ns, wider, "the edited market's wider spread")
    times["edit → new spread on the venue"] = time.monotonic() - edited
    (after_pod,) = _pods(node, ns, "liv")
    assert after_pod["metadata"]["uid"] == before_pod["metadata"]["uid"]
    assert after_pod["status"]["containerStatuses"][0]["restartCount"] == 0

    # helm upgrade with a new image tag: the operator rolls the bots out in batches of one; the
    # bot whose match is in play keeps its pod (deferred), the others restart on the new image.
    (in_play_pod,) = _pods(node, ns, IN_PLAY)
    before_match = [m for m, _, _ in MARKETS if m != IN_PLAY]
    new_image = _upgrade(node, ns, tmp_path, "next", force=False)
    upgraded = time.monotonic()
    _eventually(
        node,
        ns,
        lambda: (
            _rollout(node, ns).get("state") == "Succeeded"
            and all(_on_image(node, ns, m, new_image) for m in before_match)
        ),
        "the bots before their match Ready on the new image, the rollout done",
    )
    times["helm upgrade → the bots before kick-off Ready on the new image"] = (
        time.monotonic() - upgraded
    )
    assert _rollout(node, ns)["deferred"] == [f"{ns}/{IN_PLAY}"], _rollout(node, ns)
    assert len(_batches_started(node, ns)) == len(before_match), _batches_started(node, ns)
    (kept,) = _pods(node, ns, IN_PLAY)
    assert kept["metadata"]["uid"] == in_play_pod["metadata"]["uid"]
    assert kept["status"]["containerStatuses"][0]["restartCount"] == 0
    assert kept["spec"]["containers"][0]["image"] == node.image

    # Forced (rollout.forceInPlay): the bot in play is restarted too, every bot on the new tag.
    forced_image = _upgrade(node, ns, tmp_path, "forced", force=True)
    forced = time.monotonic()
    _eventually(
        node,
        ns,
        lambda: all(_on_image(node, ns, m, forced_image) for m, _, _ in MARKETS),
        "every bot pod Ready on the forced rollout's image",
    )
    times["forced helm upgrade → every bot (in play too) Ready on the new image"] = (
        time.monotonic() - forced
    )
    assert any(
        _ready(p)
        and p["metadata"]["uid"] != in_play_pod["metadata"]["uid"]
        and p["spec"]["containers"][0]["image"] == forced_image
        for p in _pods(node, ns, IN_PLAY)
    )

    # The global halt: every book empty.
    _eventually(node, ns, lambda: _quotes_both_sides(node), "every market quoted again")
    plane.kubectl("patch", "riskpolicy", "default", "-n", ns, "--type=merge",
                  "-p", '{"spec":{"halt":true}}')  # fmt: skip
    halted = time.monotonic()
    cluster.eventually(lambda: not _resting(node), "every book empty", timeout_secs=30)
    times["halt → books empty"] = time.monotonic() - halted
    plane.kubectl("patch", "riskpolicy", "default", "-n", ns, "--type=merge",
                  "-p", '{"spec":{"halt":false}}')  # fmt: skip

    # Deleting a market: its orders are cancelled, then its pod goes.
    _eventually(node, ns, lambda: bool(_resting(node, "TIE")), "the draw market quoted again")
    deleted = time.monotonic()
    plane.kubectl("delete", "sm", "tie", "-n", ns, "--wait=false")
    _eventually(node, ns, lambda: not _pods(node, ns, "tie"), "the deleted market's pod gone")
    times["delete SoccerMarket → pod gone"] = time.monotonic() - deleted
    assert not _resting(node, "TIE")

    # A market whose key Secret is missing says so.
    plane.apply(
        operator_harness.market(
            "nokey", ns, kalshi={"ticker": f"{EVENT}-MUN", "keySecretName": "no-such-secret"}
        )
    )
    _eventually(
        node,
        ns,
        lambda: _condition(node, ns, "nokey", "Degraded").get("reason") == "SecretMissing",
        "the missing Secret in the market's conditions",
    )
    assert "no-such-secret" in _condition(node, ns, "nokey", "Degraded")["message"]
    plane.kubectl("delete", "sm", "nokey", "-n", ns, "--wait=false")

    # helm uninstall leaves the CRDs and the risk state.
    plane.helm("uninstall", "touchline", "-n", ns)
    crds = plane.get_json("crd")["items"]
    names = {c["metadata"]["name"] for c in crds}
    assert {"soccermarkets.touchline.dev", "riskpolicies.touchline.dev"} <= names
    assert plane.names("riskpolicy", ns) == ["default"]
    assert set(plane.names("sm", ns)) >= {"liv", "mun"}
    operator_harness.release_markets(plane, ns)

    print("\n" + "\n".join(f"{what}: {secs:.1f} s" for what, secs in times.items()))
    assert times["halt → books empty"] <= HALT_EMPTIES_BOOKS_SECS
