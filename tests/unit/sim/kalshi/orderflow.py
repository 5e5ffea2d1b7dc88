"""Order helpers for the engine's unit tests: one EPL market, orders in dollar/count strings."""

from __future__ import annotations

from touchline_bot.core import units
from touchline_bot.sim.kalshi import exchange, model

T0_MS = 1_795_000_000_000
TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"


def place(
    venue: exchange.Exchange,
    user: str,
    side: str,
    price: str,
    count: str,
    *,
    tif: str = model.GTC,
    stp: str = model.STP_TAKER,
    post_only: bool = False,
    now_ms: int = T0_MS,
    **extra: object,
) -> model.Order:
    """Place an order in dollar/count strings, as a client would send them."""
    request = exchange.OrderRequest(
        ticker=str(extra.pop("ticker", TICKER)),
        book_side=side,
        price=units.parse_dollars(price),
        count=units.parse_count(count),
        time_in_force=tif,
        stp=stp,
        post_only=post_only,
        **extra,  # type: ignore[arg-type]
    )
    return venue.create(user, request, now_ms)


def fills_of(venue: exchange.Exchange, order: model.Order) -> list[tuple[str, str]]:
    """(price, count) of every fill of ``order``, as strings."""
    return [
        (units.format_dollars(f.price), units.format_count(f.count))
        for f in venue.fills
        if f.order_id == order.order_id
    ]
