"""The risk service's own Kalshi client: the last-resort cancel-all and the position
cross-check. Credentials come from ``KALSHI_KEY_ID``, ``KALSHI_PRIVATE_KEY_PATH`` and
``KALSHI_ENV``; without them the service runs without either, with a logged warning."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from touchline_bot.engine import clock
from touchline_bot.venues.kalshi import auth, client, errors

log = logging.getLogger(__name__)

BATCH_CANCEL_MAX = 20
"""Orders per batch cancel (Kalshi's batch limit)."""


@dataclass
class VenueHooks:
    """What the service does at the venue, and the client to close on shutdown."""

    kalshi: client.KalshiClient

    async def cancel_all(self) -> None:
        """Cancel every resting order of the account."""
        await self.kalshi.trading.cancel_all()

    async def cancel_market(self, ticker: str) -> int:
        """Cancel every resting order of the account in ``ticker``; returns how many."""
        ids: list[str] = []
        cursor: str | None = None
        while True:
            page, cursor = await self.kalshi.portfolio.orders(
                ticker=ticker, status="resting", cursor=cursor
            )
            ids += [order.order_id for order in page]
            if not cursor:
                break
        for start in range(0, len(ids), BATCH_CANCEL_MAX):
            await self.kalshi.trading.batch_cancel(ids[start : start + BATCH_CANCEL_MAX])
        return len(ids)

    async def positions(self) -> dict[str, int]:
        """The venue's positions by ticker, in 1/100 contract."""
        return {p.ticker: int(p.position) for p in await self.kalshi.portfolio.positions()}

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self.kalshi.aclose()


def from_env(environ: Mapping[str, str], *, base_url: str | None = None) -> VenueHooks | None:
    """The Kalshi hooks when credentials are configured, else None (logged)."""
    try:
        credentials = auth.credentials_from_env(environ)
        signer = auth.Signer.from_credentials(credentials)
    except errors.KalshiConfigError as exc:
        log.warning(
            "no Kalshi credentials: the last-resort cancel-all and the position cross-check "
            "are disabled",
            extra={"detail": str(exc)},
        )
        return None
    kalshi = client.KalshiClient(
        base_url or credentials.rest_base_url,
        signer=signer,
        now_ms=clock.now_ms,
        monotonic_ms=clock.monotonic_ms,
        random_fn=clock.system_random().random,
    )
    return VenueHooks(kalshi)
