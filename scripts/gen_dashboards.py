"""Generates the Grafana dashboards under helm/touchline/dashboards/ (committed output).

Run `python scripts/gen_dashboards.py` after changing a panel; tests/monitoring checks that the
committed JSON equals this script's output, that every query parses, and that every metric a
query names is exported by the bot, the risk service or the operator.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "helm" / "touchline" / "dashboards"
DS = {"type": "prometheus", "uid": "${datasource}"}
M = 'market=~"$market"'


def _templating(with_market: bool) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"}
    ]
    if with_market:
        items.append(
            {
                "name": "market",
                "type": "query",
                "datasource": DS,
                "query": {"query": "label_values(touchline_state, market)", "refId": "m"},
                "definition": "label_values(touchline_state, market)",
                "includeAll": True,
                "multi": True,
                "refresh": 2,
            }
        )
    return {"list": items}


def _panel(
    pid: int,
    title: str,
    kind: str,
    exprs: list[tuple[str, str]],
    grid: tuple[int, int, int, int],
    unit: str = "short",
) -> dict[str, Any]:
    x, y, w, h = grid
    return {
        "id": pid,
        "title": title,
        "type": kind,
        "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend, "datasource": DS}
            for i, (expr, legend) in enumerate(exprs)
        ],
    }


def _dashboard(
    uid: str, title: str, panels: list[dict[str, Any]], market_var: bool
) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "tags": ["touchline"],
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "time": {"from": "now-3h", "to": "now"},
        "refresh": "10s",
        "templating": _templating(market_var),
        "panels": panels,
    }


def fleet() -> dict[str, Any]:
    """Fleet overview: states, phases, exposure, drawdown, PnL (realized and unrealized), fees,
    positions, fills, rejections, data age."""
    p = [
        _panel(
            1,
            "Markets by state",
            "stat",
            [("sum by (state) (touchline_state)", "{{state}}")],
            (0, 0, 8, 5),
        ),
        _panel(
            2,
            "Markets by phase",
            "stat",
            [("sum by (phase) (touchline_phase)", "{{phase}}")],
            (8, 0, 8, 5),
        ),
        _panel(3, "Halted", "stat", [("max(touchline_risk_halted)", "halted")], (16, 0, 8, 5)),
        _panel(
            4,
            "Account exposure vs limit",
            "timeseries",
            [
                ("touchline_risk_account_exposure_dollars", "exposure"),
                ("touchline_risk_account_limit_dollars", "limit"),
            ],
            (0, 5, 12, 8),
            "currencyUSD",
        ),
        _panel(
            5,
            "Drawdown vs limit",
            "timeseries",
            [
                ("touchline_risk_drawdown_dollars", "drawdown"),
                ("touchline_risk_max_drawdown_dollars", "limit"),
            ],
            (12, 5, 12, 8),
            "currencyUSD",
        ),
        _panel(
            6,
            "PnL by market",
            "timeseries",
            [
                ("sum by (market) (touchline_pnl_dollars)", "{{market}}"),
            ],
            (0, 13, 12, 8),
            "currencyUSD",
        ),
        _panel(
            7,
            "Fills per minute",
            "timeseries",
            [
                (
                    "sum by (market) (rate(touchline_fills_total[$__rate_interval])) * 60",
                    "{{market}}",
                ),
            ],
            (12, 13, 12, 8),
        ),
        _panel(
            8,
            "Rejections by reason",
            "timeseries",
            [
                (
                    "sum by (reason) (rate(touchline_order_rejections_total[$__rate_interval]))",
                    "{{reason}}",
                ),
            ],
            (0, 21, 12, 8),
            "ops",
        ),
        _panel(
            9,
            "Data age by market and venue",
            "status-history",
            [
                ("max by (market, venue) (touchline_data_age_seconds)", "{{market}} {{venue}}"),
            ],
            (12, 21, 12, 8),
            "s",
        ),
        _panel(
            10,
            "Leases",
            "timeseries",
            [
                ("touchline_risk_lease_budget_dollars", "{{market}}"),
            ],
            (0, 29, 24, 8),
            "currencyUSD",
        ),
        _panel(
            11,
            "Position by market (contracts)",
            "timeseries",
            [("sum by (market) (touchline_position_contracts)", "{{market}}")],
            (0, 37, 12, 8),
        ),
        _panel(
            12,
            "Fleet PnL: realized and unrealized",
            "timeseries",
            [
                ("sum by (kind) (touchline_pnl_dollars)", "{{kind}}"),
                ("sum(touchline_pnl_dollars)", "total"),
            ],
            (12, 37, 12, 8),
            "currencyUSD",
        ),
        _panel(
            13,
            "Fees paid by market",
            "timeseries",
            [
                ("sum by (market) (touchline_fees_dollars_total)", "{{market}}"),
                ("sum(touchline_fees_dollars_total)", "fleet"),
            ],
            (0, 45, 12, 8),
            "currencyUSD",
        ),
        _panel(
            14,
            "Realized and unrealized PnL by market",
            "timeseries",
            [("sum by (market, kind) (touchline_pnl_dollars)", "{{market}} {{kind}}")],
            (12, 45, 12, 8),
            "currencyUSD",
        ),
    ]
    return _dashboard("touchline-fleet", "Touchline / Fleet overview", p, market_var=False)


def market() -> dict[str, Any]:
    """Market drill-down: fair against both venues and our quotes, position, PnL, latencies,
    feed repairs, fills, the lease and parameter reloads."""
    p = [
        _panel(
            1,
            "Fair price, venue mids and our quotes",
            "timeseries",
            [
                (f"touchline_fair_price_dollars{{{M}}}", "fair {{market}}"),
                (
                    f'touchline_input_price_dollars{{{M}, source="polymarket_mid"}}',
                    "polymarket {{market}}",
                ),
                (
                    f'touchline_input_price_dollars{{{M}, source="kalshi_micro"}}',
                    "kalshi micro {{market}}",
                ),
                (f"touchline_quote_price_dollars{{{M}}}", "{{side}} {{market}}"),
            ],
            (0, 0, 24, 10),
            "currencyUSD",
        ),
        _panel(
            2,
            "Position (contracts)",
            "timeseries",
            [
                (f"touchline_position_contracts{{{M}}}", "{{market}}"),
            ],
            (0, 10, 8, 8),
        ),
        _panel(
            3,
            "PnL",
            "timeseries",
            [
                (f"touchline_pnl_dollars{{{M}}}", "{{kind}} {{market}}"),
            ],
            (8, 10, 8, 8),
            "currencyUSD",
        ),
        _panel(
            4,
            "Worst-case exposure vs limit",
            "timeseries",
            [
                (f"touchline_exposure_dollars{{{M}}}", "exposure {{market}}"),
                (f"touchline_exposure_limit_dollars{{{M}}}", "limit {{market}}"),
            ],
            (16, 10, 8, 8),
            "currencyUSD",
        ),
        _panel(
            5,
            "Quoted spread",
            "timeseries",
            [
                (f"touchline_quote_spread_dollars{{{M}}}", "{{market}}"),
            ],
            (0, 18, 8, 8),
            "currencyUSD",
        ),
        _panel(
            6,
            "Shock score and Polymarket weight",
            "timeseries",
            [
                (f"touchline_shock_score{{{M}}}", "shock {{market}}"),
                (f"touchline_polymarket_weight_ratio{{{M}}}", "weight {{market}}"),
            ],
            (8, 18, 8, 8),
        ),
        _panel(
            7,
            "Order actions",
            "timeseries",
            [
                (
                    f"sum by (action) (rate(touchline_order_actions_total{{{M}}}[$__rate_interval]))",
                    "{{action}}",
                ),
            ],
            (16, 18, 8, 8),
            "ops",
        ),
        _panel(
            8,
            "Event to decision p99",
            "timeseries",
            [
                (
                    f"histogram_quantile(0.99, sum by (le, market) (rate(touchline_event_to_decision_seconds_bucket{{{M}}}[$__rate_interval])))",
                    "{{market}}",
                ),
            ],
            (0, 26, 12, 8),
            "s",
        ),
        _panel(
            9,
            "Decision to acknowledgement p99",
            "timeseries",
            [
                (
                    f"histogram_quantile(0.99, sum by (le, action) (rate(touchline_decision_to_ack_seconds_bucket{{{M}}}[$__rate_interval])))",
                    "{{action}}",
                ),
            ],
            (12, 26, 12, 8),
            "s",
        ),
        _panel(
            10,
            "State",
            "state-timeline",
            [
                (f"touchline_state{{{M}}} == 1", "{{market}} {{state}}"),
            ],
            (0, 34, 24, 6),
        ),
        _panel(
            11,
            "Feed repairs: sequence gaps, malformed frames, fills caught up",
            "timeseries",
            [
                (
                    f"sum by (market) (increase(touchline_sequence_gaps_total{{{M}}}[$__rate_interval]))",
                    "gaps {{market}}",
                ),
                (
                    f"sum by (market, venue) (increase(touchline_malformed_frames_total{{{M}}}[$__rate_interval]))",
                    "malformed {{venue}} {{market}}",
                ),
                (
                    f"sum by (market) (increase(touchline_fills_caught_up_total{{{M}}}[$__rate_interval]))",
                    "fills caught up {{market}}",
                ),
            ],
            (0, 40, 12, 8),
        ),
        _panel(
            12,
            "Contracts filled per minute",
            "timeseries",
            [
                (
                    f"sum by (market, side) (rate(touchline_filled_contracts_total{{{M}}}[$__rate_interval])) * 60",
                    "{{side}} {{market}}",
                ),
            ],
            (12, 40, 12, 8),
        ),
        _panel(
            13,
            "Lease budget (the bot's view)",
            "timeseries",
            [(f"touchline_lease_budget_dollars{{{M}}}", "{{market}}")],
            (0, 48, 12, 8),
            "currencyUSD",
        ),
        _panel(
            14,
            "Parameter reloads",
            "timeseries",
            [
                (
                    f"sum by (source, result) (increase(touchline_param_reloads_total{{{M}}}[$__rate_interval]))",
                    "{{source}} {{result}}",
                ),
            ],
            (12, 48, 12, 8),
        ),
    ]
    return _dashboard("touchline-market", "Touchline / Market", p, market_var=True)


def risk() -> dict[str, Any]:
    """The global risk service: leases, exposure, drawdown, halt, report ages, cross-check."""
    p = [
        _panel(1, "Halted", "stat", [("touchline_risk_halted", "halted")], (0, 0, 6, 5)),
        _panel(
            2,
            "High-water mark",
            "stat",
            [("touchline_risk_high_water_mark_dollars", "hwm")],
            (6, 0, 6, 5),
            "currencyUSD",
        ),
        _panel(
            3,
            "Account PnL",
            "stat",
            [("touchline_risk_account_pnl_dollars", "pnl")],
            (12, 0, 6, 5),
            "currencyUSD",
        ),
        _panel(
            4,
            "Forced cancel-alls",
            "stat",
            [("touchline_risk_forced_cancel_all_total", "forced")],
            (18, 0, 6, 5),
        ),
        _panel(
            5,
            "Lease per market",
            "timeseries",
            [("touchline_risk_lease_budget_dollars", "{{market}}")],
            (0, 5, 12, 8),
            "currencyUSD",
        ),
        _panel(
            6,
            "Exposure and drawdown",
            "timeseries",
            [
                ("touchline_risk_account_exposure_dollars", "exposure"),
                ("touchline_risk_drawdown_dollars", "drawdown"),
            ],
            (12, 5, 12, 8),
            "currencyUSD",
        ),
        _panel(
            7,
            "Report age per bot",
            "timeseries",
            [("touchline_risk_report_age_seconds", "{{market}}")],
            (0, 13, 12, 8),
            "s",
        ),
        _panel(
            8,
            "Leases granted per second",
            "timeseries",
            [("rate(touchline_risk_leases_granted_total[$__rate_interval])", "leases")],
            (12, 13, 12, 8),
            "ops",
        ),
        _panel(
            9,
            "Cross-check mismatch (contracts)",
            "timeseries",
            [("touchline_risk_crosscheck_mismatch_contracts", "{{ticker}}")],
            (0, 21, 24, 8),
        ),
        _panel(
            10,
            "Cross-checks that found a mismatch, refused callers",
            "timeseries",
            [
                (
                    "sum(increase(touchline_risk_crosscheck_mismatches_total[$__rate_interval]))",
                    "mismatches",
                ),
                # A refused caller's series exists only after the first refusal: 0 until then.
                (
                    "sum by (code) (increase(touchline_risk_auth_failures_total[$__rate_interval])) or on() vector(0)",
                    "refused {{code}}",
                ),
            ],
            (0, 29, 24, 8),
        ),
    ]
    return _dashboard("touchline-risk", "Touchline / Risk service", p, market_var=False)


DASHBOARDS = {"fleet.json": fleet, "market.json": market, "risk.json": risk}


def render() -> dict[str, str]:
    """File name → JSON text."""
    return {
        name: json.dumps(build(), indent=2, sort_keys=True) + "\n"
        for name, build in DASHBOARDS.items()
    }


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text)
        sys.stdout.write(f"wrote {OUT.name}/{name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
