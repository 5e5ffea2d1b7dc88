"""Seeding the exchange: series and markets from JSON-like dicts, the project's market file,
or a ready-made Premier League match (``KXEPLGAME``, maker fees) for tests and demos.

The market file is the project's ``config/markets_soccer.yaml``; rules texts are read from
``rules/<EVENT>.yaml`` beside it when present, so the simulator serves the texts the bot hashes.
"""

from __future__ import annotations

import dataclasses
import pathlib
from typing import Any

import yaml

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, model

DAY_MS = 86_400_000
EPL_SERIES = model.Series("KXEPLGAME", "English Premier League Game", model.FEE_QUADRATIC_MAKER)


def series_from_dict(doc: dict[str, Any]) -> model.Series:
    """A series from ``{ticker, title?, fee_type?, fee_multiplier?}`` (multiplier as a string)."""
    fee_type = str(doc.get("fee_type", model.FEE_QUADRATIC_MAKER))
    if fee_type not in model.FEE_TYPES:
        raise errors.bad_request(f"fee_type must be one of {', '.join(model.FEE_TYPES)}")
    try:
        multiplier = units.parse_dollars(str(doc.get("fee_multiplier", "1")))
    except units.UnitsError as exc:
        raise errors.bad_request("fee_multiplier must be a decimal string") from exc
    ticker = str(doc["ticker"])
    return model.Series(ticker, str(doc.get("title", ticker)), fee_type, multiplier)


def _grid(doc: dict[str, Any]) -> units.PriceGrid:
    ranges = doc.get("price_ranges")
    if not ranges:
        return units.PriceGrid()
    try:
        return units.PriceGrid(
            tuple(
                units.PriceRange(
                    units.parse_dollars(r["start"]),
                    units.parse_dollars(r["end"]),
                    units.parse_dollars(r["step"]),
                )
                for r in ranges
            )
        )
    except (units.UnitsError, KeyError, TypeError) as exc:
        raise errors.bad_request(
            "price_ranges must be [{start, end, step}] dollar strings"
        ) from exc


def market_from_dict(doc: dict[str, Any], now_ms: int) -> model.Market:
    """A market from the admin API's JSON (times in Unix ms; defaults for the rest)."""
    ticker = str(doc["ticker"])
    event = str(doc.get("event_ticker", ticker.rsplit("-", 1)[0]))
    status = model.MarketStatus(str(doc.get("status", model.MarketStatus.ACTIVE.value)))
    return model.Market(
        ticker=ticker,
        event_ticker=event,
        series_ticker=str(doc.get("series_ticker", event.split("-", 1)[0])),
        title=str(doc.get("title", event)),
        yes_sub_title=str(doc.get("yes_sub_title", ticker.rsplit("-", 1)[-1])),
        created_ms=now_ms,
        open_ms=int(doc.get("open_ts_ms", now_ms)),
        close_ms=int(doc.get("close_ts_ms", now_ms + 14 * DAY_MS)),
        grid=_grid(doc),
        price_level_structure=str(doc.get("price_level_structure", "linear_cent")),
        status=status,
        rules_primary=str(doc.get("rules_primary", "")),
        rules_secondary=str(doc.get("rules_secondary", "")),
        updated_ms=now_ms,
    )


def epl_match(
    ex: exchange.Exchange,
    now_ms: int,
    *,
    event: str = "KXEPLGAME-26NOV28ARSCHE",
    home: str = "ARS",
    away: str = "CHE",
    title: str = "Arsenal vs Chelsea",
) -> list[str]:
    """Seed one Premier League match: three markets (home, away, tie); returns their tickers."""
    if EPL_SERIES.ticker not in ex.series:
        ex.add_series(dataclasses.replace(EPL_SERIES))
    tickers = []
    for outcome in (home, away, "TIE"):
        ticker = f"{event}-{outcome}"
        ex.add_market(market_from_dict({"ticker": ticker, "title": title}, now_ms))
        tickers.append(ticker)
    return tickers


def _rules(market_file: pathlib.Path, event: str) -> dict[str, Any]:
    path = market_file.parent / "rules" / f"{event}.yaml"
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def load_market_file(ex: exchange.Exchange, path: pathlib.Path, now_ms: int) -> list[str]:
    """Seed every Kalshi market listed in a ``markets_soccer.yaml``; returns the tickers."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    tickers = []
    for entry in doc.get("markets", []):
        ticker = str(entry["kalshi"]["ticker"])
        event = ticker.rsplit("-", 1)[0]
        series = event.split("-", 1)[0]
        if series not in ex.series:
            ex.add_series(model.Series(series, series, model.FEE_QUADRATIC_MAKER))
        rules = _rules(path, event).get(ticker, {})
        spec = {"ticker": ticker, "title": entry.get("match_name", event), **rules}
        ex.add_market(market_from_dict(spec, now_ms))
        tickers.append(ticker)
    return tickers
