"""The YAML reader keeps decimals exact, keeps yes/no as strings and refuses repeated keys."""

from __future__ import annotations

from decimal import Decimal

import pytest

from touchline_bot.config import yamlio


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("v: 0.70", {"v": Decimal("0.70")}, id="decimal-keeps-its-digits"),
        pytest.param("v: 0.1", {"v": Decimal("0.1")}, id="no-binary-rounding"),
        pytest.param("v: 1_000.50", {"v": Decimal("1000.50")}, id="underscores"),
        pytest.param("v: 3", {"v": 3}, id="int-stays-int"),
        pytest.param("v: '3.10'", {"v": "3.10"}, id="quoted-stays-string"),
        pytest.param("yes: no", {"yes": "no"}, id="yes-no-are-strings"),
        pytest.param("v: on", {"v": "on"}, id="on-is-a-string"),
        pytest.param("v: true", {"v": True}, id="true-is-a-boolean"),
        pytest.param("v: -12", {"v": -12}, id="negative-int"),
        pytest.param("v: 0", {"v": 0}, id="zero"),
        pytest.param("v: 0123", {"v": "0123"}, id="leading-zero-is-not-octal"),
        pytest.param("v: 1:30", {"v": "1:30"}, id="no-sexagesimal"),
        pytest.param("v: 0x1F", {"v": "0x1F"}, id="no-hex"),
        pytest.param(
            "v: 107837860602669276139082098095732438977100087259549717798132028051142992255979",
            {"v": 107837860602669276139082098095732438977100087259549717798132028051142992255979},
            id="long-token-id-is-an-exact-int",
        ),
    ],
)
def test_scalars_are_read_exactly(text: str, expected: object) -> None:
    assert yamlio.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("v: .nan", "'.nan' is not a decimal number", id="nan"),
        pytest.param("v: .inf", "'.inf' is not a decimal number", id="infinity"),
        pytest.param("a: 1\na: 2\n", "line 2, column 1: the key 'a' appears twice", id="repeat"),
        pytest.param("a: [1, 2\n", "line 2", id="unclosed"),
        pytest.param("a: &x 1\n", "line 1, column 4: anchors and aliases", id="anchor"),
        pytest.param("a: 1\nb: *x\n", "line 2, column 4: anchors and aliases", id="alias"),
        pytest.param(
            "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n",
            "anchors and aliases",
            id="nested-aliases-a-billion-laughs",
        ),
        pytest.param("base: &b {k: 1}\nm:\n  <<: *b\n", "anchors and aliases", id="merge-key"),
    ],
)
def test_unreadable_yaml_raises_with_location(text: str, expected: str) -> None:
    with pytest.raises(yamlio.YamlError, match=expected):
        yamlio.parse(text)
