"""A minimal simulated Gamma API for the resolver: soccer 1X2 events of three binary markets,
by slug or by list filter, in Gamma's shapes (``clobTokenIds`` and ``outcomes`` as
JSON-encoded strings for ``v1`` markets, ``positionIds`` as a real array for ``v2``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from touchline_bot.core import units
from touchline_bot.sim.polymarket import state

OUTCOMES = ("home", "draw", "away")


@dataclass
class Catalog:
    """Events and markets the simulated Gamma knows, by slug."""

    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    markets: dict[str, dict[str, Any]] = field(default_factory=dict)


CATALOG_KEY = web.AppKey("poly_gamma", Catalog)


def token_id(seed: str) -> str:
    """A deterministic decimal token id of the usual ~77 digits."""
    digest = hashlib.sha256(seed.encode()).digest()
    return str(int.from_bytes(digest, "big"))


def condition_id(seed: str) -> str:
    """A deterministic ``0x``-prefixed 32-byte condition id."""
    return "0x" + hashlib.sha256(("condition:" + seed).encode()).hexdigest()


def _market(event_slug: str, outcome: str, team: str, kickoff: str, version: str) -> dict[str, Any]:
    slug = f"{event_slug}-{outcome if outcome == 'draw' else team.lower()[:3]}"
    yes, no = token_id(slug + ":yes"), token_id(slug + ":no")
    question = "Will the match end in a draw?" if outcome == "draw" else f"Will {team} win?"
    market: dict[str, Any] = {
        "id": str(int(token_id(slug)) % 1_000_000),
        "slug": slug,
        "question": question,
        "conditionId": condition_id(slug),
        "outcomes": orjson.dumps(["Yes", "No"]).decode(),
        "clobTokenIds": orjson.dumps([yes, no]).decode(),
        "gameStartTime": kickoff.replace("T", " ").replace("Z", "+00"),
        "sportsMarketType": "moneyline",
        "groupItemTitle": outcome,
        "version": version,
        "active": True,
        "closed": False,
        "orderPriceMinTickSize": 0.01,
    }
    if version == "v2":
        yes2, no2 = token_id(slug + ":pos:yes"), token_id(slug + ":pos:no")
        market["positionIds"] = [yes2, no2]
    return market


def yes_no(market: dict[str, Any]) -> tuple[str, str]:
    """The outcome ids the venue trades for a Gamma market (by its ``version``)."""
    ids = (
        market["positionIds"]
        if market.get("version") == "v2"
        else orjson.loads(market["clobTokenIds"])
    )
    return str(ids[0]), str(ids[1])


def add_match(
    catalog: Catalog,
    books: state.SimState,
    *,
    event_slug: str,
    home: str,
    away: str,
    kickoff_iso: str,
    fairs: dict[str, units.Price],
    version: str = "v1",
) -> dict[str, str]:
    """List a 1X2 event, create its six books at ``fairs`` (by outcome); returns the YES id
    of each outcome."""
    teams = {"home": home, "draw": "draw", "away": away}
    markets = [_market(event_slug, o, teams[o], kickoff_iso, version) for o in OUTCOMES]
    event = {
        "id": str(int(token_id(event_slug)) % 1_000_000),
        "slug": event_slug,
        "title": f"{home} vs. {away}",
        "startTime": kickoff_iso,
        "negRisk": True,
        "teams": [{"name": home, "ordering": "home"}, {"name": away, "ordering": "away"}],
        "markets": markets,
    }
    catalog.events[event_slug] = event
    yes_ids: dict[str, str] = {}
    for outcome, market in zip(OUTCOMES, markets, strict=True):
        catalog.markets[market["slug"]] = dict(market, events=[{"slug": event_slug}])
        yes, no = yes_no(market)
        books.add_market(market["conditionId"], yes, no, tick=units.Price(100))
        books.set_fair(yes, fairs[outcome])
        yes_ids[outcome] = yes
    return yes_ids


async def market_by_slug(request: web.Request) -> web.Response:
    """``GET /markets/slug/{slug}``."""
    found = request.app[CATALOG_KEY].markets.get(request.match_info["slug"])
    if found is None:
        return web.json_response({"error": "market not found"}, status=404)
    return web.Response(body=orjson.dumps(found), content_type="application/json")


async def event_by_slug(request: web.Request) -> web.Response:
    """``GET /events/slug/{slug}``."""
    found = request.app[CATALOG_KEY].events.get(request.match_info["slug"])
    if found is None:
        return web.json_response({"error": "event not found"}, status=404)
    return web.Response(body=orjson.dumps(found), content_type="application/json")


async def list_markets(request: web.Request) -> web.Response:
    """``GET /markets?slug=...&clob_token_ids=...``: a list, possibly empty."""
    slugs = set(request.query.getall("slug", []))
    tokens = set(request.query.getall("clob_token_ids", []))
    found = [
        m
        for m in request.app[CATALOG_KEY].markets.values()
        if (not slugs or m["slug"] in slugs) and (not tokens or tokens & set(yes_no(m)))
    ]
    return web.Response(body=orjson.dumps(found), content_type="application/json")


def add_routes(app: web.Application, prefix: str) -> None:
    """Mount the Gamma routes under ``prefix`` (e.g. ``/gamma``)."""
    app.router.add_get(f"{prefix}/markets/slug/{{slug}}", market_by_slug)
    app.router.add_get(f"{prefix}/events/slug/{{slug}}", event_by_slug)
    app.router.add_get(f"{prefix}/markets", list_markets)
