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
    return {name for names in exported_families().values() for name in names}


def exported_families() -> dict[str, set[str]]:
    """Each exported metric family (by its exposition name) and its sample names."""
    registry = CollectorRegistry()
    bot_metrics.BotMetrics(registry)
    risk_metrics.RiskMetrics(registry)
    try:
        operator_metrics = importlib.import_module("touchline_operator.metrics")
    except ModuleNotFoundError:
        operator_metrics = None
    if operator_metrics is not None:
        operator_metrics.OperatorMetrics(registry)
    return {
        family.name: {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
        for family in registry.collect()
    }
