"""Request bodies as strict JSON, for every HTTP endpoint the project serves.

``json.loads`` as-is turns hostile input into server errors or silent surprises: deep nesting
raises ``RecursionError``, ``NaN``/``Infinity`` are accepted, a number beyond a float's range
becomes ``inf`` (then ``int(inf)`` raises ``OverflowError``). Here every one of those is a
:class:`BodyError` (a ``ValueError``, answered 400): nesting is bounded, non-finite constants
refused, and numbers with a fraction or an exponent kept exact as ``Decimal``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

MAX_DEPTH = 32
"""No body we accept nests deeper than a few levels; anything past this is an attack."""


class BodyError(ValueError):
    """The body is not JSON we accept."""


def _refuse_constant(name: str) -> Any:
    raise BodyError(f"{name} is not a number")


def loads(raw: bytes | str) -> Any:
    """Parse ``raw``; raise :class:`BodyError` on anything but bounded, finite JSON."""
    _check_nesting(raw)
    try:
        value = json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise BodyError("the body nests too deeply") from exc
    except BodyError:
        raise
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an over-long integer
        raise BodyError("the body is not JSON") from exc
    if _depth(value) > MAX_DEPTH:
        raise BodyError(f"the body nests deeper than {MAX_DEPTH} levels")
    return value


def _check_nesting(raw: bytes | str) -> None:
    """Refuse nesting past ``MAX_DEPTH`` before the parser sees it: the C parser recurses once
    per level, and under a raised recursion limit (a test runner, a library) a deep enough
    body overflows the C stack — a crash, not a ``RecursionError``."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise BodyError(f"the body nests deeper than {MAX_DEPTH} levels")
        elif char in "]}":
            depth -= 1


def _depth(value: Any) -> int:
    """Nesting depth, iteratively (a recursive walk could itself run out of stack)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def object_body(raw: bytes | str, *, empty_ok: bool = False) -> dict[str, Any]:
    """``loads`` that also requires a JSON object (an empty body is ``{}`` if ``empty_ok``)."""
    if empty_ok and not raw.strip():
        return {}
    value = loads(raw)
    if not isinstance(value, dict):
        raise BodyError("the body must be a JSON object")
    return value
