"""``touchline bot`` takes its venue overrides from the TOUCHLINE_* variables the operator sets
(the in-cluster simulators), and a command-line flag still wins."""

from __future__ import annotations

import argparse

import pytest

from touchline_bot.engine import commands


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    commands.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_venue_overrides_come_from_the_environment_and_flags_win(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOUCHLINE_KALSHI_REST_URL", "http://10.0.0.60:8090/trade-api/v2")
    monkeypatch.setenv("TOUCHLINE_POLY_WS_URL", "ws://10.0.0.61:8091/ws/market")
    monkeypatch.delenv("TOUCHLINE_KALSHI_WS_URL", raising=False)
    args = _parse(["bot", "--poly-ws-url", "ws://elsewhere/ws"])
    assert args.kalshi_rest_url == "http://10.0.0.60:8090/trade-api/v2"
    assert args.kalshi_ws_url is None
    assert args.poly_ws_url == "ws://elsewhere/ws"
