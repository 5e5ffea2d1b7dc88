"""Resolve configured Polymarket slugs against Gamma over HTTP: one market by slug, a soccer
event's home / draw / away markets, and the startup check that a configured token id belongs
to the configured slug. Parsing lives in :mod:`gamma`; this module only fetches.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import orjson

from touchline_bot.venues.polymarket import errors, gamma, rest


class PolymarketResolver:
    """Gamma reads against one base URL (``https://gamma-api…`` or the simulator's)."""

    def __init__(self, client: httpx.AsyncClient, gamma_url: str) -> None:
        self._client = client
        self._base_url = gamma_url.rstrip("/")

    async def _get(self, path: str) -> object:
        headers = {"User-Agent": rest.USER_AGENT, "Accept": "application/json"}
        try:
            response = await self._client.get(f"{self._base_url}{path}", headers=headers)
        except httpx.TransportError as exc:
            raise errors.PolymarketRetryableError(
                f"gamma {path}: transport error {type(exc).__name__}"
            ) from exc
        if response.status_code != 200:
            raise errors.from_response(
                response.status_code,
                response.content,
                path=path,
                retry_after_header=response.headers.get("Retry-After"),
            )
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise errors.PolymarketMalformedError(f"gamma {path}: body is not JSON") from exc

    async def market(self, slug: str) -> gamma.ResolvedMarket:
        """The market with this slug; an unknown slug is a :class:`gamma.GammaError`."""
        try:
            data = await self._get(f"/markets/slug/{quote(slug, safe='')}")
        except errors.PolymarketNotFoundError as exc:
            raise gamma.GammaError(f"Gamma has no market with slug {slug!r}") from exc
        return gamma.parse_market(data)

    async def match(self, event_slug: str) -> gamma.Match1X2:
        """The home / draw / away markets of a soccer event."""
        try:
            data = await self._get(f"/events/slug/{quote(event_slug, safe='')}")
        except errors.PolymarketNotFoundError as exc:
            raise gamma.GammaError(f"Gamma has no event with slug {event_slug!r}") from exc
        return gamma.parse_match(data)

    async def verify(self, slug: str, token_id: str) -> gamma.ResolvedMarket:
        """Resolve ``slug`` and require ``token_id`` to be one of its outcomes (startup)."""
        market = await self.market(slug)
        gamma.check_token(market, token_id)
        return market
