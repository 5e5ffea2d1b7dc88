"""The price-change hot path agrees with the general parser: memoised probability and size
strings equal the exact ``units`` parsers (and never go stale), and a fast-parsed frame is
what the general parser makes of it, ``Malformed`` reasons included."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from touchline_bot.core import units
from touchline_bot.venues.polymarket import messages

_DIGITS = st.text(alphabet="0123456789", max_size=22)
_DECIMAL_TEXT = st.one_of(
    st.builds(
        lambda sign, whole, frac: f"{sign}{whole}.{frac}",
        st.sampled_from(["", "-", "+", " "]),
        _DIGITS,
        _DIGITS,
    ),
    _DIGITS,
    st.text(alphabet="0123456789.-+eE _١²\u00a0", max_size=10),
    st.sampled_from(["0.45", "1", "1.0000", "1.0001", "0.00005", "١", "1e-2", "12.5 "]),
)


def _exact(parse: Any, text: str) -> int | None:
    try:
        return int(parse(text))
    except (units.UnitsError, ValueError, ArithmeticError):
        return None


@given(_DECIMAL_TEXT)
def test_memoised_units_equal_the_exact_parsers_where_they_answer(text: str) -> None:
    for _ in range(2):
        price, size = messages.memo_price(text), messages.memo_size(text)
        assert price is None or price == _exact(units.parse_probability, text)
        assert size is None or size == _exact(units.parse_size, text)


def test_plain_shapes_are_answered_and_the_memo_is_bounded() -> None:
    assert messages.memo_price("0.45") == 4500
    assert messages.memo_size("0.45") == 45
    assert messages.memo_price("1.5") is None  # outside [0, 1]: the exact parser says so
    for n in range(3 * 4096):
        text = format(n / 100, ".2f")
        assert messages.memo_size(text) == units.parse_size(text)
    assert len(messages._SIZES) <= 4096


_EVENT: dict[str, Any] = {
    "event_type": "price_change",
    "market": "0xabc",
    "timestamp": "1795867200180",
    "price_changes": [
        {"asset_id": "A", "price": "0.51", "size": "1012.5", "side": "SELL", "hash": ""},
        {"asset_id": "B", "price": "0.49", "size": "0", "side": "BUY", "hash": ""},
    ],
}
_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    _DECIMAL_TEXT,
    st.sampled_from(["BUY", "SELL", "", "A", [], {}, [1]]).map(copy.deepcopy),
)


@given(
    st.lists(
        st.tuples(st.sampled_from(["market", "timestamp", "price_changes"]), _ODD), max_size=1
    ),
    st.lists(st.tuples(st.sampled_from(["asset_id", "price", "size", "side"]), _ODD), max_size=3),
    st.booleans(),
)
def test_fast_price_change_equals_the_general_parser(
    event_edits: list[tuple[str, object]], entry_edits: list[tuple[str, object]], drop: bool
) -> None:
    event = dict(_EVENT, price_changes=[dict(e) for e in _EVENT["price_changes"]])
    event["price_changes"][0].update(dict(entry_edits))
    if drop:
        event["price_changes"][1].pop("size")
    event.update(dict(event_edits))
    data = orjson.loads(orjson.dumps(event))
    try:
        general: object = messages._event(data)
    except ValueError as exc:
        general = messages.Malformed(str(exc))
    assert messages.parse_frame(orjson.dumps(event)) == [general]
    assert messages.parse_frame(orjson.dumps([event])) == [general]
