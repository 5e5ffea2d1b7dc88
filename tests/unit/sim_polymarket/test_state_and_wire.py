"""The simulated venue's books and wire format: decimal strings, worst-first level order, the
py-clob-client hash, mirrored YES/NO levels in one ``price_change``, and a fair-price ladder
that publishes only the levels that moved."""

from __future__ import annotations

from typing import Any

import pytest

from touchline_bot.core import units
from touchline_bot.sim.polymarket import state, wire


@pytest.mark.parametrize(
    ("value", "scale", "text"),
    [
        pytest.param(4300, units.PRICE_SCALE, "0.43", id="price-two-decimals"),
        pytest.param(4321, units.PRICE_SCALE, "0.4321", id="price-four-decimals"),
        pytest.param(5000, units.PRICE_SCALE, "0.5", id="price-trailing-zero-dropped"),
        pytest.param(10_000, units.PRICE_SCALE, "1", id="one-dollar"),
        pytest.param(0, units.PRICE_SCALE, "0", id="zero"),
        pytest.param(259101, units.QTY_SCALE, "2591.01", id="size-with-cents"),
        pytest.param(10_000, units.QTY_SCALE, "100", id="whole-size"),
    ],
)
def test_numbers_are_written_as_short_decimal_strings(value: int, scale: int, text: str) -> None:
    assert wire.decimal_text(value, scale) == text


def _state() -> tuple[state.SimState, list[dict[str, Any]]]:
    sim_state = state.SimState(lambda: 1_000)
    sim_state.add_market("0xc", "yes", "no", tick=units.Price(100))
    events: list[dict[str, Any]] = []
    sim_state.listeners.append(events.append)
    return sim_state, events


def test_summary_lists_bids_ascending_and_asks_descending_with_a_stable_hash() -> None:
    sim_state, _ = _state()
    sim_state.set_fair("yes", units.Price(4300))
    summary = sim_state.books["yes"].summary()
    assert [level["price"] for level in summary["bids"]] == ["0.4", "0.41", "0.42"]
    assert [level["price"] for level in summary["asks"]] == ["0.46", "0.45", "0.44"]
    assert summary["timestamp"] == "1000"
    assert summary["hash"] == wire.summary_hash(summary)
    assert len(summary["hash"]) == 40


def test_a_yes_level_change_is_mirrored_on_the_no_token_in_one_event() -> None:
    sim_state, events = _state()
    sim_state.set_levels("yes", [(state.BUY, units.Price(4200), units.Qty(500))])
    (event,) = events
    assert event["event_type"] == "price_change"
    assert [(e["asset_id"], e["side"], e["price"], e["size"]) for e in event["price_changes"]] == [
        ("yes", "BUY", "0.42", "5"),
        ("no", "SELL", "0.58", "5"),
    ]
    assert event["price_changes"][0]["best_ask"] == "1"
    assert event["price_changes"][1]["best_bid"] == "0"


def test_moving_the_fair_publishes_only_the_levels_that_changed() -> None:
    sim_state, events = _state()
    sim_state.set_fair("yes", units.Price(4300))
    events.clear()
    sim_state.set_fair("yes", units.Price(4400))
    yes_entries = [
        (e["side"], e["price"], e["size"])
        for e in events[0]["price_changes"]
        if e["asset_id"] == "yes"
    ]
    assert sorted(yes_entries) == [
        ("BUY", "0.4", "0"),
        ("BUY", "0.43", "100"),
        ("SELL", "0.44", "0"),
        ("SELL", "0.47", "100"),
    ]


def test_ladder_stays_inside_the_price_range_near_the_extremes() -> None:
    sim_state, _ = _state()
    sim_state.set_fair("yes", units.Price(250))
    assert set(sim_state.books["yes"].bids) == {units.Price(100)}
    sim_state.set_fair("yes", units.Price(9_750))
    assert set(sim_state.books["yes"].asks) == {units.Price(9_900)}


def test_snapshot_replace_publishes_a_book_event_and_drops_empty_levels() -> None:
    sim_state, events = _state()
    sim_state.replace("no", {units.Price(3000): units.Qty(0)}, {units.Price(7000): units.Qty(1)})
    (event,) = events
    assert event["event_type"] == "book"
    assert event["bids"] == []
    assert event["asks"] == [{"price": "0.7", "size": "0.01"}]


def test_tick_change_is_published_and_used_by_the_next_ladder() -> None:
    sim_state, events = _state()
    sim_state.change_tick("yes", units.Price(10))
    assert events[-1]["event_type"] == "tick_size_change"
    assert (events[-1]["old_tick_size"], events[-1]["new_tick_size"]) == ("0.01", "0.001")
    sim_state.set_fair("yes", units.Price(9_705))
    assert max(sim_state.books["yes"].bids) == units.Price(9_600)
