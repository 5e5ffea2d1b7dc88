"""Prometheus metrics of one bot process (one or several markets), in base units.

A class taking a registry, so tests and the demo can run several bots in one process without
global state. Every series carries a ``market`` label. Prices and money are exported in dollars
(converted here, once, from the core's integers), sizes in contracts, durations in seconds.
"""

from __future__ import annotations

from typing import TypeVar, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from touchline_bot.core import units
from touchline_bot.core.types import MachineState, MatchPhase, Side

LATENCY_BUCKETS_SECS = (
    0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
    0.2, 0.5, 1.0, 2.0, 5.0,
)  # fmt: skip


def dollars(value: int) -> float:
    """Price (1/10,000 $) to dollars, for export only."""
    return value / units.PRICE_SCALE


def money_dollars(value: int) -> float:
    """Money (1/1,000,000 $) to dollars, for export only."""
    return value / units.MONEY_SCALE


ORDER_ACTIONS = ("place", "amend", "decrease", "cancel", "cancel_all")
"""The executor's action kinds (``touchline_order_actions_total{action}``)."""
REJECTION_REASONS = (
    "post_only_cross", "market_inactive", "rate_limited", "insufficient_balance", "unknown_order",
)  # fmt: skip
"""The usual venue refusals, pre-created at zero so rate panels and ratios have a series."""
PAUSE_REASONS = ("shock", "stale", "halted")
VENUES = ("kalshi", "polymarket")


def contracts(value: int) -> float:
    """Quantity (1/100 contract) to contracts, for export only."""
    return value / units.QTY_SCALE


MetricT = TypeVar("MetricT", Counter, Gauge, Histogram)


class BotMetrics:
    """Every series a bot exports; names are the contract with dashboards and alerts."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._children: dict[tuple[int, tuple[str, ...]], object] = {}
        m = ["market"]
        self.fair_price = Gauge(
            "touchline_fair_price_dollars", "Blended fair price of YES.", m, registry=registry
        )
        self.input_price = Gauge(
            "touchline_input_price_dollars",
            "Fair-price inputs by source.",
            [*m, "source"],
            registry=registry,
        )
        self.poly_weight = Gauge(
            "touchline_polymarket_weight_ratio",
            "Weight given to Polymarket in the fair price.",
            m,
            registry=registry,
        )
        self.quote_price = Gauge(
            "touchline_quote_price_dollars",
            "Our desired quote price (NaN when none).",
            [*m, "side"],
            registry=registry,
        )
        self.quote_size = Gauge(
            "touchline_quote_size_contracts",
            "Our desired quote size at the touch.",
            [*m, "side"],
            registry=registry,
        )
        self.quote_spread = Gauge(
            "touchline_quote_spread_dollars", "Ask minus bid of our quotes.", m, registry=registry
        )
        self.position = Gauge(
            "touchline_position_contracts", "Signed YES position.", m, registry=registry
        )
        self.exposure = Gauge(
            "touchline_exposure_dollars",
            "Worst-case exposure: position, resting and in-flight orders.",
            m,
            registry=registry,
        )
        self.exposure_limit = Gauge(
            "touchline_exposure_limit_dollars",
            "min(per-market limit, lease).",
            m,
            registry=registry,
        )
        self.pnl = Gauge(
            "touchline_pnl_dollars", "PnL marked at fair.", [*m, "kind"], registry=registry
        )
        self.fees = Counter("touchline_fees_dollars", "Fees paid.", m, registry=registry)
        self.fills = Counter(
            "touchline_fills", "Fills of our orders.", [*m, "side"], registry=registry
        )
        self.filled_contracts = Counter(
            "touchline_filled_contracts", "Contracts filled.", [*m, "side"], registry=registry
        )
        self.order_actions = Counter(
            "touchline_order_actions",
            "Order actions sent, by kind.",
            [*m, "action"],
            registry=registry,
        )
        self.rejections = Counter(
            "touchline_order_rejections",
            "Order actions the venue refused, by reason.",
            [*m, "reason"],
            registry=registry,
        )
        self.data_age = Gauge(
            "touchline_data_age_seconds",
            "Age of the newest data per venue.",
            [*m, "venue"],
            registry=registry,
        )
        self.state = Gauge(
            "touchline_state", "1 for the market's current state.", [*m, "state"], registry=registry
        )
        self.phase = Gauge(
            "touchline_phase",
            "1 for the market's current match phase.",
            [*m, "phase"],
            registry=registry,
        )
        self.pauses = Counter(
            "touchline_pauses",
            "Transitions into PAUSED, by reason.",
            [*m, "reason"],
            registry=registry,
        )
        self.shock_score = Gauge(
            "touchline_shock_score", "EWMA shock score of fair-price changes.", m, registry=registry
        )
        self.reconnects = Counter(
            "touchline_ws_reconnects", "WebSocket reconnects.", [*m, "venue"], registry=registry
        )
        self.sequence_gaps = Counter(
            "touchline_sequence_gaps", "Kalshi order book sequence gaps.", m, registry=registry
        )
        self.malformed = Counter(
            "touchline_malformed_frames",
            "Venue messages that could not be parsed.",
            [*m, "venue"],
            registry=registry,
        )
        self.rate_limited = Counter(
            "touchline_rate_limited",
            "HTTP 429 answers from a venue.",
            [*m, "venue"],
            registry=registry,
        )
        self.rate_tokens = Gauge(
            "touchline_rate_limit_tokens",
            "Client-side token bucket level.",
            [*m, "bucket"],
            registry=registry,
        )
        self.settlement_verified = Gauge(
            "touchline_settlement_verified",
            "1 when the Kalshi rules hash matches the configured one.",
            m,
            registry=registry,
        )
        self.lease_budget = Gauge(
            "touchline_lease_budget_dollars",
            "Notional budget granted by the risk service.",
            m,
            registry=registry,
        )
        self.lease_valid = Gauge(
            "touchline_lease_valid", "1 while the lease is current.", m, registry=registry
        )
        self.halted = Gauge(
            "touchline_halted", "1 while the fleet is halted.", m, registry=registry
        )
        self.fills_caught_up = Counter(
            "touchline_fills_caught_up",
            "Fills of ours the fill channel missed (the socket was down), found over REST.",
            m,
            registry=registry,
        )
        self.param_reloads = Counter(
            "touchline_param_reloads",
            "Parameter changes received, by source (file, http) and result (applied, refused).",
            [*m, "source", "result"],
            registry=registry,
        )
        self.params_version = Gauge(
            "touchline_params_info",
            "Parameter version in force (value 1).",
            [*m, "version"],
            registry=registry,
        )
        self.event_latency = Histogram(
            "touchline_event_to_decision_seconds",
            "From receiving an event to its decisions.",
            m,
            buckets=LATENCY_BUCKETS_SECS,
            registry=registry,
        )
        self.ack_latency = Histogram(
            "touchline_decision_to_ack_seconds",
            "From sending an order action to the venue's answer.",
            [*m, "action"],
            buckets=LATENCY_BUCKETS_SECS,
            registry=registry,
        )

    def at(self, metric: MetricT, *labels: str) -> MetricT:
        """``metric.labels(*labels)``, looked up once: the per-event export sets some twenty
        series, and prometheus-client's ``labels`` validates and locks on every call."""
        key = (id(metric), labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return cast(MetricT, child)

    def zero_series(self, market: str) -> None:
        """Create ``market``'s labelled counters at zero: a counter first seen at 1 has no
        ``rate``/``increase``, and a dashboard panel or alert on a series that does not exist
        yet shows no data instead of 0."""
        for action in ORDER_ACTIONS:
            self.order_actions.labels(market, action)
        for reason in REJECTION_REASONS:
            self.rejections.labels(market, reason)
        for side in Side:
            self.fills.labels(market, side.value)
            self.filled_contracts.labels(market, side.value)
        for reason in PAUSE_REASONS:
            self.pauses.labels(market, reason)
        for venue in VENUES:
            self.reconnects.labels(market, venue)
            self.malformed.labels(market, venue)
            self.rate_limited.labels(market, venue)
        self.fees.labels(market)
        self.sequence_gaps.labels(market)
        self.fills_caught_up.labels(market)
        for source in ("file", "http"):
            for result in ("applied", "refused"):
                self.param_reloads.labels(market, source, result)

    def set_state(self, market: str, state: MachineState) -> None:
        """One-hot state gauge."""
        for candidate in MachineState:
            self.at(self.state, market, candidate.value).set(1 if candidate is state else 0)

    def set_phase(self, market: str, phase: MatchPhase) -> None:
        """One-hot phase gauge."""
        for candidate in MatchPhase:
            self.at(self.phase, market, candidate.value).set(1 if candidate is phase else 0)
