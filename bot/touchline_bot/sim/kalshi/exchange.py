"""The pure matching engine: accounts, markets, order entry and price-time matching.

No I/O and no clock: every operation takes ``now_ms``, so a run is deterministic given its
inputs. Outcomes that a client must see are appended to ``outbox`` (see ``events``); refusals
raise ``errors.RejectedError``. Validation lives in ``validation``; amend, decrease, cancel,
lifecycle and order groups in ``orders`` and ``lifecycle``; this module owns creation and matching.
"""

from __future__ import annotations

import dataclasses
import uuid

from touchline_bot.core import units
from touchline_bot.sim.kalshi import accounts, book, errors, events, fees, groups, model, validation


@dataclasses.dataclass(frozen=True)
class OrderRequest:
    """A V2 create-order request, already parsed into integer units."""

    ticker: str
    book_side: str
    price: units.Price
    count: units.Qty
    time_in_force: str
    stp: str
    client_order_id: str = ""
    post_only: bool = False
    reduce_only: bool = False
    expiration_ms: int | None = None
    order_group_id: str = ""
    cancel_order_on_pause: bool = False
    subaccount: int = 0


class Exchange:
    """All state of the simulated exchange."""

    def __init__(self) -> None:
        self.series: dict[str, model.Series] = {}
        self.markets: dict[str, model.Market] = {}
        self.books: dict[str, book.Book] = {}
        self.accounts: dict[str, accounts.Account] = {}
        self.orders: dict[str, model.Order] = {}
        self.fills: list[model.Fill] = []
        self.trades: list[events.Traded] = []
        self.client_order_ids: set[tuple[str, str]] = set()
        self.groups: dict[str, groups.OrderGroup] = {}
        self.outbox: list[events.Event] = []
        self._counter = 0

    def next_id(self) -> str:
        """A fresh, deterministic UUID-shaped identifier."""
        self._counter += 1
        return str(uuid.UUID(int=self._counter))

    def next_priority(self) -> int:
        """A queue priority later than every one handed out before."""
        self._counter += 1
        return self._counter

    def would_cross(self, book_side: str, price: int, ticker: str) -> bool:
        """True when an order at ``price`` would trade with the best resting opposite order."""
        best = self.books[ticker].opposite(book_side)
        return bool(best) and book.crosses(book_side, price, best[0].price)

    def add_series(self, series: model.Series) -> None:
        """Create or replace a series."""
        self.series[series.ticker] = series

    def add_market(self, market: model.Market) -> None:
        """Create a market (its series must exist) with an empty book."""
        if market.series_ticker not in self.series:
            raise errors.not_found(f"series {market.series_ticker}")
        self.markets[market.ticker] = market
        self.books.setdefault(market.ticker, book.Book())
        self.outbox.append(events.LifecycleChanged(market.ticker, "created", market.created_ms))

    def add_account(self, user_id: str, balance: units.Money) -> accounts.Account:
        """Open (or top up to ``balance``) an account."""
        account = self.accounts.setdefault(user_id, accounts.Account(user_id, balance))
        account.balance = balance
        return account

    def market(self, ticker: str) -> model.Market:
        """The market, or 404."""
        found = self.markets.get(ticker)
        if found is None:
            raise errors.not_found(f"market {ticker}")
        return found

    def order_of(self, user_id: str, order_id: str) -> model.Order:
        """One of ``user_id``'s orders, or 404."""
        found = self.orders.get(order_id)
        if found is None or found.user_id != user_id:
            raise errors.not_found(f"order {order_id}")
        return found

    # ------------------------------------------------------------------ create

    def create(self, user_id: str, request: OrderRequest, now_ms: int) -> model.Order:
        """Validate, match and (for a GTC remainder) rest a new order."""
        market = self.market(request.ticker)
        validation.check_order(self, user_id, market, request, now_ms)
        order = self._new_order(user_id, request, now_ms)
        self.orders[order.order_id] = order
        if order.client_order_id:
            self.client_order_ids.add((user_id, order.client_order_id))
        if request.reduce_only:
            self._cap_reduce_only(order)
            if order.remaining == 0:
                self._finish(order, "ReduceOnlyCancel", now_ms)
                return order
        if order.time_in_force == model.FOK and self._fillable(order) < order.remaining:
            self._finish(order, "FillOrKillCancel", now_ms)
            return order
        self.match(order, now_ms)
        if order.remaining > 0 and order.status is model.OrderStatus.RESTING:
            if order.time_in_force == model.GTC:
                self.rest(order, now_ms)
            else:
                self._finish(order, "ImmediateOrCancel", now_ms)
        return order

    def _new_order(self, user_id: str, request: OrderRequest, now_ms: int) -> model.Order:
        return model.Order(
            order_id=self.next_id(),
            user_id=user_id,
            ticker=request.ticker,
            book_side=request.book_side,
            price=request.price,
            initial=request.count,
            remaining=request.count,
            time_in_force=request.time_in_force,
            stp=request.stp,
            created_ms=now_ms,
            updated_ms=now_ms,
            priority=self._counter,
            client_order_id=request.client_order_id,
            post_only=request.post_only,
            reduce_only=request.reduce_only,
            order_group_id=request.order_group_id,
            expiration_ms=request.expiration_ms,
            cancel_order_on_pause=request.cancel_order_on_pause,
            subaccount=request.subaccount,
        )

    def _cap_reduce_only(self, order: model.Order) -> None:
        held = self.accounts[order.user_id].position(order.ticker).position
        reducible = max(0, -held) if order.book_side == model.BID else max(0, held)
        order.remaining = units.Qty(min(order.remaining, reducible))

    def _fillable(self, order: model.Order) -> int:
        available = 0
        for maker in self.books[order.ticker].opposite(order.book_side):
            if not book.crosses(order.book_side, order.price, maker.price):
                break
            if maker.user_id == order.user_id:
                if order.stp == model.STP_TAKER:
                    break
                continue
            available += maker.remaining
        return available

    # ------------------------------------------------------------------ matching

    def match(self, taker: model.Order, now_ms: int) -> None:
        """Trade ``taker`` against the opposite side, best price first, then time."""
        for maker in self.books[taker.ticker].opposite(taker.book_side):
            if taker.remaining <= 0 or taker.status is not model.OrderStatus.RESTING:
                return
            if not book.crosses(taker.book_side, taker.price, maker.price):
                return
            if not maker.is_resting:
                continue  # cancelled during this sweep (its order group triggered)
            if maker.user_id == taker.user_id:
                if taker.stp == model.STP_TAKER:
                    self._finish(taker, "SelfTradeCancel", now_ms)
                    return
                self.cancel_resting(maker, "SelfTradeCancel", now_ms)
                continue
            self._trade(taker, maker, min(taker.remaining, maker.remaining), now_ms)

    def _trade(self, taker: model.Order, maker: model.Order, qty: int, now_ms: int) -> None:
        market = self.markets[taker.ticker]
        series = self.series[market.series_ticker]
        price = maker.price
        trade_id = self.next_id()
        self.books[maker.ticker].remove(maker)
        self._book_delta(maker, -qty, now_ms)
        for order, is_taker in ((taker, True), (maker, False)):
            fee = (fees.taker_fee if is_taker else fees.maker_fee)(series, price, qty)
            self._fill_order(order, is_taker, price, qty, fee, trade_id, now_ms)
        if maker.is_resting:
            self.books[maker.ticker].add(maker)
        market.last_price = price
        market.volume = units.Qty(market.volume + qty)
        market.open_interest = units.Qty(
            sum(max(0, a.position(market.ticker).position) for a in self.accounts.values())
        )
        market.updated_ms = now_ms
        traded = events.Traded(
            trade_id, market.ticker, price, units.Qty(qty), taker.book_side, now_ms
        )
        self.trades.append(traded)
        self.outbox.append(traded)
        for order in (maker, taker):
            self._check_group(order, qty, now_ms)

    def _fill_order(
        self,
        order: model.Order,
        is_taker: bool,
        price: int,
        qty: int,
        fee: int,
        trade_id: str,
        now_ms: int,
    ) -> None:
        leg = _book_fill(order, is_taker, leg_price_of(order, price), qty, fee, now_ms)
        post = self.accounts[order.user_id].apply_trade(
            order.ticker,
            buys_yes=order.book_side == model.BID,
            leg_price=leg,
            count=qty,
            fee=fee,
            now_ms=now_ms,
        )
        fill = model.Fill(
            fill_id=self.next_id(),
            trade_id=trade_id,
            order_id=order.order_id,
            user_id=order.user_id,
            client_order_id=order.client_order_id,
            ticker=order.ticker,
            book_side=order.book_side,
            price=units.Price(price),
            count=units.Qty(qty),
            is_taker=is_taker,
            fee=units.Money(fee),
            ts_ms=now_ms,
            post_position=post,
            subaccount=order.subaccount,
        )
        self.fills.append(fill)
        self.outbox.append(events.Filled(fill))
        self.outbox.append(events.OrderUpdated(dataclasses.replace(order)))
        self.outbox.append(events.PositionChanged(order.user_id, order.ticker, now_ms))

    def _check_group(self, order: model.Order, qty: int, now_ms: int) -> None:
        group = self.groups.get(order.order_group_id) if order.order_group_id else None
        if group is not None and group.record_fill(qty, now_ms):
            self.trigger_group(group, now_ms)

    def trigger_group(self, group: groups.OrderGroup, now_ms: int) -> None:
        """Cancel every live order of ``group`` and refuse new ones until a reset."""
        group.triggered = True
        for order in list(self.orders.values()):
            if order.order_group_id == group.order_group_id and order.is_resting:
                self.cancel_resting(order, "OrderGroupTriggered", now_ms)
        self.outbox.append(
            events.OrderGroupChanged(
                group.user_id, group.order_group_id, "triggered", group.limit, now_ms
            )
        )

    # ------------------------------------------------------------------ resting

    def rest(self, order: model.Order, now_ms: int) -> None:
        """Put ``order`` in the book and announce its size."""
        self.books[order.ticker].add(order)
        self._book_delta(order, order.remaining, now_ms)
        self.outbox.append(events.OrderUpdated(dataclasses.replace(order)))

    def cancel_resting(self, order: model.Order, reason: str, now_ms: int) -> units.Qty:
        """Cancel what remains of ``order``; returns the quantity removed."""
        reduced = order.remaining
        # An incoming order still matching is not in the book: no level to take it from.
        if order.is_resting and self.books[order.ticker].remove(order):
            self._book_delta(order, -reduced, now_ms)
        self._finish(order, reason, now_ms)
        return reduced

    def _finish(self, order: model.Order, reason: str, now_ms: int) -> None:
        order.remaining = units.ZERO_QTY
        order.status = (
            model.OrderStatus.CANCELED
            if order.filled < order.initial
            else model.OrderStatus.EXECUTED
        )
        order.last_update_reason = reason
        order.updated_ms = now_ms
        self.outbox.append(events.OrderUpdated(dataclasses.replace(order)))

    def _book_delta(self, order: model.Order, delta: int, now_ms: int) -> None:
        if delta == 0:
            return
        leg = "yes" if order.book_side == model.BID else "no"
        self.outbox.append(
            events.BookChanged(
                order.ticker,
                leg,
                order.leg_price(),
                units.Qty(delta),
                order.user_id,
                order.client_order_id,
                now_ms,
            )
        )


def leg_price_of(order: model.Order, yes_price: int) -> units.Price:
    """The price of the outcome ``order`` buys when it trades at YES price ``yes_price``."""
    return units.Price(yes_price if order.book_side == model.BID else units.complement(yes_price))


def _book_fill(
    order: model.Order, is_taker: bool, leg: units.Price, qty: int, fee: int, now_ms: int
) -> units.Price:
    """Move ``qty`` from remaining to filled and add its cost and fee; returns ``leg``."""
    order.remaining = units.Qty(order.remaining - qty)
    order.filled = units.Qty(order.filled + qty)
    order.updated_ms = now_ms
    if is_taker:
        order.taker_fill_cost = units.Money(order.taker_fill_cost + leg * qty)
        order.taker_fees = units.Money(order.taker_fees + fee)
    else:
        order.maker_fill_cost = units.Money(order.maker_fill_cost + leg * qty)
        order.maker_fees = units.Money(order.maker_fees + fee)
    if order.remaining == 0:
        # A reduce-only order capped below its size ends cancelled for the excess.
        done = order.filled >= order.initial
        order.status = model.OrderStatus.EXECUTED if done else model.OrderStatus.CANCELED
        order.last_update_reason = "Fill" if done else "ReduceOnlyCancel"
    return leg
