"""Configuration: the seed's YAML validated once into frozen typed objects.

The package's front door (the rest is in its modules)::

    cfg = config.load("config/markets_soccer.yaml")     # or config.load_text(text)
    for m in cfg.markets:
        m.spec, m.strategy, m.params_version             # core MarketSpec, StrategyParams
    params = config.merge_overrides("prod", {"risk": {"maxDrawdownDollars": "15"}})
    exit_code = config.check(path)                      # touchline config check FILE

Every failure is a :class:`ConfigError` naming the field path, the value and what was expected.
See docs/configuration.md.
"""

from __future__ import annotations

from touchline_bot.config.document import ResolvedMarket, TouchlineConfig
from touchline_bot.config.errors import ConfigError, Issue
from touchline_bot.config.loader import check, load, load_text, merge_overrides

__all__ = [
    "ConfigError",
    "Issue",
    "ResolvedMarket",
    "TouchlineConfig",
    "check",
    "load",
    "load_text",
    "merge_overrides",
]
