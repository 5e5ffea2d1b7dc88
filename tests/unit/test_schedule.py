"""The test helper that schedules the example's match relative to a test's clock moves every
market's kickoff and end, and nothing else."""

from __future__ import annotations

from pathlib import Path

from tests import schedule
from touchline_bot import config

NOW_MS = 4_102_444_800_123  # 2100-01-01T00:00:00.123Z: any instant will do


def test_every_market_of_the_copy_kicks_off_after_the_given_now(tmp_path: Path) -> None:
    path = schedule.write_markets_file(tmp_path, now_ms=NOW_MS, kickoff_in_ms=90_000)
    copy, shipped = config.load(path), config.load(schedule.SHIPPED_CONFIG)
    assert [(m.spec.kickoff_ms, m.spec.scheduled_end_ms) for m in copy.markets] == [
        (NOW_MS + 90_000, NOW_MS + 90_000 + schedule.MATCH_MS)
    ] * len(shipped.markets)
    assert [m.spec.ticker for m in copy.markets] == [m.spec.ticker for m in shipped.markets]
    assert sorted(p.name for p in (tmp_path / "rules").iterdir()) == sorted(
        p.name for p in (schedule.SHIPPED_CONFIG.parent / "rules").iterdir()
    )


def test_a_time_is_written_as_the_markets_file_writes_it() -> None:
    assert schedule.iso_utc(NOW_MS) == "2100-01-01T00:00:00.123Z"
