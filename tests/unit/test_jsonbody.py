"""Strict request bodies: hostile JSON is a BodyError (a 400), never another exception."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest

from touchline_bot import jsonbody


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="nesting-beyond-the-recursion-limit"),
        pytest.param("[" * 40 + "]" * 40, id="nesting-beyond-the-bound"),
        pytest.param('{"a": NaN}', id="nan"),
        pytest.param('{"a": -Infinity}', id="infinity"),
        pytest.param("{", id="truncated"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param("1" * 5_000, id="integer-with-too-many-digits"),
    ],
)
def test_hostile_json_is_a_body_error(raw: str | bytes) -> None:
    with pytest.raises(jsonbody.BodyError):
        jsonbody.loads(raw)


def test_numbers_with_an_exponent_stay_exact_instead_of_becoming_inf() -> None:
    assert jsonbody.loads('{"a": 1e400, "b": 0.1}') == {"a": Decimal("1e400"), "b": Decimal("0.1")}


@pytest.mark.parametrize("raw", ["[1]", '"x"', "3", "null"])
def test_an_object_body_refuses_anything_but_an_object(raw: str) -> None:
    with pytest.raises(jsonbody.BodyError, match="JSON object"):
        jsonbody.object_body(raw)


def test_an_empty_body_is_an_empty_object_only_when_allowed() -> None:
    assert jsonbody.object_body(b"", empty_ok=True) == {}
    with pytest.raises(jsonbody.BodyError):
        jsonbody.object_body(b"")


def test_a_deep_body_is_refused_before_parsing_even_under_a_raised_recursion_limit() -> None:
    # py-clob-client's dependency py_ecc raises the limit to 10,000 on import; at that limit a
    # deep enough body overflowed the C parser's stack (a segmentation fault, seen in the suite).
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    try:
        with pytest.raises(jsonbody.BodyError, match="nests deeper"):
            jsonbody.loads("[" * 500_000)
    finally:
        sys.setrecursionlimit(previous)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert jsonbody.loads('{"a": "[[[[\\"{{{{"}') == {"a": '[[[["{{{{'}
