"""The resolver on recorded-shape Gamma payloads: ``clobTokenIds`` (a JSON-encoded string) for
``v1`` markets, ``positionIds`` for ``v2``, kickoff from the right field, the three markets of a
1X2 event by team ordering, and a mismatched slug/token pair rejected with a clear error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from touchline_bot.venues.polymarket import gamma, resolver

FIXTURES = Path(__file__).parents[3] / "fixtures" / "polymarket"
ARS_YES = "71321045679252212594626385532706912750332728571942532289631379312455583992563"
ARS_NO = "52114319501245915516055106046884209969926127482827954674443846427813813222426"
DRAW_V2_YES = "90417558012893217430875261093846512098374651203948576102938475610293847561029"


def _load(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


@pytest.mark.parametrize(
    ("fixture", "yes", "kickoff_ms", "version"),
    [
        pytest.param("gamma_market_v1.json", ARS_YES, 1772377200000, "v1", id="v1-clobTokenIds"),
        pytest.param("gamma_market_v2.json", DRAW_V2_YES, 1795982400000, "v2", id="v2-positionIds"),
    ],
)
def test_market_resolves_to_condition_tokens_and_kickoff(
    fixture: str, yes: str, kickoff_ms: int, version: str
) -> None:
    market = gamma.parse_market(_load(fixture))
    assert market.yes_token == yes
    assert market.kickoff_ms == kickoff_ms
    assert market.version == version
    assert market.condition_id.startswith("0x")
    assert market.outcomes == ("Yes", "No")


def test_v2_market_ignores_clob_token_ids_even_when_present() -> None:
    market = gamma.parse_market(_load("gamma_market_v2.json"))
    assert "1111111111" not in market.yes_token


def test_event_yields_home_draw_away_by_team_ordering_not_list_order() -> None:
    match = gamma.parse_match(_load("gamma_event_1x2.json"))
    assert match.home.slug.endswith("-ars")
    assert match.draw.slug.endswith("-draw")
    assert match.away.slug.endswith("-che")
    assert match.kickoff_ms == 1772377200000


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(lambda e: e["markets"].pop(3), "lacks the draw market", id="missing-draw"),
        pytest.param(lambda e: e.pop("teams"), "home and an away team", id="no-teams"),
    ],
)
def test_incomplete_event_is_refused_with_the_reason(mutate: Any, message: str) -> None:
    event = _load("gamma_event_1x2.json")
    mutate(event)
    with pytest.raises(gamma.GammaError, match=message):
        gamma.parse_match(event)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"clobTokenIds": "[not json"}, "JSON-encoded list", id="garbled-ids"),
        pytest.param({"conditionId": None}, "no conditionId", id="no-condition"),
        pytest.param({"outcomes": '["Yes"]'}, "1 outcomes but 2 ids", id="length-mismatch"),
        pytest.param({"version": "v2"}, "no positionIds", id="v2-without-position-ids"),
    ],
)
def test_malformed_market_is_refused_with_the_field_named(
    changes: dict[str, Any], message: str
) -> None:
    market = _load("gamma_market_v1.json") | changes
    with pytest.raises(gamma.GammaError, match=message):
        gamma.parse_market(market)


@pytest.mark.parametrize(
    ("token", "outcome"),
    [pytest.param(ARS_YES, "Yes", id="yes-token"), pytest.param(ARS_NO, "No", id="no-token")],
)
def test_configured_token_of_the_slug_is_accepted(token: str, outcome: str) -> None:
    assert gamma.check_token(gamma.parse_market(_load("gamma_market_v1.json")), token) == outcome


def test_token_of_another_market_is_a_startup_error_naming_slug_and_token() -> None:
    market = gamma.parse_market(_load("gamma_market_v1.json"))
    with pytest.raises(gamma.GammaError) as caught:
        gamma.check_token(market, DRAW_V2_YES)
    text = str(caught.value)
    assert "epl-ars-che-2026-03-01-ars" in text
    assert "90417558" in text
    assert "not an outcome" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-08-07 00:00:00+00", 1786060800000, id="game-start-time-format"),
        pytest.param("2026-04-18T01:38:00Z", 1776476280000, id="iso-z"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_time_formats_parse_to_epoch_ms(text: str | None, expected: int | None) -> None:
    assert gamma.parse_time_ms(text) == expected


def _gamma_transport(request: httpx.Request) -> httpx.Response:
    routes = {
        "/markets/slug/epl-ars-che-2026-03-01-ars": "gamma_market_v1.json",
        "/events/slug/epl-ars-che-2026-03-01": "gamma_event_1x2.json",
    }
    name = routes.get(request.url.path)
    if name is None:
        return httpx.Response(404, json={"error": "not found"})
    return httpx.Response(200, content=(FIXTURES / name).read_bytes())


async def test_resolver_verifies_slug_and_token_over_http() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_gamma_transport)) as client:
        gamma_api = resolver.PolymarketResolver(client, "http://gamma.test")
        market = await gamma_api.verify("epl-ars-che-2026-03-01-ars", ARS_YES)
        match = await gamma_api.match("epl-ars-che-2026-03-01")
        with pytest.raises(gamma.GammaError, match="not an outcome"):
            await gamma_api.verify("epl-ars-che-2026-03-01-ars", DRAW_V2_YES)
        with pytest.raises(gamma.GammaError, match="no market with slug 'nope'"):
            await gamma_api.market("nope")
    assert market.condition_id == match.home.condition_id
