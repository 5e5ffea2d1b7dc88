"""Pure rendering of one market's children: ServiceAccount, Role, RoleBinding, ConfigMap and
Deployment. Same inputs, same objects: no clock, no API, no randomness.

The ConfigMap carries the resolved parameters (``params.json``, the bot config's ``params``
shape) and the market's identity (``market.json``). Its versions live in the ConfigMap only,
never in the pod template: a parameter change is hot-reloaded by the bot without a restart. The
pod template changes only with the image or the pod's shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from touchline_bot.config import params as config_params
from touchline_operator import fleet as fleet_mod
from touchline_operator import models, params, podspec

PARAMS_VERSION = "touchline.dev/params-version"
FLEET_REVISION = "touchline.dev/fleet-revision"
TEMPLATE_HASH = "touchline.dev/template-hash"
MARKET_LABEL = "touchline.dev/market"
CONFIG_DIR = podspec.CONFIG_DIR

Obj = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Owner:
    """The ``SoccerMarket`` that owns the children (for garbage collection)."""

    name: str
    uid: str


@dataclass(frozen=True, slots=True)
class Market:
    """Everything rendering needs about one market."""

    name: str
    namespace: str
    spec: models.SoccerMarketSpec
    owner: Owner


def bot_name(market_name: str) -> str:
    """The one name every child of a market shares (kinds differ, so names may repeat)."""
    return f"tl-bot-{market_name}"


def lease_name(market_name: str) -> str:
    """The Lease the bot holds while quoting."""
    return f"tl-market-{market_name}"


def labels(market_name: str) -> dict[str, str]:
    """Labels on every child and on the pod (stable: selectors depend on them)."""
    return {
        "app.kubernetes.io/name": "touchline-bot",
        "app.kubernetes.io/instance": market_name,
        "app.kubernetes.io/component": "bot",
        "app.kubernetes.io/managed-by": "touchline-operator",
        MARKET_LABEL: market_name,
    }


def _metadata(market: Market, annotations: dict[str, str] | None = None) -> Obj:
    meta: Obj = {
        "name": bot_name(market.name),
        "namespace": market.namespace,
        "labels": labels(market.name),
        "ownerReferences": [
            {
                "apiVersion": f"{models.GROUP}/{models.VERSION}",
                "kind": models.KIND,
                "name": market.owner.name,
                "uid": market.owner.uid,
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    }
    if annotations:
        meta["annotations"] = annotations
    return meta


def resolved_params(market: Market, fleet: fleet_mod.Fleet) -> config_params.Params:
    """The environment's defaults, then the fleet's, then the market's overrides.

    Raises ``models.InvalidSpecError`` when the layers do not combine into valid parameters.
    """
    try:
        return params.resolve(market.spec.kalshi.env.value, fleet.defaults, market.spec.params)
    except ValueError as exc:
        raise models.InvalidSpecError(f"spec.params: {exc}") from exc


def market_document(market: Market) -> Obj:
    """The market's identity and mode as the bot reads it (``market.json``)."""
    spec = market.spec
    return {
        "name": market.name,
        "namespace": market.namespace,
        "marketId": spec.market_id_for(market.name),
        "league": spec.league,
        "matchName": spec.match_name,
        "startTimeUtc": spec.start_time_utc.isoformat(),
        "scheduledEndTimeUtc": spec.scheduled_end_time_utc.isoformat(),
        "kalshi": {"env": spec.kalshi.env.value, "ticker": spec.kalshi.ticker},
        "polymarket": spec.polymarket.model_dump(mode="json", by_alias=True, exclude_none=True),
        "settlementEquivalence": {"rulesHash": spec.settlement_equivalence.rules_hash},
        "mode": spec.effective_mode().value,
        "leaseName": lease_name(market.name),
    }


def params_version(market: Market, fleet: fleet_mod.Fleet) -> str:
    """The ``paramsVersion`` the bot reports once it runs with these parameters."""
    return params.version(resolved_params(market, fleet))


def _config_data_documents(market: Market, fleet: fleet_mod.Fleet) -> Obj:
    return {
        "market.json": market_document(market),
        "params.json": params.document(resolved_params(market, fleet)),
        "fleet.json": fleet.model_dump(mode="json", by_alias=True, exclude_none=True),
    }


def config_map(market: Market, fleet: fleet_mod.Fleet) -> Obj:
    """The ConfigMap the bot reads and hot-reloads."""
    documents = _config_data_documents(market, fleet)
    data = {key: json.dumps(doc, sort_keys=True, indent=1) for key, doc in documents.items()}
    data["version"] = params.checksum(documents)
    data["paramsVersion"] = params_version(market, fleet)
    annotations = {
        PARAMS_VERSION: data["paramsVersion"],
        FLEET_REVISION: fleet.rollout_fingerprint(),
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _metadata(market, annotations),
        "data": data,
    }


def deployment(market: Market, fleet: fleet_mod.Fleet, *, replicas: int = 1) -> Obj:
    """The bot's Deployment: one replica, Recreate, a restricted pod."""
    template = podspec.pod_template(
        labels=labels(market.name),
        service_account=bot_name(market.name),
        config_map=bot_name(market.name),
        spec=market.spec,
        fleet=fleet,
    )
    annotations = {
        TEMPLATE_HASH: params.checksum(template),
        FLEET_REVISION: fleet.rollout_fingerprint(),
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _metadata(market, annotations),
        "spec": {
            "replicas": replicas,
            "strategy": {"type": "Recreate"},
            "revisionHistoryLimit": 2,
            "selector": {"matchLabels": {MARKET_LABEL: market.name}},
            "template": template,
        },
    }


def service_account(market: Market) -> Obj:
    """The bot's identity: it may write its own status and hold its own Lease, nothing else."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _metadata(market),
        "automountServiceAccountToken": False,
    }


def role(market: Market) -> Obj:
    """Only what a bot needs, narrowed to its own objects by name where Kubernetes allows."""
    own = [market.name]
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": _metadata(market),
        "rules": [
            {"apiGroups": [models.GROUP], "resources": [models.PLURAL], "resourceNames": own,
             "verbs": ["get"]},
            {"apiGroups": [models.GROUP], "resources": [f"{models.PLURAL}/status"],
             "resourceNames": own, "verbs": ["get", "patch"]},
            # Kubernetes cannot narrow "create" by name, so the operator creates the Lease
            # (``lease``) and the bot may only read and update its own.
            {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
             "resourceNames": [lease_name(market.name)], "verbs": ["get", "update", "patch"]},
        ],
    }  # fmt: skip


def lease(market: Market) -> Obj:
    """The market's Lease, free (no holder), owned by the market. Created once by the operator
    and never patched by it: the bot holding it replaces it on every renewal."""
    meta = _metadata(market)
    meta["name"] = lease_name(market.name)
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": meta, "spec": {}}


def role_binding(market: Market) -> Obj:
    """Binds the bot's Role to its ServiceAccount."""
    name = bot_name(market.name)
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": _metadata(market),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": market.namespace}],
    }


def pinned_fleet(current: fleet_mod.Fleet, live_config_map: Obj | None) -> fleet_mod.Fleet:
    """The fleet settings a market's children were last rendered with (``fleet.json`` in its
    ConfigMap), so that a market edit never smuggles in a fleet change that a rollout has not
    reached yet. A new market, or an unreadable record, takes the current fleet."""
    data = (live_config_map or {}).get("data") or {}
    text = data.get("fleet.json")
    if not text:
        return current
    try:
        return fleet_mod.Fleet.model_validate_json(text)
    except ValueError:
        return current


def children(market: Market, fleet: fleet_mod.Fleet, *, replicas: int = 1) -> list[Obj]:
    """All children in creation order (identity and config before the pod that uses them)."""
    return [
        service_account(market),
        role(market),
        role_binding(market),
        config_map(market, fleet),
        deployment(market, fleet, replicas=replicas),
    ]
