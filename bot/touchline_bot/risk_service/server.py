"""The risk service's HTTP API (aiohttp).

``POST /v1/reports`` (a bot, for its own market) → lease; ``GET /v1/state``; ``POST /v1/halt``
and ``POST /v1/reset`` (administrator); ``GET /metrics``; ``GET /healthz``. Background tasks
enforce the halt (last-resort cancel-all) and cross-check positions with the venue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from touchline_bot import jsonbody
from touchline_bot.core import units
from touchline_bot.risk_service import auth, service, wire
from touchline_bot.tasks import stop_all

log = logging.getLogger(__name__)

SERVICE_KEY = web.AppKey("service", service.RiskService)
AUTH_KEY = web.AppKey("auth", auth.Authenticator)
REGISTRY_KEY = web.AppKey("registry", CollectorRegistry)
MAX_HALT_REASON_CHARS = 1024
"""What the RiskPolicy status keeps of a reason; a longer one is refused, not cut."""


async def _principal(request: web.Request) -> auth.Principal:
    authenticator = request.app[AUTH_KEY]
    return await authenticator.authenticate(request.headers.get("Authorization"))


@web.middleware
async def _auth_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except auth.AuthError as exc:
        request.app[SERVICE_KEY].metrics.auth_failures.labels(str(exc.status)).inc()
        return web.json_response({"error": str(exc)}, status=exc.status)
    except wire.WireError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    except service.TickerNotYoursError as exc:
        return web.json_response({"error": str(exc)}, status=403)
    except service.StateNotDurableError:
        # Fail closed: nothing that depends on unsaved state is answered (docs/risk-service.md).
        return web.json_response({"error": "risk state not durable"}, status=503)


async def post_report(request: web.Request) -> web.Response:
    """A bot reports and receives its lease."""
    principal = await _principal(request)
    svc = request.app[SERVICE_KEY]
    try:
        body = jsonbody.loads(await request.read())
    except jsonbody.BodyError as exc:
        raise wire.WireError(str(exc)) from exc
    report, ticker = wire.report_from_json(body, ts_ms=svc.now_ms())
    auth.require_market(principal, report.market_id)
    lease = await svc.report(report, ticker)
    reply = wire.reply_to_json(lease, svc.ledger.halt, ttl_ms=svc.limits.lease_ttl_ms)
    return web.json_response(reply)


async def get_state(request: web.Request) -> web.Response:
    """The ledger as JSON, for people and the demo."""
    await _principal(request)
    svc = request.app[SERVICE_KEY]
    await svc.ensure_durable()
    ledger = svc.ledger
    return web.json_response(
        {
            "halted": ledger.halt.halted,
            "halt_reason": ledger.halt.reason,
            "high_water_mark_dollars": units.format_money(ledger.high_water_mark),
            "leases": {
                m: {"budget_dollars": units.format_money(lease.budget)}
                for m, lease in ledger.leases.items()
            },
        }
    )


async def post_halt(request: web.Request) -> web.Response:
    """An administrator halts the fleet."""
    auth.require_admin(await _principal(request))
    try:
        body = jsonbody.object_body(await request.read(), empty_ok=True)
    except jsonbody.BodyError as exc:
        raise wire.WireError(str(exc)) from exc
    reason = body.get("reason", "halted by an administrator")
    if not isinstance(reason, str) or not 0 < len(reason) <= MAX_HALT_REASON_CHARS:
        raise wire.WireError(f"reason must be a string of 1 to {MAX_HALT_REASON_CHARS} characters")
    await request.app[SERVICE_KEY].halt(reason)
    return web.json_response({"halted": True})


async def post_reset(request: web.Request) -> web.Response:
    """An administrator resets the halt."""
    auth.require_admin(await _principal(request))
    await request.app[SERVICE_KEY].reset()
    return web.json_response({"halted": False})


async def get_metrics(request: web.Request) -> web.Response:
    """Prometheus exposition."""
    request.app[SERVICE_KEY].export_ages()
    body = generate_latest(request.app[REGISTRY_KEY])
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def get_healthz(_: web.Request) -> web.Response:
    """The loop is alive."""
    return web.json_response({"ok": True})


@dataclass(frozen=True, slots=True)
class LoopOptions:
    """Background task periods."""

    enforce_every_secs: float = 0.1
    crosscheck_every_secs: float = 30.0


SILENT_SWEEP_SECS = 1.0
"""How often the dead-man's switch looks for silent bots (it walks every market)."""


async def _enforce_loop(svc: service.RiskService, every_secs: float) -> None:
    loop = asyncio.get_running_loop()
    swept = loop.time() - SILENT_SWEEP_SECS
    while True:
        try:
            await svc.enforce_halt()
        except Exception:
            log.exception("last-resort cancel-all failed; will retry")
        if loop.time() - swept >= SILENT_SWEEP_SECS:
            swept = loop.time()
            try:
                await svc.cancel_silent()
            except Exception:
                log.exception("cancelling a silent bot's orders failed; will retry")
        await asyncio.sleep(every_secs)


async def _crosscheck_loop(
    svc: service.RiskService, positions: service.PositionsFn, every_secs: float
) -> None:
    while True:
        await asyncio.sleep(every_secs)
        try:
            await svc.crosscheck(await positions())
        except Exception:
            log.exception("position cross-check failed; will retry")


def build_app(
    svc: service.RiskService,
    authenticator: auth.Authenticator,
    registry: CollectorRegistry,
    *,
    positions: service.PositionsFn | None = None,
    loops: LoopOptions = LoopOptions(),
) -> web.Application:
    """The aiohttp application with its background tasks."""
    app = web.Application(middlewares=[_auth_errors])
    app[SERVICE_KEY] = svc
    app[AUTH_KEY] = authenticator
    app[REGISTRY_KEY] = registry
    app.router.add_post("/v1/reports", post_report)
    app.router.add_get("/v1/state", get_state)
    app.router.add_post("/v1/halt", post_halt)
    app.router.add_post("/v1/reset", post_reset)
    app.router.add_get("/metrics", get_metrics)
    app.router.add_get("/healthz", get_healthz)

    async def background(_: web.Application) -> AsyncIterator[None]:
        await svc.start()
        tasks = [asyncio.create_task(_enforce_loop(svc, loops.enforce_every_secs))]
        if positions is not None:
            tasks.append(
                asyncio.create_task(_crosscheck_loop(svc, positions, loops.crosscheck_every_secs))
            )
        yield
        await stop_all(tasks, log)

    app.cleanup_ctx.append(background)
    return app
