"""Error mapping: every Kalshi error body shape maps once to the right typed error."""

from __future__ import annotations

import pytest

from touchline_bot.venues.kalshi import errors


@pytest.mark.parametrize(
    ("status", "body", "expected", "reason"),
    [
        pytest.param(
            400,
            b'{"error":{"code":"invalid_order","message":"invalid order",'
            b'"details":"post only cross"}}',
            errors.PostOnlyCrossError,
            "post_only_cross",
            id="post-only-cross-wrapped-object",
        ),
        pytest.param(
            400,
            b'{"code":"invalid order","message":"post only cross"}',
            errors.PostOnlyCrossError,
            "post_only_cross",
            id="post-only-cross-bare-object",
        ),
        pytest.param(
            409,
            b'{"error":{"code":"order_already_exists","message":"duplicate client_order_id"}}',
            errors.DuplicateClientOrderIdError,
            "duplicate_client_order_id",
            id="duplicate-client-order-id",
        ),
        pytest.param(
            400,
            b'{"error":{"code":"MARKET_INACTIVE","message":"market is closed"}}',
            errors.MarketInactiveError,
            "market_inactive",
            id="market-inactive",
        ),
        pytest.param(
            400,
            b'{"error":{"code":"available_balance_too_low","message":"x"}}',
            errors.InsufficientBalanceError,
            "insufficient_balance",
            id="insufficient-balance",
        ),
        pytest.param(
            400,
            b'{"error":{"code":"invalid_parameters","message":"bad price"}}',
            errors.KalshiRejectedError,
            "rejected",
            id="other-400-is-generic-rejection",
        ),
    ],
)
def test_rejections_map_to_typed_errors_with_reason_codes(
    status: int, body: bytes, expected: type[errors.KalshiRejectedError], reason: str
) -> None:
    error = errors.from_response(status, body)
    assert type(error) is expected
    assert isinstance(error, errors.KalshiRejectedError)
    assert error.reason == reason
    assert error.status == status


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        pytest.param(
            429,
            b'{"error": "too many requests"}',
            errors.KalshiRateLimitedError,
            id="429-string-error",
        ),
        pytest.param(
            429,
            b'{"error":{"code":"too_many_requests","message":"too many requests"}}',
            errors.KalshiRateLimitedError,
            id="429-object-error",
        ),
        pytest.param(429, b"", errors.KalshiRateLimitedError, id="429-empty-body"),
        pytest.param(500, b"Internal Server Error", errors.KalshiServerError, id="500-plain-text"),
        pytest.param(503, b"<html>bad gateway</html>", errors.KalshiServerError, id="503-html"),
        pytest.param(
            401, b'{"error":{"code":"authentication_error"}}', errors.KalshiAuthError, id="401"
        ),
        pytest.param(403, b"Forbidden", errors.KalshiAuthError, id="403-cloudfront-text"),
        pytest.param(404, b'{"error":{"code":"not_found"}}', errors.KalshiNotFoundError, id="404"),
    ],
)
def test_status_classes_map_to_retryable_or_permanent_errors(
    status: int, body: bytes, expected: type[errors.KalshiError]
) -> None:
    error = errors.from_response(status, body)
    assert type(error) is expected
    retryable = status == 429 or status >= 500
    assert isinstance(error, errors.KalshiRetryableError) is retryable


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        pytest.param(
            b'{"error":{"code":"c","message":"m","details":"d"}}', "c", "m: d", id="wrapped"
        ),
        pytest.param(b'{"code":"c","message":"m"}', "c", "m", id="bare"),
        pytest.param(b'{"error":"too many requests"}', "", "too many requests", id="string-error"),
        pytest.param(b"plain text", "", "plain text", id="plain-text"),
        pytest.param(b'"quoted"', "", "quoted", id="json-string"),
        pytest.param(b"[1,2]", "", "[1, 2]", id="json-list"),
        pytest.param(b"\xff\xfe", "", "\ufffd\ufffd", id="undecodable-bytes"),
    ],
)
def test_error_bodies_of_any_shape_parse_without_raising(
    body: bytes, code: str, message: str
) -> None:
    assert errors.parse_error_body(body) == (code, message)


@pytest.mark.parametrize(
    ("item_error", "expected"),
    [
        pytest.param(
            {"code": "invalid_order", "message": "x", "details": "post only cross"},
            errors.PostOnlyCrossError,
            id="batch-item-post-only",
        ),
        pytest.param(
            {"code": "duplicate_client_order_id"},
            errors.DuplicateClientOrderIdError,
            id="batch-item-duplicate",
        ),
        pytest.param("something odd", errors.KalshiRejectedError, id="batch-item-string"),
    ],
)
def test_batch_item_errors_map_like_responses(
    item_error: object, expected: type[errors.KalshiError]
) -> None:
    assert type(errors.from_item_error(item_error)) is expected
