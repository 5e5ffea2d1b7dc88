"""Plays a match scenario against the whole local stack: both venue simulators, the global risk
service and one bot per market (as pods would run them), on one simulated clock (the event
loop's, :mod:`touchline_bot.engine.simloop`: time advances only when every component is idle,
so a verdict does not depend on how busy the machine is, and a run is reproducible). It drives
the fair price, other makers and takers, injects the scenario's faults, samples every market
each match-clock second, checks the invariants, and returns a machine-readable result.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from touchline_bot import builtin, config
from touchline_bot.core import risk, units
from touchline_bot.core.types import Side
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import simloop, wiring
from touchline_bot.risk_service import rules, runner
from touchline_bot.sim import fairpath, invariants, recorder, street
from touchline_bot.sim import scenario as scenario_model
from touchline_bot.sim.kalshi import seed, takers
from touchline_bot.sim.kalshi import server as kalshi_server
from touchline_bot.sim.polymarket import driver as poly_driver
from touchline_bot.sim.polymarket import server as poly_server
from touchline_bot.sim.polymarket import state as poly_state
from touchline_bot.tasks import stop_all

log = logging.getLogger(__name__)
Kind = scenario_model.FaultKind
KEY_ID = "touchline-demo-key"
SAMPLE_MS = 1_000
RESTART_CHECK_SAMPLES = 3


def outcome_of(resolved: config.ResolvedMarket) -> str:
    """home / draw / away, from the ticker's last part and the match name."""
    suffix = resolved.spec.ticker.rsplit("-", 1)[-1]
    if suffix in {"TIE", "DRAW"}:
        return "draw"
    home = resolved.market.match_name.split(" vs ")[0].strip().upper()
    return "home" if home.startswith(suffix) else "away"


@dataclass
class Options:
    """How a run is played."""

    config_path: Path = field(default_factory=builtin.markets_file)
    speed: float | None = None
    """At most this many match seconds per real second (the demo's 30x, for a person to
    watch); ``None`` plays as fast as the machine allows. Never changes the result."""
    duration_secs: float | None = None
    start_ms: int | None = None
    """The match clock's start (Unix ms); default: now, to the whole second."""
    seed: int = 0
    """Seeds the bots' retry jitter (the scenario's own seed drives the market)."""
    with_risk: bool = True
    on_sample: Callable[[list[dict[str, Any]]], None] | None = None


@dataclass
class Run:
    """Everything one run started, so that it can be stopped."""

    scn: scenario_model.Scenario
    options: Options
    clock: engine_clock.LoopClock
    start_ms: int
    workdir: Path
    markets: list[config.ResolvedMarket]
    kalshi: kalshi_server.RunningKalshiSim | None = None
    poly: poly_server.RunningPolySim | None = None
    risk: runner.RunningRiskService | None = None
    risk_port: int = 0
    risk_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    apps: dict[str, bot_app.BotApp] = field(default_factory=dict)
    streets: dict[str, street.Street] = field(default_factory=dict)
    flows: dict[str, takers.TakerFlow] = field(default_factory=dict)
    paths: dict[str, fairpath.FairPath] = field(default_factory=dict)
    rec: recorder.Recorder = field(default_factory=recorder.Recorder)
    check: invariants.Checker = field(default_factory=invariants.Checker)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    restarts: list[dict[str, Any]] = field(default_factory=list)
    risk_down: tuple[int, int] | None = None
    """(from, until) match-clock ms of a risk-service outage."""
    outage: dict[str, Any] = field(default_factory=dict)
    feed_stats: dict[str, dict[str, int]] = field(default_factory=dict)
    max_account_exposure: int = 0
    key_path: Path = Path()

    def t_ms(self) -> int:
        """Match-clock milliseconds since the scenario start."""
        return self.clock.now_ms() - self.start_ms

    def fair(self, market: config.ResolvedMarket, t_ms: int) -> units.Price:
        """The true fair price of a market's YES at ``t_ms``."""
        return self.paths[outcome_of(market)].at(t_ms / 1000)


def _shifted(
    scn: scenario_model.Scenario, start_ms: int, path: Path
) -> list[config.ResolvedMarket]:
    """The configured markets, rescheduled onto the scenario's match clock."""
    out = []
    for resolved in config.load(path).markets:
        spec = dataclasses.replace(
            resolved.spec,
            kickoff_ms=start_ms + int(scn.kickoff_secs * 1000),
            scheduled_end_ms=start_ms + int(scn.scheduled_end_secs * 1000),
        )
        out.append(dataclasses.replace(resolved, spec=spec))
    return out


def write_key(workdir: Path) -> tuple[Path, bytes]:
    """A fresh Ed25519 API key: its PEM file (mode 0600) and the public key to register."""
    private = ed25519.Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = workdir / "kalshi-key.pem"
    path.write_bytes(pem)
    path.chmod(0o600)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, public


async def _start(scn: scenario_model.Scenario, options: Options) -> Run:
    loop = asyncio.get_running_loop()
    if not isinstance(loop, simloop.SimulatedEventLoop):
        raise TypeError("a scenario plays on the simulated event loop: use harness.run")
    wall = options.start_ms
    if wall is None:
        wall = engine_clock.now_ms() // 1000 * 1000
    clock = engine_clock.LoopClock(loop, start_ms=wall, seed=options.seed)
    workdir = Path(tempfile.mkdtemp(prefix="touchline-run-"))
    run = Run(scn, options, clock, wall, workdir, _shifted(scn, wall, options.config_path))
    run.paths = fairpath.build_all(scn)
    run.kalshi = await kalshi_server.start_kalshi_sim(now_ms=clock.now_ms)
    seed.load_market_file(run.kalshi.exchange, options.config_path, clock.now_ms())
    run.key_path, public = write_key(workdir)
    run.kalshi.register_key(KEY_ID, public)
    _start_street_and_takers(run)
    run.poly = await poly_server.start_polymarket_sim(now_ms=clock.now_ms)
    _seed_poly(run)
    if options.with_risk:
        await _start_risk(run)
    for market in run.markets:
        await _start_bot(run, market)
    return run


def _start_street_and_takers(run: Run) -> None:
    assert run.kalshi is not None
    ex = run.kalshi.exchange
    for i, market in enumerate(run.markets):
        ticker = market.spec.ticker
        run.streets[ticker] = street.Street(ex, ticker, run.scn.kalshi_book)
        cfg = takers.TakerConfig(
            ticker=ticker,
            arrivals_per_min=max(0.01, run.scn.takers.rate_per_min),
            informed_share_bps=int(run.scn.takers.informed_share * 10_000),
            min_count=units.parse_count(str(run.scn.takers.min_contracts)),
            max_count=units.parse_count(str(run.scn.takers.max_contracts)),
        )
        rng = random.Random(run.scn.noise.seed * 100 + i)  # noqa: S311 - seeded simulation
        run.flows[ticker] = takers.TakerFlow(
            ex, cfg, _fair_fn(run, market), rng, run.clock.now_ms()
        )


def _fair_fn(run: Run, market: config.ResolvedMarket) -> takers.FairPrice:
    def fair(ts_ms: int) -> units.Price:
        return run.fair(market, ts_ms - run.start_ms)

    return fair


def _seed_poly(run: Run) -> None:
    assert run.poly is not None
    yes_ids: dict[str, str] = {}
    for market in run.markets:
        pm = market.market.polymarket
        yes = pm.token_id
        others = [t for t in pm.token_ids.values() if t != yes]
        no = others[0] if others else f"{yes}0"
        run.poly.state.add_market(
            f"0x{abs(hash(yes)) % (1 << 64):064x}", yes, no, tick=units.ONE_CENT
        )
        yes_ids[outcome_of(market)] = yes
        run.poly.set_fair(yes, run.fair(market, 0))
    # Half a match-clock second between updates.
    poly_driver.follow_paths(run.poly, run.scn, yes_ids, step_ms=500)
    run.tasks.append(asyncio.create_task(poly_driver.run_faults(run.poly, run.scn)))


async def _start_risk(run: Run) -> None:
    params = run.markets[0].strategy.risk
    limits = rules.AccountLimits(
        max_total_notional=params.max_total_notional, max_drawdown=params.max_drawdown
    )
    run.risk = await runner.start_risk_service(
        limits=limits,
        state_path=run.workdir / "risk.json",
        secret=run.risk_secret,
        now_ms=run.clock.now_ms,
        port=run.risk_port,
    )
    run.risk_port = int(run.risk.base_url.rsplit(":", 1)[1])


async def _start_bot(run: Run, market: config.ResolvedMarket) -> None:
    assert run.kalshi is not None
    assert run.poly is not None
    where = wiring.Endpoints(
        kalshi_rest=run.kalshi.base_url,
        kalshi_ws=run.kalshi.ws_url,
        kalshi_key_id=KEY_ID,
        kalshi_key_path=run.key_path,
        poly_clob=run.poly.clob_url,
        poly_ws=run.poly.ws_url,
    )
    options = bot_app.AppOptions(
        http_port=None,
        risk_url=run.risk.base_url if run.risk else None,
        risk_token=run.risk.auth.token_for(market.market.id) if run.risk else None,
        shutdown_grace_secs=5.0,
    )
    app = bot_app.BotApp((market,), where, run.clock, options)
    await app.start()
    run.apps[market.market.id] = app


def _resting(run: Run, ticker: str) -> int:
    assert run.kalshi is not None
    book = run.kalshi.exchange.books.get(ticker)
    if book is None:
        return 0
    return sum(1 for o in book.orders() if o.user_id == KEY_ID)


def _poly_activity(run: Run, tick: int) -> None:
    """Other Polymarket traders: the size of the deepest bid keeps changing (the top of book,
    and so the signal, does not), as in a live market. Frozen feeds publish nothing."""
    assert run.poly is not None
    for market in run.markets:
        token = market.market.polymarket.token_id
        book = run.poly.state.books.get(token)
        if book is None or not book.bids:
            continue
        deepest = min(book.bids)
        size = units.Qty(book.bids[deepest] + (100 if tick % 2 else -100))
        run.poly.state.set_levels(token, [(poly_state.BUY, deepest, size)])


def _signal_lag_ms(run: Run, market: config.ResolvedMarket, seen_ms: int) -> int | None:
    """How far the bot's Polymarket view lags the simulator's latest change of the token."""
    assert run.poly is not None
    book = run.poly.state.books.get(market.market.polymarket.token_id)
    if book is None or seen_ms == 0:
        return None
    return max(0, book.timestamp_ms - seen_ms)


def _drive_venue(run: Run, now_ms: int) -> None:
    assert run.kalshi is not None
    for market in run.markets:
        ticker = market.spec.ticker
        run.streets[ticker].refresh(run.fair(market, now_ms - run.start_ms), now_ms)
        run.flows[ticker].step(now_ms)
    run.kalshi.flush()


def _adding_orders(run: Run, ticker: str, position_qty: int) -> int:
    """Our resting orders that would add to the position if they filled."""
    assert run.kalshi is not None
    book = run.kalshi.exchange.books.get(ticker)
    if book is None:
        return 0
    adding = {"bid"} if position_qty > 0 else {"ask"} if position_qty < 0 else {"bid", "ask"}
    return sum(1 for o in book.orders() if o.user_id == KEY_ID and o.book_side in adding)


def _check_outage(run: Run, t: int, market: config.ResolvedMarket, position_qty: int) -> None:
    """While the risk service is down, exposure-adding quotes are gone once the lease expired;
    after it returns, quoting resumes."""
    if run.risk_down is None:
        return
    down, up = run.risk_down
    ttl = 5_000 + 2_000
    adding = _adding_orders(run, market.spec.ticker, position_qty)
    mid = market.market.id
    if down + ttl <= t < up and adding:
        run.check.violate(t, "exposure_adding_quote_without_lease", mid, orders=adding)
    if down + ttl <= t < up:
        run.outage.setdefault("pulled", {})[mid] = True
    if t >= up and adding and mid not in run.outage.setdefault("resumed_after_secs", {}):
        run.outage["resumed_after_secs"][mid] = (t - up) / 1000


def _sample(run: Run, now_ms: int) -> list[dict[str, Any]]:
    t = now_ms - run.start_ms
    rows = []
    total = 0
    for market in run.markets:
        app = run.apps.get(market.market.id)
        if app is None or market.market.id not in app.markets:
            continue
        host = app.markets[market.market.id].host
        s = host.state
        quotes = host.quotes()
        realized, _ = host.pnl()
        true_fair = run.fair(market, t)
        pos = s.position
        unreal = 0
        if pos.qty:
            unreal = risk.unrealized(pos, true_fair)
        exposure, limit = host.exposure(), s.params.risk.max_position_notional
        total += exposure
        kalshi_top = s.kalshi
        kmid = None
        if kalshi_top and kalshi_top.best_bid and kalshi_top.best_ask:
            kmid = (kalshi_top.best_bid[0] + kalshi_top.best_ask[0]) // 2
        sample = recorder.Sample(
            ts_ms=now_ms,
            fair=s.fair.price if s.fair else None,
            true_fair=true_fair,
            poly_mid=s.fair.poly_mid if s.fair else None,
            kalshi_mid=kmid,
            bid=quotes[Side.BID],
            ask=quotes[Side.ASK],
            position_qty=pos.qty,
            pnl=realized + unreal,
            exposure=exposure,
            exposure_limit=limit,
            state=s.machine.state.value,
            reason=s.machine.reason,
        )
        run.rec.sample(market.market.id, sample)
        resting = _resting(run, market.spec.ticker)
        run.check.exposure(t, market.market.id, exposure=exposure, limit=limit)
        stale_after = s.params.for_phase(host.phase()).stale_after_ms
        run.check.stale(
            t,
            market.market.id,
            age_ms=_signal_lag_ms(run, market, s.poly_ts_ms),
            stale_after_ms=stale_after,
            resting=resting,
            slack_ms=invariants.STALE_SLACK_MS,
        )
        run.check.note_state(t, market.market.id, sample.state, sample.reason)
        _check_outage(run, t, market, pos.qty)
        _check_restart(run, t, market, pos.qty)
        rows.append({
            "market": market.market.id, "state": sample.state, "reason": sample.reason,
            "phase": host.phase().value, "fair": sample.fair, "true_fair": true_fair,
            "bid": sample.bid, "ask": sample.ask, "position": pos.qty,
            "pnl": sample.pnl, "exposure": exposure, "resting": resting,
            "fills": s.fills_seen, "t_secs": t / 1000,
        })  # fmt: skip
    account = run.markets[0].strategy.risk.max_total_notional
    run.check.account(t, total=total, limit=account)
    run.max_account_exposure = max(run.max_account_exposure, total)
    return rows


async def _fault(run: Run, fault: scenario_model.Fault) -> None:
    assert run.kalshi is not None
    k = fault.kind
    if k is Kind.KALSHI_WS_DROP:
        await run.kalshi.disconnect_websockets()
    elif k is Kind.KALSHI_SEQUENCE_GAP:
        run.kalshi.faults.drop_deltas += fault.count
    elif k is Kind.KALSHI_5XX_BURST:
        run.kalshi.faults.server_errors += fault.count
    elif k is Kind.KALSHI_429_STORM:
        run.kalshi.faults.rate_limit_storm += max(fault.count, 20)
    elif k is Kind.KALSHI_LATENCY:
        run.kalshi.faults.latency_ms = 300
        await asyncio.sleep(run.clock.real_secs(int(fault.duration_secs * 1000)))
        run.kalshi.faults.latency_ms = 0
    elif k is Kind.BOT_RESTART:
        await _restart_bot(run, fault.market or run.markets[0].market.id)
    elif k is Kind.RISK_SERVICE_DOWN and run.risk is not None:
        down_ms = run.t_ms()
        run.risk_down = (down_ms, down_ms + int(fault.duration_secs * 1000))
        await run.risk.stop()
        await asyncio.sleep(run.clock.real_secs(int(fault.duration_secs * 1000)))
        await _start_risk(run)
    elif k is Kind.POSITION_MISMATCH:
        account = run.kalshi.exchange.accounts[KEY_ID]
        ticker = run.markets[0].spec.ticker
        pos = account.position(ticker)
        pos.position = units.Qty(pos.position + units.ONE_CONTRACT)


def _check_restart(run: Run, t: int, market: config.ResolvedMarket, position_qty: int) -> None:
    """A restarted bot resumes from the venue's position: within a few samples (fills may be
    in flight) the bot's position equals what the venue holds now."""
    assert run.kalshi is not None
    venue = run.kalshi.exchange.accounts[KEY_ID].position(market.spec.ticker).position
    for entry in run.restarts:
        if entry["market"] != market.market.id or entry.get("checked"):
            continue
        entry["samples_checked"] = entry.get("samples_checked", 0) + 1
        if position_qty == venue:
            entry.update(checked=True, resumed_position=position_qty, venue_position=venue)
        elif entry["samples_checked"] >= RESTART_CHECK_SAMPLES:
            entry.update(checked=True, resumed_position=position_qty, venue_position=venue)
            run.check.violate(
                t, "restart_lost_position", market.market.id, venue=venue, bot=position_qty
            )
        if entry["resting_after_start"] and not entry.get("orphans_reported"):
            entry["orphans_reported"] = True
            run.check.violate(
                t,
                "orphans_left_after_restart",
                market.market.id,
                resting=entry["resting_after_start"],
            )


async def _restart_bot(run: Run, market_id: str) -> None:
    """The bot is killed (no cleanup: its orders stay) and a new one starts."""
    old = run.apps.pop(market_id)
    await old._stop_tasks()
    market = next(m for m in run.markets if m.market.id == market_id)
    venue_position = (
        run.kalshi.exchange.accounts[KEY_ID].position(market.spec.ticker).position
        if run.kalshi
        else 0
    )
    orphans = _resting(run, market.spec.ticker)
    await _start_bot(run, market)
    run.restarts.append({
        "t_secs": run.t_ms() / 1000, "market": market_id, "orphans_before": orphans,
        "resting_after_start": _resting(run, market.spec.ticker),
        "venue_position": venue_position,
    })  # fmt: skip


async def _loop(run: Run, duration_ms: int) -> None:
    faults = sorted(
        (f for f in run.scn.faults if f.kind not in poly_driver.POLYMARKET_FAULTS),
        key=lambda f: f.at_secs,
    )
    slack_ms = 5_000
    stop_ms = int((run.scn.scheduled_end_secs - 600) * 1000) + slack_ms
    checked_stop = False
    next_sample = 0
    while (t := run.t_ms()) < duration_ms:
        now = run.start_ms + t
        while faults and faults[0].at_secs * 1000 <= t:
            run.tasks.append(asyncio.create_task(_fault(run, faults.pop(0))))
        _drive_venue(run, now)
        if t >= next_sample:
            _poly_activity(run, next_sample // SAMPLE_MS)
            rows = _sample(run, now)
            next_sample = t + SAMPLE_MS
            if run.options.on_sample is not None:
                run.options.on_sample(rows)
            if not checked_stop and t >= stop_ms:
                checked_stop = True
                for row in rows:
                    run.check.done_by_stop(
                        t, row["market"], state=row["state"], resting=row["resting"]
                    )
        await asyncio.sleep(run.clock.real_secs(250))


def _jumps(run: Run, market: config.ResolvedMarket, *, until_ms: int) -> list[int]:
    """The jumps the bot must have paused for: big enough, before the stop-quoting time, and
    with their whole check window inside the run (a run cut short by ``--duration`` cannot
    have seen the pause after a jump at its very end)."""
    path = run.scn.outcomes[outcome_of(market)]
    out = []
    for jump in sorted(path.jumps, key=lambda j: j.at_secs):
        at = int(jump.at_secs * 1000)
        before = run.fair(market, max(0, at - 1_000))
        after = run.fair(market, at)
        if (
            abs(after - before) >= invariants.JUMP_MIN
            and at < (run.scn.scheduled_end_secs - 600) * 1000
            and at <= until_ms
        ):
            out.append(at)
    return out


async def _finish(run: Run) -> dict[str, Any]:
    t = run.t_ms()
    books = {}
    for market in run.markets:
        app = run.apps.get(market.market.id)
        if app is not None and app.stream is not None and run.kalshi is not None:
            ours = app.stream.books.get(market.spec.ticker)
            venue = run.kalshi.exchange.books.get(market.spec.ticker)
            if ours is not None and venue is not None and ours.valid:
                books[market.market.id] = (dict(ours.yes_bids()), dict(venue.levels("yes")))
    for mid, app in run.apps.items():
        if app.stream is not None:
            run.feed_stats[mid] = {
                "sequence_gaps": app.stream.stats.gaps,
                "kalshi_reconnects": app.stream.stats.reconnects,
                "polymarket_reconnects": app.pfeed.stats.reconnects,
                "polymarket_freezes_detected": app.pfeed.stats.freezes_detected,
            }
    for app in run.apps.values():
        await app.shutdown("scenario ended")
    for market in run.markets:
        mid = market.market.id
        run.check.after_shutdown(t, mid, resting=_resting(run, market.spec.ticker))
        window = invariants.SHOCK_WINDOW_MS
        run.check.shocks(mid, _jumps(run, market, until_ms=t - window), window_ms=window)
        if mid in books:
            ours_yes, venue_yes = books[mid]
            run.check.book_equal(t, mid, ours=ours_yes, venue=venue_yes)
    return _result(run)


def _collect_fills(run: Run) -> None:
    """Our fills, as the venue recorded them (the truth, whatever the bot saw)."""
    assert run.kalshi is not None
    by_ticker = {m.spec.ticker: m.market.id for m in run.markets}
    for fill in run.kalshi.exchange.fills:
        if fill.user_id == KEY_ID and fill.ticker in by_ticker:
            side = Side.BID if fill.book_side == "bid" else Side.ASK
            run.rec.fill(
                by_ticker[fill.ticker],
                recorder.Fill(fill.ts_ms, side, fill.price, fill.count, fill.fee),
            )
    for market in run.markets:
        taking = sum(
            1
            for f in run.kalshi.exchange.fills
            if f.user_id == KEY_ID and f.ticker == market.spec.ticker and f.is_taker
        )
        run.check.crossed(run.t_ms(), market.market.id, taker_orders=taking)


def _result(run: Run) -> dict[str, Any]:
    assert run.kalshi is not None
    _collect_fills(run)
    markets = {}
    total_pnl = 0
    for market in run.markets:
        mid = market.market.id
        record = run.rec.markets[mid]
        last = record.samples[-1] if record.samples else None
        quality = recorder.quality(record)
        ours = [
            o
            for o in run.kalshi.exchange.orders.values()
            if o.user_id == KEY_ID and o.ticker == market.spec.ticker
        ]
        pnl = last.pnl if last else 0
        total_pnl += pnl
        markets[mid] = {
            "pnl_dollars": recorder.dollars(pnl),
            "fills": quality["fills"],
            "contracts_filled": units.format_count(int(quality["contracts"])),  # type: ignore[call-overload]
            "fees_dollars": recorder.dollars(int(quality["fees"])),  # type: ignore[call-overload]
            "spread_capture_dollars": recorder.dollars(int(quality["spread_capture"])),  # type: ignore[call-overload]
            "markout_dollars_per_contract": {
                k: (None if v is None else units.format_dollars(v))
                for k, v in quality["markouts"].items()  # type: ignore[attr-defined]
            },
            "max_abs_position_contracts": units.format_count(
                max((abs(s.position_qty) for s in record.samples), default=0)
            ),
            "max_exposure_dollars": recorder.dollars(
                max((s.exposure for s in record.samples), default=0)
            ),
            "exposure_limit_dollars": recorder.dollars(market.strategy.risk.max_position_notional),
            "time_by_state_secs": {k: v / 1000 for k, v in recorder.time_by_state(record).items()},
            "orders_sent": len(ours),
            "orders_not_post_only": sum(1 for o in ours if not o.post_only),
            "orders_resting_at_end": _resting(run, market.spec.ticker),
        }  # fmt: skip
    rest_faults = run.kalshi.faults.fired
    return {
        "scenario": run.scn.name,
        "pnl_dollars": recorder.dollars(total_pnl),
        "markets": markets,
        "rate_limited_429s": rest_faults.get("rate_limit", 0),
        "restarts": run.restarts,
        "risk_outage": run.outage,
        "feeds": run.feed_stats,
        "max_account_exposure_dollars": recorder.dollars(run.max_account_exposure),
        "violations": run.check.violations,
        "ok": not run.check.violations,
    }


async def _teardown(run: Run) -> None:
    await stop_all(run.tasks, log)
    if run.poly is not None:
        await run.poly.stop()
    if run.risk is not None:
        await run.risk.stop()
    if run.kalshi is not None:
        await run.kalshi.stop()


def run(scn: scenario_model.Scenario, options: Options) -> tuple[dict[str, Any], Run]:
    """Play ``scn`` to its end on a fresh simulated event loop (paced by ``options.speed``);
    returns the result and the run (for the report)."""
    played: tuple[dict[str, Any], Run] = simloop.run(lambda: play(scn, options), pace=options.speed)
    return played


async def play(scn: scenario_model.Scenario, options: Options) -> tuple[dict[str, Any], Run]:
    """Play ``scn`` to its end on the running simulated loop; returns the result and the run."""
    run = await _start(scn, options)
    try:
        duration = int((options.duration_secs or scn.duration_secs) * 1000)
        await _loop(run, duration)
        result = await _finish(run)
    finally:
        await _teardown(run)
    return result, run
