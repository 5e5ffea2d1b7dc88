"""``touchline sim kalshi``: run the Kalshi simulator as a process.

``register(subparsers)`` adds the ``kalshi`` command and its arguments; ``run(args)`` serves until
SIGINT/SIGTERM. Markets come from ``--market-file`` (the project's ``markets_soccer.yaml``) and/or
``--epl-demo``; API keys from ``--key KEY_ID=PUBLIC_KEY.pem`` or later over ``POST /_sim/keys``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import pathlib
import signal
from collections.abc import Callable

from touchline_bot.core import units
from touchline_bot.sim.kalshi import ratelimit, seed, server

log = logging.getLogger(__name__)
TIERS = {tier.name: tier for tier in (ratelimit.BASIC, ratelimit.ADVANCED)}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kalshi`` and its arguments."""
    parser = subparsers.add_parser("kalshi", help="run the Kalshi exchange simulator on loopback")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0 picks a free one)")
    parser.add_argument("--market-file", type=pathlib.Path, help="markets_soccer.yaml to seed")
    parser.add_argument("--epl-demo", action="store_true", help="seed one EPL match")
    parser.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="KEY_ID=PEM_PATH",
        help="register an API key with its public key PEM (repeatable)",
    )
    parser.add_argument("--balance-dollars", default="10000", help="starting balance per key")
    parser.add_argument("--ping-interval-secs", type=float, default=10.0)
    parser.add_argument("--timestamp-tolerance-ms", type=int, default=30_000)
    parser.add_argument("--tier", choices=sorted(TIERS), default="basic", help="rate-limit tier")
    parser.add_argument("--no-rate-limits", action="store_true", help="disable the token buckets")


def _options(args: argparse.Namespace) -> server.SimOptions:
    return server.SimOptions(
        ping_interval_secs=args.ping_interval_secs,
        timestamp_tolerance_ms=args.timestamp_tolerance_ms,
        tier=TIERS[args.tier],
        rate_limits=not args.no_rate_limits,
        default_balance=units.money_from_dollars(args.balance_dollars),
    )


def _seed(sim: server.RunningKalshiSim, args: argparse.Namespace) -> list[str]:
    now = sim.shared.now_ms()
    tickers = []
    if args.market_file is not None:
        tickers += seed.load_market_file(sim.exchange, args.market_file, now)
    if args.epl_demo:
        tickers += seed.epl_match(
            sim.exchange,
            now,
            event="KXEPLGAME-26DEC05LIVMUN",
            home="LIV",
            away="MUN",
            title="Liverpool vs Manchester United",
        )
    balance = units.money_from_dollars(args.balance_dollars)
    for spec in args.key:
        key_id, _, pem_path = str(spec).partition("=")
        if not key_id or not pem_path:
            raise ValueError(f"--key expects KEY_ID=PEM_PATH, got {spec!r}")
        sim.register_key(key_id, pathlib.Path(pem_path).read_bytes(), balance)
    sim.flush()
    return tickers


async def serve(
    args: argparse.Namespace,
    stop: asyncio.Event,
    on_started: Callable[[server.RunningKalshiSim], None] | None = None,
) -> server.RunningKalshiSim:
    """Start, seed, and serve until ``stop`` is set; returns the (stopped) simulator."""
    sim = await server.start_kalshi_sim(args.host, args.port, options=_options(args))
    try:
        tickers = _seed(sim, args)
        log.info("Kalshi simulator: REST %s, WS %s, markets %s", sim.base_url, sim.ws_url, tickers)
        print(f"kalshi-sim rest={sim.base_url} ws={sim.ws_url}", flush=True)
        if on_started is not None:
            on_started(sim)
        await stop.wait()
    finally:
        await sim.stop()
    return sim


async def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve(args, stop)
    return 0
