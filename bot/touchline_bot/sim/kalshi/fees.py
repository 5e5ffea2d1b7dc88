"""Kalshi's trading fees per series, exact in integers.

taker = ceil_to_cent(M x 0.07 x C x P x (1 - P)); maker = ceil_to_cent(M x k x C x P x (1 - P)),
where k is 0.0175 for ``quadratic_with_maker_fees`` (a quarter of the taker coefficient), 0.035
for ``quadratic_with_combo_maker_fees`` and 0 for plain ``quadratic``. ``M`` is the series'
``fee_multiplier``. The simulator charges per fill, rounded up to the cent (the conservative model
of the fee schedule).
"""

from __future__ import annotations

from touchline_bot.core import units
from touchline_bot.sim.kalshi import model

TAKER_COEFFICIENT_BPS = 700  # 0.07
BPS = 10_000
_MAKER_COEFFICIENT_BPS: dict[str, int] = {
    model.FEE_QUADRATIC: 0,
    model.FEE_QUADRATIC_MAKER: 175,  # 0.0175
    model.FEE_QUADRATIC_COMBO_MAKER: 350,  # 0.035
    model.FEE_FLAT: 0,
}
# P x (1 - P) x C carries PRICE_SCALE**2 x QTY_SCALE; two bps factors add BPS**2.
_DENOMINATOR_CENTS = units.PRICE_SCALE**2 * units.QTY_SCALE * BPS * BPS // 100


def _fee(coefficient_bps: int, multiplier_bps: int, price: int, count: int) -> units.Money:
    numerator = coefficient_bps * multiplier_bps * count * price * (units.ONE_DOLLAR - price)
    cents = -((-numerator) // _DENOMINATOR_CENTS)
    return units.Money(cents * (units.MONEY_SCALE // 100))


def taker_fee(series: model.Series, price: int, count: int) -> units.Money:
    """The fee on ``count`` contracts matched on entry at YES price ``price``."""
    return _fee(TAKER_COEFFICIENT_BPS, series.fee_multiplier_bps, price, count)


def maker_fee(series: model.Series, price: int, count: int) -> units.Money:
    """The fee on ``count`` contracts of a resting order filled at ``price`` (0 if no maker fee)."""
    coefficient = _MAKER_COEFFICIENT_BPS.get(series.fee_type, 0)
    return _fee(coefficient, series.fee_multiplier_bps, price, count)
