"""JSON logs: one object per line, extras kept, secrets masked."""

from __future__ import annotations

import io
import json
import logging

import pytest

from touchline_bot.telemetry import logs

PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+abc\n-----END PRIVATE KEY-----"


def _emit(message: str, **extra: object) -> dict[str, object]:
    stream = io.StringIO()
    logger = logging.getLogger("touchline.test.logs")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(message, extra=extra)
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert line.count("\n") == 1, "one event per line"
    parsed: dict[str, object] = json.loads(line)
    return parsed


def test_extras_are_fields() -> None:
    record = _emit("order placed", market="home", price="0.4300")
    assert record["msg"] == "order placed"
    assert record["market"] == "home"
    assert record["level"] == "warning"


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(f"loaded key {PEM}", id="pem-block"),
        pytest.param("headers {'KALSHI-ACCESS-SIGNATURE': 'c2lnbmF0dXJlCg=='}", id="signature"),
        pytest.param("Authorization: Bearer home.0123456789abcdef", id="bearer-token"),
    ],
)
def test_secret_shapes_are_masked(message: str) -> None:
    text = json.dumps(_emit(message))
    assert logs.REDACTED in text
    for secret in ("MC4CAQAwBQYDK2VwBCIEIJ", "c2lnbmF0dXJlCg", "0123456789abcdef"):
        assert secret not in text


def test_registered_secret_is_masked_in_extras() -> None:
    logs.register_secret("super-secret-value-42")
    text = json.dumps(_emit("x", detail="token=super-secret-value-42"))
    assert "super-secret-value-42" not in text
