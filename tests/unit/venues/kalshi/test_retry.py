"""Retry policy: the delay is a pure, bounded, jittered exponential; only idempotent calls
failing with retryable errors are retried."""

from __future__ import annotations

import pytest

from touchline_bot.venues.kalshi import errors, retry


@pytest.mark.parametrize(
    ("attempt", "draw", "expected_secs"),
    [
        pytest.param(0, 1.0, 0.1, id="first-retry-full-draw"),
        pytest.param(3, 1.0, 0.8, id="doubles-each-attempt"),
        pytest.param(10, 1.0, 2.0, id="capped-at-max"),
        pytest.param(500, 0.5, 1.0, id="huge-attempt-capped-no-overflow"),
        pytest.param(2, 0.0, 0.0, id="zero-draw-no-wait"),
        pytest.param(2, 7.0, 0.4, id="draw-clamped-to-one"),
    ],
)
def test_retry_delay_is_full_jitter_exponential_capped(
    attempt: int, draw: float, expected_secs: float
) -> None:
    delay = retry.retry_delay(attempt, base_secs=0.1, max_secs=2.0, random_fn=lambda: draw)
    assert delay == pytest.approx(expected_secs)


def test_negative_attempt_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="attempt"):
        retry.retry_delay(-1, base_secs=0.1, max_secs=1.0, random_fn=lambda: 0.5)


@pytest.mark.parametrize(
    ("error", "idempotent", "attempt", "expected"),
    [
        pytest.param(errors.KalshiRateLimitedError("x"), True, 0, True, id="429-on-read-retried"),
        pytest.param(errors.KalshiServerError("x"), True, 1, True, id="5xx-on-read-retried"),
        pytest.param(errors.KalshiTransportError("x"), True, 2, False, id="budget-exhausted"),
        pytest.param(
            errors.KalshiRateLimitedError("x"), False, 0, False, id="create-never-retried"
        ),
        pytest.param(errors.PostOnlyCrossError("x"), True, 0, False, id="rejection-never-retried"),
        pytest.param(errors.KalshiAuthError("x"), True, 0, False, id="auth-never-retried"),
    ],
)
def test_should_retry_only_idempotent_retryable_within_budget(
    error: errors.KalshiError, idempotent: bool, attempt: int, expected: bool
) -> None:
    assert (
        retry.should_retry(error, idempotent=idempotent, attempt=attempt, max_attempts=3)
        is expected
    )
