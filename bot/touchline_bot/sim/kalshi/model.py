"""The simulator's records: series, markets, orders and fills, all in integer units.

Prices are YES prices in 1/10,000 dollar (``units.Price``), counts are 1/100 contract
(``units.Qty``) and money is micro-dollars (``units.Money``). A ``bid`` order buys YES and an
``ask`` order sells YES, which is the same as buying NO at ``1 - price``.
"""

from __future__ import annotations

import dataclasses
import enum

from touchline_bot.core import units

BID = "bid"
ASK = "ask"
BOOK_SIDES = (BID, ASK)

GTC = "good_till_canceled"
IOC = "immediate_or_cancel"
FOK = "fill_or_kill"
TIMES_IN_FORCE = (GTC, IOC, FOK)

STP_TAKER = "taker_at_cross"
STP_MAKER = "maker"
STP_TYPES = (STP_TAKER, STP_MAKER)

FEE_QUADRATIC = "quadratic"
FEE_QUADRATIC_MAKER = "quadratic_with_maker_fees"
FEE_QUADRATIC_COMBO_MAKER = "quadratic_with_combo_maker_fees"
FEE_FLAT = "flat"
FEE_TYPES = (FEE_QUADRATIC, FEE_QUADRATIC_MAKER, FEE_QUADRATIC_COMBO_MAKER, FEE_FLAT)


class MarketStatus(enum.StrEnum):
    """The ``status`` values the API returns for a market."""

    INITIALIZED = "initialized"
    ACTIVE = "active"
    INACTIVE = "inactive"
    CLOSED = "closed"
    DETERMINED = "determined"
    FINALIZED = "finalized"


class OrderStatus(enum.StrEnum):
    """An order's ``status``."""

    RESTING = "resting"
    CANCELED = "canceled"
    EXECUTED = "executed"


def outcome_side(book_side: str) -> str:
    """``bid`` buys YES, ``ask`` buys NO."""
    return "yes" if book_side == BID else "no"


@dataclasses.dataclass
class Series:
    """A series and its fee parameters (``fee_multiplier`` as basis points of 1)."""

    ticker: str
    title: str
    fee_type: str = FEE_QUADRATIC_MAKER
    fee_multiplier_bps: int = 10_000
    category: str = "Sports"
    tags: tuple[str, ...] = ("Soccer",)


@dataclasses.dataclass
class Market:
    """One binary market: its grid, lifecycle and running statistics."""

    ticker: str
    event_ticker: str
    series_ticker: str
    title: str
    yes_sub_title: str
    created_ms: int
    open_ms: int
    close_ms: int
    grid: units.PriceGrid = dataclasses.field(default_factory=units.PriceGrid)
    price_level_structure: str = "linear_cent"
    status: MarketStatus = MarketStatus.ACTIVE
    result: str = ""
    rules_primary: str = ""
    rules_secondary: str = ""
    settlement_timer_secs: int = 300
    updated_ms: int = 0
    settled_ms: int | None = None
    last_price: units.Price = units.Price(0)
    volume: units.Qty = units.ZERO_QTY
    open_interest: units.Qty = units.ZERO_QTY


@dataclasses.dataclass
class Order:
    """An order as the exchange keeps it; ``priority`` orders the queue at one price."""

    order_id: str
    user_id: str
    ticker: str
    book_side: str
    price: units.Price
    initial: units.Qty
    remaining: units.Qty
    time_in_force: str
    stp: str
    created_ms: int
    priority: int
    client_order_id: str = ""
    post_only: bool = False
    reduce_only: bool = False
    order_group_id: str = ""
    expiration_ms: int | None = None
    cancel_order_on_pause: bool = False
    subaccount: int = 0
    status: OrderStatus = OrderStatus.RESTING
    filled: units.Qty = units.ZERO_QTY
    updated_ms: int = 0
    taker_fill_cost: units.Money = units.ZERO_MONEY
    maker_fill_cost: units.Money = units.ZERO_MONEY
    taker_fees: units.Money = units.ZERO_MONEY
    maker_fees: units.Money = units.ZERO_MONEY
    last_update_reason: str = ""

    @property
    def is_resting(self) -> bool:
        """True while the order sits in the book."""
        return self.status is OrderStatus.RESTING and self.remaining > 0

    def leg_price(self) -> units.Price:
        """The price of the outcome this order buys (YES price for a bid, NO price for an ask)."""
        return self.price if self.book_side == BID else units.complement(self.price)


@dataclasses.dataclass(frozen=True)
class Fill:
    """One side of one trade, as the account that traded sees it."""

    fill_id: str
    trade_id: str
    order_id: str
    user_id: str
    client_order_id: str
    ticker: str
    book_side: str
    price: units.Price
    count: units.Qty
    is_taker: bool
    fee: units.Money
    ts_ms: int
    post_position: units.Qty
    subaccount: int = 0
