"""``touchline run`` (the seed's single-process mode: every market of a file, real Kalshi demo
or prod) and ``touchline bot`` (one market, as a pod runs it). Both read the seed's
environment variables ``KALSHI_KEY_ID``, ``KALSHI_PRIVATE_KEY_PATH`` and ``KALSHI_ENV``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import signal
import sys
from pathlib import Path

from touchline_bot import builtin, config, tasks
from touchline_bot.config import pod
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import cluster, finished, wiring
from touchline_bot.risk_service import client as risk_client
from touchline_bot.telemetry import logs
from touchline_bot.venues.kalshi import auth, errors

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run`` and ``bot``."""
    for name, help_text in (
        ("run", "quote every market of a configuration file in one process"),
        ("bot", "quote one market (what a pod runs)"),
    ):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument(
            "--config",
            type=Path,
            default=builtin.markets_file(),
            help="the markets file (default: the built-in example, config/markets_soccer.yaml)",
        )
        if name == "bot":
            parser.add_argument("--market", help="the market id to quote (with --config)")
            parser.add_argument(
                "--config-dir",
                type=Path,
                default=_env_path("TOUCHLINE_CONFIG_DIR"),
                help="the operator's ConfigMap (market.json, params.json); replaces --config",
            )
        parser.add_argument(
            "--http-host",
            default=os.environ.get("TOUCHLINE_HTTP_HOST") or _default_host(),
            help="the address the endpoints bind (default: 127.0.0.1; every address in a pod, "
            "where the kubelet's probes and Prometheus reach the pod's IP)",
        )
        parser.add_argument(
            "--params-token-file",
            type=Path,
            default=_env_path("TOUCHLINE_PARAMS_TOKEN_PATH"),
            help="a file holding the bearer token POST /params requires (none: the endpoint "
            "is off)",
        )
        parser.add_argument(
            "--http-port", type=int, default=_env_int("TOUCHLINE_HEALTH_PORT", 8080)
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=_env_int("TOUCHLINE_METRICS_PORT", None),
            help="also serve the endpoints (and /metrics) here",
        )
        parser.add_argument("--tier", default="basic", help="the account's Kalshi rate tier")
        parser.add_argument(
            "--risk-url", default=os.environ.get("TOUCHLINE_RISK_URL"), help="risk service URL"
        )
        parser.add_argument(
            "--risk-token-file", type=Path, default=_env_path("TOUCHLINE_RISK_TOKEN_PATH")
        )
        parser.add_argument("--grace-secs", type=float, default=10.0)
        parser.add_argument("--flatten-on-shutdown", action="store_true")
        parser.add_argument("--log-level", default="INFO")
        _add_venue_overrides(parser)


def _default_host() -> str:
    # In a pod the probes and the scrape come to the pod's IP; the NetworkPolicy admits only
    # Prometheus, to the metrics port, which serves reads only.
    return "0.0.0.0" if cluster.in_cluster() else "127.0.0.1"  # noqa: S104


MIN_TOKEN_CHARS = 16


class TokenFileError(ValueError):
    """The parameter token file cannot be used (the message names the file, never its text)."""


def read_params_token(path: Path | None) -> str | None:
    """The bearer token of ``POST /params`` from ``path`` (surrounding whitespace dropped);
    ``None`` without a file. A short or non-printable token is refused."""
    if path is None:
        return None
    try:
        token = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.__class__.__name__
        raise TokenFileError(f"{path}: cannot read the parameter token ({reason})") from None
    if len(token) < MIN_TOKEN_CHARS or not token.isprintable() or " " in token:
        raise TokenFileError(
            f"{path}: the parameter token must be at least {MIN_TOKEN_CHARS} printable "
            "characters without spaces"
        )
    return token


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else default


def _markets(
    args: argparse.Namespace,
) -> tuple[tuple[config.ResolvedMarket, ...], dict[str, object] | None]:
    """The markets to quote: every one of ``--config`` (run), one of it (bot --market), or the
    pod's ConfigMap (bot --config-dir, which also returns its ``market.json``)."""
    if args.command == "bot" and args.config_dir is not None:
        resolved, raw = pod.load_dir(args.config_dir)
        return (resolved,), raw
    loaded = config.load(args.config)
    if args.command == "run":
        return loaded.markets, None
    if not args.market:
        raise config.ConfigError([config.Issue("--market", "required without --config-dir")])
    return (loaded.market(args.market),), None


def _still_to_play(
    command: str, markets: tuple[config.ResolvedMarket, ...]
) -> tuple[config.ResolvedMarket, ...]:
    """The markets whose match is still to play. Each finished one is named in one line: a
    warning while others run, the command's error when none is left (see ``finished``)."""
    to_play, over = finished.split(markets, engine_clock.now_ms())
    for resolved in over:
        if to_play:
            log.warning(finished.describe(resolved), extra={"market": resolved.market.id})
        else:
            sys.stderr.write(f"touchline {command}: {finished.describe(resolved)}\n")
    return to_play


def _add_venue_overrides(parser: argparse.ArgumentParser) -> None:
    """Host overrides, for the venue simulators on loopback (the key's env picks otherwise)."""
    group = parser.add_argument_group(
        "venue overrides (for simulators; the operator sets them as TOUCHLINE_* variables)"
    )
    env = os.environ.get
    group.add_argument(
        "--kalshi-rest-url", default=env("TOUCHLINE_KALSHI_REST_URL"), help="Kalshi REST base URL"
    )
    group.add_argument(
        "--kalshi-ws-url", default=env("TOUCHLINE_KALSHI_WS_URL"), help="Kalshi WebSocket URL"
    )
    group.add_argument(
        "--poly-clob-url", default=env("TOUCHLINE_POLY_CLOB_URL"), help="Polymarket CLOB URL"
    )
    group.add_argument(
        "--poly-ws-url", default=env("TOUCHLINE_POLY_WS_URL"), help="Polymarket WebSocket URL"
    )


def _endpoints(args: argparse.Namespace, credentials: auth.Credentials) -> wiring.Endpoints:
    """The venues' hosts for the key's env, with any override from the command line."""
    where = wiring.endpoints_from_credentials(credentials, tier=args.tier)
    overrides = {
        "kalshi_rest": args.kalshi_rest_url,
        "kalshi_ws": args.kalshi_ws_url,
        "poly_clob": args.poly_clob_url,
        "poly_ws": args.poly_ws_url,
    }
    return dataclasses.replace(where, **{k: v for k, v in overrides.items() if v is not None})


async def _serve(app: bot_app.BotApp, pod_market: dict[str, object] | None = None) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    duties = None
    if pod_market is not None and cluster.in_cluster():
        duties = await cluster.PodDuties.connect(pod_market)
    try:
        if duties is not None:
            await duties.acquire()  # never quote before the market's Lease is ours
        return await _until_stopped(app, duties, stop)
    finally:
        # On every path — a Lease never acquired, a start that failed — the final status is
        # written, the Lease released and the API client closed.
        if duties is not None:
            await duties.close(app)


async def _until_stopped(
    app: bot_app.BotApp, duties: cluster.PodDuties | None, stop: asyncio.Event
) -> int:
    # An unreachable venue at start is waited for (not ready, back-off), not a crash loop; a
    # signal meanwhile ends the wait and the process.
    starting = asyncio.create_task(app.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not starting.done():
        await tasks.cancel_and_wait(starting)
        log.info("stopped while waiting for the venues")
        await app.shutdown("signal while waiting for the venues")
        return 0
    await starting
    log.info("bot running", extra={"markets": list(app.markets), "http_port": app.http_port})
    waits: list[asyncio.Task[object]] = [asyncio.create_task(stop.wait())]
    if duties is not None:
        keeper = asyncio.create_task(duties.keep(app))
        waits += [asyncio.create_task(duties.lost.wait()), keeper]
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    lost = duties is not None and duties.lost.is_set()
    confirmed = await app.shutdown("market lease lost" if lost else "signal")
    for task in waits:
        task.cancel()
    return 0 if confirmed and not lost else 1


def run(args: argparse.Namespace) -> int:
    """Entry point of ``touchline run`` and ``touchline bot``."""
    logs.configure(args.log_level)
    try:
        markets, pod_market = _markets(args)
        if getattr(args, "config_dir", None) is None:
            # Before the credentials: a finished match is the first thing to hear about.
            markets = _still_to_play(args.command, markets)
            if not markets:
                return 2
        credentials = auth.credentials_from_env(os.environ)
        params_token = read_params_token(args.params_token_file)
    except (config.ConfigError, errors.KalshiConfigError, KeyError, TokenFileError) as exc:
        sys.stderr.write(f"touchline {args.command}: {exc}\n")
        return 2
    token = None
    if args.risk_token_file is not None:
        # Re-read on change: a projected service-account token is rotated by the kubelet.
        token = risk_client.TokenFile(args.risk_token_file)
    options = bot_app.AppOptions(
        http_host=args.http_host,
        http_port=args.http_port,
        risk_url=args.risk_url,
        risk_token=token,
        config_path=args.config,
        config_dir=getattr(args, "config_dir", None),
        metrics_port=args.metrics_port,
        params_token=params_token,
        shutdown_grace_secs=args.grace_secs,
        flatten_on_shutdown=args.flatten_on_shutdown,
    )
    where = _endpoints(args, credentials)
    app = bot_app.BotApp(tuple(markets), where, engine_clock.WallClock(), options)
    return asyncio.run(_serve(app, pod_market))
