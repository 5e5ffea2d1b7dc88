"""Fault injection that tests and scenarios drive: gaps, disconnects, freezes, 5xx, latency, 429s.

Disconnects are an action, not a state: ``RunningKalshiSim.disconnect_websockets()``. The server
consults this object on every request and every outgoing WebSocket frame; tests set
it directly (``running.faults``) or through ``POST /_sim/faults``. Counts are consumed as they
fire, so "drop one delta" drops exactly one.
"""

from __future__ import annotations

import asyncio
import dataclasses


@dataclasses.dataclass
class Faults:
    """The currently armed faults."""

    drop_deltas: int = 0
    """Drop this many of the next ``orderbook_delta`` frames (each makes a ``seq`` gap)."""
    server_errors: int = 0
    """Answer this many of the next REST requests with 503."""
    rate_limit_storm: int = 0
    """Answer this many of the next REST requests with 429."""
    latency_ms: int = 0
    """Delay every REST response and WebSocket frame by this much."""
    frozen: bool = False
    """Stop sending WebSocket frames (connections stay open, nothing arrives)."""
    fired: dict[str, int] = dataclasses.field(default_factory=dict)
    thaw: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)

    def _count(self, name: str) -> None:
        self.fired[name] = self.fired.get(name, 0) + 1

    def take_drop_delta(self) -> bool:
        """True if this delta frame must be dropped."""
        if self.drop_deltas <= 0:
            return False
        self.drop_deltas -= 1
        self._count("drop_delta")
        return True

    def take_rest_fault(self) -> int:
        """The HTTP status to fail this request with (503 or 429), or 0 to serve it."""
        if self.server_errors > 0:
            self.server_errors -= 1
            self._count("server_error")
            return 503
        if self.rate_limit_storm > 0:
            self.rate_limit_storm -= 1
            self._count("rate_limit")
            return 429
        return 0

    def freeze(self, frozen: bool) -> None:
        """Stop (or resume) every WebSocket stream."""
        self.frozen = frozen
        if frozen:
            self.thaw.clear()
        else:
            self.thaw.set()

    def update(self, settings: dict[str, object]) -> bool:
        """Apply the JSON settings of ``POST /_sim/faults``; True if a disconnect is asked for."""
        for name in ("drop_deltas", "server_errors", "rate_limit_storm", "latency_ms"):
            if name in settings:
                value = settings[name]
                if not isinstance(value, int) or value < 0:
                    raise ValueError(f"{name} must be a non-negative integer")
                setattr(self, name, value)
        if "frozen" in settings:
            self.freeze(bool(settings["frozen"]))
        return bool(settings.get("disconnect"))
