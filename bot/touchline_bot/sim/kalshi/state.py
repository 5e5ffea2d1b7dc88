"""Everything one running simulator shares between its REST, admin and WebSocket handlers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from aiohttp import web

from touchline_bot.core import units
from touchline_bot.sim.kalshi import (
    auth,
    exchange,
    faults,
    lifecycle,
    orders,
    ratelimit,
    takers,
    ws,
)

API_PREFIX = "/trade-api/v2"
WS_PATH = "/trade-api/ws/v2"
DEFAULT_BALANCE = units.money_from_dollars("10000")


@dataclasses.dataclass
class SimState:
    """The exchange plus the machinery around it (auth, limits, faults, WebSocket hub)."""

    exchange: exchange.Exchange
    verifier: auth.Verifier
    limiter: ratelimit.Limiter
    faults: faults.Faults
    hub: ws.Hub
    now_ms: Callable[[], int]
    garbled_requests: int = 0
    taker_flows: dict[str, takers.TakerFlow] = dataclasses.field(default_factory=dict)
    taker_fair: dict[str, dict[str, units.Price]] = dataclasses.field(default_factory=dict)
    """Fair prices of flows started over the admin API (moved by ``/_sim/takers/{t}/fair``)."""
    street_orders: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    """The other makers' resting orders placed over the admin API, by ticker."""

    def register_key(
        self, key_id: str, public_key_pem: bytes, balance: units.Money = DEFAULT_BALANCE
    ) -> None:
        """Accept ``key_id``'s signatures and give it an account with ``balance``."""
        self.verifier.register(key_id, public_key_pem)
        if key_id not in self.exchange.accounts:
            self.exchange.add_account(key_id, balance)

    def tick(self) -> None:
        """Let time act (markets open and close, orders expire, takers arrive), then publish."""
        now = self.now_ms()
        lifecycle.advance_clock(self.exchange, now)
        orders.expire(self.exchange, now)
        for flow in self.taker_flows.values():
            flow.step(now)
        self.flush()

    def flush(self) -> None:
        """Publish the exchange's pending events to WebSocket subscribers."""
        pending = list(self.exchange.outbox)
        self.exchange.outbox.clear()
        self.hub.publish(pending)


STATE: web.AppKey[SimState] = web.AppKey("kalshi_sim_state", SimState)
USER_ID: web.RequestKey[str] = web.RequestKey("kalshi_sim_user_id", str)
