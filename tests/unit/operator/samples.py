"""A valid ``SoccerMarket`` spec for tests to derive variants from."""

from __future__ import annotations

import copy
from typing import Any

RULES_HASH = "a" * 64
HOME_TOKEN = "7132104567925221259462638553270691275033272857194253228963137931245558399256"

VALID_SPEC: dict[str, Any] = {
    "league": "EPL",
    "matchName": "Arsenal vs Tottenham",
    "startTimeUtc": "2026-01-15T20:00:00Z",
    "scheduledEndTimeUtc": "2026-01-15T21:55:00Z",
    "kalshi": {"env": "demo", "ticker": "KXEPLGAME-26JAN15ARSTOT-ARS"},
    "polymarket": {
        "marketSlug": "epl-ars-tot-2026-01-15",
        "tokenIds": {"home": HOME_TOKEN},
    },
    "settlementEquivalence": {"rulesHash": RULES_HASH},
}


def spec(**changes: Any) -> dict[str, Any]:
    """The valid spec with dotted-path changes applied (``None`` deletes the key)."""
    out = copy.deepcopy(VALID_SPEC)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        node = out
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return out
