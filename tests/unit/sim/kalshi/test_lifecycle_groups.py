"""Order groups (rolling 15 s limit), market lifecycle (pause, close, settle) and netting."""

from __future__ import annotations

import pytest

from tests.unit.sim.kalshi.orderflow import T0_MS, TICKER, place
from touchline_bot.core import units
from touchline_bot.sim.kalshi import errors, events, exchange, lifecycle, model, orders


@pytest.mark.parametrize(
    ("second_fill_after_ms", "triggers"),
    [
        pytest.param(10_000, True, id="11_contracts_within_15s_trigger_a_limit_of_10"),
        pytest.param(15_000, False, id="fills_15s_apart_do_not_add_up"),
    ],
)
def test_order_group_triggers_on_rolling_15s_fills_above_its_limit(
    ex: exchange.Exchange, second_fill_after_ms: int, triggers: bool
) -> None:
    group = lifecycle.create_group(ex, "alice", units.parse_count("10"), T0_MS)
    quote = place(ex, "alice", model.BID, "0.45", "50", order_group_id=group.order_group_id)
    other = place(ex, "alice", model.BID, "0.40", "50", order_group_id=group.order_group_id)
    place(ex, "carol", model.ASK, "0.45", "6", tif=model.IOC, now_ms=T0_MS)
    later = T0_MS + second_fill_after_ms
    place(ex, "carol", model.ASK, "0.45", "5", tif=model.IOC, now_ms=later)
    assert group.triggered is triggers
    assert quote.is_resting is not triggers
    assert other.is_resting is not triggers
    if triggers:
        with pytest.raises(errors.RejectedError):
            place(ex, "alice", model.BID, "0.30", "1", order_group_id=group.order_group_id)
        lifecycle.reset_group(ex, "alice", group.order_group_id, later)
        assert place(
            ex, "alice", model.BID, "0.30", "1", order_group_id=group.order_group_id
        ).is_resting


def test_group_triggered_mid_sweep_stops_its_maker_orders_trading(ex: exchange.Exchange) -> None:
    group = lifecycle.create_group(ex, "alice", units.parse_count("4"), T0_MS)
    first = place(ex, "alice", model.ASK, "0.50", "5", order_group_id=group.order_group_id)
    second = place(ex, "alice", model.ASK, "0.51", "5", order_group_id=group.order_group_id)
    buyer = place(ex, "carol", model.BID, "0.51", "10", tif=model.IOC)
    assert (first.filled, second.filled, buyer.filled) == (500, 0, 500)
    assert second.status is model.OrderStatus.CANCELED
    assert all(f.count > 0 for f in ex.fills)


def test_group_triggered_by_its_own_taker_stops_it_without_phantom_book_changes(
    ex: exchange.Exchange,
) -> None:
    group = lifecycle.create_group(ex, "carol", units.parse_count("4"), T0_MS)
    place(ex, "bob", model.ASK, "0.50", "5")
    place(ex, "bob", model.ASK, "0.51", "5")
    ex.outbox.clear()
    buyer = place(
        ex, "carol", model.BID, "0.51", "10", tif=model.GTC, order_group_id=group.order_group_id
    )
    assert (buyer.filled, buyer.status) == (500, model.OrderStatus.CANCELED)
    changed = [e for e in ex.outbox if isinstance(e, events.BookChanged)]
    assert [(e.user_id, e.delta) for e in changed] == [("bob", -500)]


def test_trading_pause_refuses_new_orders_allows_cancels_and_honours_cancel_on_pause(
    ex: exchange.Exchange,
) -> None:
    keep = place(ex, "alice", model.BID, "0.40", "1")
    drop = place(ex, "alice", model.BID, "0.41", "1", cancel_order_on_pause=True)
    lifecycle.set_status(ex, TICKER, model.MarketStatus.INACTIVE, T0_MS + 1)
    assert keep.is_resting
    assert drop.status is model.OrderStatus.CANCELED
    with pytest.raises(errors.RejectedError) as refused:
        place(ex, "alice", model.BID, "0.42", "1")
    assert refused.value.code == "market_inactive"
    _, reduced = orders.cancel(ex, "alice", keep.order_id, T0_MS + 2)
    assert reduced == units.parse_count("1")


def test_reactivation_cancels_every_resting_order(ex: exchange.Exchange) -> None:
    order = place(ex, "alice", model.BID, "0.40", "1")
    lifecycle.set_status(ex, TICKER, model.MarketStatus.INACTIVE, T0_MS + 1)
    lifecycle.set_status(ex, TICKER, model.MarketStatus.ACTIVE, T0_MS + 2)
    assert order.status is model.OrderStatus.CANCELED


def test_after_close_every_order_operation_is_market_inactive(ex: exchange.Exchange) -> None:
    order = place(ex, "alice", model.BID, "0.40", "1")
    lifecycle.set_status(ex, TICKER, model.MarketStatus.CLOSED, T0_MS + 1)
    assert order.status is model.OrderStatus.CANCELED
    for attempt in (
        lambda: place(ex, "alice", model.BID, "0.40", "1"),
        lambda: orders.cancel(ex, "alice", order.order_id, T0_MS + 2),
    ):
        with pytest.raises(errors.RejectedError) as refused:
            attempt()
        assert refused.value.message == "MARKET_INACTIVE"


def test_markets_close_by_themselves_at_close_time(ex: exchange.Exchange) -> None:
    close_ms = ex.markets[TICKER].close_ms
    lifecycle.advance_clock(ex, close_ms - 1)
    assert ex.markets[TICKER].status is model.MarketStatus.ACTIVE
    lifecycle.advance_clock(ex, close_ms)
    assert ex.markets[TICKER].status is model.MarketStatus.CLOSED


@pytest.mark.parametrize(
    ("result", "alice_balance", "bob_balance"),
    [
        pytest.param("yes", "1004.000000", "996.000000", id="yes_pays_the_yes_holder"),
        pytest.param("no", "994.000000", "1006.000000", id="no_pays_the_no_holder"),
    ],
)
def test_settlement_pays_a_dollar_per_winning_contract(
    ex: exchange.Exchange, result: str, alice_balance: str, bob_balance: str
) -> None:
    ex.series["KXEPLGAME"].fee_multiplier_bps = 0  # fee-free, to read the payout alone
    place(ex, "bob", model.ASK, "0.60", "10")
    place(ex, "alice", model.BID, "0.60", "10")
    lifecycle.set_status(ex, TICKER, model.MarketStatus.DETERMINED, T0_MS + 1, result=result)
    lifecycle.set_status(ex, TICKER, model.MarketStatus.FINALIZED, T0_MS + 2)
    assert units.format_money(ex.accounts["alice"].balance) == alice_balance
    assert units.format_money(ex.accounts["bob"].balance) == bob_balance
    assert ex.accounts["alice"].position(TICKER).position == 0


def test_buying_yes_while_holding_no_nets_and_realises_pnl(ex: exchange.Exchange) -> None:
    ex.series["KXEPLGAME"].fee_multiplier_bps = 0
    place(ex, "bob", model.BID, "0.40", "10")
    place(ex, "alice", model.ASK, "0.40", "10")  # alice buys NO at 0.60
    place(ex, "bob", model.ASK, "0.50", "10")
    place(ex, "alice", model.BID, "0.50", "10")  # alice buys YES at 0.50: closes 10 pairs
    pos = ex.accounts["alice"].position(TICKER)
    assert pos.position == 0
    assert units.format_money(pos.realized_pnl) == "-1.000000"
    assert units.format_money(ex.accounts["alice"].balance) == "999.000000"
