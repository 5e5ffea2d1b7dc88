"""Hot reload parses a changed file once, however many markets' watchers ask for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from touchline_bot.engine import reload


def _counting(path: Path) -> str:
    text = path.read_text()
    if "bad" in text:
        raise ValueError("does not validate")
    return text.upper()


def test_a_hundred_markets_share_one_parse_per_change(tmp_path: Path) -> None:
    path = tmp_path / "markets.yaml"
    path.write_text("one")
    parsed = reload.ParseOnce(_counting)
    assert {parsed(path) for _ in range(100)} == {"ONE"}
    path.write_text("two")
    assert {parsed(path) for _ in range(100)} == {"TWO"}
    assert parsed.parses == 2


def test_a_file_that_does_not_validate_fails_every_caller_with_one_parse(tmp_path: Path) -> None:
    path = tmp_path / "markets.yaml"
    path.write_text("bad")
    parsed = reload.ParseOnce(_counting)
    for _ in range(3):
        with pytest.raises(ValueError, match="does not validate"):
            parsed(path)
    assert parsed.parses == 1
