"""The simulated CLOB REST API: ``/book``, ``/books``, ``/price``, ``/midpoint``, ``/spread``,
``/tick-size`` and the health checks, with the venue's error bodies and injected faults.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from touchline_bot.core import units
from touchline_bot.sim.polymarket import faults, state, wire

NO_BOOK = "No orderbook exists for the requested token id"
STATE_KEY = web.AppKey("poly_state", state.SimState)
FAULTS_KEY = web.AppKey("poly_faults", faults.Faults)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def _error(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


@web.middleware
async def fault_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Answer with an injected failure instead of the handler when one is pending."""
    if request.path.startswith("/ws"):
        response: web.StreamResponse = await handler(request)
        return response
    fault = request.app[FAULTS_KEY].take_http_fault()
    if fault is not None:
        status, content_type, body = fault
        return web.Response(status=status, text=body, content_type=content_type)
    answer: web.StreamResponse = await handler(request)
    return answer


def _book_or_error(request: web.Request, token: str | None) -> state.SimBook | web.Response:
    if not token:
        return _error(400, "Invalid token id")
    found = request.app[STATE_KEY].books.get(token)
    return found if found is not None else _error(404, NO_BOOK)


def _summary(request: web.Request, book: state.SimBook) -> dict[str, Any]:
    stale_ms = request.app[FAULTS_KEY].stale_rest_since_ms
    return book.summary(timestamp_ms=stale_ms)


async def get_book(request: web.Request) -> web.Response:
    """``GET /book?token_id=``."""
    found = _book_or_error(request, request.query.get("token_id"))
    if isinstance(found, web.Response):
        return found
    return _json(_summary(request, found))


async def post_books(request: web.Request) -> web.Response:
    """``POST /books`` with ``[{"token_id": ...}]`` (500 at most); unknown tokens are left out."""
    try:
        body = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        return _error(400, "Invalid payload")
    if not isinstance(body, list) or len(body) > 500:
        return _error(400, "Invalid payload")
    books = request.app[STATE_KEY].books
    answer = []
    for item in body:
        if not isinstance(item, dict) or not isinstance(item.get("token_id"), str):
            return _error(400, "Invalid payload")
        if item["token_id"] in books:
            answer.append(_summary(request, books[item["token_id"]]))
    return _json(answer)


async def get_price(request: web.Request) -> web.Response:
    """``GET /price?token_id=&side=``: BUY is the best bid, SELL the best ask."""
    found = _book_or_error(request, request.query.get("token_id"))
    if isinstance(found, web.Response):
        return found
    side = request.query.get("side", "").upper()
    if side == "BUY":
        return _json({"price": wire.price_text(found.best_bid() or 0)})
    if side == "SELL":
        return _json({"price": wire.price_text(found.best_ask() or units.ONE_DOLLAR)})
    return _error(400, "Invalid side")


def _touch(book: state.SimBook) -> tuple[units.Price, units.Price] | None:
    bid, ask = book.best_bid(), book.best_ask()
    return None if bid is None or ask is None else (bid, ask)


async def get_midpoint(request: web.Request) -> web.Response:
    """``GET /midpoint?token_id=`` → ``{"mid": "0.425"}``."""
    found = _book_or_error(request, request.query.get("token_id"))
    if isinstance(found, web.Response):
        return found
    touch = _touch(found)
    if touch is None:
        return _error(404, NO_BOOK)
    return _json({"mid": wire.decimal_text(touch[0] + touch[1], 2 * units.PRICE_SCALE)})


async def get_spread(request: web.Request) -> web.Response:
    """``GET /spread?token_id=`` → ``{"spread": "0.01"}``."""
    found = _book_or_error(request, request.query.get("token_id"))
    if isinstance(found, web.Response):
        return found
    touch = _touch(found)
    if touch is None:
        return _error(404, NO_BOOK)
    return _json({"spread": wire.price_text(touch[1] - touch[0])})


async def get_tick_size(request: web.Request) -> web.Response:
    """``GET /tick-size?token_id=`` → a JSON number, unlike every other price."""
    found = _book_or_error(request, request.query.get("token_id"))
    if isinstance(found, web.Response):
        return found
    return _json({"minimum_tick_size": float(wire.price_text(found.tick_size))})


async def get_ok(_request: web.Request) -> web.Response:
    """``GET /`` and ``GET /ok``: the health check."""
    return _json("OK")


def add_routes(app: web.Application) -> None:
    """Mount the CLOB routes at the root of ``app``."""
    app.router.add_get("/book", get_book)
    app.router.add_post("/books", post_books)
    app.router.add_get("/price", get_price)
    app.router.add_get("/midpoint", get_midpoint)
    app.router.add_get("/spread", get_spread)
    app.router.add_get("/tick-size", get_tick_size)
    app.router.add_get("/", get_ok)
    app.router.add_get("/ok", get_ok)
