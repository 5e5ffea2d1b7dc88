"""A bot alone at the touch of the Kalshi book (other makers further out): its order size holds
steady. Once a product bug: the depth cap is ``depth_fraction`` of the depth at the touch, and
that depth counted our own two orders, so each requote capped the size at a quarter of (bid +
ask) — half of what rests — and the size halved again and again (6.66, 3.33, 1.66 contracts...).
Quoting no longer counts our own orders as depth (``QuoteInputs.own_touch_qty``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.bot import conftest
from touchline_bot.engine import app as bot_app

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
QUOTE_SECS = 30.0
# Several heartbeats (0.5 s each), so several requotes.
STEADY_SECS = 4.0


@pytest.fixture
async def alone(stack: conftest.Stack) -> AsyncIterator[bot_app.BotApp]:
    conftest.street_outside_our_quotes(stack, TICKER)
    async with conftest.running_bot(stack, MARKET) as app:
        yield app


def _sizes(stack: conftest.Stack) -> dict[str, int]:
    return {o.book_side: o.remaining for o in stack.resting(TICKER)}


@pytest.mark.slow
async def test_bot_alone_at_the_touch_keeps_its_order_size_across_requotes(
    stack: conftest.Stack, alone: bot_app.BotApp
) -> None:
    await conftest.until(
        lambda: set(_sizes(stack)) == {"bid", "ask"},
        timeout_secs=QUOTE_SECS,
        what="a bid and an ask",
    )
    first = _sizes(stack)
    await conftest.holds(
        lambda: _sizes(stack) == first,
        for_secs=STEADY_SECS,
        what=f"our sizes {first} changed with nothing else moving",
    )
