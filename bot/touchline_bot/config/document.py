"""The whole configuration file, and its resolution into per-market core values.

:class:`Document` is the file as validated by pydantic (``markets`` and ``params``).
:class:`TouchlineConfig` is what the rest of the bot uses: for each market its validated
entry, its resolved :class:`~.params.Params` (environment defaults, then the file's ``params``,
then the market's own ``params``), their ``params_version``, and the core's ``MarketSpec`` and
``StrategyParams`` converted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pydantic

from touchline_bot.config import convert, defaults, errors, overrides
from touchline_bot.config import market as config_market
from touchline_bot.config import params as config_params
from touchline_bot.core import market as core_market
from touchline_bot.core import params as core_params


class Document(pydantic.BaseModel):
    """The file: ``markets`` (at least one, unique ids) and optional shared ``params``."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    markets: Annotated[tuple[config_market.Market, ...], pydantic.Field(min_length=1)]
    """The markets to quote, one bot each."""
    params: dict[str, Any] | None = None
    """Parameter overrides for every market (the environment's defaults fill the rest)."""


@dataclass(frozen=True, slots=True)
class ResolvedMarket:
    """One market, ready to run."""

    market: config_market.Market
    """The validated entry of the file."""
    params: config_params.Params
    """Its complete parameters, in configuration units."""
    params_version: str
    """Short stable hash of ``params`` (reported on hot reload)."""
    spec: core_market.MarketSpec
    """The core's view of the market."""
    strategy: core_params.StrategyParams
    """The core's parameters (``strategy.version == params_version``)."""


@dataclass(frozen=True, slots=True)
class TouchlineConfig:
    """A loaded, validated, resolved configuration file."""

    document: Document
    markets: tuple[ResolvedMarket, ...]

    def market(self, market_id: str) -> ResolvedMarket:
        """The market with ``market_id``; ``KeyError`` when there is none."""
        for resolved in self.markets:
            if resolved.market.id == market_id:
                return resolved
        raise KeyError(market_id)


def resolve_params(env: config_market.KalshiEnv, *layers: tuple[str, Any]) -> config_params.Params:
    """Defaults for ``env`` with each ``(where, partial document)`` layer merged in order."""
    resolved = defaults.for_env(env.value)
    for where, layer in layers:
        resolved = overrides.merge(resolved, layer, where=where)
    return resolved


def resolve_market(
    index: int, entry: config_market.Market, shared: dict[str, Any] | None
) -> ResolvedMarket:
    """Resolve and convert one market; errors name ``params`` or ``markets[i].params``."""
    params = resolve_params(
        entry.kalshi.env, ("params", shared), (f"markets[{index}].params", entry.params)
    )
    version = overrides.version(params)
    return ResolvedMarket(
        market=entry,
        params=params,
        params_version=version,
        spec=convert.market_spec(entry),
        strategy=convert.strategy_params(params, version),
    )


def _repeats(markets: tuple[config_market.Market, ...]) -> list[errors.Issue]:
    """Market ids and Kalshi tickers must be unique across the file."""
    issues: list[errors.Issue] = []
    for what in ("id", "kalshi.ticker"):
        seen: dict[str, int] = {}
        for index, entry in enumerate(markets):
            value = entry.id if what == "id" else entry.kalshi.ticker
            if value in seen:
                issues.append(
                    errors.Issue(
                        f"markets[{index}].{what}",
                        f"{value!r} is a duplicate (markets[{seen[value]}].{what} has it too)",
                    )
                )
            seen.setdefault(value, index)
    return issues


def build(raw: Any) -> TouchlineConfig:
    """Validate a parsed document (plain data) and resolve every market."""
    if not isinstance(raw, dict):
        raise errors.single("", f"{errors.show(raw)} is invalid: expected a mapping with markets")
    try:
        document = Document.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise errors.from_validation(exc) from None
    issues = _repeats(document.markets)
    resolved: list[ResolvedMarket] = []
    for index, entry in enumerate(document.markets):
        try:
            resolved.append(resolve_market(index, entry, document.params))
        except errors.ConfigError as exc:
            issues.extend(i for i in exc.issues if i not in issues)
    if issues:
        raise errors.ConfigError(issues)
    return TouchlineConfig(document=document, markets=tuple(resolved))
