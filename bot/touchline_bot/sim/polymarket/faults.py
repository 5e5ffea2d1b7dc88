"""Faults the simulated Polymarket can inject, switched on and off by tests and scenarios.

- ``frozen``: WebSocket data is dropped (the socket stays open and PONGs continue) — the
  venue's known silent freeze.
- ``pong_muted``: ``PING`` goes unanswered (a dead link the client must detect itself).
- ``stale_rest_since_ms``: REST books report this old ``timestamp`` instead of the real one.
- ``http_5xx``: the next N REST answers are 500s.
- ``throttle``: the next N REST answers are 429s with ``retry_after_seconds``.
- ``cloudflare_block``: the next N REST answers are 403s with an HTML body.
Disconnects are an action, not a state: see ``RunningPolySim.disconnect()``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Faults:
    """The current fault switches; all off by default."""

    frozen: bool = False
    pong_muted: bool = False
    """Stop answering ``PING`` (a half-open socket the client must tear down itself)."""
    stale_rest_since_ms: int | None = None
    http_5xx: int = 0
    throttle: int = 0
    throttle_retry_after_secs: int = 1
    cloudflare_block: int = 0
    ws_frames_dropped: int = 0
    """How many data frames the freeze swallowed (observability for tests)."""

    def take_http_fault(self) -> tuple[int, str, str] | None:
        """The (status, content type, body) of the next injected REST failure, if any."""
        if self.http_5xx > 0:
            self.http_5xx -= 1
            return 500, "application/json", '{"error":"internal server error"}'
        if self.throttle > 0:
            self.throttle -= 1
            retry = self.throttle_retry_after_secs
            body = f'{{"error":"too many requests","retry_after_seconds":{retry}}}'
            return 429, "application/json", body
        if self.cloudflare_block > 0:
            self.cloudflare_block -= 1
            return 403, "text/html", "<html><title>Attention Required!</title></html>"
        return None
