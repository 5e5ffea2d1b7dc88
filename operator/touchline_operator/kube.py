"""All of the operator's Kubernetes API access: get, create-or-patch, patch status, delete, list.

Objects are plain dicts; requests go through ``kubernetes_asyncio``'s ``ApiClient`` with explicit
paths and content types, so there is one code path for built-in kinds and our own. Errors come
out typed: ``TransientApiError`` (retry soon: 429, 5xx, connection trouble) or
``RejectedError`` (the server said no: 403, 422, ...). 404 on get is ``None``; 409 on create
becomes a merge patch to the desired state.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from kubernetes_asyncio import client as k8s_client

from touchline_operator import models

Obj = dict[str, Any]
MERGE_PATCH = "application/merge-patch+json"
FIELD_MANAGER = "touchline-operator"

_PATHS = {
    "ServiceAccount": "/api/v1/namespaces/{ns}/serviceaccounts",
    "ConfigMap": "/api/v1/namespaces/{ns}/configmaps",
    "Pod": "/api/v1/namespaces/{ns}/pods",
    "Role": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
    "RoleBinding": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
    "Deployment": "/apis/apps/v1/namespaces/{ns}/deployments",
    "Lease": "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases",
    models.KIND: f"/apis/{models.GROUP}/{models.VERSION}/namespaces/{{ns}}/{models.PLURAL}",
}


class ApiError(Exception):
    """A request failed; ``status`` is the HTTP status (0 when there was no response)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}" if status else message)
        self.status = status


class TransientApiError(ApiError):
    """Worth retrying soon: throttled, server trouble, or no connection."""


class RejectedError(ApiError):
    """The server refused the request as made (forbidden, invalid, ...)."""


def _collection(kind: str, namespace: str) -> str:
    try:
        return _PATHS[kind].format(ns=namespace)
    except KeyError:
        raise ValueError(f"kind {kind!r} is not managed by the operator") from None


def _wrap(exc: Exception) -> ApiError:
    if isinstance(exc, k8s_client.ApiException):
        status = int(exc.status or 0)
        reason = str(exc.reason or "")
        if status == 429 or status >= 500 or status == 0:
            return TransientApiError(status, reason)
        return RejectedError(status, reason)
    return TransientApiError(0, f"{type(exc).__name__}: {exc}")


class Kube:
    """A thin typed facade over one ``ApiClient``."""

    def __init__(self, api: k8s_client.ApiClient) -> None:
        self._api = api

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: list[tuple[str, str]] | None = None,
    ) -> Obj:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = MERGE_PATCH if method == "PATCH" else "application/json"
        try:
            result = await self._api.call_api(
                path,
                method,
                query_params=query or [],
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
                response_types_map={200: "object", 201: "object", 202: "object"},
                _return_http_data_only=True,
            )
        except (TimeoutError, k8s_client.ApiException, aiohttp.ClientError) as exc:
            raise _wrap(exc) from exc
        return dict(result) if isinstance(result, dict) else {}

    async def get(self, kind: str, namespace: str, name: str) -> Obj | None:
        """The object, or None when it does not exist."""
        try:
            return await self._call("GET", f"{_collection(kind, namespace)}/{name}")
        except RejectedError as exc:
            if exc.status == 404:
                return None
            raise

    async def list(self, kind: str, namespace: str, *, label_selector: str = "") -> list[Obj]:
        """Objects of a kind in a namespace, optionally selected by labels."""
        query = [("labelSelector", label_selector)] if label_selector else []
        found = await self._call("GET", _collection(kind, namespace), query=query)
        return list(found.get("items") or [])

    async def patch(self, obj_kind: str, namespace: str, name: str, body: Obj) -> Obj:
        """A JSON merge patch of the object."""
        path = f"{_collection(obj_kind, namespace)}/{name}"
        return await self._call("PATCH", path, body=body, query=[("fieldManager", FIELD_MANAGER)])

    async def patch_status(self, obj_kind: str, namespace: str, name: str, status: Obj) -> Obj:
        """A JSON merge patch of the status subresource."""
        path = f"{_collection(obj_kind, namespace)}/{name}/status"
        body = {"status": status}
        return await self._call("PATCH", path, body=body, query=[("fieldManager", FIELD_MANAGER)])

    async def apply(self, obj: Obj) -> tuple[Obj, bool]:
        """Create the object, or patch it to ``obj`` if it exists; returns (live, created)."""
        meta = obj["metadata"]
        collection = _collection(obj["kind"], meta["namespace"])
        try:
            created = await self._call(
                "POST", collection, body=obj, query=[("fieldManager", FIELD_MANAGER)]
            )
        except RejectedError as exc:
            if exc.status != 409:
                raise
        else:
            return created, True
        return await self.patch(obj["kind"], meta["namespace"], meta["name"], obj), False

    async def create_if_absent(self, obj: Obj) -> bool:
        """Create the object unless one of its name exists (that one is left untouched: its
        owner may be writing it); True when created."""
        meta = obj["metadata"]
        collection = _collection(obj["kind"], meta["namespace"])
        try:
            await self._call("POST", collection, body=obj, query=[("fieldManager", FIELD_MANAGER)])
        except RejectedError as exc:
            if exc.status != 409:
                raise
            return False
        return True

    async def delete(self, kind: str, namespace: str, name: str) -> bool:
        """Delete (background propagation); False when it was already gone."""
        path = f"{_collection(kind, namespace)}/{name}"
        try:
            await self._call("DELETE", path, query=[("propagationPolicy", "Background")])
        except RejectedError as exc:
            if exc.status == 404:
                return False
            raise
        return True
