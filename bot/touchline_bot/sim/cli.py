"""``touchline sim kalshi|polymarket`` (the simulators as processes) and
``touchline scenario run FILE`` (play a match scenario, print a machine-readable result)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from touchline_bot import builtin, config
from touchline_bot.sim import harness, report
from touchline_bot.sim import scenario as scenario_model
from touchline_bot.sim.kalshi import cli as kalshi_cli
from touchline_bot.sim.polymarket import cli as poly_cli
from touchline_bot.telemetry import logs


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sim`` and ``scenario``."""
    sim = sub.add_parser("sim", help="run a venue simulator on loopback")
    venues = sim.add_subparsers(dest="venue", required=True)
    kalshi_cli.register(venues)
    poly_cli.register(venues)
    scn = sub.add_parser("scenario", help="play match scenarios")
    actions = scn.add_subparsers(dest="scenario_action", required=True)
    play = actions.add_parser(
        "run", help="play FILE on the simulated clock and print the result (reproducible)"
    )
    play.add_argument(
        "file",
        type=Path,
        help="a scenario file, or a built-in scenario's name: "
        + ", ".join(builtin.scenario_names()),
    )
    play.add_argument(
        "--speed",
        type=float,
        default=None,
        help="at most SPEED match seconds per real second (default: as fast as possible; "
        "the result is the same either way)",
    )
    play.add_argument("--duration", type=float, default=None, help="stop after SECS of match")
    play.add_argument(
        "--config",
        type=Path,
        default=builtin.markets_file(),
        help="the markets file (default: the built-in example, config/markets_soccer.yaml)",
    )
    play.add_argument("--json", action="store_true", help="print the result as JSON")
    play.add_argument("--report-dir", type=Path, default=None, help="write report.json and a chart")
    play.add_argument("--no-risk", action="store_true", help="without the global risk service")


def load_inputs(scenario_path: Path, config_path: Path) -> scenario_model.Scenario:
    """The scenario, once it and the markets file are known to load: a missing or malformed
    file is a clear message (:class:`ScenarioError` or :class:`~touchline_bot.config.ConfigError`)
    before any simulator starts. A bare name that is no file names a built-in scenario."""
    scn = scenario_model.load(builtin.scenario(scenario_path))
    config.load(config_path)
    return scn


INPUT_ERRORS = (scenario_model.ScenarioError, config.ConfigError)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``touchline sim`` and ``touchline scenario``."""
    logs.configure("WARNING")
    if args.command == "sim":
        module = kalshi_cli if args.venue == "kalshi" else poly_cli
        return int(asyncio.run(module.run(args)))
    try:
        scn = load_inputs(args.file, args.config)
    except INPUT_ERRORS as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    options = harness.Options(
        config_path=args.config,
        speed=args.speed,
        duration_secs=args.duration,
        with_risk=not args.no_risk,
    )
    result, played = harness.run(scn, options)
    if args.report_dir is not None:
        report.write_json(args.report_dir / f"{scn.name}.json", result)
        try:
            report.write_chart(
                args.report_dir / f"{scn.name}.png", played.rec, start_ms=played.start_ms
            )
        except report.ChartUnavailableError as exc:
            sys.stderr.write(f"{exc}\n")
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2, default=str) + "\n")
    else:
        verdict = "ok" if result["ok"] else f"{len(result['violations'])} violation(s)"
        sys.stdout.write(f"{scn.name}: PnL ${result['pnl_dollars']}, {verdict}\n")
    return 0 if result["ok"] else 1
