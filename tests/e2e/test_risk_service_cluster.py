"""The risk service in cluster mode against the real API server: bots authenticated by
TokenReview of audience-bound tokens, the halt kept in the RiskPolicy's status across a restart,
Events on halt, reset and forced cancel-all, and the spec's halt switch.

The service runs in-process (aiohttp on 127.0.0.1, port 0) as a ServiceAccount holding exactly
the RBAC the Helm chart grants it (``helm/touchline/templates/risk.yaml``).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e import cluster, operator_harness, processes
from touchline_bot.core import units
from touchline_bot.kube import riskpolicy, tokenreview
from touchline_bot.risk_service import cluster as risk_cluster
from touchline_bot.risk_service import policy_switch, rules, server, service, venue, wire
from touchline_bot.venues.kalshi import client as kalshi_client

pytestmark = pytest.mark.e2e

RISK_ACCOUNT = "touchline-risk"
POLICY = "default"
AUDIENCE = "touchline-risk"
WAIT_SECS = 30.0
START_MS = 1_900_000_000_000


class ManualClock:
    """The service's clock: moves only when a test says so."""

    def __init__(self) -> None:
        self.ms = START_MS

    def __call__(self) -> int:
        return self.ms


async def eventually(ready: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait (without blocking the loop the service runs on) until ``ready()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECS
    while not await ready():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {WAIT_SECS}s waiting for {what}")
        await asyncio.sleep(0.05)


def risk_rbac(namespace: str) -> list[dict[str, Any]]:
    """The Role, RoleBinding and auth-delegator ClusterRoleBinding of the Helm chart."""
    subject = [{"kind": "ServiceAccount", "name": RISK_ACCOUNT, "namespace": namespace}]
    rbac = "rbac.authorization.k8s.io"
    meta = {"name": RISK_ACCOUNT, "namespace": namespace}
    rules_ = [
        {"apiGroups": ["touchline.dev"], "resources": ["riskpolicies"],
         "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["touchline.dev"], "resources": ["riskpolicies/status"],
         "verbs": ["get", "patch", "update"]},
        {"apiGroups": ["touchline.dev"], "resources": ["soccermarkets"],
         "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]},
        {"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch"]},
    ]  # fmt: skip
    return [
        {"apiVersion": f"{rbac}/v1", "kind": "Role", "metadata": meta, "rules": rules_},
        {"apiVersion": f"{rbac}/v1", "kind": "RoleBinding", "metadata": meta, "subjects": subject,
         "roleRef": {"apiGroup": rbac, "kind": "Role", "name": RISK_ACCOUNT}},
        {"apiVersion": f"{rbac}/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": f"{namespace}-risk-tokenreview"}, "subjects": subject,
         "roleRef": {"apiGroup": rbac, "kind": "ClusterRole", "name": "system:auth-delegator"}},
    ]  # fmt: skip


def policy(namespace: str, **spec: Any) -> dict[str, Any]:
    """A RiskPolicy: $100 account limit, $10 drawdown."""
    return {
        "apiVersion": "touchline.dev/v1alpha1",
        "kind": "RiskPolicy",
        "metadata": {"name": POLICY, "namespace": namespace},
        "spec": {"maxTotalNotionalDollars": "100", "maxDrawdownDollars": "10", **spec},
    }


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with operator_harness.crds_installed(k8s):
        yield


@pytest.fixture
def risk_kubeconfig(k8s: cluster.ControlPlane, namespace: str, crds: None) -> Iterator[Path]:
    """A kubeconfig for the risk service's ServiceAccount, its RBAC in place."""
    k8s.apply(policy(namespace))
    token = k8s.mint_token(namespace, RISK_ACCOUNT)
    for obj in risk_rbac(namespace):
        k8s.apply(obj)
    who = f"--as=system:serviceaccount:{namespace}:{RISK_ACCOUNT}"

    def can(*args: str) -> bool:
        done = k8s.kubectl("auth", "can-i", *args, who, "-n", namespace, check=False)
        return done.stdout.strip() == "yes"

    cluster.eventually(
        lambda: (
            can("patch", "riskpolicies.touchline.dev", "--subresource=status")
            and can("create", "tokenreviews.authentication.k8s.io")
            and can("create", "events")
        ),
        "the risk service's RBAC",
    )
    yield k8s.kubeconfig_for_token(token)
    k8s.kubectl("delete", "clusterrolebinding", f"{namespace}-risk-tokenreview", check=False)


class Harness:
    """Starts and restarts the service; reads the RiskPolicy and its Events as admin."""

    def __init__(self, k8s: cluster.ControlPlane, namespace: str, kubeconfig: Path) -> None:
        self.k8s = k8s
        self.namespace = namespace
        self.kubeconfig = kubeconfig
        self.clock = ManualClock()
        self.venue: risk_cluster.VenueFns = risk_cluster.VenueFns()
        self.running: risk_cluster.RunningClusterService | None = None

    async def start(self) -> risk_cluster.RunningClusterService:
        options = risk_cluster.ClusterOptions(
            namespace=self.namespace, policy=POLICY, kubeconfig=self.kubeconfig, poll_secs=0.1
        )
        self.running = await risk_cluster.start_cluster_service(
            options,
            now_ms=self.clock,
            service_options=service.ServiceOptions(cancel_deadline_ms=2_000),
            venue=self.venue,
            loops=server.LoopOptions(enforce_every_secs=0.05),
        )
        return self.running

    async def stop(self) -> None:
        if self.running is not None:
            await self.running.stop()
            self.running = None

    async def kubectl(self, *args: str) -> str:
        done = await asyncio.to_thread(self.k8s.kubectl, *args, "-n", self.namespace)
        return done.stdout

    async def policy(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(await self.kubectl("get", "rp", POLICY, "-o", "json"))
        return loaded

    async def set_halt(self, halt: bool) -> None:
        """A person flips the switch and waits until the service has seen the edit."""
        patch = json.dumps({"spec": {"halt": halt}})
        await self.kubectl("patch", "rp", POLICY, "--type=merge", "-p", patch)

        async def observed() -> bool:
            obj = await self.policy()
            status = obj.get("status") or {}
            return bool(status.get("observedGeneration") == obj["metadata"]["generation"])

        await eventually(observed, f"the service to observe spec.halt={halt}")

    async def event_reasons(self) -> list[str]:
        raw = await self.kubectl(
            "get", "events", "-o", "json", f"--field-selector=involvedObject.name={POLICY}"
        )
        return [e["reason"] for e in json.loads(raw)["items"]]


@pytest.fixture
async def harness(
    k8s: cluster.ControlPlane, namespace: str, risk_kubeconfig: Path
) -> AsyncIterator[Harness]:
    h = Harness(k8s, namespace, risk_kubeconfig)
    try:
        yield h
    finally:
        await h.stop()


def report_body(market_id: str, *, pnl_dollars: str = "0", ack: bool = False) -> dict[str, Any]:
    report = rules.BotReport(
        market_id=market_id,
        ts_ms=0,
        position_qty=units.Qty(0),
        exposure=units.Money(0),
        realized_pnl=units.parse_money(pnl_dollars),
        unrealized_pnl=units.Money(0),
        halted_ack=ack,
    )
    return wire.report_to_json(report, ticker=f"KX-{market_id.upper()}")


async def post_report(
    base_url: str, token: str | None, market_id: str, **kwargs: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with httpx.AsyncClient(base_url=base_url, timeout=10.0) as http:
        body = report_body(market_id, **kwargs)
        return await http.post("/v1/reports", json=body, headers=headers)


async def _mint(k8s: cluster.ControlPlane, namespace: str, account: str, *aud: str) -> str:
    return await asyncio.to_thread(k8s.mint_token, namespace, account, list(aud) or None)


async def test_a_bot_token_bound_to_the_audience_gets_a_lease(
    k8s: cluster.ControlPlane, namespace: str, harness: Harness
) -> None:
    running = await harness.start()
    token = await _mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    answer = await post_report(running.base_url, token, "home")
    assert answer.status_code == 200, answer.text
    budget, ttl_ms, halted, _ = wire.reply_from_json(answer.json())
    assert budget == units.money_from_dollars(100)
    assert ttl_ms == 5_000
    assert halted is False


@pytest.mark.parametrize(
    ("account", "audiences", "market_id", "status"),
    [
        pytest.param(None, (), "home", 401, id="no-token-is-401"),
        pytest.param("tl-bot-home", ("some-other-service",), "home", 401,
                     id="token-for-another-audience-is-401"),
        pytest.param("tl-bot-home", (), "home", 401, id="token-for-the-api-server-is-401"),
        pytest.param("tl-bot-away", (AUDIENCE,), "home", 403,
                     id="away-bot-reporting-for-home-is-403"),
        pytest.param("grafana", (AUDIENCE,), "home", 403, id="account-that-is-no-bot-is-403"),
    ],
)  # fmt: skip
async def test_a_caller_without_the_right_token_is_refused(
    k8s: cluster.ControlPlane,
    namespace: str,
    harness: Harness,
    account: str | None,
    audiences: tuple[str, ...],
    market_id: str,
    status: int,
) -> None:
    running = await harness.start()
    token = await _mint(k8s, namespace, account, *audiences) if account else None
    answer = await post_report(running.base_url, token, market_id)
    assert answer.status_code == status, answer.text
    assert token is None or token not in answer.text


async def test_an_accepted_token_is_reviewed_once_per_ttl_and_refused_once_revoked(
    k8s: cluster.ControlPlane, namespace: str, harness: Harness
) -> None:
    running = await harness.start()
    token = await _mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    for _ in range(3):
        assert (await post_report(running.base_url, token, "home")).status_code == 200
    assert running.authenticator.reviews == 1
    await harness.kubectl("delete", "serviceaccount", "tl-bot-home")
    harness.clock.ms += tokenreview.CACHE_TTL_MS_DEFAULT - 1
    assert (await post_report(running.base_url, token, "home")).status_code == 200
    assert running.authenticator.reviews == 1

    async def refused_after_another_ttl() -> bool:
        # The API server may itself trust the token a few seconds after the deletion.
        harness.clock.ms += tokenreview.CACHE_TTL_MS_DEFAULT
        return (await post_report(running.base_url, token, "home")).status_code == 401

    await eventually(refused_after_another_ttl, "the revoked token to be refused")
    assert running.authenticator.reviews >= 2


async def test_a_drawdown_halt_is_persisted_recorded_and_survives_a_restart(
    k8s: cluster.ControlPlane, namespace: str, harness: Harness
) -> None:
    running = await harness.start()
    token = await _mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    assert (await post_report(running.base_url, token, "home", pnl_dollars="5")).status_code == 200
    answer = await post_report(running.base_url, token, "home", pnl_dollars="-6")
    _, _, halted, reason = wire.reply_from_json(answer.json())
    assert halted is True
    assert reason.startswith("drawdown 11")
    status = (await harness.policy())["status"]
    assert status["halted"] is True
    assert status["haltReason"] == reason
    assert units.parse_money(status["highWaterMarkDollars"]) == units.money_from_dollars(5)
    await eventually(lambda: _has_event(harness, "Halted"), "a Halted Event")

    await harness.stop()
    restarted = await harness.start()
    assert restarted.service.ledger.halt.halted
    answer = await post_report(restarted.base_url, token, "home", pnl_dollars="-6")
    budget, _, halted, reason = wire.reply_from_json(answer.json())
    assert (budget, halted) == (0, True)
    assert reason.startswith("drawdown 11")


async def _has_event(harness: Harness, reason: str) -> bool:
    return reason in await harness.event_reasons()


async def test_spec_halt_true_then_false_resets_a_drawdown_halt(
    k8s: cluster.ControlPlane, namespace: str, harness: Harness
) -> None:
    running = await harness.start()
    token = await _mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    await post_report(running.base_url, token, "home", pnl_dollars="5")
    await post_report(running.base_url, token, "home", pnl_dollars="-6")
    assert running.service.ledger.halt.halted

    await harness.set_halt(True)
    assert running.service.ledger.halt.reason.startswith("drawdown")
    await harness.set_halt(False)
    status = (await harness.policy())["status"]
    assert status["halted"] is False
    assert status["haltReason"] == ""
    # The high-water mark restarts from current PnL, never below zero: $6 below it is no breach.
    assert units.parse_money(status["highWaterMarkDollars"]) == 0
    answer = await post_report(running.base_url, token, "home", pnl_dollars="-6")
    budget, _, halted, _ = wire.reply_from_json(answer.json())
    assert halted is False
    assert budget > 0
    await eventually(lambda: _has_event(harness, "HaltReset"), "a HaltReset Event")


async def test_spec_halt_true_halts_the_fleet_as_a_person(
    k8s: cluster.ControlPlane, namespace: str, harness: Harness
) -> None:
    running = await harness.start()
    token = await _mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    await harness.set_halt(True)
    status = (await harness.policy())["status"]
    assert (status["halted"], status["haltReason"]) == (True, policy_switch.PERSON_REASON)
    answer = await post_report(running.base_url, token, "home")
    budget, _, halted, reason = wire.reply_from_json(answer.json())
    assert (budget, halted, reason) == (0, True, policy_switch.PERSON_REASON)


async def test_a_person_halt_released_while_the_service_was_down_is_reset_on_start(
    namespace: str, harness: Harness
) -> None:
    await harness.start()
    await harness.set_halt(True)
    await harness.stop()
    await harness.kubectl("patch", "rp", POLICY, "--type=merge", "-p", '{"spec":{"halt":false}}')
    restarted = await harness.start()
    assert not restarted.service.ledger.halt.halted
    assert (await harness.policy())["status"]["halted"] is False


async def test_a_drawdown_halt_is_not_reset_by_a_switch_that_was_never_on(
    k8s: cluster.ControlPlane, namespace: str, harness: Harness
) -> None:
    running = await harness.start()
    token = await _mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    await post_report(running.base_url, token, "home", pnl_dollars="-10")
    await harness.stop()
    restarted = await harness.start()
    assert restarted.service.ledger.halt.reason.startswith("drawdown")


async def test_an_unreadable_status_starts_the_service_halted(
    namespace: str, harness: Harness
) -> None:
    garbled = json.dumps({"status": {"highWaterMarkDollars": "twelve", "halted": False}})
    await harness.kubectl(
        "patch", "rp", POLICY, "--subresource=status", "--type=merge", "-p", garbled
    )
    running = await harness.start()
    assert running.service.ledger.halt == rules.Halt(True, riskpolicy.UNREADABLE_REASON, 0)
    status = (await harness.policy())["status"]
    assert (status["halted"], status["haltReason"]) == (True, riskpolicy.UNREADABLE_REASON)


async def test_a_spec_limit_edit_changes_the_next_lease(
    k8s: cluster.ControlPlane, namespace: str, harness: Harness
) -> None:
    running = await harness.start()
    token = await _mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    patch = json.dumps({"spec": {"maxTotalNotionalDollars": "40"}})
    await harness.kubectl("patch", "rp", POLICY, "--type=merge", "-p", patch)
    await eventually(
        lambda: _true(running.service.limits.max_total_notional == units.money_from_dollars(40)),
        "the new account limit",
    )
    budget, _, _, _ = wire.reply_from_json(
        (await post_report(running.base_url, token, "home")).json()
    )
    assert budget == units.money_from_dollars(40)


async def _true(value: bool) -> bool:
    return value


async def test_an_unconfirmed_halt_forces_cancel_all_at_the_venue_and_records_an_event(
    k8s: cluster.ControlPlane, namespace: str, harness: Harness
) -> None:
    cancels: list[str] = []

    def kalshi(request: httpx.Request) -> httpx.Response:
        cancels.append(f"{request.method} {request.url.path}")
        return httpx.Response(204)

    hooks = venue.VenueHooks(
        kalshi_client.KalshiClient(
            "http://127.0.0.1:9/trade-api/v2",
            signer=None,
            now_ms=harness.clock,
            monotonic_ms=harness.clock,
            random_fn=lambda: 0.5,
            transport=httpx.MockTransport(kalshi),
        )
    )
    harness.venue = risk_cluster.VenueFns(hooks.cancel_all, hooks.positions)
    try:
        running = await harness.start()
        token = await _mint(k8s, namespace, "tl-bot-home", AUDIENCE)
        await post_report(running.base_url, token, "home", pnl_dollars="-10")
        harness.clock.ms += 1_999
        assert cancels == []
        harness.clock.ms += 1
        await eventually(lambda: _true(bool(cancels)), "the forced cancel-all")
        assert cancels == ["DELETE /trade-api/v2/portfolio/events/orders"]
        await eventually(lambda: _has_event(harness, "ForcedCancelAll"), "a ForcedCancelAll Event")
    finally:
        await hooks.aclose()


def _risk_process(argv: list[str], log: Path) -> processes.Child:
    """``touchline risk`` as a child process, without any Kalshi credentials in its env."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KALSHI_")}
    with log.open("ab") as out:
        popen = subprocess.Popen(
            [sys.executable, "-m", "touchline_bot.cli", "risk", *argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environ,
            start_new_session=True,
        )
    return processes.Child(name="touchline-risk", popen=popen, log=log)


def test_the_touchline_risk_command_serves_a_policy_in_cluster_mode(
    k8s: cluster.ControlPlane, namespace: str, risk_kubeconfig: Path, tmp_path: Path
) -> None:
    port = processes.free_port()
    token = k8s.mint_token(namespace, "tl-bot-home", [AUDIENCE])
    child = _risk_process(
        ["--port", str(port), "--namespace", namespace, "--policy", POLICY,
         "--kubeconfig", str(risk_kubeconfig)],
        tmp_path / "risk.log",
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        ready = processes.http_ok(f"{url}/healthz", verify=False)
        processes.wait_until(ready, timeout_secs=WAIT_SECS, what="touchline risk", watch=[child])
        headers = {"Authorization": f"Bearer {token}"}
        answer = httpx.post(f"{url}/v1/reports", json=report_body("home"), headers=headers)
        assert answer.status_code == 200, answer.text
        assert wire.reply_from_json(answer.json())[0] == units.money_from_dollars(100)
    finally:
        processes.stop(child)
    assert child.popen.returncode == 0, child.log_tail()
    log = child.log.read_text()
    assert "no Kalshi credentials" in log
    assert token not in log


def test_the_touchline_risk_command_exits_2_when_its_policy_is_missing(
    namespace: str, risk_kubeconfig: Path, tmp_path: Path
) -> None:
    child = _risk_process(
        ["--port", str(processes.free_port()), "--namespace", namespace, "--policy", "absent",
         "--kubeconfig", str(risk_kubeconfig)],
        tmp_path / "risk.log",
    )  # fmt: skip
    try:
        assert child.popen.wait(timeout=WAIT_SECS) == 2
    finally:
        processes.stop(child)
    assert "cannot serve the RiskPolicy" in child.log.read_text()
