"""The order gateway on Kalshi: the engine's order operations over the venue client, with the
client's typed errors turned into the engine's two outcomes (refused / unknown) exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

from touchline_bot.core import units
from touchline_bot.core.types import Side
from touchline_bot.engine import gateway
from touchline_bot.venues.kalshi import errors, portfolio, trading


def _refusal(exc: errors.KalshiError) -> Exception:
    """Map a client error to the engine's outcome, keeping the reason code."""
    if isinstance(exc, errors.KalshiRejectedError):
        return gateway.OrderRefusedError(exc.reason, str(exc))
    if isinstance(exc, errors.KalshiNotFoundError):
        return gateway.OrderRefusedError("not_found", str(exc))
    if isinstance(exc, errors.KalshiRateLimitedError | errors.KalshiLimiterRefusedError):
        return gateway.OrderRefusedError("rate_limited", str(exc))
    if isinstance(exc, errors.KalshiAuthError):
        return gateway.OrderRefusedError("auth", str(exc))
    return gateway.VenueUnavailableError(str(exc))


@dataclass
class KalshiGateway:
    """Order operations on one Kalshi market."""

    trading_api: trading.TradingApi
    portfolio_api: portfolio.PortfolioApi
    ticker: str
    order_group_id: str | None = None

    async def place(
        self,
        *,
        client_order_id: str,
        side: Side,
        price: units.Price,
        qty: units.Qty,
        post_only: bool,
    ) -> gateway.Ack:
        """Create a GTC limit order (IOC when it may cross: flattening)."""
        request = trading.OrderRequest(
            ticker=self.ticker,
            side=side,
            price=price,
            count=qty,
            client_order_id=client_order_id,
            post_only=post_only,
            time_in_force="good_till_canceled" if post_only else "immediate_or_cancel",
            order_group_id=self.order_group_id,
            cancel_order_on_pause=True,
        )
        try:
            ack = await self.trading_api.create_order(request)
        except errors.DuplicateClientOrderIdError:
            return await self._existing(client_order_id, price)
        except errors.KalshiError as exc:
            raise _refusal(exc) from exc
        return gateway.Ack(ack.order_id, price, ack.remaining_count, ack.fill_count)

    async def _existing(self, client_order_id: str, price: units.Price) -> gateway.Ack:
        """A resend of a create that had in fact succeeded: find the order it made."""
        for order in await self.open_orders():
            if order.client_order_id == client_order_id:
                return gateway.Ack(order.order_id, order.price, order.remaining_qty)
        return gateway.Ack("", price, units.Qty(0))

    async def amend(
        self,
        *,
        order_id: str,
        client_order_id: str,
        side: Side,
        price: units.Price,
        total_qty: units.Qty,
    ) -> gateway.Ack:
        """Move the order (Kalshi's amend ``count`` is the new total, filled included)."""
        try:
            ack = await self.trading_api.amend_order(
                order_id,
                ticker=self.ticker,
                side=side,
                price=price,
                total_count=total_qty,
                client_order_id=client_order_id,
            )
        except errors.KalshiError as exc:
            raise _refusal(exc) from exc
        return gateway.Ack(ack.order_id, price, ack.remaining_count, ack.fill_count)

    async def decrease(self, *, order_id: str, reduce_by: units.Qty) -> units.Qty:
        """Shrink the order, keeping its queue position."""
        try:
            ack = await self.trading_api.decrease_order(order_id, reduce_by=reduce_by)
        except errors.KalshiError as exc:
            raise _refusal(exc) from exc
        return ack.remaining_count

    async def cancel(self, *, order_id: str) -> units.Qty | None:
        """Cancel; an order that is already gone counts as cancelled (quantity unknown)."""
        try:
            ack = await self.trading_api.cancel_order(order_id, ticker=self.ticker)
        except errors.KalshiNotFoundError:
            return None
        except errors.KalshiError as exc:
            raise _refusal(exc) from exc
        return ack.reduced_by

    async def open_orders(self) -> list[gateway.RestingOrder]:
        """Every resting order of ours on this market (all pages)."""
        found: list[gateway.RestingOrder] = []
        cursor: str | None = None
        try:
            while True:
                page, cursor = await self.portfolio_api.orders(
                    ticker=self.ticker, status="resting", cursor=cursor
                )
                found.extend(
                    gateway.RestingOrder(
                        o.order_id, o.client_order_id, o.side, o.price, o.remaining_count
                    )
                    for o in page
                )
                if not cursor:
                    return found
        except errors.KalshiError as exc:
            raise _refusal(exc) from exc

    async def cancel_market_orders(self, *, client_order_prefix: str) -> int:
        """Cancel this market's orders whose client id carries our prefix (batch, 2 tokens
        each), so that other markets and manual orders on the account are left alone."""
        mine = [
            o.order_id
            for o in await self.open_orders()
            if o.client_order_id.startswith(client_order_prefix)
        ]
        for start in range(0, len(mine), 20):
            try:
                await self.trading_api.batch_cancel(mine[start : start + 20])
            except errors.KalshiError as exc:
                raise _refusal(exc) from exc
        return len(mine)
