"""Accounts: cash balance and per-market positions, moved by fills and settlement.

A position is signed (positive = YES contracts, negative = NO contracts) and netted: buying YES
while holding NO closes pairs, and each closed pair returns $1 to the balance. ``exposure`` is the
cost basis of the open position; realised PnL is booked when a position is closed or settled.
"""

from __future__ import annotations

import dataclasses

from touchline_bot.core import units


@dataclasses.dataclass
class Position:
    """One account's position in one market."""

    position: units.Qty = units.ZERO_QTY
    exposure: units.Money = units.ZERO_MONEY
    realized_pnl: units.Money = units.ZERO_MONEY
    fees_paid: units.Money = units.ZERO_MONEY
    total_traded: units.Money = units.ZERO_MONEY
    updated_ms: int = 0


@dataclasses.dataclass
class Account:
    """An API key's account: balance in micro-dollars and positions by market ticker."""

    user_id: str
    balance: units.Money
    positions: dict[str, Position] = dataclasses.field(default_factory=dict)
    updated_ms: int = 0

    def position(self, ticker: str) -> Position:
        """The position in ``ticker`` (created flat on first use)."""
        return self.positions.setdefault(ticker, Position())

    def apply_trade(
        self, ticker: str, *, buys_yes: bool, leg_price: int, count: int, fee: int, now_ms: int
    ) -> units.Qty:
        """Book buying ``count`` of YES (or NO) at ``leg_price``; returns the new position."""
        pos = self.position(ticker)
        sign = 1 if buys_yes else -1
        held_opposite = max(0, -sign * pos.position)
        closing = min(count, held_opposite)
        opening = count - closing
        if closing:
            released = pos.exposure * closing // held_opposite
            pos.exposure = units.Money(pos.exposure - released)
            proceeds = (units.ONE_DOLLAR - leg_price) * closing
            pos.realized_pnl = units.Money(pos.realized_pnl + proceeds - released)
            self.balance = units.Money(self.balance + proceeds)
        if opening:
            pos.exposure = units.Money(pos.exposure + leg_price * opening)
            self.balance = units.Money(self.balance - leg_price * opening)
        pos.position = units.Qty(pos.position + sign * count)
        pos.fees_paid = units.Money(pos.fees_paid + fee)
        pos.realized_pnl = units.Money(pos.realized_pnl - fee)
        pos.total_traded = units.Money(pos.total_traded + leg_price * count)
        pos.updated_ms = now_ms
        self.balance = units.Money(self.balance - fee)
        self.updated_ms = now_ms
        return pos.position

    def settle(self, ticker: str, *, result_yes: bool, now_ms: int) -> units.Money:
        """Pay $1 per winning contract on the net position; returns the payout."""
        pos = self.positions.get(ticker)
        if pos is None or pos.position == 0:
            return units.ZERO_MONEY
        won = (pos.position > 0) == result_yes
        payout = units.Money(abs(pos.position) * units.ONE_DOLLAR if won else 0)
        pos.realized_pnl = units.Money(pos.realized_pnl + payout - pos.exposure)
        pos.exposure = units.ZERO_MONEY
        pos.position = units.ZERO_QTY
        pos.updated_ms = now_ms
        self.balance = units.Money(self.balance + payout)
        self.updated_ms = now_ms
        return payout
