"""One entry of ``markets:``: which Kalshi market we quote, which Polymarket token prices it,
when the match is played, and the settlement rules hash both venues must agree on.

Polymarket lists a soccer match as three binary markets (home win, draw, away win), each with a
YES and a NO token. ``polymarket.token_ids`` maps outcome labels to token ids and
``polymarket.outcome`` names the one whose price is the fair value of this Kalshi market's YES
(it may be left out when ``token_ids`` has a single entry).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

import pydantic

_TICKER = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOKEN_ID = re.compile(r"^[0-9]{1,78}$")
_MARKET_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_RULES_HASH = re.compile(r"^[0-9a-f]{64}$")
_MAX_TOKEN_ID = 2**256 - 1
MAX_MATCH_DURATION = dt.timedelta(hours=6)
"""A scheduled end further than this after kickoff is taken for a typo (a soccer match is ~2 h)."""


def _matching(pattern: re.Pattern[str], expected: str, max_chars: int) -> Any:
    def check(value: str) -> str:
        if len(value) > max_chars or not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not {expected}")
        return value

    return pydantic.AfterValidator(check)


def _token_id(value: Any) -> Any:
    # An unquoted token id in YAML is an (exact, arbitrary-precision) int: accept it as its digits.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value


def _token_in_range(value: str) -> str:
    if int(value) > _MAX_TOKEN_ID:
        raise ValueError(f"{value!r} is larger than a 256-bit token id")
    return value


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, str_strip_whitespace=True
    )


class KalshiEnv(StrEnum):
    """Which Kalshi exchange: the demo (mock funds) or production (real money)."""

    DEMO = "demo"
    PROD = "prod"


class Outcome(StrEnum):
    """Labels of Polymarket tokens in ``token_ids``."""

    YES = "yes"
    NO = "no"
    HOME = "home"
    AWAY = "away"
    DRAW = "draw"


Ticker = Annotated[
    str,
    _matching(_TICKER, "a Kalshi market ticker (upper-case letters, digits and dashes, "
              "e.g. 'KXEPLGAME-26NOV28ARSCHE-ARS')", 100),
]  # fmt: skip
TokenId = Annotated[
    str,
    pydantic.BeforeValidator(_token_id),
    _matching(_TOKEN_ID, "a Polymarket CLOB token id (a decimal string of 1 to 78 digits)", 78),
    pydantic.AfterValidator(_token_in_range),
]


class Kalshi(_Model):
    """The Kalshi market quoted."""

    env: KalshiEnv
    """``demo`` or ``prod``; also selects the parameter defaults (prod uses the live limits)."""
    ticker: Ticker
    """The market ticker, e.g. ``KXEPLGAME-26NOV28ARSCHE-ARS``."""


class Polymarket(_Model):
    """The Polymarket market and token used as the fair-value signal."""

    market_slug: Annotated[
        str, _matching(_SLUG, "a Polymarket slug (lower-case words joined by dashes)", 200)
    ]
    """The market's slug, e.g. ``epl-ars-che-2026-11-28-ars``."""
    token_ids: Annotated[dict[Outcome, TokenId], pydantic.Field(min_length=1)]
    """Token ids by outcome label (``yes``/``no`` or ``home``/``away``/``draw``)."""
    outcome: Outcome | None = pydantic.Field(default=None, validate_default=True)
    """The label in ``token_ids`` that prices this Kalshi market's YES; optional with one token."""

    @pydantic.field_validator("token_ids")
    @classmethod
    def _distinct_tokens(cls, value: dict[Outcome, str]) -> dict[Outcome, str]:
        if len(set(value.values())) != len(value):
            raise ValueError("the same token id is listed under two outcomes")
        return value

    @pydantic.field_validator("outcome")
    @classmethod
    def _outcome_is_listed(
        cls, value: Outcome | None, info: pydantic.ValidationInfo
    ) -> Outcome | None:
        token_ids = info.data.get("token_ids")
        if token_ids is None:
            return value  # token_ids itself was refused; that error is reported already
        if value is None and len(token_ids) > 1:
            raise ValueError(
                f"required: token_ids has {len(token_ids)} entries "
                f"({', '.join(sorted(token_ids))}); name the one that prices Kalshi's YES"
            )
        if value is not None and value not in token_ids:
            raise ValueError(f"{value.value!r} is not a key of token_ids")
        return value

    @property
    def priced_outcome(self) -> Outcome:
        """The label of the token whose price is the fair value of Kalshi's YES."""
        return self.outcome if self.outcome is not None else next(iter(self.token_ids))

    @property
    def token_id(self) -> str:
        """The token id whose price is the fair value of Kalshi's YES."""
        return self.token_ids[self.priced_outcome]


class SettlementEquivalence(_Model):
    """Evidence that both venues settle the same way."""

    rules_hash: Annotated[
        str,
        pydantic.BeforeValidator(lambda v: v.lower() if isinstance(v, str) else v),
        _matching(_RULES_HASH, "a SHA-256 hex digest (64 hex characters)", 64),
    ]
    """SHA-256 of Kalshi's normalized rules text (``config.settlement.rules_hash``)."""


class Market(_Model):
    """One Kalshi market, its Polymarket signal and its schedule."""

    id: Annotated[
        str, _matching(_MARKET_ID, "a market id (lower-case letters, digits, dashes; <= 63)", 63)
    ]
    """Unique name of the market; also a Kubernetes name, so DNS-label characters only."""
    league: Annotated[str, pydantic.Field(min_length=1, max_length=40)]
    """The competition, e.g. ``EPL``."""
    match_name: Annotated[str, pydantic.Field(min_length=1, max_length=200)]
    """The match as people name it, e.g. ``Arsenal vs Chelsea``."""
    start_time_utc: pydantic.AwareDatetime
    """Kickoff, ISO 8601 with a zone (``2026-11-28T15:00:00Z``)."""
    scheduled_end_time_utc: pydantic.AwareDatetime
    """Scheduled end of regulation time, ISO 8601 with a zone; quoting stops before it."""
    kalshi: Kalshi
    """The Kalshi market quoted."""
    polymarket: Polymarket
    """The Polymarket fair-value signal."""
    settlement_equivalence: SettlementEquivalence
    """The rules hash the bot checks before quoting."""
    params: dict[str, Any] | None = None
    """Parameter overrides for this market only (same shape as the top-level ``params``)."""

    @pydantic.field_validator("scheduled_end_time_utc")
    @classmethod
    def _end_after_start(cls, end: dt.datetime, info: pydantic.ValidationInfo) -> dt.datetime:
        start = info.data.get("start_time_utc")
        if start is None:
            return end  # the start was refused; that error is reported already
        if end <= start:
            raise ValueError(f"{end.isoformat()} is not after start_time_utc {start.isoformat()}")
        if end - start > MAX_MATCH_DURATION:
            raise ValueError(
                f"{end.isoformat()} is more than {MAX_MATCH_DURATION} after "
                f"start_time_utc {start.isoformat()} (a typo in the date?)"
            )
        return end
