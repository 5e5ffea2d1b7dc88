"""Item 10: a Kalshi WebSocket that stays open but goes silent (no data, no ping, no pong) is not
fresh data. The bot's book ages from the last time the venue was heard, so its quotes are pulled
within the staleness threshold (they stayed 25 s, until the idle timeout, when the feed's own
heartbeat re-sent the last book as new)."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.bot import conftest
from touchline_bot.core.types import Venue

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
QUOTE_SECS = 60.0
MARGIN_SECS = 5.0
"""Beyond the threshold: a heartbeat (0.5 s), the cancel's round trip, a busy machine. The old
code pulled at the 25 s idle timeout, far outside it."""


@pytest.mark.slow
async def test_a_silent_open_socket_goes_stale_and_quotes_are_pulled_within_the_threshold(
    stack: conftest.Stack,
) -> None:
    loop = asyncio.get_running_loop()
    async with conftest.running_bot(stack, MARKET) as bot:
        market = bot.markets[MARKET]
        threshold_secs = (
            market.host.state.params.for_phase(market.host.phase()).stale_after_ms / 1000
        )
        await conftest.until(
            lambda: (
                {o.book_side for o in stack.resting(TICKER)} == {"bid", "ask"} and bot.ready()[0]
            ),
            timeout_secs=QUOTE_SECS,
            what="ready and quoting",
        )
        stack.kalshi.faults.freeze(True)
        silenced = loop.time()
        try:
            await conftest.until(
                lambda: not stack.resting(TICKER),
                timeout_secs=threshold_secs + MARGIN_SECS,
                what="quotes pulled after the socket went silent",
            )
            pulled_secs = loop.time() - silenced
            age_ms = market.host.data_age_ms(Venue.KALSHI, bot.clock.now_ms())
            ready, why = bot.ready()
        finally:
            stack.kalshi.faults.freeze(False)
        print(f"quotes pulled {pulled_secs:.2f} s after the socket went silent")
    assert age_ms is not None
    assert age_ms >= threshold_secs * 1000  # stale: the heartbeat did not refresh it
    assert not ready
    assert "kalshi data not fresh" in why, why
