"""Rules normalization ignores formatting only, so the hash changes exactly when words do."""

from __future__ import annotations

import hashlib

import pytest

from touchline_bot.config import settlement

RULES = "If Arsenal wins the game, then the market resolves to Yes."


@pytest.mark.parametrize(
    ("primary", "secondary", "expected"),
    [
        pytest.param(RULES, "", RULES, id="already-normal"),
        pytest.param(f"  {RULES}\n", "", RULES, id="outer-whitespace-stripped"),
        pytest.param("If  Arsenal\twins\n\nthe game.", "", "If Arsenal wins the game.", id="runs"),
        pytest.param("A.", "B.", "A. B.", id="primary-then-secondary"),
        pytest.param("A.\n", "\n B.", "A. B.", id="joined-with-one-space"),
        pytest.param("caf\u0065\u0301", "", "caf\u00e9", id="unicode-nfc"),
        pytest.param("a\u00a0b", "", "a b", id="non-breaking-space"),
        pytest.param("Yes.", "", "Yes.", id="case-kept"),
    ],
)
def test_normalize_rules(primary: str, secondary: str, expected: str) -> None:
    assert settlement.normalize_rules(primary, secondary) == expected


def test_rules_hash_is_sha256_hex_of_the_normalized_text() -> None:
    expected = hashlib.sha256(b"A. B.").hexdigest()

    assert settlement.rules_hash(" A.\n", "B. ") == expected


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(RULES.replace("Arsenal", "Chelsea"), id="other-team"),
        pytest.param(RULES.replace("Yes", "yes"), id="case"),
        pytest.param(RULES.replace(".", ""), id="punctuation"),
    ],
)
def test_rules_hash_changes_when_words_change(changed: str) -> None:
    assert settlement.rules_hash(changed) != settlement.rules_hash(RULES)
