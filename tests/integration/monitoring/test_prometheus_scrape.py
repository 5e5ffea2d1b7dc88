"""The real Prometheus scraping running bots and the global risk service against the venue
simulators: every series the alerts and dashboards rely on arrives, every Grafana panel query
returns data for the running fleet, and the data-stale alert fires when Polymarket freezes."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.integration.bot.conftest import Stack, stack
from tests.integration.monitoring import prometheus
from touchline_bot import config
from touchline_bot.core import units
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.risk_service import rules, runner, server, service

__all__ = ["stack"]  # the simulators fixture, shared with the bot tests

DASHBOARDS = prometheus.REPO / "helm" / "touchline" / "dashboards"
SECRET = "monitoring-secret-0123"
LIMITS = rules.AccountLimits(
    max_total_notional=units.Money(125_000_000), max_drawdown=units.Money(50_000_000)
)
GRAFANA_VARS = {"$__rate_interval": "30s", "$__interval": "5s"}
SERIES_SECS = 30.0
PANELS_SECS = 30.0
STALE_ALERT_SECS = 50.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(prometheus.binary() is None, reason="prometheus is not installed"),
]


@dataclass
class Fleet:
    """Bots and the risk service, scraped by a real Prometheus."""

    stack: Stack
    bots: list[bot_app.BotApp]
    prom: prometheus.Prometheus

    @property
    def market_ids(self) -> list[str]:
        """Every running bot's market id."""
        return [market for bot in self.bots for market in bot.markets]


@pytest.fixture
async def risk(stack: Stack, tmp_path: Path) -> AsyncIterator[runner.RunningRiskService]:
    hooks = stack.venue_hooks()
    running = await runner.start_risk_service(
        limits=LIMITS,
        state_path=tmp_path / "risk.json",
        secret=SECRET,
        now_ms=engine_clock.now_ms,
        options=service.ServiceOptions(cancel_deadline_ms=2_000),
        cancel_all=hooks.cancel_all,
        positions=hooks.positions,
        loops=server.LoopOptions(enforce_every_secs=0.2, crosscheck_every_secs=0.5),
    )
    yield running
    await running.stop()
    await hooks.aclose()


@pytest.fixture
async def fleet(
    stack: Stack, risk: runner.RunningRiskService, tmp_path: Path
) -> AsyncIterator[Fleet]:
    bots: list[bot_app.BotApp] = []
    prom: prometheus.Prometheus | None = None
    try:
        for market in config.load(stack.config_path).markets:
            token = risk.auth.token_for(market.market.id)
            options = bot_app.AppOptions(http_port=0, risk_url=risk.base_url, risk_token=token)
            bot = bot_app.BotApp((market,), stack.endpoints(), engine_clock.WallClock(), options)
            bots.append(bot)
            await bot.start()
        scrape = prometheus.scrape_config(
            [f"127.0.0.1:{bot.http_port}" for bot in bots], [risk.base_url.split("//", 1)[1]]
        )
        executable = prometheus.binary()
        assert executable is not None
        prom = prometheus.start(tmp_path, scrape, executable)
        await prometheus.until(prom.ready, timeout_secs=20, what="prometheus ready")
        yield Fleet(stack, bots, prom)
    finally:
        if prom is not None:
            await prom.stop()
        for bot in bots:
            await bot.shutdown("test over")


def _panel_queries(market_id: str) -> list[tuple[str, str]]:
    """(dashboard:panel, query) of every panel target, Grafana variables substituted."""
    found: list[tuple[str, str]] = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                expr = target["expr"]
                for var, value in {**GRAFANA_VARS, "$market": market_id}.items():
                    expr = expr.replace(var, value)
                found.append((f"{path.stem}: {panel['title']}", expr))
    return found


async def _lacking(prom: prometheus.Prometheus, checks: list[tuple[str, str, int]]) -> list[str]:
    """The checks (what, query, how many markets or targets) whose query returns fewer now."""
    lacking = []
    for what, expr, want in checks:
        found = _markets_or_instances(await prom.query(expr))
        if len(found) < want:
            lacking.append(f"{what} [{expr}]: {sorted(found)}")
    return lacking


def _markets_or_instances(result: list[dict[str, Any]]) -> set[str]:
    """The distinct markets (or scrape targets, or the whole result) a result covers."""
    return {r["metric"].get("market") or r["metric"].get("instance") or "" for r in result}


async def _wait_for_data(
    prom: prometheus.Prometheus, checks: list[tuple[str, str, int]], timeout_secs: float
) -> float:
    """Wait until every check holds; returns the seconds it took."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    lacking = await _lacking(prom, checks)
    while lacking:
        if loop.time() - started > timeout_secs:
            raise AssertionError(f"still without data after {timeout_secs} s: {lacking}")
        await asyncio.sleep(prometheus.POLL_SECS)
        lacking = await _lacking(prom, checks)
    return loop.time() - started


EXPECTED_SERIES: list[tuple[str, str, bool]] = [
    # (what, query, one series per bot)
    ("every bot is up", 'up{job="touchline-bot"} == 1', True),
    ("the risk service is up", 'up{job="touchline-risk"} == 1', False),
    ("fair price", "touchline_fair_price_dollars", True),
    ("one-hot state", "touchline_state == 1", True),
    ("Polymarket data age", 'touchline_data_age_seconds{venue="polymarket"}', True),
    ("Kalshi data age", 'touchline_data_age_seconds{venue="kalshi"}', True),
    ("valid lease", "touchline_lease_valid == 1", True),
    ("zero-valued rejection counters", "touchline_order_rejections_total", True),
    ("account exposure", "touchline_risk_account_exposure_dollars", False),
    ("lease per market", "touchline_risk_lease_budget_dollars", True),
    ("fleet not halted", "touchline_risk_halted == 0", False),
]


async def test_every_bot_and_the_risk_service_are_scraped_and_every_panel_has_data(
    fleet: Fleet,
) -> None:
    series = [
        (what, expr, len(fleet.bots) if per_bot else 1) for what, expr, per_bot in EXPECTED_SERIES
    ]
    await _wait_for_data(fleet.prom, series, SERIES_SECS)
    panels = [(what, expr, 1) for what, expr in _panel_queries(fleet.market_ids[0])]
    took = await _wait_for_data(fleet.prom, panels, PANELS_SECS)
    sys.stdout.write(f"\n{len(panels)} panel queries all non-empty {took:.1f} s after the series\n")


def _stale_alerts(alerts: list[dict[str, Any]], state: str) -> set[tuple[str, str]]:
    """(market, venue) of every TouchlineDataStale alert in ``state``."""
    return {
        (a["labels"]["market"], a["labels"]["venue"])
        for a in alerts
        if a["labels"]["alertname"] == "TouchlineDataStale" and a["state"] == state
    }


async def test_frozen_polymarket_fires_data_stale_for_every_market_on_polymarket_only(
    fleet: Fleet,
) -> None:
    polymarket_age = 'touchline_data_age_seconds{venue="polymarket"}'
    bots = len(fleet.bots)
    await _wait_for_data(fleet.prom, [("Polymarket data age", polymarket_age, bots)], SERIES_SECS)
    assert not _stale_alerts(await fleet.prom.alerts(), "firing"), "stale before the freeze"
    loop = asyncio.get_running_loop()
    frozen_at = loop.time()
    # The venue's known silent freeze: the socket stays open, no data arrives. The feed falls
    # back to REST and marks the store stale, so the bot's Polymarket data age keeps growing.
    fleet.stack.poly.faults.frozen = True
    expected = {(market, "polymarket") for market in fleet.market_ids}

    async def firing() -> bool:
        return _stale_alerts(await fleet.prom.alerts(), "firing") >= expected

    await prometheus.until(firing, timeout_secs=STALE_ALERT_SECS, what="TouchlineDataStale")
    took = loop.time() - frozen_at
    sys.stdout.write(f"\nPolymarket frozen -> TouchlineDataStale firing in {took:.1f} s\n")
    assert took >= 15, "fired before the rule's 15 s hold"
    stale = _stale_alerts(await fleet.prom.alerts(), "firing")
    assert {v for _, v in stale} == {"polymarket"}, f"other venues stale too: {sorted(stale)}"
