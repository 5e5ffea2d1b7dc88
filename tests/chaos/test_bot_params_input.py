"""Item 18: the bot's ``POST /params`` (a real bot against the simulators, over loopback HTTP)
answers hostile bodies with a clean 400 and applies nothing; an applied change is audited with
who asked, the market and each field's old and new value."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.integration.bot import conftest
from touchline_bot.engine import app as bot_app
from touchline_bot.engine import audit

MARKET = "epl-ars-che-20261128-ars"
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
async def bot(stack: conftest.Stack) -> AsyncIterator[bot_app.BotApp]:
    async with conftest.running_bot(stack, MARKET, serve_http=True) as app:
        yield app


def _version(bot: bot_app.BotApp) -> str:
    version: str = bot.describe()["markets"][0]["params_version"]
    return version


@pytest.mark.slow
async def test_hostile_params_bodies_are_a_clean_400_and_a_change_is_audited(
    bot: bot_app.BotApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=audit.__name__)
    version = _version(bot)
    hostile = [
        DEEP,
        json.dumps({"market": ["x"]}),
        json.dumps({"market": {"a": 1}}),
        '{"prematch": {"half_spread_base_dollars": NaN}}',
        "[1]",
    ]
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{bot.http_port}", headers=conftest.PARAMS_AUTH
    ) as http:
        answers = [
            await http.post("/params", content=body, headers={"Content-Type": "application/json"})
            for body in hostile
        ]
        applied = await http.post(
            "/params", json={"market": MARKET, "prematch": {"half_spread_base_dollars": "0.06"}}
        )
    assert [a.status_code for a in answers] == [400] * len(hostile), [a.text for a in answers]
    assert applied.status_code == 200, applied.text
    assert _version(bot) != version
    (record,) = [r for r in caplog.records if r.getMessage() == "parameters changed"]
    fields = vars(record)
    assert (fields["market"], fields["source"]) == (MARKET, "http")
    assert fields["who"].startswith("http from 127.0.0.1")
    assert fields["changes"]["prematch.half_spread_base_dollars"][1] == "0.06"
