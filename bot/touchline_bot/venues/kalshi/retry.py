"""Retry policy for Kalshi calls: which calls may be retried, and how long to wait.

Only idempotent calls (reads, cancels by order id) are retried; creates are never resent by
the client, because a ``client_order_id`` makes a resend safe only to detect, not to repeat.
The delay is a pure function of the attempt number and an injected random source.
"""

from __future__ import annotations

from collections.abc import Callable

from touchline_bot.venues.kalshi import errors


def retry_delay(
    attempt: int, *, base_secs: float, max_secs: float, random_fn: Callable[[], float]
) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): full-jitter exponential backoff,
    a uniform draw in ``[0, min(max_secs, base_secs * 2**attempt)]``."""
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, got {attempt}")
    ceiling: float = min(max_secs, base_secs * float(2 ** min(attempt, 32)))
    return ceiling * min(1.0, max(0.0, random_fn()))


def should_retry(
    error: errors.KalshiError, *, idempotent: bool, attempt: int, max_attempts: int
) -> bool:
    """True when ``error`` on an idempotent call may be retried once more."""
    return (
        idempotent and attempt + 1 < max_attempts and isinstance(error, errors.KalshiRetryableError)
    )
