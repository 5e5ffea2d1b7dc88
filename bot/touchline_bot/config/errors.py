"""The one error configuration raises, and how pydantic's errors become readable lines.

Every problem is one :class:`Issue`: the field path as the user wrote it
(``markets[0].kalshi.ticker``), the offending value, and what was expected. ``str()`` of a
:class:`ConfigError` is one line per issue, ready for stderr or a Kubernetes status message.
Configuration holds no secrets, so values are shown (shortened when long).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pydantic
import pydantic_core

_MAX_VALUE_CHARS = 80


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in one place of the configuration."""

    path: str
    """Where, e.g. ``markets[0].kalshi.ticker``; empty for the whole document."""
    message: str
    """What is wrong and what is expected, e.g. ``1.5 is not within [0, 1]``."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(ValueError):
    """The configuration is not acceptable; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


def join_path(prefix: str, loc: Sequence[int | str]) -> str:
    """``("markets", 0, "kalshi")`` under ``""`` -> ``markets[0].kalshi``."""
    path = prefix
    for part in loc:
        if isinstance(part, str) and part.startswith("["):
            path += f" {part}"  # pydantic's "[key]": the mapping key itself was refused
        elif isinstance(part, int) and not isinstance(part, bool):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def show(value: object) -> str:
    """A value as the user would recognise it: ``1.5``, ``'abc'``, ``{...}``, shortened."""
    text = str(value) if isinstance(value, Decimal | int) else repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def _message(error: pydantic_core.ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see docs/configuration.md)"
    value = show(error.get("input"))
    text = error["msg"]
    # Our own validators raise ValueError whose text already reads "<value> is not ...".
    if kind == "value_error":
        return text.removeprefix("Value error, ")
    return f"{value} is invalid: {text[:1].lower()}{text[1:]}"


def from_validation(exc: pydantic.ValidationError, prefix: str = "") -> ConfigError:
    """One :class:`ConfigError` naming every field pydantic refused, under ``prefix``."""
    found = exc.errors(include_url=False)
    issues = [
        Issue(join_path(prefix, error["loc"]), _message(error))
        for error in found
        if not _explained_below(error, found)
    ]
    return ConfigError(issues)


def _explained_below(error: pydantic_core.ErrorDetails, found: list[Any]) -> bool:
    # A list whose every item was refused is also "too short"; the item errors say why.
    loc = error["loc"]
    return error["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in found
    )


def single(path: str, message: str) -> ConfigError:
    """A :class:`ConfigError` with one issue."""
    return ConfigError([Issue(path, message)])
