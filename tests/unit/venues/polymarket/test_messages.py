"""Parsing the market channel's frames and REST book summaries: string numbers, unordered
levels, arrays of events, plain-text frames, and garbage that becomes a counted ``Malformed``."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from touchline_bot.core import units
from touchline_bot.venues.polymarket import messages

FIXTURES = Path(__file__).parents[3] / "fixtures" / "polymarket"
YES = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
NO = "52114319501245915516055106046884209969926127482827954674443846427813813222426"


def _frames() -> list[str]:
    return (FIXTURES / "ws_frames.txt").read_text().splitlines()


def test_rest_book_summary_converts_strings_to_exact_units() -> None:
    snapshot = messages.book_from_json(orjson.loads((FIXTURES / "clob_book.json").read_bytes()))
    assert snapshot.asset_id == YES
    assert snapshot.timestamp_ms == 1786385407185
    assert snapshot.tick_size == units.Price(100)
    assert (units.Price(4200), units.Qty(259101)) in snapshot.bids
    assert (units.Price(4300), units.Qty(21921)) in snapshot.asks


@pytest.mark.parametrize(
    ("line", "expected_types"),
    [
        pytest.param(0, [messages.BookSnapshot], id="array-with-one-book"),
        pytest.param(1, [messages.PriceChange], id="price-change-object"),
        pytest.param(3, [messages.TextFrame], id="pong-text-frame"),
        pytest.param(4, [messages.TextFrame], id="no-new-assets-text-frame"),
        pytest.param(5, [messages.LastTrade], id="last-trade-price"),
        pytest.param(6, [messages.Malformed], id="bad-price-is-malformed"),
        pytest.param(7, [messages.Malformed], id="truncated-json-is-malformed"),
    ],
)
def test_each_recorded_frame_parses_to_the_expected_messages(
    line: int, expected_types: list[type]
) -> None:
    parsed = messages.parse_frame(_frames()[line])
    assert [type(m) for m in parsed] == expected_types


def test_price_change_entries_keep_their_own_asset_ids() -> None:
    (change,) = messages.parse_frame(_frames()[1])
    assert isinstance(change, messages.PriceChange)
    assert [(c.asset_id, c.side, c.price, c.size) for c in change.changes] == [
        (YES, messages.LevelSide.BUY, units.Price(4300), units.Qty(3000)),
        (NO, messages.LevelSide.SELL, units.Price(5700), units.Qty(3000)),
    ]


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        pytest.param(
            '{"event_type":"tick_size_change","asset_id":"1","market":"0x1",'
            '"old_tick_size":"0.01","new_tick_size":"0.001","timestamp":"5"}',
            messages.TickSizeChange("1", units.Price(10), 5),
            id="tick-size-change",
        ),
        pytest.param(
            '{"event_type":"best_bid_ask","asset_id":"1","market":"0x1","best_bid":"0.4",'
            '"best_ask":"0.41","spread":"0.01","timestamp":"7"}',
            messages.BestBidAsk("1", units.Price(4000), units.Price(4100), 7),
            id="best-bid-ask",
        ),
        pytest.param(
            '{"event_type":"new_market","id":"1"}', messages.Ignored("new_market"), id="ignored"
        ),
        pytest.param("[1]", messages.Malformed("event is not an object"), id="number-in-array"),
        pytest.param('{"x":1}', messages.Malformed("event without event_type"), id="no-type"),
        pytest.param(
            '{"event_type":"price_change","price_changes":[{"asset_id":"1","price":"0.5",'
            '"size":"1","side":"HOLD"}]}',
            messages.Malformed("bad side"),
            id="unknown-side",
        ),
        pytest.param(
            '{"event_type":"book","asset_id":"1","bids":[],"asks":[],"timestamp":"soon"}',
            messages.Malformed("bad timestamp"),
            id="bad-timestamp",
        ),
        pytest.param("{not json", messages.Malformed("invalid JSON"), id="invalid-json"),
        pytest.param("INVALID OPERATION", messages.TextFrame("INVALID OPERATION"), id="error-text"),
    ],
)
def test_single_frames_parse_or_degrade_to_malformed(frame: str, expected: object) -> None:
    assert messages.parse_frame(frame) == [expected]


def test_an_array_with_one_bad_element_keeps_the_good_ones() -> None:
    frame = (
        '[{"event_type":"book","asset_id":"1","bids":[],"asks":[{"price":"0.6","size":"2"}],'
        '"timestamp":"9"}, {"event_type":"book"}]'
    )
    parsed = messages.parse_frame(frame)
    assert isinstance(parsed[0], messages.BookSnapshot)
    assert parsed[1] == messages.Malformed("missing asset_id")


def test_json_numbers_are_accepted_where_strings_are_documented() -> None:
    snapshot = messages.book_from_json(
        {"asset_id": "1", "bids": [{"price": 0.25, "size": 10}], "asks": [], "timestamp": 3}
    )
    assert snapshot.bids == ((units.Price(2500), units.Qty(1000)),)
