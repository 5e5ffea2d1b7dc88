"""The audit trail names every field a parameter change moved, old and new."""

from __future__ import annotations

import logging

import pytest

from touchline_bot.config import defaults, overrides
from touchline_bot.engine import audit


def test_changes_list_each_moved_field_with_old_and_new() -> None:
    base = defaults.for_env("demo")
    new = overrides.merge(
        base,
        {"prematch": {"half_spread_base_dollars": "0.06"}, "risk": {"max_drawdown_dollars": "5"}},
    )
    moved = audit.changes(base, new)
    assert moved == {
        "prematch.half_spread_base_dollars": [
            str(base.prematch.half_spread_base_dollars), "0.06"
        ],
        "risk.max_drawdown_dollars": [str(base.risk.max_drawdown_dollars), "5"],
    }  # fmt: skip


def test_an_applied_change_is_logged_once_with_who_and_what(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=audit.__name__)
    base = defaults.for_env("demo")
    new = overrides.merge(base, {"inplay": {"half_spread_base_dollars": "0.07"}})
    audit.applied(
        market_id="m", source="http", who="http from 10.0.0.9", old=base, new=new, version="v2"
    )
    audit.applied(market_id="m", source="file", who="f.yaml", old=new, new=new, version="v2")
    (record,) = [r for r in caplog.records if r.getMessage() == "parameters changed"]
    assert (record.market, record.source, record.who, record.version) == (  # type: ignore[attr-defined]
        "m", "http", "http from 10.0.0.9", "v2",
    )  # fmt: skip
    assert list(record.changes) == ["inplay.half_spread_base_dollars"]  # type: ignore[attr-defined]
