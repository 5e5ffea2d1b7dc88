"""Every metric name the project exports, read from the real registries."""

from __future__ import annotations

import importlib

from prometheus_client import CollectorRegistry

from touchline_bot.risk_service import metrics as risk_metrics
from touchline_bot.telemetry import metrics as bot_metrics

SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": ("",),
    "info": ("_info",),
}


def exported_names() -> set[str]:
    """Sample names (with their type suffixes) of the bot, the risk service and the operator."""
    registry = CollectorRegistry()
    bot_metrics.BotMetrics(registry)
    risk_metrics.RiskMetrics(registry)
    try:
        operator_metrics = importlib.import_module("touchline_operator.metrics")
    except ModuleNotFoundError:
        operator_metrics = None
    if operator_metrics is not None:
        operator_metrics.OperatorMetrics(registry)
    names: set[str] = set()
    for family in registry.collect():
        for suffix in SUFFIXES.get(family.type, ("",)):
            names.add(family.name + suffix)
    return names
