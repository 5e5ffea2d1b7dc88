"""``touchline demo``: the whole stack on one machine, with nothing to configure.

Starts both venue simulators and the global risk service, plays a scripted match (a scenario)
for the markets in ``config/markets_soccer.yaml`` with one bot per market, shows each market's
state, fair price, quotes, position and PnL live in the terminal, and ends with a summary and a
report (JSON and a PNG chart) in ``--report-dir``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from touchline_bot import builtin
from touchline_bot.core import units
from touchline_bot.sim import cli as sim_cli
from touchline_bot.sim import harness, report
from touchline_bot.sim import scenario as scenario_model
from touchline_bot.telemetry import logs

DEFAULT_SCENARIO = Path("goals")
"""A built-in scenario's name (``builtin.scenario``)."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo``."""
    parser = sub.add_parser("demo", help="run the whole stack locally against the simulators")
    parser.add_argument(
        "--scenario",
        type=Path,
        default=DEFAULT_SCENARIO,
        help=f"a scenario file, or a built-in scenario's name (default: {DEFAULT_SCENARIO}; "
        f"{', '.join(builtin.scenario_names())})",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=builtin.markets_file(),
        help="the markets file (default: the built-in example, config/markets_soccer.yaml)",
    )
    parser.add_argument("--speed", type=float, default=30.0, help="match-clock speed-up")
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="real seconds to run (default: the whole scenario)",
    )
    parser.add_argument("--report-dir", type=Path, default=Path("reports/demo"))
    parser.add_argument("--no-ui", action="store_true", help="no live view, only the summary")


def _money(value: int | None, scale: int = units.PRICE_SCALE) -> str:
    return "-" if value is None else f"{value / scale:.4f}"


def _table(rows: list[dict[str, Any]]) -> Table:
    t_secs = rows[0]["t_secs"] if rows else 0.0
    table = Table(
        title=f"Touchline demo — match clock {int(t_secs // 60):02d}:{int(t_secs % 60):02d}"
    )
    for column in (
        "market",
        "state",
        "phase",
        "fair",
        "true",
        "bid",
        "ask",
        "position",
        "PnL $",
        "fills",
        "exposure $",
    ):
        table.add_column(
            column, justify="right" if column not in {"market", "state", "phase"} else "left"
        )
    for row in rows:
        state = row["state"] + (f" ({row['reason']})" if row["state"] == "PAUSED" else "")
        table.add_row(
            row["market"].rsplit("-", 1)[-1], state, row["phase"], _money(row["fair"]),
            _money(row["true_fair"]), _money(row["bid"]), _money(row["ask"]),
            f"{row['position'] / units.QTY_SCALE:.2f}", _money(row["pnl"], units.MONEY_SCALE),
            str(row["fills"]), _money(row["exposure"], units.MONEY_SCALE),
        )  # fmt: skip
    return table


def _summary(console: Console, result: dict[str, Any], report_dir: Path) -> None:
    table = Table(title=f"Summary — scenario {result['scenario']}")
    for column in (
        "market",
        "PnL $",
        "fills",
        "fees $",
        "spread capture $",
        "markout 30s",
        "markout 5m",
        "max |pos|",
    ):
        table.add_column(column)
    for name, m in result["markets"].items():
        marks = m["markout_dollars_per_contract"]
        table.add_row(
            name.rsplit("-", 1)[-1], m["pnl_dollars"], str(m["fills"]), m["fees_dollars"],
            m["spread_capture_dollars"], str(marks["30s"]), str(marks["300s"]),
            m["max_abs_position_contracts"],
        )  # fmt: skip
    console.print(table)
    verdict = "no invariant violated" if result["ok"] else f"{len(result['violations'])} violations"
    console.print(f"Total PnL ${result['pnl_dollars']}; {verdict}.")
    chart = report_dir / "demo.png"
    written = f" and {chart}" if chart.is_file() else ""
    console.print(f"Report: {report_dir / 'demo.json'}{written}", markup=False)


def _play(
    args: argparse.Namespace, scn: scenario_model.Scenario, console: Console
) -> dict[str, Any]:
    match_secs = None if args.duration is None else args.duration * args.speed
    live: Live | None = None
    if not args.no_ui:
        live = Live(_table([]), console=console, refresh_per_second=4)
        live.start()

    def show(rows: list[dict[str, Any]]) -> None:
        if live is not None:
            live.update(_table(rows))

    options = harness.Options(
        config_path=args.config, speed=args.speed, duration_secs=match_secs, on_sample=show
    )
    try:
        result, played = harness.run(scn, options)
    finally:
        if live is not None:
            live.stop()
    report.write_json(args.report_dir / "demo.json", result)
    chart = args.report_dir / "demo.png"
    chart.unlink(missing_ok=True)  # the report line names the chart only when this run drew it
    try:
        report.write_chart(chart, played.rec, start_ms=played.start_ms)
    except report.ChartUnavailableError as exc:
        console.print(str(exc), markup=False, soft_wrap=True)  # one line; "[report]" is no markup
    return result


def run(args: argparse.Namespace) -> int:
    """Entry point of ``touchline demo``."""
    logs.configure("ERROR")
    console = Console()
    console.print(
        f"Touchline demo: simulators, risk service and {args.config} bots, "
        f"scenario {args.scenario.name} at {args.speed:g}x"
    )
    try:
        scn = sim_cli.load_inputs(args.scenario, args.config)
    except sim_cli.INPUT_ERRORS as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    result = _play(args, scn, console)
    _summary(console, result, args.report_dir)
    return 0
