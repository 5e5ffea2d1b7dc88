"""Typed errors of the Polymarket read-only client, wrapped once at the HTTP edge.

Retryable errors (throttling, 5xx, Cloudflare blocks, "service not ready") carry the server's
hint for how long to wait; a 404 means an unknown or closed token; anything else is a
permanent rejection. Messages never include request headers or bodies beyond the venue's own
short ``error`` text, so nothing secret can leak through them.
"""

from __future__ import annotations

import orjson

_RETRYABLE_STATUSES = frozenset({403, 425, 429})
_BODY_EXCERPT_CHARS = 120


class PolymarketError(Exception):
    """Base of every error raised by the Polymarket client."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PolymarketRetryableError(PolymarketError):
    """A transient failure: throttled (429), blocked (403), not ready (425), 5xx or transport."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after_secs: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after_secs = retry_after_secs


class PolymarketNotFoundError(PolymarketError):
    """404: no order book exists for the token (unknown id or closed market)."""


class PolymarketRejectedError(PolymarketError):
    """A permanent refusal (400 and other 4xx): retrying the same request will not help."""


class PolymarketMalformedError(PolymarketError):
    """The venue answered 200 with a body we could not parse."""


def _error_text(body: bytes) -> str:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body[:_BODY_EXCERPT_CHARS].decode("utf-8", "replace").strip()
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])[:_BODY_EXCERPT_CHARS]
    return ""


def _retry_after(body: bytes, retry_after_header: str | None) -> float | None:
    if retry_after_header:
        try:
            return max(0.0, float(retry_after_header))
        except ValueError:
            pass
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    value = data.get("retry_after_seconds") if isinstance(data, dict) else None
    return float(value) if isinstance(value, int | float) and value >= 0 else None


def from_response(
    status: int, body: bytes, *, path: str, retry_after_header: str | None = None
) -> PolymarketError:
    """The typed error for a non-200 answer to ``path``."""
    text = _error_text(body)
    message = f"polymarket {path}: HTTP {status}" + (f": {text}" if text else "")
    if status in _RETRYABLE_STATUSES or status >= 500:
        return PolymarketRetryableError(
            message, status=status, retry_after_secs=_retry_after(body, retry_after_header)
        )
    if status == 404:
        return PolymarketNotFoundError(message, status=status)
    return PolymarketRejectedError(message, status=status)
