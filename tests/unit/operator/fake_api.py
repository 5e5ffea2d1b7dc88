"""A fake Kubernetes API server on loopback (aiohttp), for the operator's API-layer tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from kubernetes_asyncio import client as k8s_client

from touchline_operator import kube

COLLECTIONS = frozenset(
    {"serviceaccounts", "configmaps", "pods", "roles", "rolebindings", "deployments", "leases",
     "soccermarkets"}
)  # fmt: skip


@dataclass
class FakeApi:
    """Remembers objects by path; answers with a status forced per (method, path) if set."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    forced: dict[tuple[str, str], int] = field(default_factory=dict)
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:  # noqa: PLR0911 - one per verb
        body = await request.text()
        self.calls.append((request.method, request.path, request.headers.get("Content-Type", "")))
        status = self.forced.get((request.method, request.path))
        if status:
            return web.json_response({"kind": "Status", "code": status}, status=status)
        if request.method == "POST":
            obj = json.loads(body)
            path = f"{request.path}/{obj['metadata']['name']}"
            if path in self.objects:
                return web.json_response({"kind": "Status", "code": 409}, status=409)
            self.objects[path] = obj
            return web.json_response(obj, status=201)
        path = request.path.removesuffix("/status")
        if request.method == "GET" and path not in self.objects:
            prefix = f"{path}/"
            items = [o for p, o in self.objects.items() if p.startswith(prefix)]
            if items or path.rsplit("/", 1)[-1] in COLLECTIONS:
                return web.json_response({"items": items})
        if path not in self.objects:
            return web.json_response({"kind": "Status", "code": 404}, status=404)
        if request.method == "PATCH":
            self.objects[path] = _merge(self.objects[path], json.loads(body))
        if request.method == "DELETE":
            return web.json_response(self.objects.pop(path))
        return web.json_response(self.objects[path])


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """JSON merge patch (RFC 7386) of plain objects."""
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeApi, kube.Kube]]:
    api = FakeApi()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", api.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    client = k8s_client.ApiClient(k8s_client.Configuration(host=f"http://127.0.0.1:{port}"))
    try:
        yield api, kube.Kube(client)
    finally:
        await client.close()
        await runner.cleanup()
