"""``touchline risk``: run the global risk service as a process (locally, or in a pod).

Local mode: limits from flags, state in ``--state-file`` (by default under the user's state
directory, never relative to the working directory; a missing file is refused unless
``--first-start``), bots' tokens derived from a shared secret in an environment variable.
Cluster mode (``--namespace NS --policy NAME``): limits and state in the RiskPolicy, bots
authenticated by TokenReview (see ``cluster``). In both, the Kalshi
credentials in the environment enable the last-resort cancel-all and the position cross-check.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

from kubernetes_asyncio.client.rest import ApiException

from touchline_bot.core import units
from touchline_bot.engine import clock
from touchline_bot.risk_service import cluster, rules, runner, server, service, store, venue
from touchline_bot.telemetry import logs

log = logging.getLogger(__name__)

Stop = Callable[[], Awaitable[None]]


def default_state_file(env: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """``$XDG_STATE_HOME/touchline/risk-state.json`` (``~/.local/state`` when unset): an
    absolute path, so the state never depends on the directory the service was started in."""
    base = env.get("XDG_STATE_HOME", "")
    root = Path(base) if base.startswith("/") else Path.home() / ".local" / "state"
    return root / "touchline" / "risk-state.json"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``risk`` sub-command."""
    parser = sub.add_parser("risk", help="run the global risk service")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    local = parser.add_argument_group("local mode")
    local.add_argument(
        "--state-file",
        type=Path,
        default=None,
        help="where the high-water mark and the halt are kept (default: "
        "$XDG_STATE_HOME/touchline/risk-state.json, else ~/.local/state/touchline/...)",
    )
    local.add_argument(
        "--first-start",
        action="store_true",
        help="allow a missing state file (the very first start); without it a missing file "
        "stops the service rather than forget a halt",
    )
    local.add_argument("--max-total-notional-dollars", type=Decimal, default=Decimal("125"))
    local.add_argument("--max-drawdown-dollars", type=Decimal, default=Decimal("50"))
    local.add_argument("--lease-ttl-ms", type=int, default=5_000)
    local.add_argument(
        "--secret-env",
        default="TOUCHLINE_RISK_SECRET",
        help="environment variable holding the shared secret bots derive their tokens from",
    )
    kube = parser.add_argument_group("cluster mode (both --namespace and --policy)")
    kube.add_argument("--namespace", help="namespace of the RiskPolicy and the bots")
    kube.add_argument("--policy", help="name of the RiskPolicy")
    kube.add_argument("--kubeconfig", type=Path, help="default: the in-cluster ServiceAccount")
    kube.add_argument("--audience", default=cluster.DEFAULT_AUDIENCE)
    kube.add_argument("--policy-poll-secs", type=float, default=2.0)
    risk = parser.add_argument_group("enforcement")
    risk.add_argument("--cancel-deadline-ms", type=int, default=2_000)
    risk.add_argument("--crosscheck-interval-secs", type=float, default=30.0)
    risk.add_argument("--crosscheck-tolerance-contracts", type=Decimal, default=Decimal(0))
    risk.add_argument("--halt-on-mismatch", action="store_true")
    risk.add_argument("--kalshi-base-url", help="override the KALSHI_ENV REST base URL")


def _options(args: argparse.Namespace) -> tuple[service.ServiceOptions, server.LoopOptions]:
    return (
        service.ServiceOptions(
            cancel_deadline_ms=args.cancel_deadline_ms,
            crosscheck_tolerance_qty=units.parse_count(str(args.crosscheck_tolerance_contracts)),
            halt_on_mismatch=args.halt_on_mismatch,
        ),
        server.LoopOptions(crosscheck_every_secs=args.crosscheck_interval_secs),
    )


async def _start_local(args: argparse.Namespace, fns: cluster.VenueFns) -> Stop | None:
    secret = os.environ.get(args.secret_env, "")
    if len(secret) < 16:
        log.error("the risk service needs a shared secret", extra={"env": args.secret_env})
        return None
    logs.register_secret(secret)
    limits = rules.AccountLimits(
        max_total_notional=units.money_from_dollars(args.max_total_notional_dollars),
        max_drawdown=units.money_from_dollars(args.max_drawdown_dollars),
        lease_ttl_ms=args.lease_ttl_ms,
    )
    options, loops = _options(args)
    state_file = (args.state_file or default_state_file()).absolute()
    try:
        running = await runner.start_risk_service(
            limits=limits,
            state_path=state_file,
            secret=secret,
            now_ms=clock.now_ms,
            host=args.host,
            port=args.port,
            options=options,
            cancel_all=fns.cancel_all,
            cancel_market=fns.cancel_market,
            positions=fns.positions,
            loops=loops,
            first_start=args.first_start,
        )
    except (store.StateMissingError, service.StateNotDurableError) as exc:
        log.error("cannot start the risk service", extra={"error": str(exc)})  # noqa: TRY400
        return None
    log.info("risk service listening", extra={"url": running.base_url})
    return running.stop


async def _start_cluster(args: argparse.Namespace, fns: cluster.VenueFns) -> Stop | None:
    options, loops = _options(args)
    try:
        running = await _cluster_service(args, fns, options, loops)
    except ApiException as exc:
        log.error(  # noqa: TRY400 - the status says it all; the body may be long
            "cannot serve the RiskPolicy",
            extra={"policy": f"{args.namespace}/{args.policy}", "status": exc.status},
        )
        return None
    log.info(
        "risk service listening (cluster mode)",
        extra={"url": running.base_url, "policy": f"{args.namespace}/{args.policy}"},
    )
    return running.stop


async def _cluster_service(
    args: argparse.Namespace,
    fns: cluster.VenueFns,
    options: service.ServiceOptions,
    loops: server.LoopOptions,
) -> cluster.RunningClusterService:
    return await cluster.start_cluster_service(
        cluster.ClusterOptions(
            namespace=args.namespace,
            policy=args.policy,
            audience=args.audience,
            kubeconfig=args.kubeconfig,
            poll_secs=args.policy_poll_secs,
        ),
        now_ms=clock.now_ms,
        host=args.host,
        port=args.port,
        service_options=options,
        venue=fns,
        loops=loops,
    )


async def _serve(args: argparse.Namespace) -> int:
    if (args.namespace is None) != (args.policy is None):
        log.error("cluster mode needs both --namespace and --policy")
        return 2
    hooks = venue.from_env(os.environ, base_url=args.kalshi_base_url)
    fns = (
        cluster.VenueFns(hooks.cancel_all, hooks.positions, hooks.cancel_market)
        if hooks
        else cluster.VenueFns()
    )
    try:
        stop_service: Stop | None
        if args.policy is not None:
            stop_service = await _start_cluster(args, fns)
        else:
            stop_service = await _start_local(args, fns)
        if stop_service is None:
            return 2
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await stop_service()
    finally:
        if hooks is not None:
            await hooks.aclose()
    return 0


def run(args: argparse.Namespace) -> int:
    """Entry point of ``touchline risk``."""
    logs.configure()
    return asyncio.run(_serve(args))
