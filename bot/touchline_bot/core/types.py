"""Small shared vocabulary of the core: sides, venues, machine states, match phases.

This module must not: read clocks, do I/O, or import anything outside the standard library.
"""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    """The YES leg only (Kalshi V2): ``BID`` buys YES, ``ASK`` sells YES."""

    BID = "bid"
    ASK = "ask"

    @property
    def sign(self) -> int:
        """+1 for a bid (a fill adds YES contracts), -1 for an ask."""
        return 1 if self is Side.BID else -1

    @property
    def opposite(self) -> Side:
        """The other side of the book."""
        return Side.ASK if self is Side.BID else Side.BID


class Venue(StrEnum):
    """The two venues: Kalshi (where we trade) and Polymarket (the fair-value signal)."""

    KALSHI = "kalshi"
    POLYMARKET = "polymarket"


class MachineState(StrEnum):
    """The per-market state machine of the seed."""

    INIT = "INIT"
    WAIT_DATA = "WAIT_DATA"
    QUOTING = "QUOTING"
    PAUSED = "PAUSED"
    FLATTENING = "FLATTENING"
    DONE = "DONE"
    """The match is over for this market (stop quoting time, flattened at the end)."""
    STOPPED = "STOPPED"
    """The process was asked to stop (a signal, a lost Lease) before its match was over: final
    for this process, but not the end of the match (a successor may quote it)."""


FINAL_STATES = frozenset({MachineState.DONE, MachineState.STOPPED})
"""States the machine never leaves."""


class MatchPhase(StrEnum):
    """Where the match is, from kickoff, scheduled end and now."""

    PREMATCH = "PREMATCH"
    INPLAY = "INPLAY"
    STOP_QUOTING = "STOP_QUOTING"


class Mode(StrEnum):
    """The operator's (or a person's) instruction for one market."""

    QUOTING = "quoting"
    PAUSED = "paused"
    FLATTEN = "flatten"
    HALTED = "halted"
