"""One place that builds the Kubernetes API client: in a pod from its ServiceAccount, otherwise
from a kubeconfig file (tests, a laptop).

Each client gets its own ``Configuration``: the library's global default is never touched, so
one process may hold clients with different identities (the risk service and a bot in a test).
Status patches must say what kind of patch they are: the generated client would send a dict
body as a JSON patch, which the API server rejects, so :data:`MERGE_PATCH` is passed explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kubernetes_asyncio import client, config

GROUP = "touchline.dev"
VERSION = "v1alpha1"
MERGE_PATCH = "application/merge-patch+json"
"""The content type of a JSON merge patch (RFC 7386): a dict body merged into the object."""


async def connect(kubeconfig: Path | None = None) -> client.ApiClient:
    """An API client: from ``kubeconfig`` when given, else the in-cluster ServiceAccount."""
    configuration = client.Configuration()
    if kubeconfig is not None:
        await config.load_kube_config(
            config_file=str(kubeconfig), client_configuration=configuration, persist_config=False
        )
    else:
        config.load_incluster_config(client_configuration=configuration)  # type: ignore[no-untyped-call]
    return client.ApiClient(configuration=configuration)


async def merge_patch_status(
    api_client: client.ApiClient,
    *,
    namespace: str,
    plural: str,
    name: str,
    status: dict[str, Any],
) -> None:
    """Merge ``status`` into a custom object's status subresource (our group and version)."""
    # The stubs omit ``_content_type``, which the generated client accepts.
    as_merge_patch: dict[str, Any] = {"_content_type": MERGE_PATCH}
    await client.CustomObjectsApi(api_client).patch_namespaced_custom_object_status(
        GROUP, VERSION, namespace, plural, name, {"status": status}, **as_merge_patch
    )
