"""``touchline sim kalshi``: arguments, seeding from a market file with rules texts, serving."""

from __future__ import annotations

import argparse
import asyncio
import pathlib
import textwrap

import httpx

from touchline_bot.sim.kalshi import cli, server

MARKET_FILE = """\
markets:
  - id: epl-ars-che-ars
    match_name: "Arsenal vs Chelsea"
    kalshi:
      env: demo
      ticker: KXEPLGAME-26NOV28ARSCHE-ARS
"""
RULES_FILE = """\
KXEPLGAME-26NOV28ARSCHE-ARS:
  rules_primary: If Arsenal wins, the market resolves to Yes.
  rules_secondary: Postponed games stay open for two weeks.
"""


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="touchline sim")
    cli.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


async def test_cli_serves_markets_from_the_market_file_with_their_rules(
    tmp_path: pathlib.Path,
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "markets.yaml").write_text(textwrap.dedent(MARKET_FILE))
    (tmp_path / "rules" / "KXEPLGAME-26NOV28ARSCHE.yaml").write_text(RULES_FILE)
    args = _parse(["kalshi", "--port", "0", "--market-file", str(tmp_path / "markets.yaml")])
    stop = asyncio.Event()
    started: asyncio.Queue[server.RunningKalshiSim] = asyncio.Queue()
    serving = asyncio.create_task(cli.serve(args, stop, started.put_nowait))
    sim = await asyncio.wait_for(started.get(), 5)
    async with httpx.AsyncClient() as client:
        response = await client.get(sim.base_url + "/markets/KXEPLGAME-26NOV28ARSCHE-ARS")
    stop.set()
    await asyncio.wait_for(serving, 5)
    market = response.json()["market"]
    assert market["rules_primary"] == "If Arsenal wins, the market resolves to Yes."
    assert market["rules_secondary"] == "Postponed games stay open for two weeks."
    assert market["title"] == "Arsenal vs Chelsea"


def test_cli_defaults_to_loopback_and_a_free_port() -> None:
    args = _parse(["kalshi"])
    assert (args.host, args.port, args.ping_interval_secs) == ("127.0.0.1", 0, 10.0)
    assert (args.tier, args.no_rate_limits) == ("basic", False)
