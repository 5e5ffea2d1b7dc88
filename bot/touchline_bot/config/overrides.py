"""Merging partial parameter documents onto complete ones, validated like the file itself.

Layers, later winning field by field: the environment's defaults, the file's top-level
``params``, the market's own ``params``, and (in a cluster) the ``SoccerMarket``'s overrides.
Keys may be snake_case (the YAML) or camelCase (Kubernetes specs). An error names the field under
the layer that caused it (``markets[1].params.risk.max_drawdown_dollars: ...``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pydantic
from pydantic import alias_generators

from touchline_bot.config import errors
from touchline_bot.config import params as config_params


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A new dict: ``base`` with ``changes`` applied, nested mappings merged key by key."""
    merged: dict[str, Any] = {key: _copy(value) for key, value in base.items()}
    for key, value in changes.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = _copy(value)
    return merged


def _copy(value: Any) -> Any:
    return deep_merge({}, value) if isinstance(value, Mapping) else value


def snake_keys(document: Any) -> Any:
    """The document with every mapping key in snake_case (``polyWeight`` -> ``poly_weight``)."""
    if isinstance(document, Mapping):
        return {
            alias_generators.to_snake(key) if isinstance(key, str) else key: snake_keys(value)
            for key, value in document.items()
        }
    return document


def merge(
    base: config_params.Params, changes: Any, *, where: str = "overrides"
) -> config_params.Params:
    """``base`` with the partial document ``changes`` applied and validated.

    ``changes`` is a (possibly nested, possibly empty or ``None``) mapping with the shape of the
    ``params`` section. Raises :class:`~.errors.ConfigError` naming fields under ``where``.
    """
    if changes is None:
        return base
    if not isinstance(changes, Mapping):
        raise errors.single(where, f"{errors.show(changes)} is invalid: expected a mapping")
    document = deep_merge(base.model_dump(mode="json"), snake_keys(changes))
    try:
        return config_params.Params.model_validate(document)
    except pydantic.ValidationError as exc:
        raise errors.from_validation(exc, where) from None


def _plain(value: object) -> str:
    # 0.7 and 0.70 are the same parameter, so they must give the same version.
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def version(resolved: config_params.Params) -> str:
    """A short stable hash of resolved parameters, reported on hot reload (``params_version``).

    Equal parameters give equal versions whatever order or spelling produced them.
    """
    canonical = json.dumps(
        resolved.model_dump(), sort_keys=True, separators=(",", ":"), default=_plain
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]
