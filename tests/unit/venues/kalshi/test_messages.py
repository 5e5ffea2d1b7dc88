"""WebSocket frame parsing: typed messages in integer units, NO side always in NO price, and
garbled frames raised as MalformedFrameError (never anything else)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from touchline_bot.core import types
from touchline_bot.venues.kalshi import messages

SNAPSHOT = {
    "type": "orderbook_snapshot",
    "sid": 2,
    "seq": 2,
    "msg": {
        "market_ticker": "T",
        "market_id": "u",
        "yes_dollars_fp": [["0.0800", "300.00"], ["0.2200", "333.00"]],
        "no_dollars_fp": [["0.5400", "20.00"], ["0.5600", "146.50"]],
    },
}
DELTA: dict[str, Any] = {
    "type": "orderbook_delta",
    "sid": 2,
    "seq": 3,
    "msg": {
        "market_ticker": "T",
        "price_dollars": "0.9600",
        "delta_fp": "-54.25",
        "side": "no",
        "ts_ms": 1669149841000,
    },
}


def _parse(doc: object, use_yes_price: bool = False) -> messages.Message | None:
    return messages.parse_frame(orjson.dumps(doc), use_yes_price=use_yes_price)


def test_snapshot_levels_best_first_in_integer_units() -> None:
    msg = _parse(SNAPSHOT)
    assert isinstance(msg, messages.BookSnapshot)
    assert (msg.sid, msg.seq, msg.ticker) == (2, 2, "T")
    assert msg.yes_bids == ((2200, 33300), (800, 30000))
    assert msg.no_bids == ((5600, 14650), (5400, 2000))


def test_snapshot_with_an_absent_side_is_an_empty_side() -> None:
    doc = SNAPSHOT | {"msg": {"market_ticker": "T", "yes_dollars_fp": [["0.1000", "1"]]}}
    msg = _parse(doc)
    assert isinstance(msg, messages.BookSnapshot)
    assert msg.no_bids == ()


@pytest.mark.parametrize(
    ("use_yes_price", "no_price"),
    [
        pytest.param(False, 9600, id="no-price-as-sent"),
        pytest.param(True, 400, id="yes-price-converted-back-to-no-price"),
    ],
)
def test_no_side_delta_is_returned_in_no_price(use_yes_price: bool, no_price: int) -> None:
    msg = _parse(DELTA, use_yes_price)
    assert isinstance(msg, messages.BookDelta)
    assert (msg.side, msg.price, msg.delta, msg.ts_ms) == ("no", no_price, -5425, 1669149841000)


def test_yes_price_snapshot_no_levels_converted_and_reordered() -> None:
    msg = _parse(SNAPSHOT, use_yes_price=True)
    assert isinstance(msg, messages.BookSnapshot)
    assert msg.no_bids == ((4600, 2000), (4400, 14650))


def test_numbers_instead_of_strings_are_parsed_exactly() -> None:
    doc = DELTA | {"msg": DELTA["msg"] | {"price_dollars": 0.96, "delta_fp": 3}}
    msg = _parse(doc)
    assert isinstance(msg, messages.BookDelta)
    assert (msg.price, msg.delta) == (9600, 300)


def test_fill_user_order_position_and_lifecycle_are_typed() -> None:
    fill = {
        "type": "fill",
        "sid": 5,
        "msg": {
            "trade_id": "t",
            "order_id": "o",
            "market_ticker": "T",
            "is_taker": False,
            "book_side": "ask",
            "yes_price_dollars": "0.5600",
            "count_fp": "1.50",
            "fee_cost": "0.0041",
            "post_position_fp": "-1.50",
            "client_order_id": "c",
            "ts_ms": 7,
        },
    }
    parsed = _parse(fill)
    assert isinstance(parsed, messages.FillMessage)
    assert (parsed.side, parsed.price, parsed.count, parsed.fee_cost, parsed.post_position) == (
        types.Side.ASK,
        5600,
        150,
        4100,
        -150,
    )
    order = {
        "type": "user_order",
        "sid": 6,
        "msg": {
            "order_id": "o",
            "ticker": "T",
            "status": "canceled",
            "side": "bid",
            "yes_price_dollars": "0.4000",
            "remaining_count_fp": "0.00",
            "last_update_reason": "PostOnlyCrossCancel",
        },
    }
    parsed_order = _parse(order)
    assert isinstance(parsed_order, messages.UserOrderMessage)
    assert parsed_order.last_update_reason == "PostOnlyCrossCancel"
    position = {
        "type": "market_position",
        "sid": 7,
        "msg": {"market_ticker": "T", "position_fp": "2.00"},
    }
    assert _parse(position) == messages.PositionMessage("T", 200, 0, 0)  # type: ignore[arg-type]
    lifecycle = {
        "type": "market_lifecycle_v2",
        "sid": 8,
        "seq": 1,
        "msg": {"market_ticker": "T", "event_type": "deactivated"},
    }
    parsed_life = _parse(lifecycle)
    assert isinstance(parsed_life, messages.LifecycleMessage)
    assert parsed_life.event_type == "deactivated"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(
            {"id": 1, "type": "subscribed", "msg": {"channel": "orderbook_delta", "sid": 4}},
            messages.Control("subscribed", 1, 4, None, "orderbook_delta", 0, ""),
            id="subscribed",
        ),
        pytest.param(
            {"id": 3, "type": "error", "msg": {"code": 25, "msg": "buffer overflow"}, "sid": 4},
            messages.Control("error", 3, 4, None, "", 25, "buffer overflow"),
            id="error",
        ),
        pytest.param(
            {"id": 9, "sid": 4, "seq": 7, "type": "ok", "msg": {"market_tickers": ["T"]}},
            messages.Control("ok", 9, 4, 7, "", 0, ""),
            id="ok-with-seq",
        ),
    ],
)
def test_control_frames(doc: object, expected: messages.Control) -> None:
    assert _parse(doc) == expected


def test_well_formed_frame_of_unused_type_gives_none() -> None:
    assert _parse({"type": "ticker", "sid": 1, "msg": {}}) is None


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"[1, 2]", id="not-an-object"),
        pytest.param(orjson.dumps({"type": "orderbook_delta", "sid": 1}), id="no-msg"),
        pytest.param(
            orjson.dumps(DELTA | {"msg": {"market_ticker": "T"}}), id="delta-missing-fields"
        ),
        pytest.param(
            orjson.dumps(DELTA | {"msg": DELTA["msg"] | {"delta_fp": "1.234"}}),
            id="count-finer-than-hundredths",
        ),
        pytest.param(
            orjson.dumps(DELTA | {"msg": DELTA["msg"] | {"side": "maybe"}}),
            id="unknown-side",
        ),
        pytest.param(orjson.dumps(DELTA | {"seq": "three"}), id="seq-not-integer"),
        pytest.param(
            orjson.dumps(SNAPSHOT | {"msg": {"market_ticker": "T", "yes_dollars_fp": [["x"]]}}),
            id="bad-level",
        ),
        pytest.param(
            orjson.dumps({"type": "error", "msg": {"code": "x"}}), id="error-code-not-integer"
        ),
        pytest.param(orjson.dumps({"type": "fill", "msg": {"order_id": 5}}), id="fill-wrong-types"),
    ],
)
def test_garbled_frames_raise_malformed_frame_error(raw: bytes) -> None:
    with pytest.raises(messages.MalformedFrameError):
        messages.parse_frame(raw, use_yes_price=False)
