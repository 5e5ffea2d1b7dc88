"""Structured JSON logs, one event per line, with secrets redacted.

Secrets (the Kalshi private key, request signatures, bearer tokens) must never reach a log line.
Code should not log them in the first place; this formatter is the second line of defence: it
masks PEM blocks, ``KALSHI-ACCESS-SIGNATURE``/``Authorization`` values, and any string
registered with :func:`register_secret`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_PATTERNS = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
    re.compile(r"(?i)(kalshi-access-signature['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9+/=]+"),
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?bearer\s+)[^\s'\"]+"),
)
_secrets: set[str] = set()
_lock = threading.Lock()
REDACTED = "[REDACTED]"


def register_secret(value: str) -> None:
    """Mask this exact value wherever it appears in a log line (values shorter than 8
    characters are ignored: masking them would garble ordinary text)."""
    if len(value) >= 8:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Mask every known secret shape and registered value in ``text``."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
    with _lock:
        secrets = tuple(_secrets)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, and every ``extra`` field."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        )
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return redact(json.dumps(payload, default=str))


def configure(level: str = "INFO", *, stream: Any = None) -> None:
    """Send every log record to ``stream`` (stderr) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
