"""The data store routes each ``price_change`` entry by its own asset id, ignores tokens it does
not follow, records freshness (our time, the venue's time, the source) and tells listeners."""

from __future__ import annotations

from touchline_bot.core import units
from touchline_bot.venues.polymarket import messages, store

BUY, SELL = messages.LevelSide.BUY, messages.LevelSide.SELL


def _book(token: str, ts_ms: int) -> messages.BookSnapshot:
    return messages.BookSnapshot(
        asset_id=token,
        market="0xm",
        bids=((units.Price(4000), units.Qty(100)),),
        asks=((units.Price(4200), units.Qty(100)),),
        timestamp_ms=ts_ms,
    )


def test_price_change_entries_update_their_own_tokens_only() -> None:
    data = store.SignalStore(["yes", "no"])
    data.apply(_book("yes", 1), now_ms=10, source=store.Source.WS)
    data.apply(_book("no", 1), now_ms=10, source=store.Source.WS)
    change = messages.PriceChange(
        "0xm",
        5,
        (
            messages.LevelChange("yes", BUY, units.Price(4100), units.Qty(7)),
            messages.LevelChange("no", SELL, units.Price(5900), units.Qty(7)),
            messages.LevelChange("other", BUY, units.Price(100), units.Qty(1)),
        ),
    )
    changed = data.apply(change, now_ms=20, source=store.Source.WS)
    assert changed == ["yes", "no"]
    assert data.top("yes").best_bid == (units.Price(4100), units.Qty(7))  # type: ignore[union-attr]
    assert data.top("no").best_ask == (units.Price(4200), units.Qty(100))  # type: ignore[union-attr]
    assert data.freshness("yes") == store.Freshness(20, 5, store.Source.WS)


def test_no_top_and_no_freshness_before_the_first_data() -> None:
    data = store.SignalStore(["yes"])
    assert data.top("yes") is None
    assert data.freshness("yes") is None


def test_rest_confirmation_refreshes_time_and_source_but_not_the_book() -> None:
    data = store.SignalStore(["yes"])
    data.apply(_book("yes", 1), now_ms=10, source=store.Source.WS)
    data.confirm("yes", now_ms=99, source_ts_ms=1)
    assert data.freshness("yes") == store.Freshness(99, 1, store.Source.REST)
    assert data.book("yes").bids() == ((units.Price(4000), units.Qty(100)),)


def test_listeners_hear_each_changed_token_and_stale_marks_round_trip() -> None:
    data = store.SignalStore(["yes"])
    heard: list[str] = []
    data.add_listener(heard.append)
    data.apply(_book("yes", 1), now_ms=10, source=store.Source.REST)
    data.mark_stale("ws_frozen")
    assert (heard, data.stale, data.stale_reason) == (["yes"], True, "ws_frozen")
    data.mark_live()
    assert (data.stale, data.stale_reason) == (False, "")


def test_tick_size_change_updates_the_book_tick() -> None:
    data = store.SignalStore(["yes"])
    data.apply(messages.TickSizeChange("yes", units.Price(10), 3), now_ms=1, source=store.Source.WS)
    assert data.book("yes").tick_size == units.Price(10)
