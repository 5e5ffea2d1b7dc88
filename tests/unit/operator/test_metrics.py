"""The operator's metrics: markets by state and phase replace, not accumulate."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from touchline_operator import metrics


def _value(registry: CollectorRegistry, state: str, phase: str) -> float | None:
    return registry.get_sample_value("touchline_operator_markets", {"state": state, "phase": phase})


def test_markets_gauge_counts_current_states_and_zeroes_vanished_ones() -> None:
    registry = CollectorRegistry()
    m = metrics.OperatorMetrics(registry)
    m.set_markets([("QUOTING", "PREMATCH"), ("QUOTING", "PREMATCH"), ("PAUSED", "INPLAY")])
    assert _value(registry, "QUOTING", "PREMATCH") == 2
    assert _value(registry, "PAUSED", "INPLAY") == 1
    m.set_markets([("DONE", "STOP_QUOTING")])
    assert _value(registry, "QUOTING", "PREMATCH") == 0
    assert _value(registry, "PAUSED", "INPLAY") == 0
    assert _value(registry, "DONE", "STOP_QUOTING") == 1


def test_reconcile_series_have_the_documented_names() -> None:
    registry = CollectorRegistry()
    m = metrics.OperatorMetrics(registry)
    m.reconcile_seconds.labels("ensure").observe(0.01)
    m.reconcile_errors.labels("ensure", "Transient").inc()
    assert (
        registry.get_sample_value(
            "touchline_operator_reconcile_duration_seconds_count", {"handler": "ensure"}
        )
        == 1
    )
    assert (
        registry.get_sample_value(
            "touchline_operator_reconcile_errors_total", {"handler": "ensure", "error": "Transient"}
        )
        == 1
    )
