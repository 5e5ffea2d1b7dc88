"""Helpers for the risk service's end-to-end tests: the risk service's RBAC as the Helm chart
grants it, the service started in-process in cluster mode on a manual clock, the RiskPolicy and
its Events read as admin, bots' reports, and ``touchline risk`` as a child process.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from tests.e2e import cluster, processes
from touchline_bot.core import units
from touchline_bot.risk_service import cluster as risk_cluster
from touchline_bot.risk_service import rules, server, service, wire

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


def grant_risk_rbac(k8s: cluster.ControlPlane, namespace: str) -> Path:
    """Create the RiskPolicy and the risk service's account and RBAC; its kubeconfig."""
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
    return k8s.kubeconfig_for_token(token)


def revoke_risk_rbac(k8s: cluster.ControlPlane, namespace: str) -> None:
    """Delete the cluster-scoped binding (the namespace takes the rest with it)."""
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

    async def has_event(self, reason: str) -> bool:
        return reason in await self.event_reasons()


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


async def mint(k8s: cluster.ControlPlane, namespace: str, account: str, *aud: str) -> str:
    return await asyncio.to_thread(k8s.mint_token, namespace, account, list(aud) or None)


async def holds(value: bool) -> bool:
    """A condition already evaluated, for :func:`eventually`."""
    return value


def risk_process(
    argv: list[str], log: Path, kalshi_env: dict[str, str] | None = None
) -> processes.Child:
    """``touchline risk`` as a child process, with only ``kalshi_env``'s Kalshi credentials."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KALSHI_")}
    environ.update(kalshi_env or {})
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
