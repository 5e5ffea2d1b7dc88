"""After a reconnect, the fills found over REST that the ``fill`` channel did not deliver reach
the core exactly once; fills it did deliver, and fills of other runs' orders, do not."""

from __future__ import annotations

from touchline_bot.core import events, units
from touchline_bot.core.types import Side
from touchline_bot.engine import kalshi_feed
from touchline_bot.venues.kalshi import messages, portfolio, stream

TICKER = "KXEPLGAME-26NOV28ARSCHE-ARS"
PREFIX = "tl-run1-"
OURS = {"o-1": f"{PREFIX}1", "o-2": f"{PREFIX}2"}


def _feed() -> tuple[kalshi_feed.KalshiFeed, list[events.Event], list[str]]:
    submitted: list[events.Event] = []
    reconnects: list[str] = []
    feed = kalshi_feed.KalshiFeed(now_ms=lambda: 1_000, books=dict)
    feed.add(
        kalshi_feed.MarketLink(
            ticker=TICKER,
            prefix=PREFIX,
            submit=submitted.append,
            client_order_id=OURS.get,
            note_fill=lambda _cid, _qty: None,
        )
    )
    feed.on_reconnect = lambda: reconnects.append("again")
    return feed, submitted, reconnects


def _rest(trade_id: str, order_id: str, qty: int = 500) -> portfolio.Fill:
    return portfolio.Fill(
        fill_id=f"f-{trade_id}",
        order_id=order_id,
        ticker=TICKER,
        side=Side.BID,
        price=units.Price(4_500),
        count=units.Qty(qty),
        is_taker=False,
        fee_cost=units.Money(1_000),
        trade_id=trade_id,
    )


def _fills(submitted: list[events.Event]) -> list[events.OrderFilled]:
    return [e for e in submitted if isinstance(e, events.OrderFilled)]


def test_only_the_fills_the_stream_missed_are_handed_on() -> None:
    feed, submitted, _ = _feed()
    feed.handle(
        messages.FillMessage(
            "t-1", "o-1", OURS["o-1"], TICKER, Side.BID, units.Price(4_500), units.Qty(500),
            units.Money(1_000), False, units.Qty(500), 900,
        )
    )  # fmt: skip
    caught = feed.catch_up([_rest("t-1", "o-1"), _rest("t-2", "o-2", 300)])
    assert caught == 1
    assert [(f.client_order_id, f.qty, f.trade_id) for f in _fills(submitted)] == [
        (OURS["o-1"], 500, "t-1"),
        (OURS["o-2"], 300, "t-2"),
    ]


def test_a_second_catch_up_hands_on_nothing_new() -> None:
    feed, submitted, _ = _feed()
    assert feed.catch_up([_rest("t-2", "o-2")]) == 1
    assert feed.catch_up([_rest("t-2", "o-2")]) == 0
    assert len(_fills(submitted)) == 1


def test_fills_of_orders_this_run_never_placed_are_left_to_the_loaded_position() -> None:
    feed, submitted, _ = _feed()
    assert feed.catch_up([_rest("t-9", "o-of-an-earlier-run")]) == 0
    assert _fills(submitted) == []


def test_the_catch_up_is_asked_for_on_a_reconnect_only() -> None:
    feed, submitted, reconnects = _feed()
    feed.handle(stream.StreamStatus(connected=True, reason="connected"))
    assert reconnects == []
    feed.handle(stream.StreamStatus(connected=False, reason="closed"))
    assert any(isinstance(e, events.FeedStale) for e in submitted)
    feed.handle(stream.StreamStatus(connected=True, reason="connected"))
    feed.handle(stream.StreamStatus(connected=True, reason="connected"))
    assert reconnects == ["again"]
