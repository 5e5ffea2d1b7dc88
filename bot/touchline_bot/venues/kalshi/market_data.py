"""Kalshi market data over REST: markets, events, series (fees), order book, exchange status.

Market reads are idempotent (retried by the transport). The price grid comes from
``price_ranges`` (never the structure label), fees from the series and the event overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from touchline_bot.core import units
from touchline_bot.venues.kalshi import errors, fields, ratelimit, rest

R = ratelimit.Bucket.READ
Levels = tuple[tuple[units.Price, units.Qty], ...]


@dataclass(frozen=True, slots=True)
class Market:
    """The fields of a market the bot uses."""

    ticker: str
    event_ticker: str
    status: str
    title: str
    yes_sub_title: str
    price_grid: units.PriceGrid
    open_time: str
    close_time: str
    expected_expiration_time: str
    occurrence_datetime: str
    rules_primary: str
    rules_secondary: str


@dataclass(frozen=True, slots=True)
class Series:
    """A series' fee schedule: ``fee_type`` and multiplier (a ratio, not money)."""

    ticker: str
    fee_type: str
    fee_multiplier: Decimal


@dataclass(frozen=True, slots=True)
class Event:
    """An event and its fee overrides (``None`` when not overridden)."""

    event_ticker: str
    series_ticker: str
    title: str
    mutually_exclusive: bool
    fee_type_override: str | None
    fee_multiplier_override: Decimal | None
    markets: tuple[Market, ...]


@dataclass(frozen=True, slots=True)
class RestOrderBook:
    """A REST book: YES bids and NO bids (NO price), each best first."""

    yes_bids: Levels
    no_bids: Levels


@dataclass(frozen=True, slots=True)
class ExchangeStatus:
    """Whether the exchange is up and trading."""

    exchange_active: bool
    trading_active: bool


def _ratio(value: object, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise errors.KalshiProtocolError(f"field {key!r} is not a number")
    return Decimal(repr(value) if isinstance(value, float) else str(value))


def parse_grid(doc: fields.Doc) -> units.PriceGrid:
    """The market's grid from ``price_ranges`` (whole cents when absent)."""
    ranges = fields.items(doc, "price_ranges")
    if not ranges:
        return units.PriceGrid()
    try:
        return units.PriceGrid(
            tuple(
                units.PriceRange(
                    fields.price(r, "start"), fields.price(r, "end"), fields.price(r, "step")
                )
                for r in ranges
            )
        )
    except units.UnitsError as exc:
        raise errors.KalshiProtocolError(f"bad price_ranges: {exc}") from None


def parse_market(doc: fields.Doc) -> Market:
    """Parse a ``Market`` object."""
    return Market(
        ticker=fields.text(doc, "ticker"),
        event_ticker=fields.text(doc, "event_ticker", ""),
        status=fields.text(doc, "status", ""),
        title=fields.text(doc, "title", ""),
        yes_sub_title=fields.text(doc, "yes_sub_title", ""),
        price_grid=parse_grid(doc),
        open_time=fields.text(doc, "open_time", ""),
        close_time=fields.text(doc, "close_time", ""),
        expected_expiration_time=fields.text(doc, "expected_expiration_time", ""),
        occurrence_datetime=fields.text(doc, "occurrence_datetime", ""),
        rules_primary=fields.text(doc, "rules_primary", ""),
        rules_secondary=fields.text(doc, "rules_secondary", ""),
    )


def parse_event(doc: fields.Doc) -> Event:
    """Parse an ``Event`` (nested markets included when present)."""
    multiplier = doc.get("fee_multiplier_override")
    return Event(
        event_ticker=fields.text(doc, "event_ticker"),
        series_ticker=fields.text(doc, "series_ticker", ""),
        title=fields.text(doc, "title", ""),
        mutually_exclusive=fields.flag(doc, "mutually_exclusive"),
        fee_type_override=doc.get("fee_type_override") or None,
        fee_multiplier_override=None
        if multiplier is None
        else _ratio(multiplier, "fee_multiplier_override"),
        markets=tuple(parse_market(m) for m in fields.items(doc, "markets")),
    )


def parse_orderbook(doc: fields.Doc) -> RestOrderBook:
    """Parse ``{orderbook_fp: {yes_dollars, no_dollars}}`` (ascending; best is last)."""
    book = fields.obj(doc, "orderbook_fp")
    yes = fields.levels(book.get("yes_dollars"), "yes_dollars")
    no = fields.levels(book.get("no_dollars"), "no_dollars")
    return RestOrderBook(yes_bids=tuple(reversed(yes)), no_bids=tuple(reversed(no)))


class MarketDataApi:
    """Public and account market-data reads."""

    def __init__(self, transport: rest.RestTransport) -> None:
        self._rest = transport

    async def _get(self, path: str, params: dict[str, rest.QueryValue] | None = None) -> fields.Doc:
        doc = await self._rest.request("GET", path, bucket=R, params=params, idempotent=True)
        if not isinstance(doc, dict):
            raise errors.KalshiProtocolError(f"{path}: expected an object")
        return doc

    async def markets(
        self,
        *,
        event_ticker: str | None = None,
        series_ticker: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
    ) -> tuple[list[Market], str]:
        """One page of markets and the next cursor (``""`` at the end)."""
        doc = await self._get(
            "/markets",
            {
                "event_ticker": event_ticker,
                "series_ticker": series_ticker,
                "status": status,
                "cursor": cursor,
            },
        )
        return [parse_market(m) for m in fields.items(doc, "markets")], fields.text(
            doc, "cursor", ""
        )

    async def market(self, ticker: str) -> Market:
        """One market."""
        return parse_market(fields.obj(await self._get(f"/markets/{ticker}"), "market"))

    async def event(self, event_ticker: str) -> Event:
        """One event with its nested markets."""
        doc = await self._get(f"/events/{event_ticker}", {"with_nested_markets": "true"})
        event = dict(fields.obj(doc, "event"))
        if "markets" not in event and "markets" in doc:
            event["markets"] = doc["markets"]
        return parse_event(event)

    async def series(self, series_ticker: str) -> Series:
        """A series and its fee type and multiplier."""
        doc = fields.obj(await self._get(f"/series/{series_ticker}"), "series")
        return Series(
            ticker=fields.text(doc, "ticker"),
            fee_type=fields.text(doc, "fee_type", "quadratic"),
            fee_multiplier=_ratio(doc.get("fee_multiplier", 1), "fee_multiplier"),
        )

    async def orderbook(self, ticker: str, *, depth: int = 0) -> RestOrderBook:
        """The market's book (``depth`` 0 = all levels)."""
        return parse_orderbook(await self._get(f"/markets/{ticker}/orderbook", {"depth": depth}))

    async def exchange_status(self) -> ExchangeStatus:
        """Whether the exchange and trading are active."""
        doc = await self._get("/exchange/status")
        return ExchangeStatus(
            exchange_active=fields.flag(doc, "exchange_active"),
            trading_active=fields.flag(doc, "trading_active"),
        )
