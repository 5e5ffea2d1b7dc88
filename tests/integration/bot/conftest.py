"""Fixtures: both venue simulators on loopback, seeded with the shipped market file's markets,
an Ed25519 key registered with the Kalshi simulator, other makers' resting liquidity around a
fixed fair price, and a copy of the configuration in a temporary directory whose match kicks off
an hour after the fixture starts (``tests.schedule``: never the example's date); plus a polling
wait on a condition with a deadline that keeps the test's event loop (and so the simulators)
running."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from tests import schedule
from touchline_bot import config
from touchline_bot.core import units
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.engine import wiring
from touchline_bot.risk_service import venue
from touchline_bot.sim import harness, scenario, street
from touchline_bot.sim.kalshi import model, seed
from touchline_bot.sim.kalshi import server as kalshi_server
from touchline_bot.sim.polymarket import server as poly_server
from touchline_bot.sim.polymarket import state as poly_state
from touchline_bot.tasks import cancel_and_wait
from touchline_bot.venues.kalshi import auth
from touchline_bot.venues.kalshi import client as kalshi_client

KEY_ID = "touchline-bot-it-key"
FAIR = units.parse_dollars("0.5000")
POLL_SECS = 0.05
# Other makers inside our quotes, as in a liquid market: the touch is theirs, so the fair price
# and our size cap (a fraction of the depth at the touch) do not move with our own orders.
STREET = scenario.KalshiBook(half_spread=Decimal("0.02"), depth_contracts=Decimal("40"), levels=3)
OUTSIDE_US = scenario.KalshiBook(half_spread=Decimal("0.09"))
"""The other makers further out than our quotes: the touch is ours."""
ACTIVITY_SECS = 0.5


async def until(predicate: Callable[[], bool], *, timeout_secs: float, what: str) -> None:
    """Poll ``predicate`` on the event loop until true; fail after ``timeout_secs``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_secs
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout_secs} s")
        await asyncio.sleep(POLL_SECS)


async def until_async(
    probe: Callable[[], Awaitable[bool]], *, timeout_secs: float, what: str
) -> None:
    """``until`` for a probe that awaits (an HTTP request to the bot)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_secs
    while not await probe():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout_secs} s")
        await asyncio.sleep(POLL_SECS)


async def holds(predicate: Callable[[], bool], *, for_secs: float, what: str) -> None:
    """Poll ``predicate`` for ``for_secs`` of the event loop; fail the first time it is false."""
    loop = asyncio.get_running_loop()
    end = loop.time() + for_secs
    while loop.time() < end:
        assert predicate(), what
        await asyncio.sleep(POLL_SECS)


@dataclass
class Stack:
    """The running simulators and what a bot needs to reach them."""

    kalshi: kalshi_server.RunningKalshiSim
    poly: poly_server.RunningPolySim
    config_path: Path
    key_path: Path
    workdir: Path

    def resting(self, ticker: str) -> list[model.Order]:
        """Our resting orders on the Kalshi simulator's book of ``ticker``."""
        book = self.kalshi.exchange.books.get(ticker)
        if book is None:
            return []
        return [o for o in book.orders() if o.user_id == KEY_ID]

    def ever_ordered(self) -> list[model.Order]:
        """Every order our key ever created on the Kalshi simulator, resting or not."""
        return [o for o in self.kalshi.exchange.orders.values() if o.user_id == KEY_ID]

    def endpoints(self) -> wiring.Endpoints:
        """Where an in-process bot finds the simulators."""
        return wiring.Endpoints(
            kalshi_rest=self.kalshi.base_url,
            kalshi_ws=self.kalshi.ws_url,
            kalshi_key_id=KEY_ID,
            kalshi_key_path=self.key_path,
            poly_clob=self.poly.clob_url,
            poly_ws=self.poly.ws_url,
        )

    def venue_hooks(self) -> venue.VenueHooks:
        """The risk service's own Kalshi client (cancel-all, cross-check) on the simulator."""
        signer = auth.Signer.from_pem(KEY_ID, self.key_path.read_bytes())
        return venue.VenueHooks(
            kalshi_client.KalshiClient(
                self.kalshi.base_url, signer=signer, now_ms=engine_clock.now_ms,
                monotonic_ms=engine_clock.monotonic_ms,
                random_fn=engine_clock.system_random().random,
            )
        )  # fmt: skip

    def cli_args(self) -> list[str]:
        """The command-line overrides that point ``touchline run|bot`` at the simulators."""
        return [
            "--kalshi-rest-url", self.kalshi.base_url,
            "--kalshi-ws-url", self.kalshi.ws_url,
            "--poly-clob-url", self.poly.clob_url,
            "--poly-ws-url", self.poly.ws_url,
        ]  # fmt: skip

    def env(self) -> dict[str, str]:
        """The seed's environment variables for the registered key."""
        return {
            "KALSHI_KEY_ID": KEY_ID,
            "KALSHI_PRIVATE_KEY_PATH": str(self.key_path),
            "KALSHI_ENV": "demo",
        }


def street_outside_our_quotes(stack: Stack, ticker: str) -> None:
    """Move the other makers of ``ticker`` out beyond our quotes (:data:`OUTSIDE_US`)."""
    ex = stack.kalshi.exchange
    now = engine_clock.now_ms()
    for order in [o for o in ex.books[ticker].orders() if o.user_id == street.USER]:
        ex.cancel_resting(order, "street_requote", now)
    street.Street(ex, ticker, OUTSIDE_US).refresh(FAIR, now)
    stack.kalshi.flush()


PARAMS_TOKEN = "params-token-0123456789abcdef"
"""The bearer token of ``POST /params`` of a bot started with ``serve_http``."""
PARAMS_AUTH = {"Authorization": f"Bearer {PARAMS_TOKEN}"}


@contextlib.asynccontextmanager
async def running_bot(
    stack: Stack, market_id: str, *, serve_http: bool = False
) -> AsyncIterator[bot_app.BotApp]:
    """One market's bot in this process against the simulators; shut down (and its orders
    confirmed cancelled) on the way out. ``serve_http``: its endpoints on a free port, and
    hot reload of the stack's configuration file."""
    resolved = config.load(stack.config_path).market(market_id)
    options = bot_app.AppOptions(
        http_port=0 if serve_http else None,
        config_path=stack.config_path if serve_http else None,
        params_token=PARAMS_TOKEN if serve_http else None,
        shutdown_grace_secs=5.0,
    )
    app = bot_app.BotApp((resolved,), stack.endpoints(), engine_clock.WallClock(), options)
    await app.start()
    try:
        yield app
    finally:
        assert await app.shutdown("test over")


def _seed_poly(poly: poly_server.RunningPolySim, path: Path) -> None:
    for resolved in config.load(path).markets:
        pm = resolved.market.polymarket
        no = next((t for t in pm.token_ids.values() if t != pm.token_id), f"{pm.token_id}0")
        condition = "0x" + hashlib.sha256(pm.token_id.encode()).hexdigest()
        poly.state.add_market(condition, pm.token_id, no, tick=units.ONE_CENT)
        poly.set_fair(pm.token_id, FAIR)


def _seed_street(kalshi: kalshi_server.RunningKalshiSim, tickers: list[str]) -> None:
    now = engine_clock.now_ms()
    for ticker in tickers:
        street.Street(kalshi.exchange, ticker, STREET).refresh(FAIR, now)
    kalshi.flush()


async def _poly_activity(poly: poly_server.RunningPolySim, tokens: list[str]) -> None:
    """Other Polymarket traders: the deepest bid's size keeps changing (the top of book, and so
    the signal, does not), so the feed stays fresh as in a live market."""
    tick = 0
    while True:
        tick += 1
        for token in tokens:
            book = poly.state.books.get(token)
            if book is None or not book.bids:
                continue
            deepest = min(book.bids)
            size = units.Qty(book.bids[deepest] + (100 if tick % 2 else -100))
            poly.state.set_levels(token, [(poly_state.BUY, deepest, size)])
        await asyncio.sleep(ACTIVITY_SECS)


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    config_path = schedule.write_markets_file(tmp_path, now_ms=engine_clock.now_ms())
    tokens = [m.market.polymarket.token_id for m in config.load(config_path).markets]
    kalshi = await kalshi_server.start_kalshi_sim("127.0.0.1", 0)
    poly = await poly_server.start_polymarket_sim("127.0.0.1", 0)
    activity = asyncio.create_task(_poly_activity(poly, tokens))
    try:
        tickers = seed.load_market_file(kalshi.exchange, config_path, engine_clock.now_ms())
        key_path, public = harness.write_key(tmp_path)
        kalshi.register_key(KEY_ID, public)
        _seed_street(kalshi, tickers)
        _seed_poly(poly, config_path)
        yield Stack(kalshi, poly, config_path, key_path, tmp_path)
    finally:
        await cancel_and_wait(activity)
        await poly.stop()
        await kalshi.stop()
