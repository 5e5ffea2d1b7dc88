"""Kalshi's published fee formulas, exactly, in integer units.

taker = round up to the cent of  M × 0.07   × C × P × (1 − P)
maker = round up to the cent of  M × 0.0175 × C × P × (1 − P)   (``quadratic_with_maker_fees``)
        round up to the cent of  M × 0.035  × C × P × (1 − P)   (``..._combo_maker_fees``: half
                                                                 the taker coefficient)
with C contracts, P the price in dollars and M the series ``fee_multiplier`` (an event's
override already applied in the ``FeeSchedule``). Other fee types charge makers nothing. The
``flat`` type's specific table has never been seen live; it is charged as ``quadratic`` (the
general table), which is the documented general schedule.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from touchline_bot.core import units
from touchline_bot.core.market import FeeSchedule, FeeType
from touchline_bot.core.params import BPS, FeeMode, QuotingParams

# Coefficients in 1/10,000 (0.07 -> 700).
TAKER_COEFFICIENT_BPS = 700
MAKER_COEFFICIENT_BPS = 175
COMBO_MAKER_COEFFICIENT_BPS = 350

_SCALE = units.PRICE_SCALE * units.PRICE_SCALE * units.QTY_SCALE * BPS * BPS
"""Denominator of coefficient_bps × multiplier_bps × qty × P × (1 − P) in dollars."""
_CENT_PER_DOLLAR = 100


def _quadratic(price: int, qty: int, schedule: FeeSchedule, coefficient_bps: int) -> units.Money:
    if qty <= 0 or price <= 0 or price >= units.ONE_DOLLAR:
        return units.Money(0)
    numerator = coefficient_bps * schedule.multiplier_bps * qty * price * (units.ONE_DOLLAR - price)
    cents = -(-numerator * _CENT_PER_DOLLAR // _SCALE)  # ceiling division
    return units.Money(cents * (units.MONEY_SCALE // _CENT_PER_DOLLAR))


def taker_fee(price: units.Price, qty: units.Qty, schedule: FeeSchedule) -> units.Money:
    """What a taker pays for ``qty`` at ``price``."""
    return _quadratic(price, qty, schedule, TAKER_COEFFICIENT_BPS)


def maker_fee(price: units.Price, qty: units.Qty, schedule: FeeSchedule) -> units.Money:
    """What a maker pays (nothing unless the series charges maker fees)."""
    if schedule.fee_type is FeeType.QUADRATIC_WITH_MAKER_FEES:
        return _quadratic(price, qty, schedule, MAKER_COEFFICIENT_BPS)
    if schedule.fee_type is FeeType.QUADRATIC_WITH_COMBO_MAKER_FEES:
        return _quadratic(price, qty, schedule, COMBO_MAKER_COEFFICIENT_BPS)
    return units.Money(0)


def conservative_fee(price: units.Price, qty: units.Qty, rate_bps: int) -> units.Money:
    """The seed's flat worst case: ``rate_bps`` of the notional, rounded up to the cent."""
    micro = price * qty * rate_bps // BPS
    return units.money_ceil_to_cent(micro)


def buffer_per_contract(
    price: units.Price, schedule: FeeSchedule, params: QuotingParams
) -> units.Price:
    """The fee, per contract, that a quote at ``price`` must earn back.

    FORMULA mode uses the maker fee of a 100-contract order (so that the per-order rounding to
    the cent does not dominate), which is zero on series without maker fees; CONSERVATIVE mode
    uses the seed's flat ``conservative_fee_rate_bps`` of the price.
    """
    hundred = units.Qty(100 * units.QTY_SCALE)
    if params.fee_mode is FeeMode.CONSERVATIVE:
        fee = conservative_fee(price, hundred, params.conservative_fee_rate_bps)
    else:
        fee = maker_fee(price, hundred, schedule)
    # The fee of 100 contracts, in micro-dollars, shared over 100 contracts and converted to
    # a Price (1/10,000 $ = 100 micro-dollars), rounding up at each step.
    per_contract_micro = -(-fee // 100)
    return units.Price(-(-per_contract_micro // (units.MONEY_SCALE // units.PRICE_SCALE)))
