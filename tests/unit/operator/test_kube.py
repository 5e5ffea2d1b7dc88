"""The API layer against a fake API server on loopback: 409 on create becomes a merge patch,
404 is None, throttling and server errors are transient, refusals are typed."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes_asyncio import client as k8s_client

from tests.unit.operator.fake_api import FakeApi
from touchline_operator import kube

CM_PATH = "/api/v1/namespaces/ns/configmaps"


def _cm(data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "ns"}, "data": {"k": data}}  # fmt: skip


async def test_apply_creates_then_a_conflict_becomes_a_merge_patch(
    fake: tuple[FakeApi, kube.Kube],
) -> None:
    api, k = fake
    _, created = await k.apply(_cm("1"))
    live, created_again = await k.apply(_cm("2"))
    assert (created, created_again) == (True, False)
    assert live["data"] == {"k": "2"}
    assert [(m, ct) for m, _, ct in api.calls] == [
        ("POST", "application/json"),
        ("POST", "application/json"),
        ("PATCH", "application/merge-patch+json"),
    ]


async def test_get_of_a_missing_object_is_none_and_delete_says_so(
    fake: tuple[FakeApi, kube.Kube],
) -> None:
    _, k = fake
    assert await k.get("ConfigMap", "ns", "c") is None
    assert await k.delete("ConfigMap", "ns", "c") is False


@pytest.mark.parametrize(
    ("status", "error"),
    [
        pytest.param(429, kube.TransientApiError, id="throttled-is-transient"),
        pytest.param(503, kube.TransientApiError, id="server-error-is-transient"),
        pytest.param(403, kube.RejectedError, id="forbidden-is-rejected"),
        pytest.param(422, kube.RejectedError, id="invalid-is-rejected"),
    ],
)
async def test_errors_are_typed(
    fake: tuple[FakeApi, kube.Kube], status: int, error: type[kube.ApiError]
) -> None:
    api, k = fake
    api.forced[("POST", CM_PATH)] = status
    with pytest.raises(error) as caught:
        await k.apply(_cm("1"))
    assert caught.value.status == status


async def test_no_server_is_transient() -> None:
    client = k8s_client.ApiClient(k8s_client.Configuration(host="http://127.0.0.1:9"))
    try:
        with pytest.raises(kube.TransientApiError):
            await kube.Kube(client).get("ConfigMap", "ns", "c")
    finally:
        await client.close()


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not managed"):
        kube._collection("Secret", "ns")
