"""Polymarket CLOB REST, read-only: ``GET /book`` and ``POST /books`` (500 tokens at most per
request), with HTTP failures wrapped once into :mod:`errors`.

The caller owns the ``httpx.AsyncClient`` (tests pass one built on ``httpx.MockTransport`` or
pointed at the simulator); this module never retries by itself: the poller decides.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import orjson

from touchline_bot.venues.polymarket import errors, messages

MAX_BOOKS_PER_REQUEST = 500
USER_AGENT = "touchline/0.1 (read-only market data)"


class PolymarketRest:
    """Order-book reads against one CLOB base URL."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self.throttled_count = 0
        """How many 429 answers this client has seen."""

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> object:
        url = f"{self._base_url}{path}"
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = await self._client.request(
                method, url, headers=headers, params=params, content=content
            )
        except httpx.TransportError as exc:
            raise errors.PolymarketRetryableError(
                f"polymarket {path}: transport error {type(exc).__name__}"
            ) from exc
        if response.status_code != 200:
            if response.status_code == 429:
                self.throttled_count += 1
            raise errors.from_response(
                response.status_code,
                response.content,
                path=path,
                retry_after_header=response.headers.get("Retry-After"),
            )
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise errors.PolymarketMalformedError(f"polymarket {path}: body is not JSON") from exc

    async def get_book(self, token_id: str) -> messages.BookSnapshot:
        """The full book of one token; 404 (unknown or closed) is ``PolymarketNotFoundError``."""
        data = await self._call("GET", "/book", params={"token_id": token_id})
        try:
            return messages.book_from_json(data)
        except ValueError as exc:
            raise errors.PolymarketMalformedError(f"polymarket /book: {exc}") from exc

    async def get_books(self, token_ids: Sequence[str]) -> list[messages.BookSnapshot]:
        """The books of many tokens, ``MAX_BOOKS_PER_REQUEST`` per request, in answer order."""
        snapshots: list[messages.BookSnapshot] = []
        for start in range(0, len(token_ids), MAX_BOOKS_PER_REQUEST):
            chunk = token_ids[start : start + MAX_BOOKS_PER_REQUEST]
            body = orjson.dumps([{"token_id": token} for token in chunk])
            data = await self._call("POST", "/books", content=body)
            if not isinstance(data, list):
                raise errors.PolymarketMalformedError("polymarket /books: body is not a list")
            try:
                snapshots.extend(messages.book_from_json(item) for item in data)
            except ValueError as exc:
                raise errors.PolymarketMalformedError(f"polymarket /books: {exc}") from exc
        return snapshots
