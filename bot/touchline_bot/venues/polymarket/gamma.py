"""Gamma payloads → what the bot needs: a market's condition id and outcome token ids, its
kickoff, and the home / draw / away markets of a soccer 1X2 event. Pure functions.

Quirks handled here: ``outcomes`` and ``clobTokenIds`` are JSON-encoded strings; markets with
``version: "v2"`` take their ids from ``positionIds`` (a real array) even when
``clobTokenIds`` is present; kickoff is ``gameStartTime`` (``"2026-08-07 00:00:00+00"``) or
``eventStartTime`` (ISO), never ``endDate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson


class GammaError(ValueError):
    """A Gamma payload lacks what we need, or contradicts the configuration."""


@dataclass(frozen=True, slots=True)
class ResolvedMarket:
    """One binary market: ``token_ids[i]`` trades ``outcomes[i]`` (normally Yes, No)."""

    slug: str
    condition_id: str
    question: str
    outcomes: tuple[str, ...]
    token_ids: tuple[str, ...]
    kickoff_ms: int | None
    version: str

    @property
    def yes_token(self) -> str:
        """The id of the ``Yes`` outcome."""
        return self.token_for("Yes")

    def token_for(self, outcome: str) -> str:
        """The token id of an outcome, by name (case-insensitive)."""
        for name, token in zip(self.outcomes, self.token_ids, strict=True):
            if name.lower() == outcome.lower():
                return token
        raise GammaError(f"market {self.slug!r} has no outcome {outcome!r}")


@dataclass(frozen=True, slots=True)
class Match1X2:
    """The three binary markets of a soccer match (each resolves on 90' + stoppage)."""

    event_slug: str
    kickoff_ms: int | None
    home: ResolvedMarket
    draw: ResolvedMarket
    away: ResolvedMarket


def _string_list(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            raise GammaError(f"{what} is not a JSON-encoded list") from exc
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise GammaError(f"{what} is not a list of ids")
    return tuple(str(v) for v in value)


def parse_time_ms(text: object) -> int | None:
    """Milliseconds since the epoch from Gamma's time formats; ``None`` when absent."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise GammaError(f"unreadable time {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def kickoff_ms(market: dict[str, Any]) -> int | None:
    """Kickoff from ``gameStartTime``, else ``eventStartTime``; never the listing dates."""
    return parse_time_ms(market.get("gameStartTime")) or parse_time_ms(market.get("eventStartTime"))


def parse_market(market: object) -> ResolvedMarket:
    """A Gamma market object → :class:`ResolvedMarket` (``v2`` uses ``positionIds``)."""
    if not isinstance(market, dict):
        raise GammaError("a Gamma market must be an object")
    slug = str(market.get("slug", ""))
    version = str(market.get("version") or "v1")
    ids_field = "positionIds" if version == "v2" else "clobTokenIds"
    if ids_field not in market:
        raise GammaError(f"market {slug!r} ({version}) has no {ids_field}")
    token_ids = _string_list(market[ids_field], f"market {slug!r} {ids_field}")
    outcomes = _string_list(market.get("outcomes", '["Yes", "No"]'), f"market {slug!r} outcomes")
    if len(outcomes) != len(token_ids):
        raise GammaError(f"market {slug!r}: {len(outcomes)} outcomes but {len(token_ids)} ids")
    condition_id = market.get("conditionId")
    if not isinstance(condition_id, str) or not condition_id.startswith("0x"):
        raise GammaError(f"market {slug!r} has no conditionId")
    return ResolvedMarket(
        slug=slug,
        condition_id=condition_id,
        question=str(market.get("question", "")),
        outcomes=outcomes,
        token_ids=token_ids,
        kickoff_ms=kickoff_ms(market),
        version=version,
    )


def _team_names(event: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for team in event.get("teams") or []:
        if isinstance(team, dict) and team.get("ordering") in ("home", "away"):
            names[str(team["ordering"])] = str(team.get("name", ""))
    return names


def _role(market: dict[str, Any], teams: dict[str, str]) -> str | None:
    if market.get("sportsMarketType") not in (None, "moneyline"):
        return None
    text = f"{market.get('groupItemTitle', '')} {market.get('question', '')}".lower()
    if "draw" in text or str(market.get("slug", "")).endswith("-draw"):
        return "draw"
    for role in ("home", "away"):
        name = teams.get(role, "").lower()
        if name and name in text:
            return role
    return None


def parse_match(event: object) -> Match1X2:
    """A Gamma soccer event → its home, draw and away markets (found by ``teams[].ordering``
    and the questions, never by the order of the slug)."""
    if not isinstance(event, dict):
        raise GammaError("a Gamma event must be an object")
    slug = str(event.get("slug", ""))
    teams = _team_names(event)
    if set(teams) != {"home", "away"}:
        raise GammaError(f"event {slug!r} does not name a home and an away team")
    found: dict[str, ResolvedMarket] = {}
    for market in event.get("markets") or []:
        role = _role(market, teams) if isinstance(market, dict) else None
        if role is not None:
            if role in found:
                raise GammaError(f"event {slug!r} has two {role} markets")
            found[role] = parse_market(market)
    missing = [r for r in ("home", "draw", "away") if r not in found]
    if missing:
        raise GammaError(f"event {slug!r} lacks the {', '.join(missing)} market(s)")
    kickoff = parse_time_ms(event.get("startTime")) or found["home"].kickoff_ms
    return Match1X2(slug, kickoff, found["home"], found["draw"], found["away"])


def check_token(market: ResolvedMarket, token_id: str) -> str:
    """The outcome ``token_id`` trades in ``market``; a mismatch is a :class:`GammaError`
    naming both, so a wrong slug/token pair stops the bot at startup."""
    for outcome, token in zip(market.outcomes, market.token_ids, strict=True):
        if token == token_id:
            return outcome
    short = token_id if len(token_id) <= 16 else f"{token_id[:8]}…{token_id[-6:]}"
    raise GammaError(
        f"configured Polymarket token {short} is not an outcome of market {market.slug!r} "
        f"(condition {market.condition_id}); check the slug and the token id"
    )
