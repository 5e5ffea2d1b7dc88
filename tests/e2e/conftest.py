"""Fixtures of the end-to-end tier: one real control plane per test session.

``k8s`` (alias ``control_plane``) is a session-scoped ``cluster.ControlPlane``; ``namespace``
is a fresh namespace per test, deleted afterwards. Test modules here mark themselves ``e2e``
(``pytestmark``). Missing binaries fail the tests with a message to run ``make k8s``, never
skip them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.e2e import binaries, cluster


@pytest.fixture(scope="session")
def k8s(tmp_path_factory: pytest.TempPathFactory) -> Iterator[cluster.ControlPlane]:
    """The running control plane: ``.kubectl``, ``.helm``, ``.mint_token``, ``.http`` ..."""
    try:
        binaries.bin_dir()
    except binaries.BinariesMissingError as err:
        pytest.fail(str(err), pytrace=False)
    with cluster.running(tmp_path_factory.mktemp("k8s")) as plane:
        yield plane


@pytest.fixture(scope="session")
def control_plane(k8s: cluster.ControlPlane) -> cluster.ControlPlane:
    """Another name for ``k8s``."""
    return k8s


@pytest.fixture
def namespace(k8s: cluster.ControlPlane) -> Iterator[str]:
    """A new namespace for one test; deleted (without waiting) when the test ends."""
    name = f"e2e-{uuid.uuid4().hex[:10]}"
    k8s.kubectl("create", "namespace", name)
    yield name
    k8s.kubectl("delete", "namespace", name, "--wait=false", check=False)
