"""Taker flow: seeded and reproducible; informed takers trade only against mispriced quotes."""

from __future__ import annotations

import random

import pytest

from tests.unit.sim.kalshi.orderflow import T0_MS, TICKER, place
from touchline_bot.core import units
from touchline_bot.sim.kalshi import exchange, model, takers

MINUTE_MS = 60_000


def _flow(
    ex: exchange.Exchange, *, informed_bps: int, fair: str, seed: int = 7
) -> takers.TakerFlow:
    config = takers.TakerConfig(TICKER, arrivals_per_min=60, informed_share_bps=informed_bps)
    fair_price = units.parse_dollars(fair)
    return takers.TakerFlow(ex, config, lambda _ms: fair_price, random.Random(seed), T0_MS)


def _quote(ex: exchange.Exchange, bid: str, ask: str) -> None:
    place(ex, "alice", model.BID, bid, "1000")
    place(ex, "alice", model.ASK, ask, "1000")


def test_same_seed_gives_the_same_flow(ex: exchange.Exchange) -> None:
    _quote(ex, "0.45", "0.55")
    first = _flow(ex, informed_bps=0, fair="0.50").step(T0_MS + MINUTE_MS)
    again = exchange.Exchange()
    from touchline_bot.sim.kalshi import seed

    seed.epl_match(again, T0_MS)
    again.add_account("alice", units.money_from_dollars("1000"))
    _quote(again, "0.45", "0.55")
    second = _flow(again, informed_bps=0, fair="0.50").step(T0_MS + MINUTE_MS)
    assert first == second


def test_arrival_rate_is_about_the_configured_rate(ex: exchange.Exchange) -> None:
    _quote(ex, "0.45", "0.55")
    sent = _flow(ex, informed_bps=0, fair="0.50").step(T0_MS + 10 * MINUTE_MS)
    assert 500 <= len(sent) <= 700  # 60 per minute for 10 minutes


def test_uninformed_takers_hit_both_sides_at_the_resting_prices(ex: exchange.Exchange) -> None:
    _quote(ex, "0.45", "0.55")
    _flow(ex, informed_bps=0, fair="0.50").step(T0_MS + MINUTE_MS)
    prices = {(f.book_side, units.format_dollars(f.price)) for f in ex.fills if f.is_taker}
    assert prices == {(model.BID, "0.5500"), (model.ASK, "0.4500")}


@pytest.mark.parametrize(
    ("fair", "traded_side"),
    [
        pytest.param("0.50", None, id="fair_inside_the_spread_no_trade"),
        pytest.param("0.60", model.BID, id="fair_above_the_ask_buys"),
        pytest.param("0.40", model.ASK, id="fair_below_the_bid_sells"),
    ],
)
def test_informed_takers_trade_only_when_quotes_are_off_fair(
    ex: exchange.Exchange, fair: str, traded_side: str | None
) -> None:
    _quote(ex, "0.45", "0.55")
    _flow(ex, informed_bps=10_000, fair=fair).step(T0_MS + MINUTE_MS)
    sides = {f.book_side for f in ex.fills if f.is_taker}
    assert sides == (set() if traded_side is None else {traded_side})
