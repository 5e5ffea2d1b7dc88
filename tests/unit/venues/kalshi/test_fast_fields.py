"""The hot-path readers agree with the exact ones: memoised string conversions never differ
from :func:`fields.to_price`/:func:`fields.to_qty` (nor go stale), and a fast-parsed delta
frame is exactly what the general parser makes of it, errors included."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.venues.kalshi.test_messages import DELTA
from touchline_bot.core import units
from touchline_bot.venues.kalshi import errors, fields, messages

_DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=22)
_DECIMAL_TEXT = st.one_of(
    st.builds(
        lambda sign, whole, frac: f"{sign}{whole}.{frac}",
        st.sampled_from(["", "-", "+", " ", "--"]),
        _DIGITS,
        _DIGITS,
    ),
    st.builds(lambda d: d, _DIGITS),
    st.text(alphabet="0123456789.-+eE _١²\u00a0xn", max_size=12),
    st.sampled_from(["0.4500", "12.50", "١.٥٠", "1e2", "0.45 ", " 0.45", "NaN", "inf", "-0.00"]),
)


def _exact(convert: Any, value: object) -> int | None:
    try:
        return int(convert(value))
    except (errors.KalshiProtocolError, ValueError, ArithmeticError):
        return None


@given(_DECIMAL_TEXT)
def test_memoised_price_and_count_equal_the_exact_readers(text: str) -> None:
    for _ in range(2):  # a miss, then (if it converted) a hit
        assert fields.memo_price(text) == _exact(fields.to_price, text)
        assert fields.memo_qty(text) == _exact(fields.to_qty, text)


@given(st.one_of(st.integers(-(10**30), 10**30), st.floats(allow_nan=False), st.booleans()))
def test_numbers_convert_as_the_exact_readers_do(value: object) -> None:
    assert fields.memo_price(value) == _exact(fields.to_price, value)
    assert fields.memo_qty(value) == _exact(fields.to_qty, value)


@given(st.integers(-(10**12), 10**12))
def test_plain_shapes_equal_the_decimal_parser(n: int) -> None:
    assert fields.memo_price(units.format_dollars(n)) == units.parse_dollars(
        units.format_dollars(n)
    )
    assert fields.memo_qty(units.format_count(n)) == units.parse_count(units.format_count(n))


def test_the_memo_is_bounded_and_never_stale() -> None:
    # The same string means different units as a price and as a count: never mixed up.
    assert fields.memo_price("0.50") == 5000
    assert fields.memo_qty("0.50") == 50
    for n in range(3 * 16_384):
        text = units.format_count(n)
        assert fields.memo_qty(text) == n
    assert len(fields.QTY_MEMO) <= 16_384
    assert all(units.parse_count(text) == qty for text, qty in fields.QTY_MEMO.items())
    assert fields.memo_qty("0.50") == 50
    assert fields.memo_price(True) is None  # a bool is never the int 1 from a memo


_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    _DECIMAL_TEXT,
    st.sampled_from(["yes", "no", "", "T", [], {}, [1], {"a": 1}]).map(copy.deepcopy),
)
_ENV_KEYS = st.sampled_from(["type", "sid", "seq", "msg"])
_MSG_KEYS = st.sampled_from(
    ["market_ticker", "price_dollars", "delta_fp", "side", "ts_ms", "client_order_id"]
)


def _outcome(raw: bytes, use_yes_price: bool, *, fast: bool) -> object:
    try:
        if fast:
            return messages.parse_frame(raw, use_yes_price=use_yes_price)
        return _slow_parse(orjson.loads(raw), use_yes_price)
    except messages.MalformedFrameError as exc:
        return ("error", type(exc), str(exc))


def _slow_parse(env: Any, use_yes_price: bool) -> object:
    """The general path alone (what parse_frame did before the fast path)."""
    kind = env.get("type") if isinstance(env, dict) else None
    try:
        return messages._delta(env, fields.obj(env, "msg"), use_yes_price)
    except (errors.KalshiProtocolError, ValueError, TypeError) as exc:
        raise messages.MalformedFrameError(f"{kind}: {exc}") from None


@given(
    st.lists(st.tuples(_ENV_KEYS, _ODD), max_size=2),
    st.lists(st.tuples(_MSG_KEYS, _ODD), max_size=3),
    st.lists(st.one_of(_ENV_KEYS, _MSG_KEYS), max_size=2),
    st.booleans(),
)
def test_fast_delta_equals_the_general_parser(
    env_edits: list[tuple[str, object]],
    msg_edits: list[tuple[str, object]],
    drops: list[str],
    use_yes_price: bool,
) -> None:
    env = dict(DELTA, msg=dict(DELTA["msg"]))
    env.update({k: v for k, v in env_edits if k != "type"})
    if isinstance(env["msg"], dict):
        env["msg"].update(dict(msg_edits))
        for key in drops:
            env["msg"].pop(key, None)
    for key in drops:
        if key != "type":
            env.pop(key, None)
    raw = orjson.dumps(env)
    fast = _outcome(raw, use_yes_price, fast=True)
    if isinstance(env.get("msg"), dict):
        assert fast == _outcome(raw, use_yes_price, fast=False)
    else:
        assert isinstance(fast, tuple)
        assert fast[1] is messages.MalformedFrameError


@pytest.mark.parametrize("use_yes_price", [False, True])
def test_numbers_in_a_delta_take_the_exact_path(use_yes_price: bool) -> None:
    env = dict(DELTA, msg=dict(DELTA["msg"], price_dollars=0.96, delta_fp=3, side="yes"))
    parsed = messages.parse_frame(orjson.dumps(env), use_yes_price=use_yes_price)
    assert parsed == messages.BookDelta(
        2, 3, "T", "yes", units.Price(9600), units.Qty(300), "", 1669149841000
    )


def test_a_delta_with_a_huge_exponent_is_a_malformed_frame_not_a_crash() -> None:
    frame = orjson.dumps(
        {
            "type": "orderbook_delta",
            "sid": 1,
            "seq": 2,
            "msg": {
                "market_ticker": "T",
                "price_dollars": "1e999999999",
                "delta_fp": "1.00",
                "side": "yes",
            },
        }
    )
    with pytest.raises(messages.MalformedFrameError, match="price_dollars"):
        messages.parse_frame(frame, use_yes_price=False)
