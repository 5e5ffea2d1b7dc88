"""Settlement equivalence: the normalized Kalshi rules text and its SHA-256.

A bot refuses to quote while the hash of the market's live rules text differs from the
configured ``settlement_equivalence.rules_hash``: the rules changed since a person checked that
Kalshi and Polymarket settle the same way. Normalization (so that harmless reformatting does not
change the hash, while any change of words does):

1. ``rules_primary`` and ``rules_secondary`` are joined with one space;
2. the text is put in Unicode NFC form;
3. every run of whitespace (spaces, tabs, newlines, non-breaking spaces) becomes one space;
4. leading and trailing whitespace is removed.

Case and punctuation are kept. The hash is the lower-case hex SHA-256 of the UTF-8 bytes.
The rules texts of the shipped markets live in ``config/rules/`` (``load_rules_file``), the
same texts the Kalshi simulator serves.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from touchline_bot.config import errors, yamlio

_WHITESPACE = re.compile(r"\s+")


def normalize_rules(primary: str, secondary: str = "") -> str:
    """The rules text as it is hashed: NFC, whitespace runs collapsed to one space, stripped."""
    text = unicodedata.normalize("NFC", f"{primary} {secondary}")
    return _WHITESPACE.sub(" ", text).strip()


def rules_hash(primary: str, secondary: str = "") -> str:
    """Lower-case hex SHA-256 of :func:`normalize_rules` (what ``rules_hash`` must equal)."""
    return hashlib.sha256(normalize_rules(primary, secondary).encode("utf-8")).hexdigest()


def load_rules_file(path: str | Path) -> dict[str, tuple[str, str]]:
    """Read a rules file: ``{ticker: {rules_primary: ..., rules_secondary: ...}}``.

    Returns ``{ticker: (primary, secondary)}``; raises :class:`~.errors.ConfigError`.
    """
    try:
        document = yamlio.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, yamlio.YamlError) as exc:
        raise errors.single(str(path), str(exc)) from None
    if not isinstance(document, dict):
        raise errors.single(str(path), "expected a mapping of ticker to rules")
    rules: dict[str, tuple[str, str]] = {}
    for ticker, entry in document.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("rules_primary"), str):
            raise errors.single(f"{ticker}", "expected rules_primary (and rules_secondary) text")
        secondary = entry.get("rules_secondary", "")
        if not isinstance(secondary, str) or set(entry) - {"rules_primary", "rules_secondary"}:
            raise errors.single(f"{ticker}", "expected only rules_primary and rules_secondary")
        rules[str(ticker)] = (entry["rules_primary"], secondary)
    return rules
