"""The core's records compare, hash, print and copy like the named tuples and frozen
dataclasses they replaced, and carry no instance dictionary."""

from __future__ import annotations

import pytest

from touchline_bot.core import units
from touchline_bot.core.book import KalshiTop, PolyTop
from touchline_bot.core.quote import Quote
from touchline_bot.core.risk import Position
from touchline_bot.core.types import Side

P, Q = units.Price, units.Qty
BID = Quote(Side.BID, P(4_500), Q(1_000))


def test_records_with_equal_fields_are_equal_and_hash_alike() -> None:
    twin = Quote(Side.BID, P(4_500), Q(1_000), level=0, post_only=True)
    assert twin == BID
    assert hash(twin) == hash(BID)
    assert {BID, twin} == {BID}


def test_one_different_field_makes_records_differ() -> None:
    assert Quote(Side.BID, P(4_500), Q(1_000), level=1) != BID
    assert PolyTop((P(4_000), Q(5)), None) != PolyTop((P(4_000), Q(6)), None)


def test_records_of_different_types_never_equal_even_with_the_same_fields() -> None:
    assert Position(0, units.ZERO_MONEY) != (0, units.ZERO_MONEY)
    assert KalshiTop((), ()) != PolyTop(None, None)


def test_replace_copies_with_the_named_fields_changed_and_leaves_the_original() -> None:
    ask = BID._replace(side=Side.ASK, price=P(4_600))
    assert ask == Quote(Side.ASK, P(4_600), Q(1_000))
    assert BID.side is Side.BID


def test_replace_refuses_a_field_the_record_does_not_have() -> None:
    with pytest.raises(TypeError):
        BID._replace(size=Q(5))


def test_repr_names_every_field_in_order() -> None:
    assert repr(PolyTop(None, None)) == "PolyTop(best_bid=None, best_ask=None)"


def test_a_record_takes_no_attribute_beyond_its_fields() -> None:
    with pytest.raises(AttributeError):
        BID.colour = "red"  # type: ignore[attr-defined]
