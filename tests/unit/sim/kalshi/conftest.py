"""A fresh exchange with one EPL market and three funded accounts."""

from __future__ import annotations

import pytest

from tests.unit.sim.kalshi.orderflow import T0_MS
from touchline_bot.core import units
from touchline_bot.sim.kalshi import exchange, seed


@pytest.fixture
def ex() -> exchange.Exchange:
    venue = exchange.Exchange()
    seed.epl_match(venue, T0_MS)
    for user in ("alice", "bob", "carol"):
        venue.add_account(user, units.money_from_dollars("1000"))
    return venue
