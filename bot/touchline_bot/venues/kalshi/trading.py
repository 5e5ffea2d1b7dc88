"""Kalshi V2 order entry: create, batch create, cancel, batch cancel, amend, decrease,
cancel-all, and order groups (reference §3.3, §3.4, §3.7).

Orders are on the YES leg only (``bid`` buys YES, ``ask`` sells YES). Prices and counts go out
as the venue's exact strings. Writes are never retried by the transport; a create carries a
``client_order_id`` so a resend is refused (409) rather than doubled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from touchline_bot.core import types, units
from touchline_bot.venues.kalshi import errors, fields, ratelimit, rest

ORDERS = "/portfolio/events/orders"
W = ratelimit.Bucket.WRITE


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """One order to place (a V2 create body)."""

    ticker: str
    side: types.Side
    price: units.Price
    count: units.Qty
    client_order_id: str
    time_in_force: str = "good_till_canceled"
    post_only: bool = True
    reduce_only: bool = False
    self_trade_prevention_type: str = "taker_at_cross"
    expiration_time_secs: int | None = None
    order_group_id: str | None = None
    cancel_order_on_pause: bool = False

    def to_json(self) -> dict[str, Any]:
        """The request body, with exact strings for price and count."""
        body: dict[str, Any] = {
            "ticker": self.ticker,
            "side": self.side.value,
            "price": units.format_dollars(self.price),
            "count": units.format_count(self.count),
            "client_order_id": self.client_order_id,
            "time_in_force": self.time_in_force,
            "post_only": self.post_only,
            "reduce_only": self.reduce_only,
            "self_trade_prevention_type": self.self_trade_prevention_type,
            "cancel_order_on_pause": self.cancel_order_on_pause,
        }
        if self.expiration_time_secs is not None:
            body["expiration_time"] = self.expiration_time_secs
        if self.order_group_id is not None:
            body["order_group_id"] = self.order_group_id
        return body


@dataclass(frozen=True, slots=True)
class OrderAck:
    """The venue's answer to a create or amend. Averages are money per contract (6 dp)."""

    order_id: str
    client_order_id: str
    fill_count: units.Qty
    remaining_count: units.Qty
    average_fill_price_micros: units.Money
    average_fee_paid_micros: units.Money
    ts_ms: int


@dataclass(frozen=True, slots=True)
class CancelAck:
    """The venue's answer to a cancel or decrease: how much was taken off, what remains."""

    order_id: str
    client_order_id: str
    reduced_by: units.Qty
    remaining_count: units.Qty
    ts_ms: int


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One item of a batch answer: an ack, or the typed error for that item."""

    ack: OrderAck | CancelAck | None
    error: errors.KalshiError | None


def parse_order_ack(doc: fields.Doc) -> OrderAck:
    """Parse a create/amend response (or one batch item)."""
    return OrderAck(
        order_id=fields.text(doc, "order_id"),
        client_order_id=fields.text(doc, "client_order_id", ""),
        fill_count=fields.qty(doc, "fill_count", 0),
        remaining_count=fields.qty(doc, "remaining_count", 0),
        average_fill_price_micros=fields.money(doc, "average_fill_price", 0),
        average_fee_paid_micros=fields.money(doc, "average_fee_paid", 0),
        ts_ms=fields.integer(doc, "ts_ms", 0),
    )


def parse_cancel_ack(doc: fields.Doc) -> CancelAck:
    """Parse a cancel/decrease response (or one batch-cancel item)."""
    return CancelAck(
        order_id=fields.text(doc, "order_id"),
        client_order_id=fields.text(doc, "client_order_id", ""),
        reduced_by=fields.qty(doc, "reduced_by", 0),
        remaining_count=fields.qty(doc, "remaining_count", 0),
        ts_ms=fields.integer(doc, "ts_ms", 0),
    )


def _batch(doc: Any, parse: Any) -> list[BatchItem]:
    out: list[BatchItem] = []
    for item in fields.items(doc, "orders"):
        if item.get("error"):
            out.append(BatchItem(ack=None, error=errors.from_item_error(item["error"])))
        else:
            out.append(BatchItem(ack=parse(item), error=None))
    return out


class TradingApi:
    """Order entry against the V2 endpoints."""

    def __init__(self, transport: rest.RestTransport) -> None:
        self._rest = transport

    async def create_order(self, order: OrderRequest) -> OrderAck:
        """Place one order; a rejection raises a typed :class:`errors.KalshiRejectedError`."""
        doc = await self._rest.request(
            "POST", ORDERS, bucket=W, body=order.to_json(), idempotent=False
        )
        return parse_order_ack(doc)

    async def batch_create(self, orders: list[OrderRequest]) -> list[BatchItem]:
        """Place several orders (billed per item; the limiter refuses a batch that cannot fit)."""
        doc = await self._rest.request(
            "POST",
            ORDERS + "/batched",
            bucket=W,
            cost_tokens=ratelimit.DEFAULT_COST_TOKENS * len(orders),
            body={"orders": [o.to_json() for o in orders]},
            idempotent=False,
        )
        return _batch(doc, parse_order_ack)

    async def cancel_order(self, order_id: str, *, ticker: str | None = None) -> CancelAck:
        """Cancel one order (idempotent: a second cancel reports ``reduced_by`` 0)."""
        doc = await self._rest.request(
            "DELETE",
            f"{ORDERS}/{order_id}",
            bucket=W,
            cost_tokens=ratelimit.CANCEL_COST_TOKENS,
            params={"market_ticker": ticker},
            idempotent=True,
        )
        return parse_cancel_ack(doc)

    async def batch_cancel(self, order_ids: list[str]) -> list[BatchItem]:
        """Cancel several orders (2 tokens per item)."""
        doc = await self._rest.request(
            "DELETE",
            ORDERS + "/batched",
            bucket=W,
            cost_tokens=ratelimit.CANCEL_COST_TOKENS * len(order_ids),
            body={"orders": [{"order_id": oid} for oid in order_ids]},
            idempotent=True,
        )
        return _batch(doc, parse_cancel_ack)

    async def amend_order(
        self,
        order_id: str,
        *,
        ticker: str,
        side: types.Side,
        price: units.Price,
        total_count: units.Qty,
        client_order_id: str | None = None,
        updated_client_order_id: str | None = None,
    ) -> OrderAck:
        """Change price and/or size. ``total_count`` is the new total: filled + resting."""
        body: dict[str, Any] = {
            "ticker": ticker,
            "side": side.value,
            "price": units.format_dollars(price),
            "count": units.format_count(total_count),
        }
        if client_order_id is not None:
            body["client_order_id"] = client_order_id
        if updated_client_order_id is not None:
            body["updated_client_order_id"] = updated_client_order_id
        doc = await self._rest.request(
            "POST", f"{ORDERS}/{order_id}/amend", bucket=W, body=body, idempotent=False
        )
        return parse_order_ack(doc)

    async def decrease_order(
        self,
        order_id: str,
        *,
        reduce_by: units.Qty | None = None,
        reduce_to: units.Qty | None = None,
    ) -> CancelAck:
        """Shrink a resting order, keeping its queue position (exactly one of the two)."""
        if (reduce_by is None) == (reduce_to is None):
            raise ValueError("give exactly one of reduce_by or reduce_to")
        body = (
            {"reduce_by": units.format_count(reduce_by)}
            if reduce_by is not None
            else {"reduce_to": units.format_count(reduce_to or 0)}
        )
        doc = await self._rest.request(
            "POST", f"{ORDERS}/{order_id}/decrease", bucket=W, body=body, idempotent=False
        )
        return parse_cancel_ack(doc)

    async def cancel_all(self) -> None:
        """Cancel every resting order of the account (204)."""
        # The reference quotes 2 tokens but its per-page costs are inconsistent; billing the
        # default can only make us wait a little, never earn a 429.
        await self._rest.request("DELETE", ORDERS, bucket=W, idempotent=True)

    async def create_order_group(self, contracts_limit: units.Qty) -> str:
        """Create an order group with a rolling 15 s filled-contract limit; returns its id."""
        doc = await self._rest.request(
            "POST",
            "/portfolio/order_groups/create",
            bucket=W,
            body={
                "contracts_limit": max(1, contracts_limit // units.QTY_SCALE),
                "contracts_limit_fp": units.format_count(contracts_limit),
            },
            idempotent=False,
        )
        return fields.text(doc, "order_group_id")

    async def order_group_action(self, order_group_id: str, action: str) -> None:
        """``reset``, ``trigger`` or ``delete`` an order group."""
        if action not in ("reset", "trigger", "delete"):
            raise ValueError(f"unknown order group action {action!r}")
        path = f"/portfolio/order_groups/{order_group_id}"
        method = "DELETE" if action == "delete" else "PUT"
        await self._rest.request(
            method, path if action == "delete" else f"{path}/{action}", bucket=W, idempotent=True
        )
