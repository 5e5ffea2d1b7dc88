"""The hot-path benchmark's tape: frames the real parsers accept, books that stay sound, and a
short replay through the real pipeline that ends up quoting. Nothing here is timed."""

from __future__ import annotations

import json

import pytest
from benchmarks import fixtures, hot_path

from touchline_bot.core import decisions, types
from touchline_bot.engine import kalshi_feed as engine_feed
from touchline_bot.venues.kalshi import feed as kalshi_feed
from touchline_bot.venues.kalshi import messages as kalshi_messages
from touchline_bot.venues.polymarket import messages as poly_messages
from touchline_bot.venues.polymarket import store as poly_store

START_MS = hot_path.START_MS
TAPE = fixtures.generate(3_000, seed=11, start_ms=START_MS)


def _kalshi(tape: list[fixtures.Frame]) -> list[kalshi_messages.Message | None]:
    return [
        kalshi_messages.parse_frame(f.raw, use_yes_price=False)
        for f in tape
        if f.venue is types.Venue.KALSHI
    ]


def _poly(tape: list[fixtures.Frame]) -> list[poly_messages.Message]:
    frames = [f for f in tape if f.venue is types.Venue.POLYMARKET]
    return [message for f in frames for message in poly_messages.parse_frame(f.raw)]


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not() -> None:
    again = fixtures.generate(3_000, seed=11, start_ms=START_MS)
    other = fixtures.generate(3_000, seed=12, start_ms=START_MS)
    assert [f.raw for f in again] == [f.raw for f in TAPE]
    assert [f.raw for f in other] != [f.raw for f in TAPE]


@pytest.mark.parametrize(
    ("deltas", "poly_every"),
    [
        pytest.param(1_000, 10, id="about-one-poly-update-per-ten-deltas"),
        pytest.param(1_000, 4, id="about-one-poly-update-per-four-deltas"),
    ],
)
def test_the_tape_holds_the_asked_kalshi_deltas_and_about_the_asked_poly_share(
    deltas: int, poly_every: int
) -> None:
    tape = fixtures.generate(deltas, seed=3, start_ms=START_MS, poly_every=poly_every)
    kalshi = [f for f in tape if f.venue is types.Venue.KALSHI]
    assert len(kalshi) == deltas + 1  # the snapshot, then the deltas
    poly_share = (len(tape) - len(kalshi)) / deltas
    assert 0.5 / poly_every < poly_share < 2 / poly_every
    assert [f.ts_ms for f in tape] == sorted(f.ts_ms for f in tape)


def test_every_kalshi_frame_parses_as_a_snapshot_then_deltas_in_sequence() -> None:
    parsed = _kalshi(TAPE)
    assert isinstance(parsed[0], kalshi_messages.BookSnapshot)
    assert all(isinstance(m, kalshi_messages.BookDelta) for m in parsed[1:])
    book_messages = kalshi_messages.BookSnapshot | kalshi_messages.BookDelta
    seqs = [m.seq for m in parsed if isinstance(m, book_messages)]
    assert seqs == list(range(1, len(parsed) + 1))
    assert any(isinstance(m, kalshi_messages.BookDelta) and m.delta % 100 for m in parsed)


def test_every_poly_frame_parses_as_a_book_then_price_changes_of_our_token() -> None:
    parsed = _poly(TAPE)
    assert isinstance(parsed[0], poly_messages.BookSnapshot)
    changes = parsed[1:]
    assert changes
    assert all(isinstance(m, poly_messages.PriceChange) for m in changes)
    assert all(
        fixtures.TOKEN in {c.asset_id for c in m.changes}
        for m in changes
        if isinstance(m, poly_messages.PriceChange)
    )


def test_both_books_stay_valid_and_uncrossed_through_the_whole_tape() -> None:
    feed = kalshi_feed.FeedState([fixtures.TICKER], use_yes_price=False, private=False)
    store = poly_store.SignalStore([fixtures.TOKEN])
    for frame in TAPE:
        if frame.venue is types.Venue.KALSHI:
            message = kalshi_messages.parse_frame(frame.raw, use_yes_price=False)
            assert message is not None
            assert feed.handle(message) == []
        else:
            for poly in poly_messages.parse_frame(frame.raw):
                store.apply(poly, now_ms=frame.ts_ms, source=poly_store.Source.WS)
        book = feed.books[fixtures.TICKER]
        if book.best_bid is not None and book.best_ask is not None:
            assert book.best_bid < book.best_ask
    assert feed.books[fixtures.TICKER].valid
    assert feed.stats.gaps == 0
    assert feed.books[fixtures.TICKER].negative_levels == 0
    top = store.top(fixtures.TOKEN)
    assert top is not None
    assert top.best_bid is not None
    assert top.best_ask is not None
    assert top.best_bid[0] < top.best_ask[0]


def test_a_short_replay_warms_up_quotes_both_sides_and_gets_its_orders_acknowledged() -> None:
    run = hot_path.Pipeline(start_ms=START_MS)
    for frame in TAPE:
        run.deliver_acks(frame.ts_ms)
        run.on_frame(frame)
    assert run.host.machine_state is types.MachineState.QUOTING
    assert "QUOTING:warmed_up" in run.state_changes
    assert run.decisions[decisions.PlaceOrder.__name__] >= 2
    assert run.ack_events >= 2
    sides = {order.side for order in run.host.state.live.values()}
    assert sides == {types.Side.BID, types.Side.ASK}
    assert run.quoting_frames > len(TAPE) // 2


def test_the_script_prints_one_json_line_with_every_figure_the_readme_quotes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert hot_path.main(["--deltas", "500", "--seed", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    figures = ("p50_us", "p99_us", "msgs_per_sec", "ratio_to_parse", "rss_mb")
    assert all(result[name] > 0 for name in figures)
    assert result["kalshi_deltas"] == 500
    assert result["quoting_fraction"] > 0.5
    assert set(result["targets_met"]) == {"p99_us", "msgs_per_sec", "ratio_to_parse", "rss_mb"}
    # The reported replay is the median of three by CPU time: its ratio is the middle one.
    assert result["replays"] == len(result["ratio_each"]) == 3
    assert result["ratio_each"] == sorted(result["ratio_each"])
    assert result["ratio_to_parse"] == result["ratio_each"][1]


def test_the_benchmark_hands_the_core_the_same_book_view_as_the_engine() -> None:
    assert engine_feed.KalshiFeed.levels == hot_path.BOOK_LEVELS
