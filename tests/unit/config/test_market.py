"""Accepted spellings of a market entry and what they mean."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.config import valid
from touchline_bot import config


def _load_market(entry: dict[str, Any]) -> config.ResolvedMarket:
    return config.load_text(valid.as_yaml(valid.document(entry))).markets[0]


def test_single_token_under_a_match_outcome_label_needs_no_outcome() -> None:
    entry = valid.market()
    entry["polymarket"] = {
        "market_slug": "epl-ars-che-2026-11-28-ars",
        "token_ids": {"home": valid.ARS_YES},
    }

    polymarket = _load_market(entry).market.polymarket

    assert polymarket.priced_outcome == "home"
    assert polymarket.token_id == valid.ARS_YES


def test_outcome_selects_the_priced_token() -> None:
    entry = valid.market()
    entry["polymarket"]["outcome"] = "no"

    assert _load_market(entry).market.polymarket.token_id == valid.ARS_NO


def test_upper_case_rules_hash_is_accepted_and_stored_lower_case() -> None:
    entry = valid.market(settlement_equivalence={"rules_hash": valid.RULES_HASH.upper()})

    assert _load_market(entry).market.settlement_equivalence.rules_hash == valid.RULES_HASH


def test_unquoted_token_id_in_yaml_keeps_every_digit() -> None:
    text = valid.as_yaml(valid.document()).replace(f'"{valid.ARS_YES}"', valid.ARS_YES)

    loaded = config.load_text(text).markets[0]

    assert loaded.market.polymarket.token_id == valid.ARS_YES


@pytest.mark.parametrize(
    "kickoff",
    [
        pytest.param("2026-11-28T15:00:00Z", id="zulu"),
        pytest.param("2026-11-28T16:00:00+01:00", id="offset"),
        pytest.param("2026-11-28T15:00:00.000+00:00", id="fraction-and-offset"),
    ],
)
def test_kickoff_in_any_zone_is_the_same_instant(kickoff: str) -> None:
    entry = valid.market(start_time_utc=kickoff)

    assert _load_market(entry).spec.kickoff_ms == 1_795_878_000_000


def test_unquoted_yaml_timestamp_is_accepted() -> None:
    text = valid.as_yaml(valid.document()).replace('"2026-11-28T15:00:00Z"', "2026-11-28T15:00:00Z")

    assert config.load_text(text).markets[0].spec.kickoff_ms == 1_795_878_000_000
