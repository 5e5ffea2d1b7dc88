"""``touchline run`` with a configuration file that does not validate: it exits 2 before
touching a venue, with a message that names the offending field, and places nothing."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.bot import conftest, process

EXIT_SECS = 30.0


@pytest.mark.parametrize(
    ("original", "broken", "named"),
    [
        pytest.param(
            "half_spread_base_dollars: 0.03",
            "half_spread_base_dollars: -0.03",
            "params.prematch.half_spread_base_dollars",
            id="negative-spread-names-the-parameter",
        ),
        pytest.param(
            "poly_weight: 0.70 ",
            "poly_weight: seventy ",
            "params.prematch.poly_weight",
            id="non-decimal-weight-names-the-parameter",
        ),
        pytest.param(
            "      ticker: KXEPLGAME-26NOV28ARSCHE-ARS",
            "      tickr: KXEPLGAME-26NOV28ARSCHE-ARS",
            "markets[0].kalshi.tickr: unknown field",
            id="misspelt-ticker-names-the-unknown-field",
        ),
    ],
)
async def test_run_with_malformed_config_exits_2_naming_the_field_and_places_nothing(
    stack: conftest.Stack, original: str, broken: str, named: str
) -> None:
    text = stack.config_path.read_text()
    assert original in text
    bad = stack.workdir / "bad.yaml"
    bad.write_text(text.replace(original, broken, 1))
    argv = ["run", "--config", str(bad), "--http-host", "127.0.0.1", "--http-port", "0"]
    async with process.running(stack, argv, name="bad-config") as bot:
        code = await asyncio.wait_for(bot.proc.wait(), EXIT_SECS)
    assert code == 2, bot.tail()
    assert named in bot.log_text()
    assert "touchline run: " in bot.log_text()
    assert stack.ever_ordered() == []
