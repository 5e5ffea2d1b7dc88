"""``touchline risk``'s default state file never depends on the working directory."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from touchline_bot.risk_service import main


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param(
            {"XDG_STATE_HOME": "/srv/state"},
            Path("/srv/state/touchline/risk-state.json"),
            id="xdg-state-home",
        ),
        pytest.param(
            {}, Path.home() / ".local/state/touchline/risk-state.json", id="unset-home-state"
        ),
        pytest.param(
            {"XDG_STATE_HOME": "relative"},
            Path.home() / ".local/state/touchline/risk-state.json",
            id="relative-xdg-ignored",
        ),
    ],
)
def test_the_default_state_file_is_absolute(env: dict[str, str], expected: Path) -> None:
    path = main.default_state_file(env)
    assert path == expected
    assert path.is_absolute()


def test_the_flag_default_is_not_a_relative_path() -> None:
    parser = argparse.ArgumentParser()
    main.register(parser.add_subparsers())
    args = parser.parse_args(["risk"])
    assert args.state_file is None or Path(args.state_file).is_absolute()
    assert args.first_start is False
