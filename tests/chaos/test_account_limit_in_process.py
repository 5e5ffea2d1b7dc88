"""Item 6: ``touchline run`` (one process, many markets, no risk service) keeps the sum of its
markets' worst-case exposure within the account limit, by the risk service's own lease rules
applied in process. Before, each market was granted the whole account limit: 6 markets reached
$317 against $125; here 3 markets, each able to commit about $3, share a $6 account limit."""

from __future__ import annotations

import pytest

from tests.integration.bot import conftest
from touchline_bot import config
from touchline_bot.core import units
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import clock as engine_clock

ACCOUNT_DOLLARS = "6"
PER_MARKET_DOLLARS = "4"
QUOTE_SECS = 60.0
WATCH_SECS = 8.0


def _limit_the_account(stack: conftest.Stack) -> None:
    text = stack.config_path.read_text(encoding="utf-8")
    anchor = "  risk:\n"
    assert anchor in text
    stack.config_path.write_text(
        text.replace(
            anchor,
            anchor
            + f"    max_total_notional_dollars: {ACCOUNT_DOLLARS}\n"
            + f"    max_position_notional_dollars: {PER_MARKET_DOLLARS}\n",
        ),
        encoding="utf-8",
    )


@pytest.mark.slow
async def test_many_markets_in_one_process_share_the_account_limit(
    stack: conftest.Stack,
) -> None:
    _limit_the_account(stack)
    markets = config.load(stack.config_path).markets
    tickers = [m.spec.ticker for m in markets]
    limit = units.money_from_dollars(ACCOUNT_DOLLARS)
    app = bot_app.BotApp(
        markets,
        stack.endpoints(),
        engine_clock.WallClock(),
        bot_app.AppOptions(http_port=None, shutdown_grace_secs=5.0),
    )
    await app.start()
    try:

        def total() -> int:
            return sum(m.host.exposure() for m in app.markets.values())

        await conftest.until(
            lambda: sum(1 for t in tickers if stack.resting(t)) >= 2,
            timeout_secs=QUOTE_SECS,
            what="at least two markets quoting",
        )
        peak = [0]

        def within() -> bool:
            peak[0] = max(peak[0], total())
            return total() <= limit

        await conftest.holds(within, for_secs=WATCH_SECS, what="sum of exposure within the limit")
        print(f"peak exposure ${units.format_money(units.Money(peak[0]))} of ${ACCOUNT_DOLLARS}")
    finally:
        assert await app.shutdown("test over")
    assert peak[0] > limit // 2  # the markets did use the account: the bound was tested
