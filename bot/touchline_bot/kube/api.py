"""One place that builds the Kubernetes API client: in a pod from its ServiceAccount, otherwise
from a kubeconfig file (tests, a laptop)."""

from __future__ import annotations

from pathlib import Path

from kubernetes_asyncio import client, config

GROUP = "touchline.dev"
VERSION = "v1alpha1"


async def connect(kubeconfig: Path | None = None) -> client.ApiClient:
    """An API client: from ``kubeconfig`` when given, else the in-cluster ServiceAccount."""
    if kubeconfig is not None:
        await config.load_kube_config(config_file=str(kubeconfig))
    else:
        config.load_incluster_config()  # type: ignore[no-untyped-call]
    return client.ApiClient()
