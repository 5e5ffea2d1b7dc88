"""The fair price of YES: Polymarket's mid blended with Kalshi's microprice.

The Polymarket weight follows the seed: a base per phase (0.70 pre-match, 0.85 in play), a
bonus when Polymarket's spread is narrow, a penalty when it is wide, scaled down when its touch
is thin (depth-aware), and zero for a stale venue. Kalshi takes the rest of the weight; a stale
Kalshi book gives Polymarket all of it. With neither venue usable there is no fair price. A
stale, one-sided or crossed Polymarket book leaves Kalshi's alone (so that flattening still has
a price) and pauses quoting (:func:`signal_problem`).

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from typing import ClassVar, Final, final

from touchline_bot.core import units
from touchline_bot.core.book import KalshiTop, PolyTop
from touchline_bot.core.params import BPS, FairPriceParams, PhaseParams
from touchline_bot.core.value import Value


@final
class FairPrice(Value):
    """The fair price and every input that made it (for telemetry and ``/state``; a record:
    one is built per evaluation)."""

    _fields: ClassVar[tuple[str, ...]] = (
        "price",
        "kalshi_micro",
        "poly_mid",
        "poly_spread",
        "poly_weight_bps",
        "reason",
    )
    __slots__ = _fields

    def __init__(
        self,
        price: units.Price,
        kalshi_micro: units.Price | None,
        poly_mid: units.Price | None,
        poly_spread: units.Price | None,
        poly_weight_bps: int,
        reason: str,
    ) -> None:
        self.price: Final = price
        self.kalshi_micro: Final = kalshi_micro
        self.poly_mid: Final = poly_mid
        self.poly_spread: Final = poly_spread
        self.poly_weight_bps: Final = poly_weight_bps
        self.reason: Final = reason


def microprice(top: KalshiTop) -> units.Price | None:
    """Size-weighted mid of Kalshi's touch: the price leans toward the thinner side.

    None without both sides, and for a locked or crossed touch (impossible on a matching
    venue, so the view is garbled and must not set a price).
    """
    bid, ask = top.best_bid, top.best_ask
    if bid is None or ask is None:
        return None
    (bid_px, bid_qty), (ask_px, ask_qty) = bid, ask
    if bid_px >= ask_px:
        return None
    if bid_qty + ask_qty <= 0:
        return units.Price((bid_px + ask_px) // 2)
    return units.Price((bid_px * ask_qty + ask_px * bid_qty) // (bid_qty + ask_qty))


def poly_mid(top: PolyTop) -> units.Price | None:
    """Polymarket's mid, or None without both sides or with a crossed touch."""
    if top.best_bid is None or top.best_ask is None or top.best_ask[0] < top.best_bid[0]:
        return None
    return units.Price((top.best_bid[0] + top.best_ask[0]) // 2)


ONE_SIDED = "polymarket_one_sided"
CROSSED = "polymarket_crossed"


def signal_problem(top: PolyTop) -> str | None:
    """Why a fresh Polymarket book is no usable signal (``polymarket_one_sided`` without a bid
    or an ask, ``polymarket_crossed``), or ``None``. Quoting pauses on it, as on a stale one:
    the fair must not silently become Kalshi's alone."""
    if top.best_bid is None or top.best_ask is None:
        return ONE_SIDED
    if top.best_ask[0] < top.best_bid[0]:
        return CROSSED
    return None


DIVERGE = "venues_diverge"


def divergence(kalshi: KalshiTop, mid: int) -> int:
    """How far ``mid`` (Polymarket's) lies outside Kalshi's touch: 0 between its best bid and
    best ask, else the distance to the nearer one (a missing side bounds nothing)."""
    bid, ask = kalshi.best_bid, kalshi.best_ask
    if ask is not None and mid > ask[0]:
        return mid - ask[0]
    if bid is not None and mid < bid[0]:
        return bid[0] - mid
    return 0


def _spread(top: PolyTop) -> units.Price | None:
    if top.best_bid is None or top.best_ask is None:
        return None
    return units.Price(top.best_ask[0] - top.best_bid[0])


def poly_weight_bps(top: PolyTop, phase: PhaseParams, fair: FairPriceParams) -> int:
    """The seed's dynamic Polymarket weight for this book, in [0, 10,000]."""
    if top.best_bid is None or top.best_ask is None:
        return 0
    (bid_px, bid_qty), (ask_px, ask_qty) = top.best_bid, top.best_ask
    spread = ask_px - bid_px
    if spread < 0:
        return 0
    weight = phase.poly_weight_bps
    if spread <= fair.narrow_spread_max:
        weight += fair.narrow_bonus_bps
    elif spread >= fair.wide_spread_min:
        weight -= fair.wide_penalty_bps
    depth = min(bid_qty, ask_qty)
    if fair.min_depth_qty > 0 and depth < fair.min_depth_qty:
        weight = weight * depth // fair.min_depth_qty
    return max(0, min(BPS, weight))


def compute(
    *,
    kalshi: KalshiTop | None,
    kalshi_fresh: bool,
    poly: PolyTop | None,
    poly_fresh: bool,
    phase: PhaseParams,
    params: FairPriceParams,
) -> FairPrice | None:
    """Blend the usable venues; None when neither is usable."""
    micro = microprice(kalshi) if kalshi is not None and kalshi.valid and kalshi_fresh else None
    mid = poly_mid(poly) if poly is not None and poly_fresh else None
    spread = _spread(poly) if poly is not None else None
    if mid is None or poly is None:
        if micro is None:
            return None
        return FairPrice(micro, micro, None, spread, 0, "kalshi_only")
    if micro is None:
        return FairPrice(mid, None, mid, spread, BPS, "poly_only")
    weight = poly_weight_bps(poly, phase, params)
    price = (mid * weight + micro * (BPS - weight)) // BPS
    return FairPrice(units.Price(price), micro, mid, spread, weight, "blend")
