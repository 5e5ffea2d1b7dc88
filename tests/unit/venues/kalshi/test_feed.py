"""Feed protocol state: subscriptions sent explicitly, per-sid sequence tracking, a gap
invalidates books and asks for snapshots, terminal errors resubscribe."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from touchline_bot.venues.kalshi import feed, messages


def _msg(doc: dict[str, Any]) -> messages.Message:
    parsed = messages.parse_frame(orjson.dumps(doc), use_yes_price=False)
    assert parsed is not None
    return parsed


def _snapshot(seq: int, ticker: str = "A", yes: str = "0.4000") -> messages.Message:
    return _msg({
        "type": "orderbook_snapshot", "sid": 1, "seq": seq,
        "msg": {"market_ticker": ticker, "yes_dollars_fp": [[yes, "10.00"]],
                "no_dollars_fp": [["0.5000", "5.00"]]},
    })  # fmt: skip


def _delta(seq: int, ticker: str = "A", delta: str = "1.00") -> messages.Message:
    return _msg({
        "type": "orderbook_delta", "sid": 1, "seq": seq,
        "msg": {"market_ticker": ticker, "price_dollars": "0.4000", "delta_fp": delta,
                "side": "yes"},
    })  # fmt: skip


def _subscribed(state: feed.FeedState) -> None:
    for cmd_id, channel in ((1, "orderbook_delta"), (2, "market_lifecycle_v2")):
        state.handle(
            _msg({"id": cmd_id, "type": "subscribed", "msg": {"channel": channel, "sid": cmd_id}})
        )


@pytest.mark.parametrize(
    ("use_yes_price", "private", "channels"),
    [
        pytest.param(
            False, True,
            ["orderbook_delta", "market_lifecycle_v2", "fill", "user_orders", "market_positions"],
            id="all-channels",
        ),
        pytest.param(True, False, ["orderbook_delta", "market_lifecycle_v2"], id="public-only"),
    ],
)  # fmt: skip
def test_connection_subscribes_each_channel_with_use_yes_price_explicit(
    use_yes_price: bool, private: bool, channels: list[str]
) -> None:
    state = feed.FeedState(["A", "B"], use_yes_price=use_yes_price, private=private)
    commands = state.start_connection()
    assert [c["params"]["channels"] for c in commands] == [[c] for c in channels]
    assert [c["id"] for c in commands] == list(range(1, len(channels) + 1))
    assert all(c["params"]["market_tickers"] == ["A", "B"] for c in commands)
    book_cmd = commands[0]["params"]
    assert book_cmd["market_tickers"] == ["A", "B"]
    assert book_cmd["use_yes_price"] is use_yes_price
    assert all(not b.valid for b in state.books.values())


def test_in_order_frames_keep_the_book_valid() -> None:
    state = feed.FeedState(["A"], use_yes_price=False)
    state.start_connection()
    _subscribed(state)
    assert state.handle(_snapshot(1)) == []
    assert state.handle(_delta(2)) == []
    assert state.books["A"].yes_bids() == {4000: 1100}
    assert state.stats.gaps == 0


def test_gap_invalidates_books_requests_snapshot_and_resyncs() -> None:
    state = feed.FeedState(["A", "B"], use_yes_price=False)
    state.start_connection()
    _subscribed(state)
    state.handle(_snapshot(1, "A"))
    state.handle(_snapshot(2, "B"))
    commands = state.handle(_delta(4, "A"))  # seq 3 was lost
    assert commands == [{
        "id": 6, "cmd": "update_subscription",
        "params": {"sid": 1, "action": "get_snapshot", "market_tickers": ["A", "B"]},
    }]  # fmt: skip
    assert state.stats.gaps == 1
    assert not state.books["A"].valid
    assert state.books["A"].yes_bids() == {4000: 1000}, "deltas are not applied to an invalid book"
    assert state.stats.dropped_deltas == 1
    state.handle(_snapshot(5, "A", yes="0.4500"))
    state.handle(_snapshot(6, "B"))
    assert state.books["A"].top().valid
    assert state.books["A"].yes_bids() == {4500: 1000}
    assert state.stats.resyncs == 2


def test_ok_reply_consumes_a_seq_without_a_gap() -> None:
    state = feed.FeedState(["A"], use_yes_price=False)
    state.start_connection()
    _subscribed(state)
    state.handle(_snapshot(1))
    state.handle(_msg({"id": 9, "sid": 1, "seq": 2, "type": "ok", "msg": {}}))
    state.handle(_delta(3))
    assert state.stats.gaps == 0


def test_negative_level_asks_for_a_snapshot_of_that_market() -> None:
    state = feed.FeedState(["A"], use_yes_price=False)
    state.start_connection()
    _subscribed(state)
    state.handle(_snapshot(1))
    commands = state.handle(_delta(2, delta="-11.00"))
    assert commands[0]["params"] == {"sid": 1, "action": "get_snapshot", "market_tickers": ["A"]}
    assert not state.books["A"].valid


@pytest.mark.parametrize("code", [10, 17, 25])
def test_terminal_error_unsubscribes_and_resubscribes_the_channel(code: int) -> None:
    state = feed.FeedState(["A"], use_yes_price=False)
    state.start_connection()
    _subscribed(state)
    state.handle(_snapshot(1))
    commands = state.handle(
        _msg({"id": 0, "type": "error", "sid": 1, "msg": {"code": code, "msg": "x"}})
    )
    assert [c["cmd"] for c in commands] == ["unsubscribe", "subscribe"]
    assert commands[0]["params"] == {"sids": [1]}
    assert commands[1]["params"]["channels"] == ["orderbook_delta"]
    assert state.stats.terminal_errors == 1
    assert not state.books["A"].valid


@pytest.mark.parametrize("code", [6, 8, 27])
def test_non_terminal_error_is_counted_only(code: int) -> None:
    state = feed.FeedState(["A"], use_yes_price=False)
    state.start_connection()
    _subscribed(state)
    assert state.handle(_msg({"id": 3, "type": "error", "msg": {"code": code, "msg": "x"}})) == []
    assert state.stats.venue_errors == 1
    assert state.stats.terminal_errors == 0


def test_snapshot_for_unknown_market_is_counted_not_applied() -> None:
    state = feed.FeedState(["A"], use_yes_price=False)
    state.start_connection()
    _subscribed(state)
    state.handle(_snapshot(1, "Z"))
    assert state.stats.unexpected_frames == 1
    assert "Z" not in state.books
