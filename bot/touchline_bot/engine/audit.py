"""The audit trail of parameter changes: who changed what, from which value to which.

Every change that is applied — a ``POST /params`` or an edited configuration file (a
``SoccerMarket`` edit reaches the bot that way) — is logged once per market as
``parameters changed`` with its source, the caller, the new version and each field that moved
as ``[old, new]``. Strategy parameters hold no secrets, so the values are logged as they are.
"""

from __future__ import annotations

import logging
from typing import Any

from touchline_bot.config import params as config_params

log = logging.getLogger(__name__)


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_leaves(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def changes(old: config_params.Params, new: config_params.Params) -> dict[str, list[Any]]:
    """Each field whose value differs, dotted (``prematch.half_spread_base_dollars``), as
    ``[old, new]`` in their JSON form."""
    before = _leaves(old.model_dump(mode="json"))
    after = _leaves(new.model_dump(mode="json"))
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def applied(
    *,
    market_id: str,
    source: str,
    who: str,
    old: config_params.Params,
    new: config_params.Params,
    version: str,
) -> dict[str, list[Any]]:
    """Log one applied change (nothing when no field moved); returns the changes."""
    moved = changes(old, new)
    if moved:
        log.info(
            "parameters changed",
            extra={
                "market": market_id,
                "source": source,
                "who": who,
                "version": version,
                "changes": moved,
            },
        )
    return moved
