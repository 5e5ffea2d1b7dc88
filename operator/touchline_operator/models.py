"""The ``SoccerMarket`` spec as typed, frozen pydantic models with the CRD's camelCase names.

The API server already enforces the CRD's schema and CEL rules; the operator validates again
here so that an object stored under an older CRD, or a bug in a rule, becomes a clear
permanent error instead of a broken bot.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

import pydantic
from pydantic import alias_generators

from touchline_operator import params as overrides

GROUP = "touchline.dev"
VERSION = "v1alpha1"
PLURAL = "soccermarkets"
KIND = "SoccerMarket"
MAX_MATCH_SPAN = dt.timedelta(hours=6)

TokenId = Annotated[str, pydantic.Field(pattern=r"^([0-9]{1,78}|0x[0-9a-fA-F]{1,64})$")]


class KalshiEnv(StrEnum):
    """Which Kalshi environment the bot trades on."""

    DEMO = "demo"
    PROD = "prod"


class Mode(StrEnum):
    """What the market's bot is asked to do."""

    QUOTING = "quoting"
    PAUSED = "paused"
    FLATTEN = "flatten"
    HALTED = "halted"


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=alias_generators.to_camel,
        populate_by_name=True,
    )


class Kalshi(_Model):
    """The Kalshi market and the Secret holding the API key."""

    env: KalshiEnv = KalshiEnv.DEMO
    ticker: str = pydantic.Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9.]+)*$", max_length=100)
    key_secret_name: str = pydantic.Field(
        default="touchline-kalshi", pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", max_length=253
    )


class TokenIds(_Model):
    """Polymarket CLOB token ids by outcome label: ``yes``/``no`` of the Polymarket market that
    prices this Kalshi market, or ``home``/``away``/``draw`` of a 1X2 event (the seed's shape)."""

    yes: TokenId | None = None
    no: TokenId | None = None
    home: TokenId | None = None
    away: TokenId | None = None
    draw: TokenId | None = None

    def given(self) -> dict[str, str]:
        """The labels that carry a token id."""
        return {k: v for k, v in self.model_dump().items() if v is not None}

    @pydantic.model_validator(mode="after")
    def _distinct(self) -> TokenIds:
        given = list(self.given().values())
        if not given:
            raise ValueError("tokenIds needs at least one token id")
        if len(set(given)) != len(given):
            raise ValueError("tokenIds must differ from each other")
        return self


class Polymarket(_Model):
    """The Polymarket market used as the fair-value signal."""

    market_slug: str = pydantic.Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=200)
    token_ids: TokenIds
    outcome: str | None = pydantic.Field(default=None, pattern=r"^(yes|no|home|away|draw)$")
    """The ``tokenIds`` label whose price is the fair value of Kalshi's YES (optional with one
    token)."""

    @pydantic.model_validator(mode="after")
    def _outcome_listed(self) -> Polymarket:
        given = self.token_ids.given()
        if self.outcome is None and len(given) > 1:
            raise ValueError("outcome is required when tokenIds lists more than one token")
        if self.outcome is not None and self.outcome not in given:
            raise ValueError(f"outcome {self.outcome!r} is not a key of tokenIds")
        return self


class SettlementEquivalence(_Model):
    """Proof that both venues settle the same question."""

    rules_hash: str = pydantic.Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 (lower-case hex) of the normalized Kalshi rules text."""


class SoccerMarketSpec(_Model):
    """``spec`` of a ``SoccerMarket``."""

    market_id: str | None = pydantic.Field(
        default=None, pattern=r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$"
    )
    league: str = pydantic.Field(min_length=1, max_length=64)
    match_name: str = pydantic.Field(min_length=3, max_length=200)
    start_time_utc: pydantic.AwareDatetime
    scheduled_end_time_utc: pydantic.AwareDatetime
    kalshi: Kalshi
    polymarket: Polymarket
    settlement_equivalence: SettlementEquivalence
    paused: bool = False
    mode: Mode = Mode.QUOTING
    allow_restart_in_play: bool = False
    params: overrides.Overrides = overrides.Overrides()

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> SoccerMarketSpec:
        if " vs " not in self.match_name:
            raise ValueError("matchName must read 'Home vs Away'")
        span = self.scheduled_end_time_utc - self.start_time_utc
        if span <= dt.timedelta(0):
            raise ValueError("scheduledEndTimeUtc must be after startTimeUtc")
        if span > MAX_MATCH_SPAN:
            raise ValueError("a match lasts at most 6h from startTimeUtc to scheduledEndTimeUtc")
        if self.paused and self.mode is Mode.FLATTEN:
            raise ValueError("a paused market cannot flatten; unpause it or set mode to paused")
        return self

    def effective_mode(self) -> Mode:
        """``paused: true`` turns quoting into paused; other modes are explicit requests."""
        if self.paused and self.mode is Mode.QUOTING:
            return Mode.PAUSED
        return self.mode

    def market_id_for(self, name: str) -> str:
        """The seed's market id, or the object's name when none is given."""
        return self.market_id or name


def parse_spec(spec: dict[str, Any]) -> SoccerMarketSpec:
    """Validate a ``spec`` mapping; raises ``InvalidSpecError`` with every problem named."""
    try:
        return SoccerMarketSpec.model_validate(spec)
    except pydantic.ValidationError as exc:
        raise InvalidSpecError(_describe(exc)) from exc


class InvalidSpecError(ValueError):
    """The spec cannot be turned into a bot; a person must fix it."""


def _describe(exc: pydantic.ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in err["loc"]) or "spec"
        parts.append(f"spec.{where}: {err['msg']}" if where != "spec" else err["msg"])
    return "; ".join(parts)
