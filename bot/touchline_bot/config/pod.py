"""The configuration a bot pod reads from its ConfigMap (rendered by the operator):
``market.json`` (the market, camelCase as in the ``SoccerMarket`` spec) and ``params.json``
(resolved parameters in this package's own shape). They are validated exactly like a markets
file, so a pod and ``touchline run`` can never disagree about what a market means.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from touchline_bot.config import document, errors, loader

MARKET_FILE = "market.json"
PARAMS_FILE = "params.json"


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _entry(market: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    poly = {_snake(k): v for k, v in market["polymarket"].items()}
    return {
        "id": market["marketId"],
        "league": market["league"],
        "match_name": market["matchName"],
        "start_time_utc": market["startTimeUtc"],
        "scheduled_end_time_utc": market["scheduledEndTimeUtc"],
        "kalshi": {"env": market["kalshi"]["env"], "ticker": market["kalshi"]["ticker"]},
        "polymarket": poly,
        "settlement_equivalence": {"rules_hash": market["settlementEquivalence"]["rulesHash"]},
        "params": params,
    }


def load_dir(directory: Path) -> tuple[document.ResolvedMarket, dict[str, Any]]:
    """The one market of a pod, and the raw ``market.json`` (mode, lease name, namespace)."""
    try:
        market = json.loads((directory / MARKET_FILE).read_text())
        params = json.loads((directory / PARAMS_FILE).read_text())
        entry = _entry(market, params)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise errors.ConfigError(
            [errors.Issue(str(directory), f"unreadable pod config: {exc}")]
        ) from exc
    loaded = loader.load_text(json.dumps({"markets": [entry]}))
    return loaded.markets[0], market
