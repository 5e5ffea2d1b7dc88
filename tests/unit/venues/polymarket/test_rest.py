"""REST reads against a fake at the httpx transport: parsed books, typed errors for 404 /
400 / 429 / 403 / 425 / 5xx, the retry hint, the 429 counter, and ``/books`` in chunks of 500."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest

from touchline_bot.core import units
from touchline_bot.venues.polymarket import errors, rest

FIXTURES = Path(__file__).parents[3] / "fixtures" / "polymarket"
BOOK = orjson.loads((FIXTURES / "clob_book.json").read_bytes())


def _client(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=handler)


async def test_get_book_returns_the_parsed_summary() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=BOOK)

    async with _client(httpx.MockTransport(handle)) as client:
        snapshot = await rest.PolymarketRest(client, "http://clob.test/").get_book("42")
    assert seen[0].url.path == "/book"
    assert seen[0].url.params["token_id"] == "42"
    assert seen[0].headers["User-Agent"].startswith("touchline")
    assert snapshot.timestamp_ms == 1786385407185
    assert max(snapshot.bids)[0] == units.Price(4200)


@pytest.mark.parametrize(
    ("status", "body", "headers", "error_type", "retry_after"),
    [
        pytest.param(
            404,
            b'{"error":"No orderbook exists for the requested token id"}',
            {},
            errors.PolymarketNotFoundError,
            None,
            id="404-unknown-or-closed-token",
        ),
        pytest.param(
            400, b'{"error":"Invalid token id"}', {}, errors.PolymarketRejectedError, None, id="400"
        ),
        pytest.param(
            429,
            b'{"error":"slow down","retry_after_seconds":2}',
            {},
            errors.PolymarketRetryableError,
            2.0,
            id="429-with-body-hint",
        ),
        pytest.param(
            429, b"", {"Retry-After": "3"}, errors.PolymarketRetryableError, 3.0, id="429-header"
        ),
        pytest.param(
            403,
            b"<html>Attention Required</html>",
            {},
            errors.PolymarketRetryableError,
            None,
            id="403-cloudflare-html",
        ),
        pytest.param(
            425,
            b'{"error":"service not ready"}',
            {},
            errors.PolymarketRetryableError,
            None,
            id="425-not-ready",
        ),
        pytest.param(503, b"", {}, errors.PolymarketRetryableError, None, id="503"),
    ],
)
async def test_http_failures_become_typed_errors(
    status: int,
    body: bytes,
    headers: dict[str, str],
    error_type: type[errors.PolymarketError],
    retry_after: float | None,
) -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(status, content=body, headers=headers))
    async with _client(transport) as client:
        reads = rest.PolymarketRest(client, "http://clob.test")
        with pytest.raises(error_type) as caught:
            await reads.get_book("42")
    assert caught.value.status == status
    assert getattr(caught.value, "retry_after_secs", None) == retry_after
    assert reads.throttled_count == (1 if status == 429 else 0)


async def test_transport_failure_is_retryable_and_does_not_echo_the_request() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("boom secret=abc", request=request)

    async with _client(httpx.MockTransport(handle)) as client:
        with pytest.raises(errors.PolymarketRetryableError) as caught:
            await rest.PolymarketRest(client, "http://clob.test").get_book("42")
    assert "secret" not in str(caught.value)


async def test_garbled_200_body_is_a_malformed_error() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(200, content=b"<html>"))
    async with _client(transport) as client:
        with pytest.raises(errors.PolymarketMalformedError):
            await rest.PolymarketRest(client, "http://clob.test").get_book("42")


async def test_get_books_posts_at_most_500_tokens_per_request() -> None:
    sizes: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        body = orjson.loads(request.content)
        sizes.append(len(body))
        return httpx.Response(200, json=[dict(BOOK, asset_id=item["token_id"]) for item in body])

    tokens = [str(n) for n in range(1_201)]
    async with _client(httpx.MockTransport(handle)) as client:
        books = await rest.PolymarketRest(client, "http://clob.test").get_books(tokens)
    assert sizes == [500, 500, 201]
    assert [b.asset_id for b in books] == tokens
