"""A known-good configuration document that tests copy and break one field at a time."""

from __future__ import annotations

import copy
import json
from typing import Any

ARS_YES = "75780840377193360534772978149966637657564072931198840534235944704983078680185"
ARS_NO = "77037279156537945135138219176314444139024863260297237648985372448335768796795"
RULES_HASH = "aa9a1043c63ef5ac94b880246729b6933c69ec3200bd750ba9b0003010eda08c"

_MARKET: dict[str, Any] = {
    "id": "epl-ars-che-20261128-ars",
    "league": "EPL",
    "match_name": "Arsenal vs Chelsea",
    "start_time_utc": "2026-11-28T15:00:00Z",
    "scheduled_end_time_utc": "2026-11-28T16:55:00Z",
    "kalshi": {"env": "demo", "ticker": "KXEPLGAME-26NOV28ARSCHE-ARS"},
    "polymarket": {
        "market_slug": "epl-ars-che-2026-11-28-ars",
        "outcome": "yes",
        "token_ids": {"yes": ARS_YES, "no": ARS_NO},
    },
    "settlement_equivalence": {"rules_hash": RULES_HASH},
}


def market(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the valid market with top-level fields replaced."""
    entry = copy.deepcopy(_MARKET)
    entry.update(changes)
    return entry


def document(*markets: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A fresh valid document (one demo market unless given)."""
    doc: dict[str, Any] = {"markets": list(markets) if markets else [market()]}
    if params is not None:
        doc["params"] = params
    return doc


def as_yaml(doc: dict[str, Any]) -> str:
    """The document as YAML text (JSON is YAML; decimals stay strings)."""
    return json.dumps(doc, indent=2)
