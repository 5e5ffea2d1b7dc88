"""Where the risk service keeps what must survive a restart: the high-water mark, the halt and
each market's realized PnL (its durable ledger, keyed by market).

Locally a JSON file (written atomically); in a cluster the status of the ``RiskPolicy``
resource (see ``touchline_operator``'s risk policy store, which implements the same protocol).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from touchline_bot.core import units
from touchline_bot.risk_service import rules


@dataclass(frozen=True, slots=True)
class Realized:
    """What one market's bots have realized: ``carried`` by earlier sessions, ``current`` by
    the session that reported last (``session``)."""

    session: str
    carried: units.Money
    current: units.Money

    @property
    def total(self) -> units.Money:
        """Everything the market realized."""
        return units.Money(self.carried + self.current)


@dataclass(frozen=True, slots=True)
class Persisted:
    """The durable part of the ledger."""

    high_water_mark: units.Money
    halt: rules.Halt
    realized: dict[str, Realized] = field(default_factory=dict)
    """Each market's realized PnL (the cluster's RiskPolicy store does not keep it yet)."""
    tickers: dict[str, str] = field(default_factory=dict)
    """Each market's Kalshi ticker, as its bot first reported it (pinned)."""


class StateMissingError(Exception):
    """The state file is missing and the service was not told this is its first start: starting
    fresh would forget a halt and the high-water mark."""


class Store(Protocol):
    """Loads and saves the durable part of the ledger."""

    async def load(self) -> Persisted | None:
        """The last saved state, or None on first start."""

    async def save(self, state: Persisted) -> None:
        """Save durably before acknowledging anything that depends on it."""


class FileStore:
    """A JSON file, replaced atomically (write to a temporary file, fsync, rename).

    A missing file is a first start only when ``first_start`` says so; otherwise it is an error
    (a wrong path, a lost volume), never a silent fresh start."""

    def __init__(self, path: Path, *, first_start: bool = False) -> None:
        self._path = path
        self._first_start = first_start

    async def load(self) -> Persisted | None:
        """Read the file; a missing file is a first start if allowed, a corrupt one an error."""
        if not self._path.exists():
            if self._first_start:
                return None
            raise StateMissingError(
                f"risk state file {self._path} does not exist; pass --first-start if this is "
                "the service's first start"
            )
        data = json.loads(self._path.read_text())
        return Persisted(
            high_water_mark=units.parse_money(data["high_water_mark"]),
            halt=rules.Halt(
                halted=bool(data["halt"]["halted"]),
                reason=str(data["halt"]["reason"]),
                since_ms=int(data["halt"]["since_ms"]),
            ),
            realized={
                str(market): Realized(
                    session=str(entry["session"]),
                    carried=units.parse_money(entry["carried_dollars"]),
                    current=units.parse_money(entry["current_dollars"]),
                )
                for market, entry in data.get("realized", {}).items()
            },
            tickers={str(m): str(t) for m, t in data.get("tickers", {}).items()},
        )

    async def save(self, state: Persisted) -> None:
        """Write atomically so that a crash never leaves a half-written file."""
        payload = {
            "high_water_mark": units.format_money(state.high_water_mark),
            "halt": {
                "halted": state.halt.halted,
                "reason": state.halt.reason,
                "since_ms": state.halt.since_ms,
            },
            "realized": {
                market: {
                    "session": entry.session,
                    "carried_dollars": units.format_money(entry.carried),
                    "current_dollars": units.format_money(entry.current),
                }
                for market, entry in sorted(state.realized.items())
            },
            "tickers": dict(sorted(state.tickers.items())),
        }
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        with tmp.open("w") as handle:
            json.dump(payload, handle)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self._path)
        # The rename is durable only once the directory entry is.
        directory = os.open(self._path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
