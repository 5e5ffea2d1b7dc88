"""Start the risk service in-process on loopback (demo, scenarios, tests) or as a process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from prometheus_client import CollectorRegistry

from touchline_bot.risk_service import auth, rules, server, service, store
from touchline_bot.risk_service import metrics as risk_metrics


@dataclass
class RunningRiskService:
    """A started service: its URL, its state and how to stop it."""

    base_url: str
    service: service.RiskService
    auth: auth.SharedSecretAuth
    registry: CollectorRegistry
    _runner: web.AppRunner

    async def stop(self) -> None:
        """Stop serving and the background tasks."""
        await self._runner.cleanup()


async def start_risk_service(
    *,
    limits: rules.AccountLimits,
    state_path: Path,
    secret: str,
    now_ms: Callable[[], int],
    host: str = "127.0.0.1",
    port: int = 0,
    options: service.ServiceOptions = service.ServiceOptions(),
    cancel_all: service.CancelAllFn | None = None,
    cancel_market: service.CancelMarketFn | None = None,
    positions: service.PositionsFn | None = None,
    loops: server.LoopOptions = server.LoopOptions(),
    first_start: bool = True,
) -> RunningRiskService:
    """Start the service; ``port=0`` picks a free port. ``first_start`` allows a missing state
    file (in-process callers — demo, scenarios, tests — start in a fresh directory; the
    ``touchline risk`` command passes its ``--first-start`` flag, off by default)."""
    registry = CollectorRegistry()
    svc = service.RiskService(
        limits=limits,
        durable=store.FileStore(state_path, first_start=first_start),
        metrics=risk_metrics.RiskMetrics(registry),
        now_ms=now_ms,
        options=options,
        cancel_all=cancel_all,
        cancel_market=cancel_market,
    )
    authenticator = auth.SharedSecretAuth(secret)
    base_url, runner = await serve(
        svc, authenticator, registry, host=host, port=port, positions=positions, loops=loops
    )
    return RunningRiskService(base_url, svc, authenticator, registry, runner)


async def serve(
    svc: service.RiskService,
    authenticator: auth.Authenticator,
    registry: CollectorRegistry,
    *,
    host: str,
    port: int,
    positions: service.PositionsFn | None = None,
    loops: server.LoopOptions = server.LoopOptions(),
) -> tuple[str, web.AppRunner]:
    """Serve an assembled service (local or cluster mode) on ``host:port``; returns its base URL
    and the runner whose ``cleanup()`` stops it. The service's state is restored before this
    returns."""
    app = server.build_app(svc, authenticator, registry, positions=positions, loops=loops)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    return f"http://{host}:{bound}", runner
