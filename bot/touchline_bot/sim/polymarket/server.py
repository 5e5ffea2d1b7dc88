"""Start and stop the simulated Polymarket on loopback: one aiohttp server serving the CLOB at
the root, the market WebSocket at ``/ws/market`` and Gamma under ``/gamma``.

    sim = await start_polymarket_sim(port=0)
    ClobClient(sim.clob_url).get_order_book(token)   # py-clob-client works unchanged
    sim.set_fair(token, units.Price(4300)); sim.faults.frozen = True; await sim.stop()
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from aiohttp import web

from touchline_bot import tasks
from touchline_bot.core import units
from touchline_bot.engine import clock
from touchline_bot.sim.polymarket import clob, faults, gamma, state, ws

GAMMA_PREFIX = "/gamma"


@dataclass
class RunningPolySim:
    """A running simulator: its URLs, its books, its fault switches."""

    clob_url: str
    ws_url: str
    gamma_url: str
    state: state.SimState
    faults: faults.Faults
    catalog: gamma.Catalog
    hub: ws.Hub
    _runner: web.AppRunner
    _drivers: list[asyncio.Task[None]] = field(default_factory=list)

    def set_fair(self, token: str, price: units.Price) -> None:
        """Move the liquidity ladder of ``token`` (and its complement) to ``price``."""
        self.state.set_fair(token, price)

    def drive(
        self,
        paths: Mapping[str, Callable[[float], units.Price]],
        *,
        step_ms: int = 250,
        speed: float = 1.0,
    ) -> None:
        """Follow fair-price paths (token → price at elapsed scenario seconds) in the
        background, every ``step_ms`` of real time; ``speed`` compresses scenario time."""
        self._drivers.append(asyncio.create_task(self._drive(dict(paths), step_ms, speed)))

    async def _drive(
        self, paths: dict[str, Callable[[float], units.Price]], step_ms: int, speed: float
    ) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        while True:
            elapsed_secs = (loop.time() - started) * speed
            for token, path in paths.items():
                self.state.set_fair(token, path(elapsed_secs))
            await asyncio.sleep(step_ms / 1000)

    async def disconnect(self) -> int:
        """Drop every WebSocket connection; returns how many were open."""
        return await self.hub.disconnect_all()

    async def stop(self) -> None:
        """Stop the drivers and the server."""
        for task in self._drivers:
            await tasks.cancel_and_wait(task)
        await self.hub.disconnect_all()
        await self._runner.cleanup()


def build_app(
    sim_state: state.SimState, sim_faults: faults.Faults, catalog: gamma.Catalog
) -> tuple[web.Application, ws.Hub]:
    """The aiohttp application of the whole simulated venue."""
    app = web.Application(middlewares=[clob.fault_middleware])
    app[clob.STATE_KEY] = sim_state
    app[clob.FAULTS_KEY] = sim_faults
    app[gamma.CATALOG_KEY] = catalog
    hub = ws.Hub(sim_state, sim_faults)
    app.router.add_get("/ws/market", hub.handle)
    clob.add_routes(app)
    gamma.add_routes(app, GAMMA_PREFIX)
    return app, hub


async def start_polymarket_sim(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    now_ms: Callable[[], int] = clock.now_ms,
    ladder: state.Ladder | None = None,
) -> RunningPolySim:
    """Start the simulator; ``port=0`` picks a free port (read it back from the URLs)."""
    sim_state = state.SimState(now_ms, ladder or state.Ladder())
    sim_faults = faults.Faults()
    catalog = gamma.Catalog()
    app, hub = build_app(sim_state, sim_faults, catalog)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    base = f"http://{host}:{bound_port}"
    return RunningPolySim(
        clob_url=base,
        ws_url=f"ws://{host}:{bound_port}/ws/market",
        gamma_url=base + GAMMA_PREFIX,
        state=sim_state,
        faults=sim_faults,
        catalog=catalog,
        hub=hub,
        _runner=runner,
    )
