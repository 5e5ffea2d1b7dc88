"""Fills made while the Kalshi socket is down are never sent on the ``fill`` channel. After the
reconnect the bot finds them over REST, applies each exactly once, and its position agrees with
the venue's again — without a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.bot import conftest
from touchline_bot.core import units
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock
from touchline_bot.sim.kalshi import exchange, model

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
QUOTE_SECS = 30.0
CATCH_UP_SECS = 15.0
TAKER = "it-taker"


@pytest.fixture
async def bot(stack: conftest.Stack) -> AsyncIterator[bot_app.BotApp]:
    conftest.street_outside_our_quotes(stack, TICKER)
    stack.kalshi.exchange.add_account(TAKER, units.money_from_dollars("100000"))
    async with conftest.running_bot(stack, MARKET) as app:
        yield app


def _our_bid(stack: conftest.Stack) -> model.Order | None:
    bids = [o for o in stack.resting(TICKER) if o.book_side == model.BID]
    return bids[0] if bids else None


def _bot_position(app: bot_app.BotApp) -> int:
    return app.markets[MARKET].host.state.position.qty


def _venue_position(stack: conftest.Stack) -> int:
    return stack.kalshi.exchange.accounts[conftest.KEY_ID].position(TICKER).position


@pytest.mark.slow
async def test_a_fill_made_while_the_socket_was_down_reaches_the_position_once(
    stack: conftest.Stack, bot: bot_app.BotApp
) -> None:
    await conftest.until(
        lambda: _our_bid(stack) is not None, timeout_secs=QUOTE_SECS, what="our resting bid"
    )
    bid = _our_bid(stack)
    assert bid is not None
    qty = bid.remaining
    await stack.kalshi.disconnect_websockets()
    # Before the bot is back (it shares this event loop): a seller hits our bid.
    hit = exchange.OrderRequest(TICKER, model.ASK, bid.price, qty, model.IOC, model.STP_TAKER)
    stack.kalshi.exchange.create(TAKER, hit, engine_clock.now_ms())
    stack.kalshi.flush()
    assert _venue_position(stack) == qty
    await conftest.until(
        lambda: _bot_position(bot) == _venue_position(stack),
        timeout_secs=CATCH_UP_SECS,
        what="the bot's position to agree with the venue's",
    )
    caught = bot.registry.get_sample_value("touchline_fills_caught_up_total", {"market": MARKET})
    assert caught == 1
    # Applied once: the next heartbeats and requotes leave it where the venue has it.
    await conftest.holds(
        lambda: _bot_position(bot) == _venue_position(stack),
        for_secs=2.0,
        what="the position moved again (a fill applied twice?)",
    )
