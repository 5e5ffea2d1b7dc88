"""Kalshi portfolio reads: orders, one order, fills, positions, balance (reference §3.5).

Every amount is converted here, once, into integer units. Reads are idempotent, so the
transport may retry them.
"""

from __future__ import annotations

from dataclasses import dataclass

from touchline_bot.core import types, units
from touchline_bot.venues.kalshi import errors, fields, ratelimit, rest

R = ratelimit.Bucket.READ


@dataclass(frozen=True, slots=True)
class Order:
    """One order as the venue lists it (YES-leg price; ``side`` is the book side)."""

    order_id: str
    client_order_id: str
    ticker: str
    side: types.Side
    status: str
    price: units.Price
    fill_count: units.Qty
    remaining_count: units.Qty
    initial_count: units.Qty
    order_group_id: str
    last_update_reason: str


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of ours."""

    fill_id: str
    order_id: str
    ticker: str
    side: types.Side
    price: units.Price
    count: units.Qty
    is_taker: bool
    fee_cost: units.Money
    trade_id: str = ""
    """The id the ``fill`` channel reports for this execution (``trade_id``, the legacy alias
    REST still sends; ``fill_id`` when it is absent): what a fill seen on both is known by."""


@dataclass(frozen=True, slots=True)
class Position:
    """Net position in one market: positive = YES contracts, negative = NO contracts."""

    ticker: str
    position: units.Qty
    market_exposure: units.Money
    realized_pnl: units.Money
    fees_paid: units.Money


@dataclass(frozen=True, slots=True)
class Balance:
    """Available balance (``balance_dollars``, exact) and portfolio value."""

    balance: units.Money
    portfolio_value: units.Money


def _side(doc: fields.Doc) -> types.Side:
    raw = doc.get("book_side") or doc.get("side")
    if raw in ("bid", "yes"):
        return types.Side.BID
    if raw in ("ask", "no"):
        return types.Side.ASK
    raise errors.KalshiProtocolError(f"unknown order side {raw!r}")


def parse_order(doc: fields.Doc) -> Order:
    """Parse an ``Order`` object."""
    return Order(
        order_id=fields.text(doc, "order_id"),
        client_order_id=fields.text(doc, "client_order_id", ""),
        ticker=fields.text(doc, "ticker"),
        side=_side(doc),
        status=fields.text(doc, "status"),
        price=fields.price(doc, "yes_price_dollars"),
        fill_count=fields.qty(doc, "fill_count_fp", 0),
        remaining_count=fields.qty(doc, "remaining_count_fp", 0),
        initial_count=fields.qty(doc, "initial_count_fp", 0),
        order_group_id=fields.text(doc, "order_group_id", ""),
        last_update_reason=fields.text(doc, "last_update_reason", ""),
    )


def parse_fill(doc: fields.Doc) -> Fill:
    """Parse a ``Fill`` object."""
    return Fill(
        fill_id=fields.text(doc, "fill_id", "") or fields.text(doc, "trade_id", ""),
        order_id=fields.text(doc, "order_id"),
        ticker=fields.text(doc, "ticker", "") or fields.text(doc, "market_ticker"),
        side=_side(doc),
        price=fields.price(doc, "yes_price_dollars"),
        count=fields.qty(doc, "count_fp"),
        is_taker=fields.flag(doc, "is_taker"),
        fee_cost=fields.money(doc, "fee_cost", 0),
        trade_id=fields.text(doc, "trade_id", "") or fields.text(doc, "fill_id", ""),
    )


def parse_position(doc: fields.Doc) -> Position:
    """Parse one ``market_positions`` entry."""
    return Position(
        ticker=fields.text(doc, "ticker"),
        position=fields.qty(doc, "position_fp"),
        market_exposure=fields.money(doc, "market_exposure_dollars", 0),
        realized_pnl=fields.money(doc, "realized_pnl_dollars", 0),
        fees_paid=fields.money(doc, "fees_paid_dollars", 0),
    )


def _cents(doc: fields.Doc, key: str) -> units.Money:
    return units.Money(fields.integer(doc, key, 0) * (units.MONEY_SCALE // 100))


class PortfolioApi:
    """Reads of our own orders, fills, positions and balance."""

    def __init__(self, transport: rest.RestTransport) -> None:
        self._rest = transport

    async def orders(
        self, *, ticker: str | None = None, status: str | None = None, cursor: str | None = None
    ) -> tuple[list[Order], str]:
        """One page of orders and the next cursor (``""`` at the end)."""
        params: dict[str, rest.QueryValue] = {"ticker": ticker, "status": status, "cursor": cursor}
        doc = await self._rest.request(
            "GET", "/portfolio/orders", bucket=R, params=params, idempotent=True
        )
        return [parse_order(o) for o in fields.items(doc, "orders")], fields.text(doc, "cursor", "")

    async def order(self, order_id: str) -> Order:
        """One order by id (2 tokens)."""
        doc = await self._rest.request(
            "GET",
            f"/portfolio/orders/{order_id}",
            bucket=R,
            cost_tokens=2,
            idempotent=True,
        )
        return parse_order(fields.obj(doc, "order"))

    async def fills(
        self, *, ticker: str | None = None, order_id: str | None = None, cursor: str | None = None
    ) -> tuple[list[Fill], str]:
        """One page of fills and the next cursor."""
        params: dict[str, rest.QueryValue] = {
            "ticker": ticker,
            "order_id": order_id,
            "cursor": cursor,
        }
        doc = await self._rest.request(
            "GET", "/portfolio/fills", bucket=R, params=params, idempotent=True
        )
        return [parse_fill(f) for f in fields.items(doc, "fills")], fields.text(doc, "cursor", "")

    async def positions(self, *, ticker: str | None = None) -> list[Position]:
        """Market positions (first page; a bot trades a handful of markets)."""
        doc = await self._rest.request(
            "GET", "/portfolio/positions", bucket=R, params={"ticker": ticker}, idempotent=True
        )
        return [parse_position(p) for p in fields.items(doc, "market_positions")]

    async def balance(self) -> Balance:
        """The account balance (exact ``balance_dollars`` when present)."""
        doc = await self._rest.request("GET", "/portfolio/balance", bucket=R, idempotent=True)
        exact = doc.get("balance_dollars") if isinstance(doc, dict) else None
        balance = (
            fields.money(doc, "balance_dollars") if exact is not None else _cents(doc, "balance")
        )
        return Balance(balance=balance, portfolio_value=_cents(doc, "portfolio_value"))
