"""Price-time matching between YES bids and NO bids (asks), STP, post-only, IOC and FOK."""

from __future__ import annotations

import pytest

from tests.unit.sim.kalshi.orderflow import TICKER, fills_of, place
from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, exchange, model


def test_equal_prices_fill_in_time_order_and_better_prices_first(ex: exchange.Exchange) -> None:
    early = place(ex, "alice", model.BID, "0.45", "10")
    late = place(ex, "bob", model.BID, "0.45", "10")
    better = place(ex, "alice", model.BID, "0.46", "5")
    seller = place(ex, "carol", model.ASK, "0.45", "20", tif=model.IOC)
    assert fills_of(ex, better) == [("0.4600", "5.00")]
    assert fills_of(ex, early) == [("0.4500", "10.00")]
    assert fills_of(ex, late) == [("0.4500", "5.00")]
    assert late.remaining == units.parse_count("5")
    assert seller.status is model.OrderStatus.EXECUTED


@pytest.mark.parametrize(
    ("no_bid_dollars", "yes_bid", "trades"),
    [
        pytest.param("0.45", "0.55", True, id="p_plus_q_exactly_one_dollar_crosses"),
        pytest.param("0.45", "0.60", True, id="p_plus_q_above_one_dollar_crosses"),
        pytest.param("0.45", "0.54", False, id="p_plus_q_below_one_dollar_rests"),
    ],
)
def test_yes_bid_crosses_no_bid_when_prices_sum_to_a_dollar(
    ex: exchange.Exchange, no_bid_dollars: str, yes_bid: str, trades: bool
) -> None:
    # A NO bid at q is an ask (sell YES) at 1 - q.
    ask_price = units.format_dollars(units.complement(units.parse_dollars(no_bid_dollars)))
    place(ex, "bob", model.ASK, ask_price, "10")
    buyer = place(ex, "alice", model.BID, yes_bid, "10")
    assert (buyer.filled > 0) is trades
    assert ex.books[TICKER].levels("no") == (
        [] if trades else [(units.parse_dollars(no_bid_dollars), 1000)]
    )


def test_trade_prints_at_the_resting_orders_price(ex: exchange.Exchange) -> None:
    place(ex, "bob", model.ASK, "0.50", "10")
    buyer = place(ex, "alice", model.BID, "0.60", "10")
    assert fills_of(ex, buyer) == [("0.5000", "10.00")]
    assert ex.markets[TICKER].last_price == units.parse_dollars("0.50")


@pytest.mark.parametrize(
    ("side", "price"),
    [
        pytest.param(model.BID, "0.50", id="bid_at_the_ask"),
        pytest.param(model.BID, "0.70", id="bid_through_the_ask"),
        pytest.param(model.ASK, "0.40", id="ask_at_the_bid"),
    ],
)
def test_post_only_order_that_would_cross_is_refused_with_400(
    ex: exchange.Exchange, side: str, price: str
) -> None:
    place(ex, "bob", model.ASK, "0.50", "10")
    place(ex, "bob", model.BID, "0.40", "10")
    with pytest.raises(errors.RejectedError) as refused:
        place(ex, "alice", side, price, "5", post_only=True)
    assert (refused.value.status, refused.value.code) == (400, "invalid_order")
    assert refused.value.details == "post only cross"
    assert not [o for o in ex.orders.values() if o.user_id == "alice"]


def test_post_only_order_that_does_not_cross_rests(ex: exchange.Exchange) -> None:
    place(ex, "bob", model.ASK, "0.50", "10")
    maker = place(ex, "alice", model.BID, "0.49", "5", post_only=True)
    assert maker.is_resting


def test_stp_taker_at_cross_cancels_the_incoming_remainder_and_keeps_earlier_fills(
    ex: exchange.Exchange,
) -> None:
    place(ex, "bob", model.ASK, "0.49", "10")
    own = place(ex, "alice", model.ASK, "0.50", "10")
    taker = place(ex, "alice", model.BID, "0.52", "30", stp=model.STP_TAKER)
    assert fills_of(ex, taker) == [("0.4900", "10.00")]
    assert taker.status is model.OrderStatus.CANCELED
    assert taker.last_update_reason == "SelfTradeCancel"
    assert own.is_resting


def test_stp_maker_cancels_the_own_resting_order_and_keeps_matching(ex: exchange.Exchange) -> None:
    own = place(ex, "alice", model.ASK, "0.49", "10")
    place(ex, "bob", model.ASK, "0.50", "10")
    taker = place(ex, "alice", model.BID, "0.52", "10", stp=model.STP_MAKER)
    assert own.status is model.OrderStatus.CANCELED
    assert fills_of(ex, taker) == [("0.5000", "10.00")]


@pytest.mark.parametrize(
    ("tif", "count", "filled", "status"),
    [
        pytest.param(
            model.IOC, "15", "10.00", model.OrderStatus.CANCELED, id="ioc_fills_what_it_can"
        ),
        pytest.param(
            model.FOK, "15", "0.00", model.OrderStatus.CANCELED, id="fok_short_fills_nothing"
        ),
        pytest.param(
            model.FOK, "10", "10.00", model.OrderStatus.EXECUTED, id="fok_enough_fills_all"
        ),
        pytest.param(model.GTC, "15", "10.00", model.OrderStatus.RESTING, id="gtc_rests_the_rest"),
    ],
)
def test_time_in_force_decides_what_happens_to_the_unfilled_rest(
    ex: exchange.Exchange, tif: str, count: str, filled: str, status: model.OrderStatus
) -> None:
    place(ex, "bob", model.ASK, "0.50", "10")
    taker = place(ex, "alice", model.BID, "0.50", count, tif=tif)
    assert units.format_count(taker.filled) == filled
    assert taker.status is status
    assert taker.is_resting is (status is model.OrderStatus.RESTING)


@pytest.mark.parametrize(
    ("extra", "details"),
    [
        pytest.param({"price": "0.505"}, "invalid price", id="off_grid_price"),
        pytest.param({"price": "1.00"}, "invalid price", id="one_dollar"),
        pytest.param({"count": "0"}, "count must be", id="zero_count"),
        pytest.param(
            {"tif": model.IOC, "expiration_ms": 1_895_000_000_000},
            "Cannot specify both",
            id="ioc_with_expiry",
        ),
        pytest.param({"expiration_ms": 1}, "must be in the future", id="past_expiry"),
        pytest.param({"reduce_only": True}, "reduce_only", id="reduce_only_without_ioc"),
    ],
)
def test_invalid_orders_are_refused_with_400(
    ex: exchange.Exchange, extra: dict[str, object], details: str
) -> None:
    args: dict[str, object] = {"price": "0.50", "count": "10", **extra}
    price, count = str(args.pop("price")), str(args.pop("count"))
    with pytest.raises(errors.RejectedError) as refused:
        place(ex, "alice", model.BID, price, count, **args)  # type: ignore[arg-type]
    assert refused.value.status == 400
    assert details in refused.value.details


def test_duplicate_client_order_id_is_refused_with_409(ex: exchange.Exchange) -> None:
    place(ex, "alice", model.BID, "0.40", "1", client_order_id="q-1")
    with pytest.raises(errors.RejectedError) as refused:
        place(ex, "alice", model.BID, "0.41", "1", client_order_id="q-1")
    assert refused.value.status == 409


def test_expired_order_leaves_the_book() -> None:
    from touchline_bot.sim.kalshi import orders, seed

    venue = exchange.Exchange()
    seed.epl_match(venue, 0)
    venue.add_account("alice", units.money_from_dollars("100"))
    order = place(venue, "alice", model.BID, "0.40", "1", now_ms=0, expiration_ms=5_000)
    assert orders.expire(venue, 4_999) == []
    assert orders.expire(venue, 5_000) == [order]
    assert order.status is model.OrderStatus.CANCELED
    assert venue.books[TICKER].levels("yes") == []


@pytest.mark.parametrize(
    ("price", "valid"),
    [
        pytest.param("0.005", True, id="half_cent_in_the_deci_cent_edge_band"),
        pytest.param("0.505", False, id="half_cent_in_the_whole_cent_centre_band"),
        pytest.param("0.51", True, id="whole_cent_valid_everywhere"),
        pytest.param("0.995", True, id="half_cent_in_the_top_edge_band"),
    ],
)
def test_orders_must_sit_on_the_markets_price_ranges(price: str, valid: bool) -> None:
    from touchline_bot.sim.kalshi import seed

    venue = exchange.Exchange()
    venue.add_series(model.Series("KXTEST", "Test"))
    ranges = [
        {"start": "0.0000", "end": "0.1000", "step": "0.0010"},
        {"start": "0.1000", "end": "0.9000", "step": "0.0100"},
        {"start": "0.9000", "end": "1.0000", "step": "0.0010"},
    ]
    venue.add_market(
        seed.market_from_dict(
            {
                "ticker": "KXTEST-1-A",
                "price_ranges": ranges,
                "price_level_structure": "tapered_deci_cent",
            },
            0,
        )
    )
    venue.add_account("alice", units.money_from_dollars("100"))
    request = exchange.OrderRequest(
        "KXTEST-1-A",
        model.BID,
        units.parse_dollars(price),
        units.parse_count("1"),
        model.GTC,
        model.STP_TAKER,
    )
    if valid:
        assert venue.create("alice", request, 0).is_resting
    else:
        with pytest.raises(errors.RejectedError):
            venue.create("alice", request, 0)


@pytest.mark.parametrize(
    ("held", "count", "filled", "status"),
    [
        pytest.param("4", "10", "4.00", model.OrderStatus.CANCELED, id="capped_at_the_position"),
        pytest.param("0", "10", "0.00", model.OrderStatus.CANCELED, id="nothing_to_reduce"),
        pytest.param("10", "3", "3.00", model.OrderStatus.EXECUTED, id="smaller_than_position"),
    ],
)
def test_reduce_only_sell_never_exceeds_the_long_position(
    ex: exchange.Exchange, held: str, count: str, filled: str, status: model.OrderStatus
) -> None:
    if held != "0":
        place(ex, "bob", model.ASK, "0.50", held)
        place(ex, "alice", model.BID, "0.50", held)
    place(ex, "carol", model.BID, "0.40", "50")
    seller = place(ex, "alice", model.ASK, "0.40", count, tif=model.IOC, reduce_only=True)
    assert (units.format_count(seller.filled), seller.status) == (filled, status)
    assert ex.accounts["alice"].position(TICKER).position >= 0
