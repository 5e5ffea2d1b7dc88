"""Helpers shared by the REST route modules: JSON responses, the caller, bodies and pages.

Handlers parse, call the engine with the current time and render with ``wire``; refusals are
``errors.RejectedError`` rendered once by the server's middleware.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from touchline_bot.sim.kalshi import errors, state

P = state.API_PREFIX


def json(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


def st(request: web.Request) -> state.SimState:
    return request.app[state.STATE]


def user(request: web.Request) -> str:
    user: str | None = request.get(state.USER_ID)
    if not user:
        raise errors.unauthorized("authentication required")
    return user


async def body(request: web.Request) -> dict[str, Any]:
    try:
        body = orjson.loads(await request.read())
    except orjson.JSONDecodeError as exc:
        raise errors.bad_request("body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise errors.bad_request("body must be a JSON object")
    return body


def page(request: web.Request, items: list[Any], key: str) -> dict[str, Any]:
    try:
        limit = int(request.query.get("limit", "100"))
        start = int(request.query.get("cursor") or "0")
    except ValueError as exc:
        raise errors.bad_request("limit and cursor must be integers") from exc
    if not 1 <= limit <= 1000:
        raise errors.bad_request("limit must be between 1 and 1000")
    chunk = items[start : start + limit]
    cursor = str(start + limit) if start + limit < len(items) else ""
    return {key: chunk, "cursor": cursor}
