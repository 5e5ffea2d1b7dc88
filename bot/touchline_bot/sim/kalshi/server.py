"""The aiohttp server: REST under ``/trade-api/v2``, WebSocket at ``/trade-api/ws/v2``, admin at
``/_sim``, and ``start_kalshi_sim`` to run it on loopback in-process.

The middleware applies, in order: injected latency and 5xx/429 faults, authentication (required
for ``/portfolio``; verified whenever headers are present elsewhere), the token buckets, time
(expiry and lifecycle), the handler, then publishes the exchange's events to WebSocket clients.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from touchline_bot.core import units
from touchline_bot.engine import clock
from touchline_bot.sim.kalshi import (
    admin,
    auth,
    errors,
    exchange,
    faults,
    httpkit,
    lifecycle,
    model,
    ratelimit,
    rest_market,
    rest_orders,
    rest_portfolio,
    state,
    takers,
    ws,
)
from touchline_bot.tasks import cancel_and_wait

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_CHEAP = {("DELETE", "order"), ("GET", "order")}


def _cost(request: web.Request) -> tuple[bool, int]:
    """(is_write, tokens) for a request; batches bill themselves per item."""
    route = request.match_info.route.resource
    canonical = route.canonical if route is not None else ""
    write = request.method != "GET" and "/portfolio/" in canonical
    if canonical.endswith("/batched"):
        return write, 0
    if canonical.endswith("{order_id}") and request.method in ("DELETE", "GET"):
        return write, ratelimit.CANCEL_COST
    return write, ratelimit.DEFAULT_COST


async def _guard(st: state.SimState, request: web.Request) -> None:
    if st.faults.latency_ms:
        await asyncio.sleep(st.faults.latency_ms / 1000)
    status = st.faults.take_rest_fault()
    if status == 503:
        raise errors.RejectedError(503, "service_unavailable", "simulated server error")
    if status == 429:
        raise errors.too_many_requests()
    needs_auth = request.path.startswith(state.API_PREFIX + "/portfolio")
    if needs_auth or auth.KEY_HEADER in request.headers:
        headers = {
            k: request.headers.get(k, "")
            for k in (auth.KEY_HEADER, auth.TIMESTAMP_HEADER, auth.SIGNATURE_HEADER)
        }
        request[state.USER_ID] = st.verifier.verify(
            headers, request.method, request.path, st.now_ms()
        )
    write, cost = _cost(request)
    who = request.get(state.USER_ID) or request.remote or "anonymous"
    if cost and not st.limiter.admit(who, write=write, cost=cost, now_ms=st.now_ms()):
        raise errors.too_many_requests()


@web.middleware
async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Faults, auth, rate limits and error rendering around every trade-API request."""
    if not request.path.startswith(state.API_PREFIX):
        return await handler(request)
    st = request.app[state.STATE]
    try:
        await _guard(st, request)
        st.tick()
        response = await handler(request)
    except errors.RejectedError as exc:
        if exc.code == "bad_request":
            st.garbled_requests += 1
            log.info(
                "refused a malformed request (%d so far): %s", st.garbled_requests, exc.message
            )
        st.flush()
        return httpkit.json(exc.body(), status=exc.status)
    st.flush()
    return response


async def websocket(request: web.Request) -> web.StreamResponse:
    """The WebSocket upgrade: authenticated like REST, with the signed path of the WS URL."""
    st = request.app[state.STATE]
    headers = {
        k: request.headers.get(k, "")
        for k in (auth.KEY_HEADER, auth.TIMESTAMP_HEADER, auth.SIGNATURE_HEADER)
    }
    try:
        user_id = st.verifier.verify(headers, "GET", request.url.raw_path, st.now_ms())
    except errors.RejectedError as exc:
        return httpkit.json(exc.body(), status=exc.status)
    return await st.hub.serve(request, user_id)


@dataclasses.dataclass(frozen=True)
class SimOptions:
    """Options of one simulator instance."""

    ping_interval_secs: float = 10.0
    timestamp_tolerance_ms: int = auth.DEFAULT_TOLERANCE_MS
    tier: ratelimit.Tier = ratelimit.BASIC
    rate_limits: bool = True
    default_balance: units.Money = state.DEFAULT_BALANCE


def build_app(
    options: SimOptions = SimOptions(), now_ms: Callable[[], int] = clock.now_ms
) -> web.Application:
    """A ready-to-run application with an empty exchange."""
    ex = exchange.Exchange()
    flt = faults.Faults()
    st = state.SimState(
        exchange=ex,
        verifier=auth.Verifier(tolerance_ms=options.timestamp_tolerance_ms),
        limiter=ratelimit.Limiter(options.tier, enabled=options.rate_limits),
        faults=flt,
        hub=ws.Hub(ex, flt, now_ms, ping_interval_secs=options.ping_interval_secs),
        now_ms=now_ms,
    )
    app = web.Application(middlewares=[middleware])
    app[state.STATE] = st
    for table in (rest_market.routes, rest_orders.routes, rest_portfolio.routes, admin.routes):
        app.add_routes(table)
    app.router.add_get(state.WS_PATH, websocket)
    return app


HOUSEKEEPING_INTERVAL_SECS = 0.1


async def _housekeeping(st: state.SimState) -> None:
    # Time acts even when nobody calls: expiries, closes and taker arrivals reach subscribers.
    while True:
        await asyncio.sleep(HOUSEKEEPING_INTERVAL_SECS)
        try:
            st.tick()
        except errors.RejectedError as exc:
            log.warning("housekeeping refused: %s", exc)


@dataclasses.dataclass
class RunningKalshiSim:
    """A simulator listening on loopback."""

    runner: web.AppRunner
    shared: state.SimState
    host: str
    port: int
    housekeeping: asyncio.Task[None]

    @property
    def base_url(self) -> str:
        """The REST base URL, e.g. ``http://127.0.0.1:PORT/trade-api/v2``."""
        return f"http://{self.host}:{self.port}{state.API_PREFIX}"

    @property
    def ws_url(self) -> str:
        """The WebSocket URL."""
        return f"ws://{self.host}:{self.port}{state.WS_PATH}"

    @property
    def root_url(self) -> str:
        """The server root (the admin API lives under ``/_sim``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def exchange(self) -> exchange.Exchange:
        """The matching engine (read state, or drive it in-process; call ``flush()`` after)."""
        return self.shared.exchange

    @property
    def faults(self) -> faults.Faults:
        """The armed faults."""
        return self.shared.faults

    def register_key(
        self, key_id: str, public_key_pem: bytes, balance: units.Money = state.DEFAULT_BALANCE
    ) -> None:
        """Accept ``key_id`` and open its account."""
        self.shared.register_key(key_id, public_key_pem, balance)

    def flush(self) -> None:
        """Publish events produced by in-process calls on ``exchange`` to WebSocket clients."""
        self.shared.flush()

    async def disconnect_websockets(self) -> None:
        """The disconnect fault: close every WebSocket connection now."""
        await self.shared.hub.close_all()

    def set_market_status(
        self, ticker: str, status: model.MarketStatus, *, result: str = ""
    ) -> None:
        """Pause, reactivate, close, determine or settle a market now (and publish it)."""
        lifecycle.set_status(self.exchange, ticker, status, self.shared.now_ms(), result=result)
        self.flush()

    def force_position(self, key_id: str, ticker: str, position: units.Qty) -> None:
        """Overwrite an account's position without a fill: a venue/bot position mismatch."""
        pos = self.exchange.accounts[key_id].position(ticker)
        pos.position = position
        pos.updated_ms = self.shared.now_ms()

    def start_takers(
        self, config: takers.TakerConfig, fair_price: takers.FairPrice, rng: random.Random
    ) -> takers.TakerFlow:
        """Run a taker flow against ``config.ticker`` (replacing any flow on that market)."""
        flow = takers.TakerFlow(self.exchange, config, fair_price, rng, self.shared.now_ms())
        self.shared.taker_flows[config.ticker] = flow
        return flow

    def stop_takers(self, ticker: str) -> None:
        """Stop the taker flow on ``ticker``."""
        self.shared.taker_flows.pop(ticker, None)

    async def stop(self) -> None:
        """Close connections and stop listening."""
        await cancel_and_wait(self.housekeeping)
        self.faults.freeze(False)
        await self.shared.hub.close_all(fault=False)
        await self.runner.cleanup()


async def start_kalshi_sim(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    options: SimOptions | None = None,
    now_ms: Callable[[], int] = clock.now_ms,
    **overrides: Any,
) -> RunningKalshiSim:
    """Start a simulator on ``host:port`` (port 0 picks a free one).

    ``overrides`` are ``SimOptions`` fields (``ping_interval_secs=1``, ``rate_limits=False``...)
    applied on top of ``options``.
    """
    app = build_app(dataclasses.replace(options or SimOptions(), **overrides), now_ms)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    log.info("Kalshi simulator listening on %s:%d", host, bound)
    st = app[state.STATE]
    task = asyncio.create_task(_housekeeping(st))
    return RunningKalshiSim(runner, st, host, int(bound), task)
