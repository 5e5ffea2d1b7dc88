"""One bot process: every market of a configuration (the seed's single-process mode) or the
one market of a pod, wired from the venues to the core and back.

Startup prepares each market on the venue (settlement check, grid and fees, orphan cleanup,
position), then runs: one Kalshi stream and one Polymarket feed shared by the markets, a runner
per market, a heartbeat that refreshes book freshness and metrics, the lease loop when a risk
service is configured, the config watcher for hot reload, and the HTTP endpoints. Shutdown (a
signal, a lost lease, the end of a demo) stops quoting, cancels every order of each market,
confirms with the venue, and returns within the grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from touchline_bot import config, tasks
from touchline_bot.config import ceilings, convert, document, overrides
from touchline_bot.config import params as config_params
from touchline_bot.core import events, transition, units
from touchline_bot.core import params as core_params
from touchline_bot.core.types import Mode, Venue
from touchline_bot.engine import (
    audit,
    kalshi_feed,
    kalshi_gateway,
    lease,
    local_risk,
    marketlock,
    poly_feed,
    runner,
    startup,
    waiting,
    wiring,
)
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import executor as engine_executor
from touchline_bot.engine import host as engine_host
from touchline_bot.engine import http as engine_http
from touchline_bot.engine import reload as engine_reload
from touchline_bot.risk_service import client as risk_client
from touchline_bot.risk_service import rules
from touchline_bot.telemetry import metrics as bot_metrics
from touchline_bot.venues.kalshi import stream as kalshi_stream
from touchline_bot.venues.polymarket import feed as pm_feed
from touchline_bot.venues.polymarket import polling, store

log = logging.getLogger(__name__)
DRAIN_MIN_SECS = 0.5
"""What order actions still in flight get at shutdown once the grace period is spent."""


@dataclass(frozen=True)
class AppOptions:
    """How the process runs beyond its markets and venues."""

    http_host: str = "127.0.0.1"
    http_port: int | None = 8080
    risk_url: str | None = None
    risk_token: risk_client.Token | None = None
    config_path: Path | None = None
    config_dir: Path | None = None
    """A pod's ConfigMap directory: hot reload watches its ``params.json`` instead."""
    metrics_port: int | None = None
    """A second port serving the read endpoints (the pod's metrics port)."""
    params_token: str | None = None
    """The bearer token ``POST /params`` requires; ``None``: parameter changes over HTTP off."""
    shutdown_grace_secs: float = 10.0
    flatten_on_shutdown: bool = False
    order_group_contracts: units.Qty | None = None
    heartbeat_sim_ms: int = 500
    lease_interval_sim_ms: int = 1_000
    start_backoff: waiting.Backoff = field(default_factory=waiting.Backoff)
    """Between start attempts while a venue cannot be reached."""
    lock_dir: Path | None = None
    """Where the per-market locks live (``marketlock.default_dir()`` when unset)."""
    order_deadline_secs: float = 10.0
    """An order action not answered within this is abandoned and settled by asking the venue
    what rests; the bot is not ready, and adds no exposure, until it is."""


@dataclass
class Market:
    """One market's moving parts."""

    resolved: document.ResolvedMarket
    host: engine_host.MarketHost
    executor: engine_executor.Executor
    runner: runner.MarketRunner
    gateway: kalshi_gateway.KalshiGateway
    settling: asyncio.Task[bool] | None = None
    """The periodic settle in progress, if any."""


@dataclass
class BotApp:
    """Runs a set of markets until shut down."""

    markets_config: tuple[document.ResolvedMarket, ...]
    where: wiring.Endpoints
    clock: engine_clock.Clock
    options: AppOptions = AppOptions()
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    markets: dict[str, Market] = field(default_factory=dict)
    venues: wiring.Venues | None = None
    stream: kalshi_stream.KalshiStream | None = None
    http_port: int | None = None
    kfeed: kalshi_feed.KalshiFeed = field(init=False)
    signals: store.SignalStore = field(init=False)
    plink: poly_feed.PolymarketLink = field(init=False)
    pfeed: pm_feed.PolymarketFeed = field(init=False)
    _seen_stats: dict[str, int] = field(default_factory=dict)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _catch_up: asyncio.Task[None] | None = None
    _catch_up_again: bool = False
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _locks: marketlock.MarketLocks | None = None
    account_risk: local_risk.LocalRisk | None = None
    """The in-process account ledger when no risk service is configured."""
    _http: Any = None
    _stopped: asyncio.Event = field(default_factory=asyncio.Event)
    _params: dict[str, config_params.Params] = field(default_factory=dict)
    """Each market's parameters in force, in configuration units (the base of overrides)."""
    _ceilings: dict[str, config_params.Params] = field(default_factory=dict)
    """Each market's parameters as its file or ConfigMap last set them: no limit set over HTTP
    may exceed theirs (``config/ceilings.py``)."""

    def __post_init__(self) -> None:
        self.metrics = bot_metrics.BotMetrics(self.registry)
        self._waits = waiting.WaitMetrics(self.registry)

    # ------------------------------------------------------------------ startup

    async def start(self) -> None:
        """Serve the endpoints, prepare every market on the venue — waiting, not ready, while a
        venue cannot be reached (``waiting.py``) — and start every task. A start that fails or
        is cancelled stops what it started and closes what it opened (endpoints, sessions)."""
        try:
            self._lock_markets()
            await self._serve_endpoints()
            await waiting.until_reachable(
                self._prepare,
                self._abandon,
                self._waits,
                backoff=self.options.start_backoff,
                random_fn=engine_clock.system_random().random,
            )
            assert self.venues is not None  # _prepare made them
            self._start_feeds(self.venues)
            for market in self.markets.values():
                self._tasks.append(asyncio.create_task(market.runner.run()))
            self._tasks.append(asyncio.create_task(self._heartbeat()))
            self._start_leases()
            self._start_reload()
        except BaseException:
            await self._stop_tasks()
            raise

    def _lock_markets(self) -> None:
        """One process per market on this machine (``marketlock.py``): refused before anything
        is served or sent when another process holds one of ours. A pod (``config_dir``) has
        its market's Lease instead, and a read-only filesystem."""
        if self.options.config_dir is not None:
            return
        self._locks = marketlock.MarketLocks(self.options.lock_dir or marketlock.default_dir())
        for resolved in self.markets_config:
            self._locks.acquire(self.where.kalshi_rest, resolved.market.id, resolved.spec.ticker)

    async def _prepare(self) -> None:
        self.venues = wiring.connect(self.where, clock=self.clock)
        for resolved in self.markets_config:
            self.markets[resolved.market.id] = await self._build(resolved, self.venues)

    async def _abandon(self) -> None:
        """Undo a failed ``_prepare``: no market, and no open connection (no leaked sessions)."""
        self.markets.clear()
        if self.venues is not None:
            await self.venues.aclose()
            self.venues = None

    async def _serve_endpoints(self) -> None:
        endpoints = engine_http.Endpoints(
            registry=self.registry, state=self.describe, ready=self.ready, reload=self.reload,
            params_token=self.options.params_token,
        )  # fmt: skip
        if self.options.http_port is not None:
            self._http, self.http_port = await engine_http.serve(
                endpoints, host=self.options.http_host, port=self.options.http_port
            )
        if self.options.metrics_port is not None and self.options.metrics_port != self.http_port:
            metrics_http, _ = await engine_http.serve(
                endpoints, host=self.options.http_host, port=self.options.metrics_port,
                writable=False,
            )  # fmt: skip
            self._closers.append(metrics_http.cleanup)

    async def _build(self, resolved: document.ResolvedMarket, venues: wiring.Venues) -> Market:
        spec = resolved.spec
        gateway = kalshi_gateway.KalshiGateway(
            venues.kalshi.trading, venues.kalshi.portfolio, spec.ticker
        )
        prepared = await startup.prepare(
            spec,
            rules_hash=resolved.market.settlement_equivalence.rules_hash,
            data=venues.kalshi.markets,
            gateway=gateway,
            positions=venues.kalshi.portfolio,
            trading_api=venues.kalshi.trading,
            order_group_contracts=self.options.order_group_contracts,
        )
        gateway.order_group_id = prepared.order_group_id
        now = self.clock.now_ms()
        # Client ids must never repeat across restarts (Kalshi refuses a reused id, and a late
        # fill of a previous run's order must not count as one of ours): a per-run session tag
        # follows the market's prefix, which orphan cleanup still matches.
        session = secrets.token_hex(2)
        spec = dataclasses.replace(
            prepared.spec, client_order_prefix=f"{prepared.spec.client_order_prefix}{session}"
        )
        host = engine_host.MarketHost(
            market_id=resolved.market.id,
            state=transition.initial(spec, resolved.strategy, now_ms=now),
            metrics=self.metrics,
            settlement_ok=prepared.settlement_ok,
            settlement_message=prepared.settlement_message,
        )
        exe = engine_executor.Executor(
            venue=gateway,
            emit=_discard,
            now_ms=self.clock.now_ms,
            monotonic_ns=engine_clock.monotonic_ns,
            client_order_prefix=prepared.spec.client_order_prefix,
            observe=self._observer(resolved.market.id),
            live=lambda: host.state.live,
            deadline_ns=int(self.options.order_deadline_secs * 1e9),
        )
        run = runner.MarketRunner(
            market_id=resolved.market.id,
            step=host.step,
            executor=exe,
            clock=self.clock,
            monotonic_ns=engine_clock.monotonic_ns,
            observe=self._step_observer(host),
        )
        exe.emit = run.submit
        run.submit(events.PositionSynced(now, prepared.position_qty, prepared.cost_basis))
        if not prepared.settlement_ok:
            run.submit(events.ModeChanged(now, Mode.PAUSED))
        return Market(resolved, host, exe, run, gateway)

    def _step_observer(self, host: engine_host.MarketHost) -> runner.Observer:
        def observe(_event: events.Event, _batch: object, secs: float) -> None:
            host.export(self.clock.now_ms(), secs)

        return observe

    def _observer(self, market_id: str) -> engine_executor.ActionObserver:
        def observe(kind: str, secs: float, outcome: str) -> None:
            self.metrics.order_actions.labels(market_id, kind).inc()
            self.metrics.ack_latency.labels(market_id, kind).observe(secs)
            if outcome == "rate_limited":
                self.metrics.rate_limited.labels(market_id, "kalshi").inc()

        return observe

    def _start_feeds(self, venues: wiring.Venues) -> None:
        tickers = [m.resolved.spec.ticker for m in self.markets.values()]
        self.kfeed = kalshi_feed.KalshiFeed(
            now_ms=self.clock.now_ms, books=self._books, heard_ms=self._heard_ms
        )
        for market in self.markets.values():
            self.kfeed.add(
                kalshi_feed.MarketLink(
                    ticker=market.resolved.spec.ticker,
                    prefix=market.host.state.market.client_order_prefix,
                    submit=market.runner.submit,
                    client_order_id=market.executor.client_order_id,
                    note_fill=market.executor.note_fill,
                )
            )
        self.kfeed.on_reconnect = lambda: self._catch_up_fills(venues)
        rng = self.clock.rng()
        self.stream = kalshi_stream.KalshiStream(
            self.where.kalshi_ws,
            tickers,
            signer=venues.signer,
            handler=self.kfeed.handle,
            now_ms=self.clock.now_ms,
            random_fn=rng.random,
        )
        tokens = [m.resolved.market.polymarket.token_id for m in self.markets.values()]
        self.signals = store.SignalStore(tokens)
        self.plink = poly_feed.PolymarketLink(self.signals, self.clock.now_ms)
        for market in self.markets.values():
            self.plink.add(market.resolved.market.polymarket.token_id, market.runner.submit)
        self.plink.attach()
        self.pfeed = pm_feed.PolymarketFeed(
            data=self.signals,
            rest_client=venues.poly,
            session=venues.session,
            ws_url=self.where.poly_ws,
            timing=self._poly_timing,
            now_ms=self.clock.now_ms,
            random_fn=rng.random,
        )
        self._tasks.append(asyncio.create_task(self.stream.run()))
        self._tasks.append(asyncio.create_task(self.pfeed.run()))

    def _catch_up_fills(self, venues: wiring.Venues) -> None:
        """After a Kalshi reconnect: find the fills the socket missed. One catch-up at a time;
        a reconnect during one makes it read the venue once more when it is done."""
        self._catch_up_again = True
        if self._catch_up is not None and not self._catch_up.done():
            return
        self._catch_up = asyncio.create_task(self._catch_up_loop(venues))
        self._tasks.append(self._catch_up)

    async def _catch_up_loop(self, venues: wiring.Venues) -> None:
        by_ticker = {m.resolved.spec.ticker: mid for mid, m in self.markets.items()}

        def caught(ticker: str, count: int) -> None:
            if self.metrics is not None and ticker in by_ticker:
                self.metrics.fills_caught_up.labels(by_ticker[ticker]).inc(count)

        while self._catch_up_again:
            self._catch_up_again = False
            await kalshi_feed.catch_up_fills(self.kfeed, venues.kalshi.portfolio, caught)

    def _heard_ms(self) -> int | None:
        return self.stream.last_heard_ms if self.stream is not None else None

    def _books(self) -> dict[str, Any]:
        return self.stream.books if self.stream is not None else {}

    def _poly_timing(self) -> polling.PhaseTiming:
        first = next(iter(self.markets.values()), None)
        base = polling.timing_for(first.host.phase()) if first else polling.PREMATCH
        real_ms = max(20, int(self.clock.real_secs(base.poll_interval_ms) * 1000))
        return polling.PhaseTiming(real_ms, base.staleness_ms, base.live)

    def _start_leases(self) -> None:
        if self.options.risk_url is None:
            self._start_local_risk()
            return
        if self.options.risk_token is None:
            return
        for market in self.markets.values():
            client = risk_client.RiskClient(
                base_url=self.options.risk_url,
                token=self.options.risk_token,
                ticker=market.resolved.spec.ticker,
            )
            self._closers.append(client.aclose)
            loop = lease.LeaseLoop(
                client=client,
                snapshot=market.host.report,
                submit=market.runner.submit,
                now_ms=self.clock.now_ms,
                interval_secs=self.clock.real_secs(self.options.lease_interval_sim_ms),
            )
            self._tasks.append(asyncio.create_task(loop.run()))

    def _start_local_risk(self) -> None:
        """Without the global service the account limit holds across this process's markets:
        the service's lease rules, in process (``local_risk.py``); the tightest configured
        account limits apply."""
        risks = [m.resolved.strategy.risk for m in self.markets.values()]
        if not risks:
            return
        limits = rules.AccountLimits(
            max_total_notional=min(r.max_total_notional for r in risks),
            max_drawdown=min(r.max_drawdown for r in risks),
        )
        self.account_risk = local_risk.LocalRisk(
            limits=limits,
            now_ms=self.clock.now_ms,
            markets=[
                local_risk.LocalMarket(mid, m.host.report, m.runner.submit)
                for mid, m in self.markets.items()
            ],
            interval_secs=self.clock.real_secs(self.options.lease_interval_sim_ms),
        )
        self.account_risk.once()  # leases before the first quote, not a second later
        self._tasks.append(asyncio.create_task(self.account_risk.run()))

    def _start_reload(self) -> None:
        directory = self.options.config_dir
        path = directory / "params.json" if directory else self.options.config_path
        if path is None:
            return
        # One parse of the file per change, whatever the number of markets it holds.
        parsed = engine_reload.ParseOnce(_load_file)
        for market in self.markets.values():
            mid = market.resolved.market.id
            loader = _pod_loader(directory) if directory else _strategy_loader(mid, parsed)
            watcher = engine_reload.ConfigWatcher(
                path=path,
                load=self._recording(mid, loader),
                submit=market.runner.submit,
                now_ms=self.clock.now_ms,
                counted=self._reload_counter(mid, "file"),
            )
            watcher.prime()
            self._tasks.append(asyncio.create_task(watcher.run()))

    def _recording(
        self, market_id: str, loader: Callable[[Path], document.ResolvedMarket]
    ) -> Callable[[Path], core_params.StrategyParams]:
        """``loader`` that also keeps the file's parameters as the base of later overrides."""

        def load(path: Path) -> core_params.StrategyParams:
            resolved = loader(path)
            old = self._params.get(market_id, self.markets[market_id].resolved.params)
            self._params[market_id] = self._ceilings[market_id] = resolved.params
            audit.applied(
                market_id=market_id, source="file", who=str(path), old=old,
                new=resolved.params, version=resolved.strategy.version,
            )  # fmt: skip
            return resolved.strategy

        return load

    def _reload_counter(self, market_id: str, source: str) -> Callable[[bool], None]:
        def count(applied: bool) -> None:
            result = "applied" if applied else "refused"
            self.metrics.param_reloads.labels(market_id, source, result).inc()

        return count

    async def reload(self, body: dict[str, Any], who: str = "unknown") -> dict[str, str]:
        """``POST /params``: apply overrides to one market (``"market"``) or every market, on
        top of the parameters in force. Validated whole before anything is applied; every
        applied change is audited (``audit.py``) with ``who`` asked for it."""
        changes = dict(body)
        target = changes.pop("market", None)
        if target is not None and (not isinstance(target, str) or target not in self.markets):
            raise ValueError(f"market: unknown market {str(target)[:100]!r}")
        chosen = [target] if isinstance(target, str) else list(self.markets)
        staged: dict[str, tuple[config_params.Params, core_params.StrategyParams]] = {}
        for mid in chosen:
            base = self._params.get(mid, self.markets[mid].resolved.params)
            try:
                merged = overrides.merge(base, changes, where="params")
                ceiling = self._ceilings.get(mid, self.markets[mid].resolved.params)
                ceilings.check(ceiling, merged, where="params")
            except config.ConfigError as exc:
                self._reload_counter(mid, "http")(False)
                raise ValueError(str(exc)) from exc
            staged[mid] = (merged, convert.strategy_params(merged, overrides.version(merged)))
        now = self.clock.now_ms()
        for mid, (merged, strategy) in staged.items():
            old = self._params.get(mid, self.markets[mid].resolved.params)
            self._params[mid] = merged
            self.markets[mid].runner.submit(events.ParamsChanged(now, strategy))
            self._reload_counter(mid, "http")(True)
            audit.applied(
                market_id=mid, source="http", who=who, old=old, new=merged,
                version=strategy.version,
            )  # fmt: skip
            log.info("parameters reloaded", extra={"market": mid, "version": strategy.version})
        return {mid: strategy.version for mid, (_, strategy) in staged.items()}

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.clock.real_secs(self.options.heartbeat_sim_ms))
            self.kfeed.heartbeat()
            self.plink.check_stale()
            now = self.clock.now_ms()
            for market in self.markets.values():
                market.runner.submit(events.TimerFired(now))
                market.executor.prune(market.host.state.live.keys())
                self._settle(market)
            self._export_stats()

    def _settle(self, market: Market) -> None:
        """The periodic settle of a market with an order action of unknown or overdue outcome
        (in its own task: the heartbeat never waits on the venue)."""
        running = market.settling is not None and not market.settling.done()
        if running or not market.executor.unsettled():
            return
        market.settling = asyncio.create_task(market.executor.settle())

    def _export_stats(self) -> None:
        if self.stream is None:
            return
        current = {
            "gaps": self.stream.stats.gaps,
            "kalshi": self.stream.stats.reconnects,
            "polymarket": self.pfeed.stats.reconnects,
            "malformed": self.stream.stats.malformed_frames,
        }
        delta = {k: v - self._seen_stats.get(k, 0) for k, v in current.items()}
        self._seen_stats = current
        for mid in self.markets:
            if delta["gaps"]:
                self.metrics.sequence_gaps.labels(mid).inc(delta["gaps"])
            for venue in ("kalshi", "polymarket"):
                if delta[venue]:
                    self.metrics.reconnects.labels(mid, venue).inc(delta[venue])
            if delta["malformed"]:
                self.metrics.malformed.labels(mid, "kalshi").inc(delta["malformed"])

    # ------------------------------------------------------------------ views

    def describe(self) -> dict[str, Any]:
        """The ``/state`` document: one entry per market."""
        now = self.clock.now_ms()
        return {"markets": [m.host.describe(now) for m in self.markets.values()]}

    def ready(self) -> tuple[bool, str]:
        """Ready when every market has fresh data from both venues."""
        if self._waits.reason:
            return False, f"waiting for the venues: {self._waits.reason}"
        if len(self.markets) < len(self.markets_config) or not self._tasks:
            return False, "starting"
        now = self.clock.now_ms()
        for market in self.markets.values():
            if market.executor.unsettled():
                return False, f"{market.host.market_id}: order actions unsettled"
            for venue in Venue:
                age = market.host.data_age_ms(venue, now)
                limit = market.host.state.params.for_phase(market.host.phase()).stale_after_ms
                if age is None or age > limit:
                    return False, f"{market.host.market_id}: {venue.value} data not fresh"
        return True, "fresh"

    # ------------------------------------------------------------------ shutdown

    async def shutdown(self, reason: str) -> bool:
        """Stop quoting, cancel every order of every market, confirm with the venue.
        Returns True when the venue shows no order of ours within the grace period."""
        now = self.clock.now_ms()
        for market in self.markets.values():
            market.runner.submit(
                events.ShutdownRequested(now, reason, self.options.flatten_on_shutdown)
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.shutdown_grace_secs
        confirmed = await self._confirm_cancelled(self.options.shutdown_grace_secs)
        # The executor's own cancel-all may still be retrying: it gets what is left of the
        # grace period (at least a moment), never more — the check above already told the truth.
        await self._stop_tasks(drain_secs=max(DRAIN_MIN_SECS, deadline - loop.time()))
        return confirmed

    async def _confirm_cancelled(self, grace_secs: float) -> bool:
        """True only once the venue itself listed no order of any market: an error on the
        way (a 5xx, a refused cancel, no connection) is no confirmation."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_secs
        unconfirmed: dict[str, str] = {}
        while loop.time() < deadline:
            unconfirmed = {}
            for market_id, market in self.markets.items():
                left = max(DRAIN_MIN_SECS, deadline - loop.time())
                try:
                    why = await asyncio.wait_for(_venue_shows_none(market), left)
                except TimeoutError:
                    why = "venue error: no answer within the grace period"
                if why is not None:
                    unconfirmed[market_id] = why
            if not unconfirmed:
                log.info("every order cancelled and confirmed")
                return True
            await asyncio.sleep(0.05)
        log.error(
            "orders not confirmed cancelled after the shutdown grace period",
            extra={"unconfirmed": unconfirmed},
        )
        return False

    async def _stop_tasks(self, drain_secs: float | None = None) -> None:
        """Stop every task, then close every server and connection pool, even when a step
        before fails (a second call finds nothing left to close). Order actions in flight get
        ``drain_secs`` to finish (unbounded when ``None``)."""
        for market in self.markets.values():
            market.runner.stop()
            if market.settling is not None:
                await tasks.cancel_and_wait(market.settling)
        async with contextlib.AsyncExitStack() as closing:
            closing.push_async_callback(self._release)
            await tasks.stop_all(self._tasks, log)
            for market in self.markets.values():
                await market.executor.drain(drain_secs)
            if self.stream is not None:
                await self.stream.stop()

    async def _release(self) -> None:
        """Close the endpoints, the risk clients and the venues' sessions, in that order, each
        one even when closing another raised."""
        http, closers, venues = self._http, self._closers, self.venues
        self._http, self._closers = None, []
        async with contextlib.AsyncExitStack() as closing:
            # Last of all: the market is free for another process once nothing of ours acts.
            if self._locks is not None:
                closing.callback(self._locks.release)
            # Exit callbacks run last-registered first.
            if venues is not None:
                closing.push_async_callback(venues.aclose)
            for close in reversed(closers):
                closing.push_async_callback(close)
            if http is not None:
                closing.push_async_callback(http.cleanup)


async def _venue_shows_none(market: Market) -> str | None:
    """Cancel every order of ``market`` and ask the venue what rests: ``None`` when it lists
    none of ours, else why not (orders left, or the error that stopped us from knowing)."""
    prefix = market.resolved.spec.client_order_prefix
    try:
        await market.gateway.cancel_market_orders(client_order_prefix=prefix)
        left = [
            o for o in await market.gateway.open_orders() if o.client_order_id.startswith(prefix)
        ]
    except Exception as exc:  # noqa: BLE001 - any failure means "not confirmed", and we retry
        return f"venue error: {type(exc).__name__}"
    return f"{len(left)} orders resting" if left else None


def _discard(_event: events.Event) -> None:
    """Placeholder until the runner that receives the executor's events exists."""


def _pod_loader(directory: Path) -> Callable[[Path], document.ResolvedMarket]:
    def load(_path: Path) -> document.ResolvedMarket:
        from touchline_bot import config  # noqa: PLC0415 - loaded only on a change
        from touchline_bot.config import pod  # noqa: PLC0415

        try:
            return pod.load_dir(directory)[0]
        except config.ConfigError as exc:
            raise ValueError(str(exc)) from exc

    return load


def _load_file(path: Path) -> document.TouchlineConfig:
    """The whole markets file, validated (``ValueError`` when it does not validate)."""
    from touchline_bot import config  # noqa: PLC0415 - loaded only on a change

    try:
        return config.load(path)
    except config.ConfigError as exc:
        raise ValueError(str(exc)) from exc


def _strategy_loader(
    market_id: str, parsed: engine_reload.ParseOnce[document.TouchlineConfig]
) -> Callable[[Path], document.ResolvedMarket]:
    def load(path: Path) -> document.ResolvedMarket:
        try:
            return parsed(path).market(market_id)
        except KeyError as exc:
            raise ValueError(f"market {market_id} is no longer in the file") from exc

    return load
