"""Fixtures of the node tier: one real node (and its own control plane) per test session.

``node`` is a session-scoped ``node.Node`` inside namespaces the harness makes and removes;
``node_namespace`` is a fresh namespace per test enforcing the ``restricted`` Pod Security
Standard, deleted afterwards. Missing binaries or a missing image fail the tests with the make
target to run, never skip them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.e2e import binaries, cluster
from tests.node import node as node_harness


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[node_harness.Node]:
    """The running node: ``.plane`` (kubectl, helm), ``.spaces`` (run, call), ``.image``."""
    try:
        binaries.bin_dir()
        node_harness.node_bin_dir()
        node_harness.image_env()
    except (binaries.BinariesMissingError, node_harness.NodeMissingError) as err:
        pytest.fail(str(err), pytrace=False)
    with node_harness.running(tmp_path_factory.mktemp("node")) as running:
        yield running


@pytest.fixture
def node_namespace(node: node_harness.Node) -> Iterator[str]:
    """A namespace that enforces the ``restricted`` Pod Security Standard; deleted after."""
    name = f"node-{uuid.uuid4().hex[:10]}"
    node.plane.kubectl("create", "namespace", name)
    node.plane.kubectl("label", "namespace", name, "pod-security.kubernetes.io/enforce=restricted")
    # Pods are refused until the ServiceAccount controller has made the namespace's default.
    cluster.eventually(
        lambda: node.plane.kubectl("get", "sa", "default", "-n", name, check=False).returncode == 0,
        f"the default ServiceAccount of {name}",
    )
    yield name
    node.plane.kubectl("delete", "namespace", name, "--wait=false", check=False)
