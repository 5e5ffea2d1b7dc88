"""The Kalshi client's typed errors, and the one place venue error bodies are mapped to them.

Kalshi's error body may be ``{"error": {"code", "message", "details"}}``, a bare
``{"code", "message", "details"}``, ``{"error": "too many requests"}`` or plain text; all of
them map here, once. Retryable errors (429, 5xx, transport) are separated from permanent ones
(rejections, auth). Messages carry the venue's code and text, never request headers or keys.
"""

from __future__ import annotations

import orjson


class KalshiError(Exception):
    """Any failure of a Kalshi call. ``status`` is the HTTP status (0 when there was none)."""

    def __init__(self, message: str, *, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class KalshiConfigError(KalshiError):
    """Bad configuration: missing credentials, unreadable or unsupported key."""


class KalshiRetryableError(KalshiError):
    """A failure that may succeed when tried again later."""


class KalshiRateLimitedError(KalshiRetryableError):
    """HTTP 429: the venue's token bucket was empty (no headers say for how long)."""


class KalshiServerError(KalshiRetryableError):
    """HTTP 5xx."""


class KalshiTransportError(KalshiRetryableError):
    """The request did not complete: connection refused, reset, or timed out."""


class KalshiAuthError(KalshiError):
    """HTTP 401/403: bad key, signature or timestamp, or a key without the needed scope."""


class KalshiNotFoundError(KalshiError):
    """HTTP 404: unknown order, market or route."""


class KalshiRejectedError(KalshiError):
    """The venue refused the request (4xx); ``reason`` is a short code for the core."""

    reason = "rejected"


class PostOnlyCrossError(KalshiRejectedError):
    """A post-only order would have crossed the book; it was not placed."""

    reason = "post_only_cross"


class DuplicateClientOrderIdError(KalshiRejectedError):
    """HTTP 409: an order with this ``client_order_id`` already exists."""

    reason = "duplicate_client_order_id"


class MarketInactiveError(KalshiRejectedError):
    """The market is not open for order operations (``MARKET_INACTIVE``)."""

    reason = "market_inactive"


class InsufficientBalanceError(KalshiRejectedError):
    """``available_balance_too_low``: not enough collateral for the order."""

    reason = "insufficient_balance"


class KalshiLimiterRefusedError(KalshiError):
    """The client's own limiter refused a request that can never fit in the bucket (a batch
    larger than the bucket's capacity); sending it would be rejected whole by the venue."""


class KalshiProtocolError(KalshiError):
    """A success response that could not be understood (missing or garbled fields)."""


def parse_error_body(body: bytes) -> tuple[str, str]:
    """(code, message) from any of Kalshi's error body shapes; never raises."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "", body.decode("utf-8", "replace").strip()[:200]
    if isinstance(doc, dict) and "error" in doc:
        doc = doc["error"]
    if isinstance(doc, str):
        return "", doc[:200]
    if not isinstance(doc, dict):
        return "", str(doc)[:200]
    code = str(doc.get("code") or "")
    parts = [str(doc[k]) for k in ("message", "details") if doc.get(k)]
    return code, ": ".join(parts)[:200]


def _rejection(status: int, code: str, message: str) -> KalshiError:
    text = f"{code} {message}".lower()
    text_ws = text.replace("_", " ")
    if "post only cross" in text_ws or "post_only_cross" in text:
        return PostOnlyCrossError(
            f"post-only order would cross: {message}", status=status, code=code
        )
    if "market_inactive" in text or "market inactive" in text_ws:
        return MarketInactiveError(f"market inactive: {message}", status=status, code=code)
    if "available_balance_too_low" in text or "insufficient" in text:
        return InsufficientBalanceError(
            f"insufficient balance: {message}", status=status, code=code
        )
    if status == 409:
        return DuplicateClientOrderIdError(f"conflict: {code} {message}", status=status, code=code)
    return KalshiRejectedError(f"rejected ({status} {code}): {message}", status=status, code=code)


def from_response(status: int, body: bytes) -> KalshiError:
    """The typed error for a non-2xx response."""
    code, message = parse_error_body(body)
    if status == 429:
        return KalshiRateLimitedError(f"rate limited: {message}", status=status, code=code)
    if status >= 500:
        return KalshiServerError(f"server error {status}: {message}", status=status, code=code)
    if status in (401, 403):
        return KalshiAuthError(
            f"auth failed ({status} {code}): {message}", status=status, code=code
        )
    if status == 404:
        return KalshiNotFoundError(f"not found: {code} {message}", status=status, code=code)
    return _rejection(status, code, message)


def from_item_error(error: object) -> KalshiError:
    """The typed error for one failed item of a batch (``error: {code, message, details}``)."""
    code, message = parse_error_body(orjson.dumps({"error": error}))
    status = 409 if "duplicate" in f"{code} {message}".lower() else 400
    return _rejection(status, code, message)
