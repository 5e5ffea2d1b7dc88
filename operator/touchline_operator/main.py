"""``touchline operator``: run the kopf operator (handlers in ``handlers``) with JSON logs, a
liveness endpoint, Prometheus metrics and optional peering for standby replicas.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import threading
from typing import Any

import kopf

from touchline_operator import fleet, policy, runtime


def options_from(args: argparse.Namespace) -> runtime.Options:
    """The runtime options of parsed arguments."""
    namespaces = tuple(args.namespace or ["default"])
    return runtime.Options(
        namespaces=namespaces,
        fleet_namespace=args.fleet_namespace or namespaces[0],
        fleet_name=args.fleet_configmap,
        market_policy=policy.MarketPolicy(
            allowed_key_secrets=frozenset(args.allowed_key_secret or [policy.DEFAULT_KEY_SECRET]),
            allow_prod=args.allow_prod,
        ),
        kubeconfig=args.kubeconfig,
        metrics_port=args.metrics_port,
    )


async def serve(
    options: runtime.Options,
    *,
    liveness: str | None = None,
    peering: str | None = None,
    priority: int = 0,
    stop_flag: asyncio.Event | threading.Event | None = None,
    ready_flag: asyncio.Event | threading.Event | None = None,
) -> None:
    """Run the operator until ``stop_flag`` is set (or forever)."""
    from touchline_operator import handlers  # noqa: F401, PLC0415 - registers the handlers

    await kopf.operator(
        namespaces=list(options.namespaces),
        liveness_endpoint=liveness,
        standalone=peering is None,
        peering_name=peering,
        priority=priority,
        memo=kopf.Memo(options=options),
        stop_flag=stop_flag,
        ready_flag=ready_flag,
    )


def _run(args: argparse.Namespace) -> int:
    kopf.configure(
        verbose=args.log_level == "DEBUG",
        log_format=kopf.LogFormat.JSON,
        log_refkey="k8s",
    )
    logging.getLogger().setLevel(args.log_level)
    asyncio.run(
        serve(
            options_from(args), liveness=args.liveness, peering=args.peering, priority=args.priority
        )
    )
    return 0


def register(subparsers: Any) -> None:
    """Add ``operator`` to the CLI; the parsed namespace's ``func`` runs it."""
    cmd = subparsers.add_parser("operator", help="run the Kubernetes operator")
    cmd.add_argument("--namespace", action="append", help="namespace to watch (repeatable)")
    cmd.add_argument("--fleet-namespace", default=None, help="where the fleet ConfigMap lives")
    cmd.add_argument(
        "--fleet-configmap",
        default=fleet.DEFAULT_CONFIGMAP,
        help="the one ConfigMap the fleet settings are read from (no other is read)",
    )
    cmd.add_argument(
        "--allowed-key-secret",
        action="append",
        help="a Secret a SoccerMarket may name as its Kalshi key (repeatable;"
        f" default: {policy.DEFAULT_KEY_SECRET} only)",
    )
    cmd.add_argument(
        "--allow-prod",
        action="store_true",
        help="let a SoccerMarket trade on Kalshi prod (default: demo only)",
    )
    cmd.add_argument("--kubeconfig", default=None, help="default: in-cluster, then ~/.kube/config")
    cmd.add_argument("--liveness", default=None, help="e.g. http://0.0.0.0:8080/healthz")
    cmd.add_argument("--metrics-port", type=int, default=None)
    cmd.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    cmd.add_argument("--peering", default=None, help="KopfPeering name for standby replicas")
    cmd.add_argument("--priority", type=int, default=0, help="peering priority (distinct per pod)")
    cmd.set_defaults(func=_run)
