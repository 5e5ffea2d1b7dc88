"""The operator's Prometheus metrics: reconcile duration and errors, markets by state and phase,
rollout progress. A class taking a registry, so tests run several operators without globals.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

RECONCILE_BUCKETS_SECS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class OperatorMetrics:
    """Every series the operator exports."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.reconcile_seconds = Histogram(
            "touchline_operator_reconcile_duration_seconds",
            "Time spent in one handler call.",
            ["handler"],
            buckets=RECONCILE_BUCKETS_SECS,
            registry=registry,
        )
        self.reconcile_errors = Counter(
            "touchline_operator_reconcile_errors_total",
            "Handler calls that failed, by handler and error class.",
            ["handler", "error"],
            registry=registry,
        )
        self.markets = Gauge(
            "touchline_operator_markets",
            "SoccerMarkets by the bot's reported state and match phase.",
            ["state", "phase"],
            registry=registry,
        )
        self.fleet_errors = Counter(
            "touchline_operator_fleet_config_errors_total",
            "Fleet settings refused as invalid (the last good ones stay in force).",
            registry=registry,
        )
        self.fleet_ignored = Counter(
            "touchline_operator_fleet_config_ignored_total",
            "ConfigMaps labelled touchline.dev/fleet=true that are not the one the operator's"
            " flags name: never read.",
            registry=registry,
        )
        self.rollout_markets = Gauge(
            "touchline_operator_rollout_markets",
            "Markets of the current rollout by progress (planned, done, deferred, failed).",
            ["progress"],
            registry=registry,
        )
        self.rollout_batches = Counter(
            "touchline_operator_rollout_batches_total",
            "Rollout batches finished, by outcome (healthy, failed).",
            ["outcome"],
            registry=registry,
        )
        self._seen_state_phase: set[tuple[str, str]] = set()

    def set_markets(self, states: Iterable[tuple[str, str]]) -> None:
        """Replace the markets-by-state-and-phase gauge from (state, phase) pairs."""
        counts = Tally(states)
        for key in self._seen_state_phase - set(counts):
            self.markets.labels(*key).set(0)
        for key, count in counts.items():
            self.markets.labels(*key).set(count)
        self._seen_state_phase |= set(counts)
