"""Counters of the Polymarket feed, as a plain dataclass (telemetry exports them; the venue
package never imports a metrics library)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FeedMode(StrEnum):
    """Where the feed currently gets its data."""

    STARTING = "starting"
    STREAMING = "streaming"
    FALLBACK = "fallback"


@dataclass(slots=True)
class FeedStats:
    """Monotonic counters since the feed started."""

    reconnects: int = 0
    """WebSocket sessions that ended and were replaced."""
    freezes_detected: int = 0
    """Silent freezes: an open socket went quiet while REST showed the book moving."""
    malformed_frames: int = 0
    """Frame elements that could not be parsed (counted, logged, skipped)."""
    fallbacks: int = 0
    """Switches from the stream to REST polling."""
    recoveries: int = 0
    """Returns from REST polling to the stream."""
    throttled: int = 0
    """HTTP 429 answers."""
    rest_errors: int = 0
    """Failed REST reads of any kind."""
    rest_polls: int = 0
    """Successful REST book reads (cross-checks and fallback polls)."""
    ws_data_messages: int = 0
    """Data events applied from the WebSocket."""
