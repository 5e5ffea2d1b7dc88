"""A market's labelled counters exist at zero from the start, so the dashboards' rate panels
and the ratio alerts have a series before the first fill, rejection or reconnect."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from touchline_bot.telemetry import metrics as bot_metrics

MARKET = "epl-ars-che-20261128-ars"


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        pytest.param("touchline_order_actions_total", {"action": "place"}, id="placements"),
        pytest.param("touchline_order_actions_total", {"action": "cancel"}, id="cancels"),
        pytest.param(
            "touchline_order_rejections_total", {"reason": "post_only_cross"}, id="post-only"
        ),
        pytest.param("touchline_fills_total", {"side": "bid"}, id="bid-fills"),
        pytest.param("touchline_fills_total", {"side": "ask"}, id="ask-fills"),
        pytest.param("touchline_pauses_total", {"reason": "shock"}, id="shock-pauses"),
        pytest.param("touchline_ws_reconnects_total", {"venue": "polymarket"}, id="reconnects"),
        pytest.param("touchline_rate_limited_total", {"venue": "kalshi"}, id="kalshi-429s"),
        pytest.param("touchline_sequence_gaps_total", {}, id="sequence-gaps"),
        pytest.param("touchline_fills_caught_up_total", {}, id="fills-caught-up"),
    ],
)
def test_a_new_market_exports_its_counters_at_zero(name: str, labels: dict[str, str]) -> None:
    registry = CollectorRegistry()
    bot_metrics.BotMetrics(registry).zero_series(MARKET)
    assert registry.get_sample_value(name, {"market": MARKET, **labels}) == 0.0


def test_zero_series_of_another_market_leaves_the_first_alone() -> None:
    registry = CollectorRegistry()
    metrics = bot_metrics.BotMetrics(registry)
    metrics.zero_series(MARKET)
    metrics.order_actions.labels(MARKET, "place").inc()
    metrics.zero_series("other")
    labels = {"market": MARKET, "action": "place"}
    assert registry.get_sample_value("touchline_order_actions_total", labels) == 1.0
