"""The operator's one read of the wall clock, for condition and status timestamps.

Everything else takes ``now`` as an argument so that it stays pure and testable. (The bot's
clock lives in ``touchline_bot.engine``, which the operator must not import.)
"""

from __future__ import annotations

import datetime as dt


def now_rfc3339() -> str:
    """The current UTC time as Kubernetes writes it (``2026-01-15T20:00:00Z``)."""
    current = dt.datetime.now(dt.UTC)  # noqa: TID251 - the operator's single clock read
    return current.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_rfc3339(text: str) -> dt.datetime:
    """An aware datetime from a Kubernetes timestamp."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
