"""Where the end-to-end control plane's binaries live and which versions they are.

``scripts/k8s/prepare.sh`` builds or fetches them into a cache outside the repository; this
module computes the same location from ``scripts/k8s/versions.env`` (or ``TOUCHLINE_K8S_CACHE``)
and fails with a message naming ``make k8s`` when something is missing, so that a missing
binary is a red test run, never a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VERSIONS_FILE = REPO_ROOT / "scripts" / "k8s" / "versions.env"
NAMES = ("etcd", "kube-apiserver", "kube-controller-manager", "kubectl", "helm")


class BinariesMissingError(RuntimeError):
    """The control-plane binaries have not been prepared on this machine."""


def versions(path: Path = VERSIONS_FILE) -> dict[str, str]:
    """The ``KEY=VALUE`` pins of ``versions.env`` (comments and blank lines ignored)."""
    pins = {}
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            raise ValueError(f"{path.name}: not KEY=VALUE: {stripped!r}")
        pins[key.strip()] = value.strip()
    return pins


def cache_dir(env: Mapping[str, str], pins: Mapping[str, str]) -> Path:
    """The cache directory ``prepare.sh`` uses for ``pins`` under environment ``env``."""
    explicit = env.get("TOUCHLINE_K8S_CACHE")
    if explicit:
        return Path(explicit)
    xdg = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".cache")
    return Path(xdg) / "touchline" / f"k8s-{pins['K8S_VERSION']}"


def bin_dir() -> Path:
    """The prepared ``bin/`` directory; raises ``BinariesMissingError`` if incomplete."""
    directory = cache_dir(os.environ, versions()) / "bin"
    missing = [name for name in NAMES if not os.access(directory / name, os.X_OK)]
    if missing:
        raise BinariesMissingError(
            f"control-plane binaries missing from {directory}: {', '.join(missing)}. "
            "Run `make k8s` (scripts/k8s/prepare.sh) to build and fetch them."
        )
    return directory
