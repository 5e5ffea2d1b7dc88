"""A bot stopped by a signal (a rollout, a deletion) before its match is over reports STOPPED,
not DONE (found on the node tier: the operator took a stopped bot's DONE for the end of the
match and scaled it to zero for good). Its final status still says every order is cancelled,
and the operator's guard does not count it as the match's end."""

from __future__ import annotations

import pytest

from tests.integration.bot import conftest
from touchline_operator import status

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
QUOTE_SECS = 60.0


@pytest.mark.slow
async def test_a_stopped_bot_reports_stopped_with_its_orders_cancelled(
    stack: conftest.Stack,
) -> None:
    async with conftest.running_bot(stack, MARKET) as bot:
        await conftest.until(
            lambda: {o.book_side for o in stack.resting(TICKER)} == {"bid", "ask"},
            timeout_secs=QUOTE_SECS,
            what="quoting",
        )
    final = bot.markets[MARKET].host.status()
    assert final["state"] == "STOPPED", final
    assert final["phase"] == "PREMATCH"
    assert final["ordersCancelled"] is True
    assert stack.resting(TICKER) == []
    assert not status.bot_done({"bot": final})
    assert bot.describe()["markets"][0]["state"] == "STOPPED"
