"""``touchline risk``: run the global risk service as a process (locally, or in a pod)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from decimal import Decimal
from pathlib import Path

from touchline_bot.core import units
from touchline_bot.engine import clock
from touchline_bot.risk_service import rules, runner
from touchline_bot.telemetry import logs

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``risk`` sub-command."""
    parser = sub.add_parser("risk", help="run the global risk service")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--state-file", type=Path, default=Path("risk-state.json"))
    parser.add_argument("--max-total-notional-dollars", type=Decimal, default=Decimal("125"))
    parser.add_argument("--max-drawdown-dollars", type=Decimal, default=Decimal("50"))
    parser.add_argument("--lease-ttl-ms", type=int, default=5_000)
    parser.add_argument(
        "--secret-env",
        default="TOUCHLINE_RISK_SECRET",
        help="environment variable holding the shared secret bots derive their tokens from",
    )


async def _serve(args: argparse.Namespace) -> int:
    secret = os.environ.get(args.secret_env, "")
    if len(secret) < 16:
        log.error("the risk service needs a shared secret", extra={"env": args.secret_env})
        return 2
    logs.register_secret(secret)
    limits = rules.AccountLimits(
        max_total_notional=units.money_from_dollars(args.max_total_notional_dollars),
        max_drawdown=units.money_from_dollars(args.max_drawdown_dollars),
        lease_ttl_ms=args.lease_ttl_ms,
    )
    running = await runner.start_risk_service(
        limits=limits,
        state_path=args.state_file,
        secret=secret,
        now_ms=clock.now_ms,
        host=args.host,
        port=args.port,
    )
    log.info("risk service listening", extra={"url": running.base_url})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await running.stop()
    return 0


def run(args: argparse.Namespace) -> int:
    """Entry point of ``touchline risk``."""
    logs.configure()
    return asyncio.run(_serve(args))
