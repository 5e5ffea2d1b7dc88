"""The risk service in cluster mode against the real API server: bots authenticated by
TokenReview of audience-bound tokens, the halt kept in the RiskPolicy's status across a restart,
Events on halt, reset and forced cancel-all, and the spec's halt switch.

The service runs in-process (aiohttp on 127.0.0.1, port 0) as a ServiceAccount holding exactly
the RBAC the Helm chart grants it (``helm/touchline/templates/risk.yaml``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.e2e import cluster, operator_harness, processes, risk_harness
from touchline_bot.core import units
from touchline_bot.kube import riskpolicy, tokenreview
from touchline_bot.risk_service import cluster as risk_cluster
from touchline_bot.risk_service import policy_switch, rules, venue, wire
from touchline_bot.venues.kalshi import client as kalshi_client

pytestmark = pytest.mark.e2e

R = risk_harness

AUDIENCE = R.AUDIENCE
POLICY = R.POLICY


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with operator_harness.crds_installed(k8s):
        yield


@pytest.fixture
def risk_kubeconfig(k8s: cluster.ControlPlane, namespace: str, crds: None) -> Iterator[Path]:
    """A kubeconfig for the risk service's ServiceAccount, its RBAC in place."""
    yield R.grant_risk_rbac(k8s, namespace)
    R.revoke_risk_rbac(k8s, namespace)


@pytest.fixture
async def harness(
    k8s: cluster.ControlPlane, namespace: str, risk_kubeconfig: Path
) -> AsyncIterator[R.Harness]:
    h = R.Harness(k8s, namespace, risk_kubeconfig)
    try:
        yield h
    finally:
        await h.stop()


async def test_a_bot_token_bound_to_the_audience_gets_a_lease(
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
) -> None:
    running = await harness.start()
    token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    answer = await R.post_report(running.base_url, token, "home")
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
    harness: R.Harness,
    account: str | None,
    audiences: tuple[str, ...],
    market_id: str,
    status: int,
) -> None:
    running = await harness.start()
    token = await R.mint(k8s, namespace, account, *audiences) if account else None
    answer = await R.post_report(running.base_url, token, market_id)
    assert answer.status_code == status, answer.text
    assert token is None or token not in answer.text


async def test_the_bot_of_a_market_called_admin_is_a_market_not_the_administrator(
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
) -> None:
    """Issue 17 item 11, through the real TokenReview: ``tl-bot-admin`` reports for the market
    ``admin`` and may not halt; the administrator's own ServiceAccount may."""
    running = await harness.start()
    market_token = await R.mint(k8s, namespace, "tl-bot-admin", AUDIENCE)
    admin_token = await R.mint(k8s, namespace, "touchline-admin", AUDIENCE)
    reported = await R.post_report(running.base_url, market_token, "admin")
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10.0) as http:
        halt = await http.post(
            "/v1/halt", json={}, headers={"Authorization": f"Bearer {market_token}"}
        )
        after = await R.post_report(running.base_url, market_token, "admin")
        real = await http.post(
            "/v1/halt", json={}, headers={"Authorization": f"Bearer {admin_token}"}
        )
    assert reported.status_code == 200, reported.text
    assert halt.status_code == 403, halt.text
    assert wire.reply_from_json(after.json())[2] is False
    assert real.status_code == 200, real.text


async def test_an_accepted_token_is_reviewed_once_per_ttl_and_refused_once_revoked(
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
) -> None:
    running = await harness.start()
    token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    for _ in range(3):
        assert (await R.post_report(running.base_url, token, "home")).status_code == 200
    assert running.authenticator.reviews == 1
    await harness.kubectl("delete", "serviceaccount", "tl-bot-home")
    harness.clock.ms += tokenreview.CACHE_TTL_MS_DEFAULT - 1
    assert (await R.post_report(running.base_url, token, "home")).status_code == 200
    assert running.authenticator.reviews == 1

    async def refused_after_another_ttl() -> bool:
        # The API server may itself trust the token a few seconds after the deletion.
        harness.clock.ms += tokenreview.CACHE_TTL_MS_DEFAULT
        return (await R.post_report(running.base_url, token, "home")).status_code == 401

    await R.eventually(refused_after_another_ttl, "the revoked token to be refused")
    assert running.authenticator.reviews >= 2


async def test_a_drawdown_halt_is_persisted_recorded_and_survives_a_restart(
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
) -> None:
    running = await harness.start()
    token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    assert (
        await R.post_report(running.base_url, token, "home", pnl_dollars="5")
    ).status_code == 200
    answer = await R.post_report(running.base_url, token, "home", pnl_dollars="-6")
    _, _, halted, reason = wire.reply_from_json(answer.json())
    assert halted is True
    assert reason.startswith("drawdown 11")
    status = (await harness.policy())["status"]
    assert status["halted"] is True
    assert status["haltReason"] == reason
    assert units.parse_money(status["highWaterMarkDollars"]) == units.money_from_dollars(5)
    await R.eventually(lambda: harness.has_event("Halted"), "a Halted Event")

    await harness.stop()
    restarted = await harness.start()
    assert restarted.service.ledger.halt.halted
    answer = await R.post_report(restarted.base_url, token, "home", pnl_dollars="-6")
    budget, _, halted, reason = wire.reply_from_json(answer.json())
    assert (budget, halted) == (0, True)
    assert reason.startswith("drawdown 11")


async def test_spec_halt_true_then_false_resets_a_drawdown_halt(
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
) -> None:
    running = await harness.start()
    token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    await R.post_report(running.base_url, token, "home", pnl_dollars="5")
    await R.post_report(running.base_url, token, "home", pnl_dollars="-6")
    assert running.service.ledger.halt.halted

    await harness.set_halt(True)
    assert running.service.ledger.halt.reason.startswith("drawdown")
    await harness.set_halt(False)
    status = (await harness.policy())["status"]
    assert status["halted"] is False
    assert status["haltReason"] == ""
    # The high-water mark restarts from current PnL, never below zero: $6 below it is no breach.
    assert units.parse_money(status["highWaterMarkDollars"]) == 0
    answer = await R.post_report(running.base_url, token, "home", pnl_dollars="-6")
    budget, _, halted, _ = wire.reply_from_json(answer.json())
    assert halted is False
    assert budget > 0
    await R.eventually(lambda: harness.has_event("HaltReset"), "a HaltReset Event")


async def test_spec_halt_true_halts_the_fleet_as_a_person(
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
) -> None:
    running = await harness.start()
    token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    await harness.set_halt(True)
    status = (await harness.policy())["status"]
    assert (status["halted"], status["haltReason"]) == (True, policy_switch.PERSON_REASON)
    answer = await R.post_report(running.base_url, token, "home")
    budget, _, halted, reason = wire.reply_from_json(answer.json())
    assert (budget, halted, reason) == (0, True, policy_switch.PERSON_REASON)


async def test_a_person_halt_released_while_the_service_was_down_is_reset_on_start(
    namespace: str, harness: R.Harness
) -> None:
    await harness.start()
    await harness.set_halt(True)
    await harness.stop()
    await harness.kubectl("patch", "rp", POLICY, "--type=merge", "-p", '{"spec":{"halt":false}}')
    restarted = await harness.start()
    assert not restarted.service.ledger.halt.halted
    assert (await harness.policy())["status"]["halted"] is False


async def test_a_drawdown_halt_is_not_reset_by_a_switch_that_was_never_on(
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
) -> None:
    running = await harness.start()
    token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    await R.post_report(running.base_url, token, "home", pnl_dollars="-10")
    await harness.stop()
    restarted = await harness.start()
    assert restarted.service.ledger.halt.reason.startswith("drawdown")


async def test_an_unreadable_status_starts_the_service_halted(
    namespace: str, harness: R.Harness
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
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
) -> None:
    running = await harness.start()
    token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
    patch = json.dumps({"spec": {"maxTotalNotionalDollars": "40"}})
    await harness.kubectl("patch", "rp", POLICY, "--type=merge", "-p", patch)
    await R.eventually(
        lambda: R.holds(running.service.limits.max_total_notional == units.money_from_dollars(40)),
        "the new account limit",
    )
    budget, _, _, _ = wire.reply_from_json(
        (await R.post_report(running.base_url, token, "home")).json()
    )
    assert budget == units.money_from_dollars(40)


async def test_an_unconfirmed_halt_forces_cancel_all_at_the_venue_and_records_an_event(
    k8s: cluster.ControlPlane, namespace: str, harness: R.Harness
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
        token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
        await R.post_report(running.base_url, token, "home", pnl_dollars="-10")
        harness.clock.ms += 1_999
        assert cancels == []
        harness.clock.ms += 1
        await R.eventually(lambda: R.holds(bool(cancels)), "the forced cancel-all")
        assert cancels == ["DELETE /trade-api/v2/portfolio/events/orders"]
        await R.eventually(lambda: harness.has_event("ForcedCancelAll"), "a ForcedCancelAll Event")
    finally:
        await hooks.aclose()


def test_the_touchline_risk_command_serves_a_policy_in_cluster_mode(
    k8s: cluster.ControlPlane, namespace: str, risk_kubeconfig: Path, tmp_path: Path
) -> None:
    port = processes.free_port()
    token = k8s.mint_token(namespace, "tl-bot-home", [AUDIENCE])
    child = R.risk_process(
        ["--port", str(port), "--namespace", namespace, "--policy", POLICY,
         "--kubeconfig", str(risk_kubeconfig)],
        tmp_path / "risk.log",
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        ready = processes.http_ok(f"{url}/healthz", verify=False)
        processes.wait_until(ready, timeout_secs=R.WAIT_SECS, what="touchline risk", watch=[child])
        headers = {"Authorization": f"Bearer {token}"}
        answer = httpx.post(f"{url}/v1/reports", json=R.report_body("home"), headers=headers)
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
    child = R.risk_process(
        ["--port", str(processes.free_port()), "--namespace", namespace, "--policy", "absent",
         "--kubeconfig", str(risk_kubeconfig)],
        tmp_path / "risk.log",
    )  # fmt: skip
    try:
        assert child.popen.wait(timeout=R.WAIT_SECS) == 2
    finally:
        processes.stop(child)
    assert "cannot serve the RiskPolicy" in child.log.read_text()


async def test_the_command_with_kalshi_credentials_forces_cancel_all_at_the_venue(
    k8s: cluster.ControlPlane, namespace: str, risk_kubeconfig: Path, tmp_path: Path
) -> None:
    deletes: list[str] = []

    async def cancel_all(request: web.Request) -> web.Response:
        deletes.append(request.headers.get("KALSHI-ACCESS-KEY", ""))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_delete("/trade-api/v2/portfolio/events/orders", cancel_all)
    kalshi = web.AppRunner(app)
    await kalshi.setup()
    site = web.TCPSite(kalshi, "127.0.0.1", 0)
    await site.start()
    key_path = tmp_path / "kalshi.pem"
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    port = processes.free_port()
    child = R.risk_process(
        ["--port", str(port), "--namespace", namespace, "--policy", POLICY,
         "--kubeconfig", str(risk_kubeconfig), "--cancel-deadline-ms", "0",
         "--kalshi-base-url", f"http://127.0.0.1:{kalshi.addresses[0][1]}/trade-api/v2"],
        tmp_path / "risk.log",
        {"KALSHI_KEY_ID": "key-e2e", "KALSHI_PRIVATE_KEY_PATH": str(key_path),
         "KALSHI_ENV": "demo"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        await R.eventually(lambda: _healthy(url, child), "touchline risk")
        token = await R.mint(k8s, namespace, "tl-bot-home", AUDIENCE)
        answer = await R.post_report(url, token, "home", pnl_dollars="-10")
        assert wire.reply_from_json(answer.json())[2] is True
        await R.eventually(lambda: R.holds(bool(deletes)), "the forced cancel-all at Kalshi")
        assert deletes == ["key-e2e"]
    finally:
        processes.stop(child)
        await kalshi.cleanup()
    assert "no Kalshi credentials" not in child.log.read_text()


async def _healthy(url: str, child: processes.Child) -> bool:
    child.check_alive()
    try:
        async with httpx.AsyncClient(timeout=2.0) as http:
            return (await http.get(f"{url}/healthz")).status_code == 200
    except httpx.TransportError:
        return False
