"""Fair price: Kalshi microprice, Polymarket mid, the seed's dynamic weight, staleness."""

from __future__ import annotations

import pytest

from touchline_bot.core import fair_price, units
from touchline_bot.core.book import KalshiTop, PolyTop
from touchline_bot.core.params import FairPriceParams, PhaseParams

P, Q = units.Price, units.Qty
PREMATCH = PhaseParams()
INPLAY = PhaseParams(poly_weight_bps=8_500)
FAIR = FairPriceParams()
DEEP = Q(5_000)


def _poly(bid: int, ask: int, depth: int = DEEP) -> PolyTop:
    return PolyTop((P(bid), Q(depth)), (P(ask), Q(depth)))


KALSHI = KalshiTop(((P(4_000), Q(1_000)),), ((P(4_400), Q(3_000)),))


def test_microprice_leans_toward_the_thinner_side() -> None:
    # bid 0.40 × 10, ask 0.44 × 30: (0.40·30 + 0.44·10) / 40 = 0.41
    assert fair_price.microprice(KALSHI) == 4_100


@pytest.mark.parametrize(
    "top",
    [
        pytest.param(KalshiTop(((P(4_000), Q(100)),), ()), id="no-ask"),
        pytest.param(KalshiTop((), ((P(4_000), Q(100)),)), id="no-bid"),
        pytest.param(KalshiTop(((P(4_400), Q(100)),), ((P(4_400), Q(100)),)), id="locked"),
        pytest.param(KalshiTop(((P(4_500), Q(100)),), ((P(4_400), Q(100)),)), id="crossed"),
    ],
)
def test_microprice_is_none_without_a_sane_touch(top: KalshiTop) -> None:
    assert fair_price.microprice(top) is None


@pytest.mark.parametrize(
    ("poly", "mid"),
    [
        pytest.param(_poly(4_200, 4_300), 4_250, id="normal"),
        pytest.param(_poly(4_300, 4_300), 4_300, id="locked-is-a-price"),
        pytest.param(_poly(4_400, 4_300), None, id="crossed-is-garbled"),
        pytest.param(PolyTop(None, (P(4_300), DEEP)), None, id="one-sided"),
    ],
)
def test_poly_mid(poly: PolyTop, mid: int | None) -> None:
    assert fair_price.poly_mid(poly) == mid


@pytest.mark.parametrize(
    ("poly", "phase", "weight"),
    [
        pytest.param(_poly(4_200, 4_300), PREMATCH, 7_500, id="prematch-narrow"),
        pytest.param(_poly(4_200, 4_600), PREMATCH, 7_000, id="prematch-normal"),
        pytest.param(_poly(4_000, 4_800), PREMATCH, 6_000, id="prematch-wide"),
        pytest.param(_poly(4_200, 4_300), INPLAY, 9_000, id="inplay-narrow"),
        pytest.param(_poly(4_200, 4_300, depth=500), PREMATCH, 3_750, id="thin-touch-halves"),
        pytest.param(_poly(4_200, 4_300, depth=0), PREMATCH, 0, id="empty-touch-zero"),
        pytest.param(_poly(4_000, 4_800), INPLAY, 7_500, id="inplay-wide"),
        pytest.param(
            _poly(4_200, 4_300), PhaseParams(poly_weight_bps=9_800), 10_000, id="clamped-to-one"
        ),
        pytest.param(
            _poly(4_000, 4_800), PhaseParams(poly_weight_bps=500), 0, id="clamped-to-zero"
        ),
    ],
)
def test_dynamic_polymarket_weight(poly: PolyTop, phase: PhaseParams, weight: int) -> None:
    assert fair_price.poly_weight_bps(poly, phase, FAIR) == weight


def test_blend_carries_its_inputs() -> None:
    fair = fair_price.compute(
        kalshi=KALSHI,
        kalshi_fresh=True,
        poly=_poly(4_300, 4_700),
        poly_fresh=True,
        phase=PREMATCH,
        params=FAIR,
    )
    assert fair is not None
    # 0.70 × 0.45 + 0.30 × 0.41 = 0.438
    assert fair.price == 4_380
    assert (fair.kalshi_micro, fair.poly_mid, fair.poly_weight_bps) == (4_100, 4_500, 7_000)
    assert fair.reason == "blend"


@pytest.mark.parametrize(
    ("kalshi_fresh", "poly_fresh", "price", "reason"),
    [
        pytest.param(True, False, 4_100, "kalshi_only", id="stale-poly-weight-zero"),
        pytest.param(False, True, 4_500, "poly_only", id="stale-kalshi"),
        pytest.param(False, False, None, None, id="both-stale-no-fair"),
    ],
)
def test_stale_venue_gets_no_weight(
    kalshi_fresh: bool, poly_fresh: bool, price: int | None, reason: str | None
) -> None:
    fair = fair_price.compute(
        kalshi=KALSHI,
        kalshi_fresh=kalshi_fresh,
        poly=_poly(4_400, 4_600),
        poly_fresh=poly_fresh,
        phase=PREMATCH,
        params=FAIR,
    )
    assert (fair.price if fair else None) == price
    assert (fair.reason if fair else None) == reason


def test_invalid_kalshi_book_counts_as_stale() -> None:
    invalid = KalshiTop(KALSHI.bids, KALSHI.asks, valid=False)
    fair = fair_price.compute(
        kalshi=invalid,
        kalshi_fresh=True,
        poly=_poly(4_400, 4_600),
        poly_fresh=True,
        phase=PREMATCH,
        params=FAIR,
    )
    assert fair is not None
    assert fair.reason == "poly_only"


@pytest.mark.parametrize(
    ("kalshi", "poly", "reason"),
    [
        pytest.param(
            KalshiTop(((P(4_500), Q(100)),), ((P(4_400), Q(100)),)),
            _poly(4_400, 4_600),
            "poly_only",
            id="crossed-kalshi-ignored",
        ),
        pytest.param(KALSHI, _poly(4_700, 4_300), "kalshi_only", id="crossed-poly-ignored"),
    ],
)
def test_garbled_touch_counts_as_unusable(kalshi: KalshiTop, poly: PolyTop, reason: str) -> None:
    fair = fair_price.compute(
        kalshi=kalshi, kalshi_fresh=True, poly=poly, poly_fresh=True, phase=PREMATCH, params=FAIR
    )
    assert fair is not None
    assert fair.reason == reason
