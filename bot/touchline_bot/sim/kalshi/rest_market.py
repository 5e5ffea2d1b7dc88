"""REST market data: exchange status, series, markets and order books (public reads)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, httpkit, model, wire

routes = web.RouteTableDef()


# ---------------------------------------------------------------------- market data


@routes.get(httpkit.P + "/exchange/status")
async def exchange_status(_request: web.Request) -> web.Response:
    return httpkit.json({"exchange_active": True, "trading_active": True})


@routes.get(httpkit.P + "/series")
async def series_list(request: web.Request) -> web.Response:
    return httpkit.json(
        {"series": [wire.series(s) for s in httpkit.st(request).exchange.series.values()]}
    )


@routes.get(httpkit.P + "/series/{series_ticker}")
async def series_one(request: web.Request) -> web.Response:
    found = httpkit.st(request).exchange.series.get(request.match_info["series_ticker"])
    if found is None:
        raise errors.not_found("series")
    return httpkit.json({"series": wire.series(found)})


def _event(ex: exchange.Exchange, event_ticker: str, *, nested: bool) -> dict[str, Any]:
    markets = [m for m in ex.markets.values() if m.event_ticker == event_ticker]
    if not markets:
        raise errors.not_found(f"event {event_ticker}")
    doc = wire.event(event_ticker, markets, ex.series[markets[0].series_ticker])
    if nested:
        doc["markets"] = [wire.market(m, ex.books[m.ticker]) for m in markets]
    return doc


@routes.get(httpkit.P + "/events")
async def events(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    q = request.query
    nested = q.get("with_nested_markets") == "true"
    tickers = sorted(
        {
            m.event_ticker
            for m in ex.markets.values()
            if q.get("series_ticker", m.series_ticker) == m.series_ticker
        }
    )
    found = [_event(ex, t, nested=nested) for t in tickers]
    return httpkit.json(httpkit.page(request, found, "events"))


@routes.get(httpkit.P + "/events/{event_ticker}")
async def event(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    doc = _event(ex, request.match_info["event_ticker"], nested=False)
    markets = [
        wire.market(m, ex.books[m.ticker])
        for m in ex.markets.values()
        if m.event_ticker == doc["event_ticker"]
    ]
    if request.query.get("with_nested_markets") == "true":
        doc["markets"] = markets
        return httpkit.json({"event": doc, "markets": []})
    return httpkit.json({"event": doc, "markets": markets})


_STATUS_FILTER = {
    "unopened": {model.MarketStatus.INITIALIZED},
    "open": {model.MarketStatus.ACTIVE},
    "paused": {model.MarketStatus.INACTIVE},
    "closed": {model.MarketStatus.CLOSED, model.MarketStatus.DETERMINED},
    "settled": {model.MarketStatus.FINALIZED},
}


@routes.get(httpkit.P + "/markets")
async def markets(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    q = request.query
    status = q.get("status")
    if status is not None and status not in _STATUS_FILTER:
        raise errors.bad_request("status must be one of unopened, open, paused, closed, settled")
    tickers = set(q["tickers"].split(",")) if q.get("tickers") else None
    found = [
        m
        for m in sorted(ex.markets.values(), key=lambda m: (-m.created_ms, m.ticker))
        if (tickers is None or m.ticker in tickers)
        and q.get("event_ticker", m.event_ticker) == m.event_ticker
        and q.get("series_ticker", m.series_ticker) == m.series_ticker
        and (status is None or m.status in _STATUS_FILTER[status])
    ]
    rendered = [wire.market(m, ex.books[m.ticker]) for m in found]
    return httpkit.json(httpkit.page(request, rendered, "markets"))


@routes.get(httpkit.P + "/markets/orderbooks")
async def orderbooks(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    books = []
    for ticker in request.query.getall("tickers", []):
        bk = ex.books.get(ticker)
        levels = wire.orderbook_levels(bk, 0) if bk else {"yes_dollars": [], "no_dollars": []}
        books.append({"ticker": ticker, "orderbook_fp": levels})
    return httpkit.json({"orderbooks": books})


@routes.get(httpkit.P + "/markets/trades")
async def trades(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    wanted = request.query.get("ticker")
    found = [
        {
            "trade_id": t.trade_id,
            "ticker": t.ticker,
            "count_fp": wire.count(t.count),
            "yes_price_dollars": wire.dollars(t.price),
            "no_price_dollars": wire.dollars(units.complement(t.price)),
            "taker_side": model.outcome_side(t.taker_book_side),
            "taker_outcome_side": model.outcome_side(t.taker_book_side),
            "taker_book_side": t.taker_book_side,
            "created_time": wire.rfc3339(t.ts_ms),
            "is_block_trade": False,
        }
        for t in reversed(ex.trades)
        if wanted is None or t.ticker == wanted
    ]
    return httpkit.json(httpkit.page(request, found, "trades"))


@routes.get(httpkit.P + "/markets/{ticker}")
async def market(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    found = ex.market(request.match_info["ticker"])
    return httpkit.json({"market": wire.market(found, ex.books[found.ticker])})


@routes.get(httpkit.P + "/markets/{ticker}/orderbook")
async def orderbook(request: web.Request) -> web.Response:
    ex = httpkit.st(request).exchange
    try:
        depth = int(request.query.get("depth", "0"))
    except ValueError as exc:
        raise errors.bad_request("depth must be an integer") from exc
    if not 0 <= depth <= 100:
        raise errors.bad_request("depth must be between 0 and 100")
    bk = ex.books.get(request.match_info["ticker"])
    levels = wire.orderbook_levels(bk, depth) if bk else {"yes_dollars": [], "no_dollars": []}
    return httpkit.json({"orderbook_fp": levels})
