"""Holds one market's core state, runs core steps, and describes the state to the outside:
metrics, the ``/state`` document, the risk-service report and the ``SoccerMarket`` status.

Everything here reads the immutable ``BotState``; the only mutation is replacing it with the
result of ``transition``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from touchline_bot.core import decisions, events, match_phase, risk, transition, units
from touchline_bot.core.types import MachineState, MatchPhase, Side, Venue
from touchline_bot.risk_service import rules
from touchline_bot.telemetry import metrics as bot_metrics

_ERRORS_KEPT = 20
EXPORT_EVERY_MS = 200
"""Clock time between two refreshes of a market's gauges."""


def _fmt(price: int | None) -> str | None:
    return None if price is None else units.format_dollars(price)


@dataclass
class MarketHost:
    """One market: its state and its descriptions."""

    market_id: str
    state: transition.BotState
    metrics: bot_metrics.BotMetrics | None = None
    settlement_ok: bool = True
    settlement_message: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    _exported_ms: int = field(default=-EXPORT_EVERY_MS, repr=False)
    _exported_state: MachineState | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.metrics is not None:
            self.metrics.zero_series(self.market_id)

    @property
    def machine_state(self) -> MachineState:
        """The state machine's state."""
        return self.state.machine.state

    def step(self, event: events.Event) -> tuple[decisions.Decision, ...]:
        """One core step; rejections are remembered for ``/state``, fills and pauses counted."""
        fills_before = self.state.fills_seen
        self.state, batch = transition.transition(self.state, event)
        if isinstance(event, events.OrderRejected):
            self.errors = [
                *self.errors[-_ERRORS_KEPT + 1 :],
                {"ts_ms": event.ts_ms, "order": event.client_order_id, "reason": event.reason},
            ]
            if self.metrics is not None:
                self.metrics.rejections.labels(self.market_id, event.reason).inc()
        if self.metrics is not None:
            self._count(event, batch, applied=self.state.fills_seen > fills_before)
        return batch

    def _count(
        self, event: events.Event, batch: tuple[decisions.Decision, ...], *, applied: bool
    ) -> None:
        m, mid = self.metrics, self.market_id
        assert m is not None
        if isinstance(event, events.OrderFilled) and applied:
            m.fills.labels(mid, event.side.value).inc()
            m.filled_contracts.labels(mid, event.side.value).inc(bot_metrics.contracts(event.qty))
            m.fees.labels(mid).inc(bot_metrics.money_dollars(event.fee))
        for decision in batch:
            if (
                isinstance(decision, decisions.StateChanged)
                and decision.state is MachineState.PAUSED
            ):
                m.pauses.labels(mid, decision.reason).inc()

    def phase(self) -> MatchPhase:
        """The match phase at the state's time."""
        s = self.state
        return match_phase.phase_at(
            s.now_ms,
            kickoff_ms=s.market.kickoff_ms,
            scheduled_end_ms=s.market.scheduled_end_ms,
            stop_before_end_ms=s.params.timing.stop_quoting_before_end_ms,
        )

    def exposure(self) -> units.Money:
        """Worst-case exposure: the larger side."""
        sides = risk.exposure(self.state.live, self.state.position)
        return units.Money(max(sides.values()))

    def exposure_limit(self) -> units.Money:
        """The limit in force: min(per-market, account, lease)."""
        s = self.state
        return risk.limit(
            s.params.risk,
            lease=s.limits.lease_budget,
            lease_valid=risk.lease_valid(s.limits, s.now_ms),
        )

    def pnl(self) -> tuple[units.Money, units.Money]:
        """(realized, unrealized at fair)."""
        s = self.state
        fair = s.fair.price if s.fair is not None else None
        unreal = risk.unrealized(s.position, fair) if fair is not None and s.position.qty else 0
        return s.limits.realized_pnl, units.Money(unreal)

    def quotes(self) -> dict[Side, units.Price | None]:
        """Our best resting (or pending) price per side."""
        best: dict[Side, units.Price | None] = {Side.BID: None, Side.ASK: None}
        for order in self.state.live.values():
            current = best[order.side]
            better = current is None or (
                order.price > current if order.side is Side.BID else order.price < current
            )
            if better:
                best[order.side] = order.price
        return best

    def data_age_ms(self, venue: Venue, now_ms: int) -> int | None:
        """How old the newest data of ``venue`` is."""
        ts = self.state.kalshi_ts_ms if venue is Venue.KALSHI else self.state.poly_ts_ms
        return None if ts == 0 else max(0, now_ms - ts)

    def describe(self, now_ms: int) -> dict[str, Any]:
        """The ``/state`` document."""
        s = self.state
        realized, unrealized = self.pnl()
        quotes = self.quotes()
        fair = s.fair
        return {
            "market": self.market_id,
            "ticker": s.market.ticker,
            "state": s.machine.state.value,
            "reason": s.machine.reason,
            "phase": self.phase().value,
            "mode": s.mode.value,
            "halted": s.halted,
            "params_version": s.params_version,
            "settlement": {"verified": self.settlement_ok, "message": self.settlement_message},
            "fair": None if fair is None else {
                "price": _fmt(fair.price), "kalshi_micro": _fmt(fair.kalshi_micro),
                "poly_mid": _fmt(fair.poly_mid), "poly_spread": _fmt(fair.poly_spread),
                "poly_weight": fair.poly_weight_bps / 10_000, "reason": fair.reason,
            },
            "shock_score": s.shock_state.score,
            "quotes": {"bid": _fmt(quotes[Side.BID]), "ask": _fmt(quotes[Side.ASK])},
            "live_orders": [
                {"client_order_id": o.client_order_id, "side": o.side.value,
                 "price": _fmt(o.price), "qty": units.format_count(o.qty),
                 "status": o.status.value}
                for o in s.live.values()
            ],
            "position_contracts": units.format_count(s.position.qty),
            "exposure_dollars": units.format_money(self.exposure()),
            "exposure_limit_dollars": units.format_money(self.exposure_limit()),
            "pnl": {"realized_dollars": units.format_money(realized),
                    "unrealized_dollars": units.format_money(unrealized)},
            "data_age_ms": {v.value: self.data_age_ms(v, now_ms) for v in Venue},
            "last_errors": list(self.errors),
        }  # fmt: skip

    def report(self, ts_ms: int) -> rules.BotReport:
        """What the global risk service is told."""
        realized, unrealized = self.pnl()
        resting = len(self.state.live)
        return rules.BotReport(
            market_id=self.market_id,
            ts_ms=ts_ms,
            position_qty=self.state.position.qty,
            exposure=self.exposure(),
            realized_pnl=realized,
            unrealized_pnl=units.Money(unrealized),
            resting_orders=resting,
            halted_ack=self.state.halted and resting == 0,
        )

    def status(self) -> dict[str, Any]:
        """The ``status.bot`` summary of the SoccerMarket (strings, as the CRD declares)."""
        quotes = self.quotes()
        realized, unrealized = self.pnl()
        fair = self.state.fair
        return {
            "state": self.machine_state.value,
            "phase": self.phase().value,
            "fair": _fmt(fair.price) if fair else "",
            "bid": _fmt(quotes[Side.BID]) or "",
            "ask": _fmt(quotes[Side.ASK]) or "",
            "position": units.format_count(self.state.position.qty),
            "pnlDollars": units.format_money(realized + unrealized),
            "paramsVersion": self.state.params_version,
            "settlementVerified": self.settlement_ok,
            "settlementMessage": self.settlement_message,
            "ordersCancelled": len(self.state.live) == 0
            and self.machine_state
            in (MachineState.DONE, MachineState.STOPPED, MachineState.PAUSED),
            "reason": self.state.machine.reason,
        }

    def export(self, now_ms: int, step_secs: float | None = None) -> None:
        """Refresh this market's metrics: the step's latency every time, the gauges at most
        every ``EXPORT_EVERY_MS`` of the clock or when the state machine moves (a market sees
        hundreds of events a second in play; scrapes come every few seconds, and the bot's
        heartbeat steps every market twice a second, so a gauge is never older than that)."""
        m = self.metrics
        if m is None:
            return
        mid, s = self.market_id, self.state
        if step_secs is not None:
            m.at(m.event_latency, mid).observe(step_secs)
        if now_ms - self._exported_ms < EXPORT_EVERY_MS and s.machine.state is self._exported_state:
            return
        self._exported_ms, self._exported_state = now_ms, s.machine.state
        m.set_state(mid, s.machine.state)
        m.set_phase(mid, self.phase())
        if s.fair is not None:
            m.at(m.fair_price, mid).set(bot_metrics.dollars(s.fair.price))
            m.at(m.poly_weight, mid).set(s.fair.poly_weight_bps / 10_000)
            for source, value in (
                ("polymarket_mid", s.fair.poly_mid),
                ("kalshi_micro", s.fair.kalshi_micro),
            ):
                if value is not None:
                    m.at(m.input_price, mid, source).set(bot_metrics.dollars(value))
        quotes = self.quotes()
        for side, price in quotes.items():
            m.at(m.quote_price, mid, side.value).set(
                float("nan") if price is None else bot_metrics.dollars(price)
            )
        bid, ask = quotes[Side.BID], quotes[Side.ASK]
        m.at(m.quote_spread, mid).set(
            float("nan") if bid is None or ask is None else bot_metrics.dollars(ask - bid)
        )
        m.at(m.position, mid).set(bot_metrics.contracts(s.position.qty))
        m.at(m.exposure, mid).set(bot_metrics.money_dollars(self.exposure()))
        m.at(m.exposure_limit, mid).set(bot_metrics.money_dollars(self.exposure_limit()))
        realized, unrealized = self.pnl()
        m.at(m.pnl, mid, "realized").set(bot_metrics.money_dollars(realized))
        m.at(m.pnl, mid, "unrealized").set(bot_metrics.money_dollars(unrealized))
        m.at(m.shock_score, mid).set(s.shock_state.score)
        for venue in Venue:
            age = self.data_age_ms(venue, now_ms)
            if age is not None:
                m.at(m.data_age, mid, venue.value).set(age / 1000)
        m.at(m.settlement_verified, mid).set(1 if self.settlement_ok else 0)
        m.at(m.lease_budget, mid).set(bot_metrics.money_dollars(s.limits.lease_budget or 0))
        m.at(m.lease_valid, mid).set(1 if risk.lease_valid(s.limits, s.now_ms) else 0)
        m.at(m.halted, mid).set(1 if s.halted else 0)
