"""Match scenarios: a documented YAML format describing a match for the simulators.

A scenario fixes the match clock (kickoff and scheduled end relative to the scenario's start),
the fair-probability path of each outcome (segments of drift, jumps for goals, red cards and
VAR reversals, and noise), the Kalshi taker flow, and faults injected at given times. Times are
in seconds of match clock from the scenario's start; probabilities are decimal strings or
numbers in (0, 1). See ``docs/scenarios.md``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Probability = Annotated[Decimal, Field(gt=0, lt=1)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Jump(_Model):
    """A discontinuity: at ``at_secs`` the outcome's probability becomes ``to``."""

    at_secs: float = Field(ge=0, description="Match-clock seconds from the scenario start.")
    to: Probability = Field(description="The new fair probability.")
    label: str = Field("", description="What happened (goal, red card, VAR reversal).")


class Drift(_Model):
    """From ``at_secs`` on, the probability drifts by ``per_min`` each minute."""

    at_secs: float = Field(ge=0, description="Start of the segment.")
    per_min: Decimal = Field(description="Probability change per minute (signed).")


class OutcomePath(_Model):
    """The fair-probability path of one outcome."""

    start: Probability = Field(description="Fair probability at the scenario start.")
    drifts: tuple[Drift, ...] = Field((), description="Drift segments, in time order.")
    jumps: tuple[Jump, ...] = Field((), description="Jumps, in time order.")


class Noise(_Model):
    """Random walk noise added to every path (seeded: a scenario replays identically)."""

    sigma_per_sqrt_min: Decimal = Field(Decimal("0.002"), ge=0, description="Scale of noise.")
    seed: int = Field(7, description="Seed of the noise and the taker flow.")


class Takers(_Model):
    """Kalshi taker flow hitting resting orders."""

    rate_per_min: float = Field(4.0, ge=0, description="Taker orders per minute.")
    informed_share: float = Field(0.0, ge=0, le=1, description="Share that knows the fair.")
    min_contracts: Decimal = Field(Decimal("1"), gt=0, description="Smallest taker size.")
    max_contracts: Decimal = Field(Decimal("5"), gt=0, description="Largest taker size.")


class KalshiBook(_Model):
    """Background liquidity the simulator keeps around the fair price (other makers)."""

    half_spread: Decimal = Field(Decimal("0.09"), gt=0, lt=Decimal("0.5"), description="$.")
    depth_contracts: Decimal = Field(Decimal("40"), gt=0, description="Size per level.")
    levels: int = Field(3, ge=1, le=10, description="Levels per side.")


class FaultKind(StrEnum):
    """Faults the scenario runner can inject."""

    KALSHI_WS_DROP = "kalshi_ws_drop"
    KALSHI_SEQUENCE_GAP = "kalshi_sequence_gap"
    KALSHI_5XX_BURST = "kalshi_5xx_burst"
    KALSHI_429_STORM = "kalshi_429_storm"
    KALSHI_LATENCY = "kalshi_latency"
    POLYMARKET_WS_DROP = "polymarket_ws_drop"
    POLYMARKET_FREEZE = "polymarket_freeze"
    POLYMARKET_5XX = "polymarket_5xx"
    BOT_RESTART = "bot_restart"
    RISK_SERVICE_DOWN = "risk_service_down"
    POSITION_MISMATCH = "position_mismatch"


class Fault(_Model):
    """One fault at a given time, lasting ``duration_secs`` where that applies."""

    at_secs: float = Field(ge=0, description="When to inject it.")
    kind: FaultKind = Field(description="Which fault.")
    duration_secs: float = Field(0, ge=0, description="How long it lasts (0: instantaneous).")
    count: int = Field(1, ge=1, description="How many (e.g. 5xx answers in a burst).")
    market: str = Field("", description="Limit to one market id (empty: all).")


class Scenario(_Model):
    """A whole match."""

    name: str = Field(description="Short name.")
    description: str = Field("", description="What the scenario exercises.")
    kickoff_secs: float = Field(ge=0, description="Kickoff, from the scenario start.")
    scheduled_end_secs: float = Field(gt=0, description="Scheduled end, from the start.")
    duration_secs: float = Field(gt=0, description="How long the scenario runs.")
    outcomes: dict[str, OutcomePath] = Field(description="Path per outcome (home/draw/away).")
    noise: Noise = Noise()
    takers: Takers = Takers()
    kalshi_book: KalshiBook = KalshiBook()
    faults: tuple[Fault, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Scenario:
        if self.scheduled_end_secs <= self.kickoff_secs:
            raise ValueError("scheduled_end_secs must be after kickoff_secs")
        return self


class ScenarioError(ValueError):
    """A scenario file is malformed; the message names the field."""


def load(path: Path) -> Scenario:
    """Read and validate a scenario file."""
    try:
        data = yaml.safe_load(path.read_text())
        return Scenario.model_validate(data)
    except OSError as exc:
        raise ScenarioError(f"cannot read the scenario {str(path)!r}: {exc.strerror}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScenarioError(f"{path.name}: {where}: {first['msg']}") from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path.name}: not valid YAML: {exc}") from exc
