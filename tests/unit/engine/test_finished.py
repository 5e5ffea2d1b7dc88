"""A market's match is over once its quoting window has closed (the scheduled end less the
stop-quoting margin), and the line that says so names the market and the times."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import schedule
from touchline_bot import config
from touchline_bot.engine import finished

KICKOFF_MS = 4_102_444_800_000  # 2100-01-01T00:00:00Z
END_MS = KICKOFF_MS + schedule.MATCH_MS
MARGIN_MS = 600_000  # the example file's stop_quoting_before_end_ms


@pytest.fixture
def markets(tmp_path: Path) -> tuple[config.ResolvedMarket, ...]:
    path = schedule.write_markets_file(tmp_path, now_ms=KICKOFF_MS, kickoff_in_ms=0)
    return config.load(path).markets


@pytest.mark.parametrize(
    ("now_ms", "over"),
    [
        pytest.param(KICKOFF_MS - 86_400_000, False, id="a-day-before-kickoff"),
        pytest.param(KICKOFF_MS + 1, False, id="in-play"),
        pytest.param(END_MS - MARGIN_MS - 1, False, id="last-quoting-millisecond"),
        pytest.param(END_MS - MARGIN_MS, True, id="quoting-stopped"),
        pytest.param(END_MS + 400 * 86_400_000, True, id="long-after"),
    ],
)
def test_a_match_is_over_once_its_quoting_window_has_closed(
    markets: tuple[config.ResolvedMarket, ...], now_ms: int, over: bool
) -> None:
    to_play, finished_ = finished.split(markets, now_ms)
    assert (finished_, to_play) == ((markets, ()) if over else ((), markets))


def test_split_keeps_the_files_order_on_both_sides(
    markets: tuple[config.ResolvedMarket, ...], tmp_path: Path
) -> None:
    path = tmp_path / "markets_soccer.yaml"
    schedule.reschedule_market(path, markets[1].market.id, kickoff_ms=KICKOFF_MS - 86_400_000)
    mixed = config.load(path).markets
    to_play, over = finished.split(mixed, KICKOFF_MS + 1)
    assert [m.market.id for m in to_play] == [markets[0].market.id, markets[2].market.id]
    assert [m.market.id for m in over] == [markets[1].market.id]


def test_the_line_names_the_market_the_match_and_when_quoting_stopped(
    markets: tuple[config.ResolvedMarket, ...],
) -> None:
    line = finished.describe(markets[0])
    assert "\n" not in line
    assert line == (
        f"market {markets[0].market.id} (Arsenal vs Chelsea): the match is over — quoting "
        "stopped at 2100-01-01T01:45:00Z, 10 min before its scheduled end 2100-01-01T01:55:00Z;"
        " nothing to quote"
    )
