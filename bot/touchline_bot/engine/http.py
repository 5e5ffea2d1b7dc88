"""The bot's HTTP endpoints: ``/healthz`` (the loop is alive), ``/readyz`` (fresh data and a
known state), ``/metrics`` (Prometheus), ``/state`` (JSON for people and the demo) and
``POST /params`` (hot reload of strategy parameters).

``POST /params`` changes what the bot may do with money, so it is closed unless asked for: it
answers only when a bearer token is configured (none: 404, the endpoint is off), only to that
token (compared in constant time), only ``application/json`` bodies and never a browser's
cross-origin request (an ``Origin`` header). The metrics port serves the read endpoints only.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from touchline_bot import jsonbody


@dataclass(frozen=True)
class Endpoints:
    """What the HTTP layer asks the bot."""

    registry: CollectorRegistry
    state: Callable[[], dict[str, Any]]
    ready: Callable[[], tuple[bool, str]]
    reload: Callable[[dict[str, Any], str], Awaitable[dict[str, str]]] | None = None
    """Apply parameter overrides on behalf of a caller (named for the audit log); returns each
    market's new parameter version (raises ValueError, naming the field, when the overrides
    do not validate)."""
    loop_lag_limit_secs: float = 5.0
    params_token: str | None = None
    """The bearer token ``POST /params`` requires; ``None`` turns the endpoint off."""


ENDPOINTS_KEY = web.AppKey("endpoints", Endpoints)


async def healthz(request: web.Request) -> web.Response:
    """Alive when the event loop schedules a callback promptly."""
    limit = request.app[ENDPOINTS_KEY].loop_lag_limit_secs
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.sleep(0)
    lag = loop.time() - started
    status = 200 if lag < limit else 503
    return web.json_response({"alive": status == 200, "loop_lag_secs": lag}, status=status)


async def readyz(request: web.Request) -> web.Response:
    """Ready when data is fresh and the state machine is in a known state."""
    ok, reason = request.app[ENDPOINTS_KEY].ready()
    return web.json_response({"ready": ok, "reason": reason}, status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text exposition."""
    body = generate_latest(request.app[ENDPOINTS_KEY].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def state(request: web.Request) -> web.Response:
    """State and reason, phase, fair price and inputs, quotes, orders, position, PnL, errors."""
    return web.json_response(request.app[ENDPOINTS_KEY].state())


async def params(request: web.Request) -> web.Response:
    """Hot reload: apply parameter overrides without a restart.

    The body has the shape of the configuration's ``params`` section (snake_case or camelCase),
    e.g. ``{"prematch": {"half_spread_base_dollars": "0.04"}}``, optionally with ``"market"``
    naming one market of a multi-market process. The answer is each market's new parameter
    version; overrides that do not validate, or that raise a limit above the configuration's
    (``config/ceilings.py``), are refused whole (400, naming the field)."""
    endpoints = request.app[ENDPOINTS_KEY]
    reload = endpoints.reload
    refusal = _refusal(request, endpoints.params_token)
    if refusal is not None or reload is None:
        return refusal or _error("hot reload is not enabled", 404)
    try:
        body = jsonbody.object_body(await request.read())
    except jsonbody.BodyError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    try:
        versions = await reload(body, f"http from {request.remote or 'unknown'}")
    except ValueError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response({"params_versions": versions})


def _error(message: str, status: int, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


def _refusal(request: web.Request, token: str | None) -> web.Response | None:
    """Why a ``POST /params`` is refused before its body is read; ``None``: it may proceed."""
    if token is None:
        return _error("parameter changes over HTTP are off (no token is configured)", 404)
    if not _bearer_matches(request.headers.get("Authorization", ""), token):
        challenge = {"WWW-Authenticate": 'Bearer realm="touchline"'}
        return _error("a valid bearer token is required", 401, challenge)
    if "Origin" in request.headers:
        return _error("cross-origin requests are refused", 403)
    if request.content_type != "application/json":
        return _error("the body must be application/json", 415)
    return None


def _bearer_matches(header: str, token: str) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time."""
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def build_app(endpoints: Endpoints, *, writable: bool = True) -> web.Application:
    """The aiohttp application; without ``writable`` (the metrics port) only the reads."""
    app = web.Application()
    app[ENDPOINTS_KEY] = endpoints
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/state", state)
    if writable:
        app.router.add_post("/params", params)
    return app


async def serve(
    endpoints: Endpoints, *, host: str, port: int, writable: bool = True
) -> tuple[web.AppRunner, int]:
    """Start serving; returns the runner (for cleanup) and the bound port."""
    runner = web.AppRunner(build_app(endpoints, writable=writable), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner, int(runner.addresses[0][1])
