"""Hot reload against the simulators: a bot quoting both sides picks up a wider prematch spread
from its configuration file within one requote, by amending its resting orders in place (same
venue and client order ids, nothing cancelled), and reports the new parameter version; a file
that does not validate is refused and the bot quotes on, unchanged."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.integration.bot import conftest
from touchline_bot.core import units
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import reload as engine_reload
from touchline_bot.sim.kalshi import model

MARKET = "epl-ars-che-20261128-ars"
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
QUOTE_SECS = 30.0
# The watcher polls every second; a requote follows the next heartbeat.
RELOAD_SECS = 10.0
SHIPPED = "half_spread_base_dollars: 0.03"
WIDER = "half_spread_base_dollars: 0.06"
INVALID = "half_spread_base_dollars: -0.06"
REFUSED = "refused new parameters"
# Each side moves out by the change of the base half-spread.
WIDENING = units.parse_dollars("0.03")


@pytest.fixture
async def bot(stack: conftest.Stack) -> AsyncIterator[bot_app.BotApp]:
    async with conftest.running_bot(stack, MARKET, serve_http=True) as app:
        yield app


def _quotes(stack: conftest.Stack) -> dict[str, model.Order]:
    return {o.book_side: o for o in stack.resting(TICKER)}


def _prices(stack: conftest.Stack) -> tuple[int, int] | None:
    """Our resting (bid, ask) prices, once both sides rest."""
    quotes = _quotes(stack)
    if set(quotes) != {"bid", "ask"}:
        return None
    return quotes["bid"].price, quotes["ask"].price


def _ids(stack: conftest.Stack) -> set[tuple[str, str, str]]:
    return {(o.book_side, o.order_id, o.client_order_id) for o in stack.resting(TICKER)}


async def _quoting(stack: conftest.Stack) -> tuple[tuple[int, int], set[tuple[str, str, str]]]:
    """Once both sides rest: their prices and their (side, venue id, client id)."""
    await conftest.until(
        lambda: _prices(stack) is not None, timeout_secs=QUOTE_SECS, what="a bid and an ask"
    )
    before = _prices(stack)
    assert before is not None
    return before, _ids(stack)


async def _state(http: httpx.AsyncClient) -> dict[str, Any]:
    (entry,) = (await http.get("/state")).json()["markets"]
    assert isinstance(entry, dict)
    return entry


@pytest.mark.slow
async def test_wider_spread_in_the_file_amends_both_quotes_in_place_and_bumps_the_version(
    stack: conftest.Stack, bot: bot_app.BotApp
) -> None:
    before, before_ids = await _quoting(stack)
    wider = (before[0] - WIDENING, before[1] + WIDENING)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{bot.http_port}", headers=conftest.PARAMS_AUTH
    ) as http:
        before_version = (await _state(http))["params_version"]
        text = stack.config_path.read_text()
        assert SHIPPED in text
        stack.config_path.write_text(text.replace(SHIPPED, WIDER, 1))
        await conftest.until(
            lambda: _prices(stack) == wider,
            timeout_secs=RELOAD_SECS,
            what=f"quotes {wider} on the simulator (were {before})",
        )
        after = await _state(http)
    assert _ids(stack) == before_ids
    assert [o for o in stack.ever_ordered() if o.status is model.OrderStatus.CANCELED] == []
    assert after["params_version"] != before_version
    assert after["state"] == "QUOTING"


@pytest.mark.slow
async def test_invalid_file_is_refused_quotes_stay_and_the_next_valid_file_applies(
    stack: conftest.Stack, bot: bot_app.BotApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=engine_reload.__name__)
    before, before_ids = await _quoting(stack)
    version = bot.describe()["markets"][0]["params_version"]
    text = stack.config_path.read_text()
    stack.config_path.write_text(text.replace(SHIPPED, INVALID, 1))
    # The refusal is only logged: its record is the signal that the watcher read the file.
    await conftest.until(
        lambda: any(r.getMessage() == REFUSED for r in caplog.records),
        timeout_secs=RELOAD_SECS,
        what="the invalid file refused",
    )
    assert (_prices(stack), _ids(stack)) == (before, before_ids)
    assert bot.describe()["markets"][0]["params_version"] == version
    assert _reloads(bot, "file", "refused") == 1
    stack.config_path.write_text(text.replace(SHIPPED, WIDER, 1))
    wider = (before[0] - WIDENING, before[1] + WIDENING)
    await conftest.until(
        lambda: _prices(stack) == wider, timeout_secs=RELOAD_SECS, what=f"quotes {wider}"
    )
    assert _ids(stack) == before_ids


def _reloads(bot: bot_app.BotApp, source: str, result: str) -> float:
    value = bot.registry.get_sample_value(
        "touchline_param_reloads_total", {"market": MARKET, "source": source, "result": result}
    )
    return value or 0.0


@pytest.mark.slow
async def test_post_params_widens_both_quotes_in_place_and_refuses_a_bad_field_whole(
    stack: conftest.Stack, bot: bot_app.BotApp
) -> None:
    before, before_ids = await _quoting(stack)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{bot.http_port}", headers=conftest.PARAMS_AUTH
    ) as http:
        version = (await _state(http))["params_version"]
        bad = {
            "prematch": {"halfSpreadBaseDollars": "-0.06"},
            "risk": {"max_drawdown_dollars": "5"},
        }
        refused = await http.post("/params", json=bad)
        assert refused.status_code == 400
        assert "half_spread_base_dollars" in refused.json()["error"]
        assert (await _state(http))["params_version"] == version  # nothing applied, not even risk
        assert _reloads(bot, "http", "refused") == 1
        unknown = await http.post("/params", json={"market": "no-such-market"})
        assert unknown.status_code == 400
        applied = await http.post(
            "/params", json={"prematch": {"half_spread_base_dollars": "0.06"}}
        )
        assert applied.status_code == 200
        new_version = applied.json()["params_versions"][MARKET]
        assert new_version != version
        wider = (before[0] - WIDENING, before[1] + WIDENING)
        await conftest.until(
            lambda: _prices(stack) == wider, timeout_secs=RELOAD_SECS, what=f"quotes {wider}"
        )
        assert (await _state(http))["params_version"] == new_version
    assert _ids(stack) == before_ids
    assert [o for o in stack.ever_ordered() if o.status is model.OrderStatus.CANCELED] == []
    assert _reloads(bot, "http", "applied") == 1
