"""How the simulated Polymarket writes its payloads: decimal strings for every number, bids
ascending and asks descending (best level last, as the live venue does), ``timestamp`` in
milliseconds as a string, and the book hash computed the way ``py-clob-client`` does.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from touchline_bot.core import book, units


def decimal_text(value: int, scale: int) -> str:
    """``4300, 10_000`` → ``"0.43"``: the shortest exact decimal string."""
    return format((Decimal(value) / Decimal(scale)).normalize(), "f")


def price_text(price: int) -> str:
    """A probability as Polymarket writes it."""
    return decimal_text(price, units.PRICE_SCALE)


def size_text(qty: int) -> str:
    """A size as Polymarket writes it."""
    return decimal_text(qty, units.QTY_SCALE)


def _levels(levels: list[book.Level]) -> list[dict[str, str]]:
    return [{"price": price_text(p), "size": size_text(q)} for p, q in levels]


def book_summary(
    *,
    market: str,
    asset_id: str,
    timestamp_ms: int,
    bids: dict[units.Price, units.Qty],
    asks: dict[units.Price, units.Qty],
    tick_size: units.Price,
    last_trade_price: units.Price | None,
) -> dict[str, Any]:
    """The ``OrderBookSummary`` of one token, in the venue's key order, with its hash."""
    summary: dict[str, Any] = {
        "market": market,
        "asset_id": asset_id,
        "timestamp": str(timestamp_ms),
        "hash": "",
        "bids": _levels(sorted(bids.items())),
        "asks": _levels(sorted(asks.items(), reverse=True)),
        "min_order_size": "5",
        "tick_size": price_text(tick_size),
        "neg_risk": True,
        "last_trade_price": price_text(last_trade_price) if last_trade_price else "",
    }
    summary["hash"] = summary_hash(summary)
    return summary


def summary_hash(summary: dict[str, Any]) -> str:
    """SHA-1 over the compact JSON of the summary with ``hash`` blanked (py-clob-client)."""
    payload = dict(summary, hash="")
    serialized = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha1(serialized.encode("utf-8"), usedforsecurity=False).hexdigest()


def book_event(summary: dict[str, Any]) -> dict[str, Any]:
    """A WebSocket ``book`` event from a summary (the fields the live stream carries)."""
    keys = ("market", "asset_id", "timestamp", "hash", "bids", "asks", "tick_size")
    event: dict[str, Any] = {"event_type": "book"}
    event.update({key: summary[key] for key in keys})
    if summary.get("last_trade_price"):
        event["last_trade_price"] = summary["last_trade_price"]
    return event


def change_entry(
    *,
    asset_id: str,
    side: str,
    price: units.Price,
    size: units.Qty,
    best_bid: units.Price | None,
    best_ask: units.Price | None,
) -> dict[str, str]:
    """One ``price_changes[]`` entry; an empty side shows as best bid "0" / best ask "1"."""
    return {
        "asset_id": asset_id,
        "price": price_text(price),
        "size": size_text(size),
        "side": side,
        "hash": "",
        "best_bid": price_text(best_bid) if best_bid is not None else "0",
        "best_ask": price_text(best_ask) if best_ask is not None else "1",
    }


def price_change_event(
    *, market: str, timestamp_ms: int, entries: list[dict[str, str]]
) -> dict[str, Any]:
    """A ``price_change`` event (current schema, ``price_changes[]``)."""
    return {
        "event_type": "price_change",
        "market": market,
        "timestamp": str(timestamp_ms),
        "price_changes": entries,
    }
