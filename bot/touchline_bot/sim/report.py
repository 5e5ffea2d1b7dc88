"""Writes a run's report: a JSON summary and a PNG chart per run (fair price, both venues' mids,
our quotes and fills, position and PnL over time, one column per market).

matplotlib is imported when a chart is drawn, not with the module: every command of the one
image imports this (through the CLI), and matplotlib's import wants a writable configuration or
temporary directory, which a pod with a read-only root filesystem may not have. It is the
optional extra ``touchline[report]`` (the image leaves it out): without it the chart is skipped
with one line naming the extra, and the JSON report is written all the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from touchline_bot.core import units
from touchline_bot.sim import recorder

CHART_EXTRA_MISSING = (
    "chart skipped: matplotlib is not installed (pip install 'touchline[report]' draws it)"
)


class ChartUnavailableError(RuntimeError):
    """The chart cannot be drawn here: the ``report`` extra (matplotlib) is not installed."""


def _dollars(price: int | None) -> float | None:
    return None if price is None else price / units.PRICE_SCALE


def write_json(path: Path, summary: dict[str, Any]) -> None:
    """The machine-readable report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str) + "\n")


def write_chart(path: Path, rec: recorder.Recorder, *, start_ms: int) -> None:
    """The PNG: prices with quotes and fills on top, position and PnL below, per market.

    Raises ``ChartUnavailableError`` when matplotlib (the ``report`` extra) is missing."""
    names = sorted(rec.markets)
    if not names:
        return
    try:
        import matplotlib as mpl  # noqa: PLC0415 - only charts need it (module docstring)
    except ImportError as exc:
        raise ChartUnavailableError(CHART_EXTRA_MISSING) from exc

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    fig, axes = plt.subplots(
        2, len(names), figsize=(6 * len(names), 7), squeeze=False, sharex="col"
    )
    for column, name in enumerate(names):
        record = rec.markets[name]
        minutes = [(s.ts_ms - start_ms) / 60_000 for s in record.samples]
        top, bottom = axes[0][column], axes[1][column]
        for label, values, style in (
            ("fair", [_dollars(s.fair) for s in record.samples], "-"),
            ("true fair", [_dollars(s.true_fair) for s in record.samples], ":"),
            ("polymarket mid", [_dollars(s.poly_mid) for s in record.samples], "--"),
            ("kalshi mid", [_dollars(s.kalshi_mid) for s in record.samples], "--"),
            ("our bid", [_dollars(s.bid) for s in record.samples], "-"),
            ("our ask", [_dollars(s.ask) for s in record.samples], "-"),
        ):
            top.plot(minutes, values, style, label=label, linewidth=1)
        for fill in record.fills:
            colour = "tab:green" if fill.side.sign > 0 else "tab:red"
            top.scatter(
                [(fill.ts_ms - start_ms) / 60_000],
                [fill.price / units.PRICE_SCALE],
                color=colour,
                s=12,
                zorder=3,
            )
        top.set_title(name)
        top.set_ylabel("price ($)")
        top.legend(fontsize=6, loc="upper left")
        bottom.plot(
            minutes,
            [s.position_qty / units.QTY_SCALE for s in record.samples],
            label="position (contracts)",
        )
        twin = bottom.twinx()
        twin.plot(
            minutes,
            [s.pnl / units.MONEY_SCALE for s in record.samples],
            color="tab:purple",
            label="PnL ($)",
        )
        bottom.set_xlabel("match clock (min)")
        bottom.set_ylabel("position (contracts)")
        twin.set_ylabel("PnL ($)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
