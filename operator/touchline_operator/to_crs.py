"""``touchline markets to-crs``: turn the seed's ``config/markets_soccer.yaml`` into
``SoccerMarket`` manifests, validated with the same models the operator uses.

The market entries convert, each with its own ``params``; the file's global ``params`` are
fleet defaults and belong in the fleet ConfigMap (``fleet.yaml``), not in each market.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from touchline_bot.config import yamlio
from touchline_operator import models, params

MAX_NAME_LEN = 50


def object_name(market_id: str) -> str:
    """A DNS-1123 name for a seed market id (lower case, ``-`` for anything else)."""
    name = re.sub(r"[^a-z0-9-]+", "-", market_id.lower()).strip("-")[:MAX_NAME_LEN].strip("-")
    if not name:
        raise ValueError(f"market id {market_id!r} gives no usable object name")
    return name


def _time(value: Any) -> str:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.isoformat().replace("+00:00", "Z")
    return str(value)


def _spec(entry: dict[str, Any]) -> dict[str, Any]:
    kalshi = entry.get("kalshi") or {}
    poly = entry.get("polymarket") or {}
    spec: dict[str, Any] = {
        "marketId": str(entry["id"]),
        "league": str(entry.get("league", "")),
        "matchName": str(entry.get("match_name", "")),
        "startTimeUtc": _time(entry.get("start_time_utc")),
        "scheduledEndTimeUtc": _time(entry.get("scheduled_end_time_utc")),
        "kalshi": {"env": str(kalshi.get("env", "demo")), "ticker": str(kalshi.get("ticker"))},
        "polymarket": {
            "marketSlug": str(poly.get("market_slug")),
            "tokenIds": {str(k): str(v) for k, v in (poly.get("token_ids") or {}).items()},
        },
        "settlementEquivalence": {
            "rulesHash": str((entry.get("settlement_equivalence") or {}).get("rules_hash"))
        },
    }
    if poly.get("outcome") is not None:
        spec["polymarket"]["outcome"] = str(poly["outcome"])
    return spec


def _crd_value(key: str, value: Any) -> Any:
    # The CRD spells dollar amounts as exact strings and weights as numbers (a weight has at
    # most 4 decimal places, so its float's repr converts back exactly).
    if isinstance(value, dict):
        return {k: _crd_value(k, v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value) if key.endswith("Dollars") else float(value)
    return value


def _params(entry: dict[str, Any]) -> dict[str, Any]:
    raw = entry.get("params")
    if raw is None:
        return {}
    try:
        overrides = params.Overrides.model_validate(raw)
    except ValueError as exc:
        raise models.InvalidSpecError(f"market {entry['id']}: params: {exc}") from exc
    dumped = overrides.model_dump(mode="python", by_alias=True, exclude_none=True)
    return {k: _crd_value(k, v) for k, v in dumped.items() if v}


def manifest(entry: dict[str, Any], *, namespace: str | None = None) -> dict[str, Any]:
    """One ``SoccerMarket``; raises ``models.InvalidSpecError`` naming the market and field.

    The entry's own ``params`` (snake_case, as in the file) become ``spec.params``."""
    if not isinstance(entry, dict) or "id" not in entry:
        raise models.InvalidSpecError(f"a market entry needs an id: {entry!r:.80}")
    spec = _spec(entry)
    if overrides := _params(entry):
        spec["params"] = overrides
    try:
        models.parse_spec(spec)
    except models.InvalidSpecError as exc:
        raise models.InvalidSpecError(f"market {entry['id']}: {exc}") from exc
    metadata: dict[str, Any] = {"name": object_name(str(entry["id"]))}
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": f"{models.GROUP}/{models.VERSION}",
        "kind": models.KIND,
        "metadata": metadata,
        "spec": spec,
    }


def to_crs(config_path: Path | str, *, namespace: str | None = None) -> list[dict[str, Any]]:
    """Every market of the file as a ``SoccerMarket`` manifest, in file order."""
    # The project's YAML reader: exact decimals, and 'yes'/'no' keys stay strings.
    loaded = yamlio.parse(Path(config_path).read_text())
    markets = loaded.get("markets") if isinstance(loaded, dict) else None
    if not isinstance(markets, list):
        raise models.InvalidSpecError(f"{config_path}: expected a top-level 'markets' list")
    out = [manifest(entry, namespace=namespace) for entry in markets]
    names = [m["metadata"]["name"] for m in out]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise models.InvalidSpecError(f"market ids collide as object names: {duplicates}")
    return out


def _run(args: argparse.Namespace) -> int:
    try:
        docs = to_crs(args.config, namespace=args.namespace)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"touchline markets to-crs: {exc}\n")
        return 1
    sys.stdout.write(yaml.safe_dump_all(docs, sort_keys=False))
    return 0


def register(subparsers: Any) -> None:
    """Add ``markets to-crs`` to the CLI; the parsed namespace's ``func`` runs it."""
    markets = subparsers.add_parser("markets", help="market configuration tools")
    sub = markets.add_subparsers(dest="markets_command", required=True)
    cmd = sub.add_parser("to-crs", help="print SoccerMarket manifests for a markets YAML file")
    cmd.add_argument("config", type=Path, help="e.g. config/markets_soccer.yaml")
    cmd.add_argument("-n", "--namespace", default=None, help="namespace to put in the manifests")
    cmd.set_defaults(func=_run)
