"""The simulator's refusals: an HTTP status plus Kalshi's ``{code, message, details}`` body.

The matching engine raises :class:`RejectedError`; the server renders it once, as
``{"error": {"code", "message", "details"}}`` (the shape seen on the wire).
"""

from __future__ import annotations

from typing import Any


class RejectedError(Exception):
    """The exchange refused a request; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        """The JSON body Kalshi sends for this refusal."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def invalid_order(details: str) -> RejectedError:
    """400 ``invalid_order`` with a detail text (e.g. ``"post only cross"``)."""
    return RejectedError(400, "invalid_order", "invalid order", details)


def bad_request(message: str) -> RejectedError:
    """400 ``bad_request``: a malformed or missing field."""
    return RejectedError(400, "bad_request", message, message)


def not_found(what: str) -> RejectedError:
    """404 ``not_found``."""
    return RejectedError(404, "not_found", f"{what} not found")


def market_inactive(ticker: str) -> RejectedError:
    """400 ``market_inactive``: the market does not accept this order operation now."""
    return RejectedError(
        400, "market_inactive", "MARKET_INACTIVE", f"market {ticker} is not active"
    )


def duplicate_client_order_id(client_order_id: str) -> RejectedError:
    """409: an order with this ``client_order_id`` already exists."""
    return RejectedError(
        409, "order_already_exists", "duplicate client_order_id", f"{client_order_id!r} in use"
    )


def too_many_requests() -> RejectedError:
    """429 with the object body third parties observed."""
    return RejectedError(429, "too_many_requests", "too many requests")


def unauthorized(message: str) -> RejectedError:
    """401: bad or missing signature, unknown key or a stale timestamp."""
    return RejectedError(401, "authentication_error", message)
