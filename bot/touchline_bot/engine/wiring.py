"""Builds the venue clients a bot process uses, from explicit endpoints and a key.

The command line reads the seed's environment variables (``KALSHI_KEY_ID``,
``KALSHI_PRIVATE_KEY_PATH``, ``KALSHI_ENV``); the demo and the scenario runner point the same
code at the simulators on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx

from touchline_bot.engine import clock as engine_clock
from touchline_bot.venues.kalshi import auth, client
from touchline_bot.venues.polymarket import rest as poly_rest

POLY_CLOB = "https://clob.polymarket.com"
POLY_WS = "wss://ws-subscriptions-clob.polymarket.com/ws/market"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the venues are."""

    kalshi_rest: str
    kalshi_ws: str
    kalshi_key_id: str
    kalshi_key_path: Path
    kalshi_tier: str = "basic"
    poly_clob: str = POLY_CLOB
    poly_ws: str = POLY_WS


def endpoints_from_credentials(credentials: auth.Credentials, *, tier: str = "basic") -> Endpoints:
    """The production or demo hosts for a key read from the environment."""
    return Endpoints(
        kalshi_rest=credentials.rest_base_url,
        kalshi_ws=credentials.ws_url,
        kalshi_key_id=credentials.key_id,
        kalshi_key_path=credentials.private_key_path,
        kalshi_tier=tier,
    )


@dataclass
class Venues:
    """Every client of one bot process."""

    signer: auth.Signer
    kalshi: client.KalshiClient
    poly_http: httpx.AsyncClient
    poly: poly_rest.PolymarketRest
    session: aiohttp.ClientSession

    async def aclose(self) -> None:
        """Close every connection pool, each even when closing one before it fails."""
        try:
            await self.kalshi.aclose()
        finally:
            try:
                await self.poly_http.aclose()
            finally:
                await self.session.close()


def connect(where: Endpoints, *, clock: engine_clock.Clock) -> Venues:
    """Build the clients (no network traffic yet), on ``clock``'s time (signatures, the
    token buckets, retry jitter)."""
    signer = auth.Signer.from_pem(where.kalshi_key_id, where.kalshi_key_path.read_bytes())
    kalshi = client.KalshiClient(
        where.kalshi_rest,
        signer=signer,
        now_ms=clock.now_ms,
        monotonic_ms=clock.monotonic_ms,
        random_fn=clock.rng().random,
        tier=where.kalshi_tier,
    )
    poly_http = httpx.AsyncClient(
        timeout=httpx.Timeout(5.0), headers={"User-Agent": "touchline/0.1 (market data)"}
    )
    return Venues(
        signer=signer,
        kalshi=kalshi,
        poly_http=poly_http,
        poly=poly_rest.PolymarketRest(poly_http, where.poly_clob),
        session=aiohttp.ClientSession(),
    )
