"""Where the e2e harness looks for its binaries: the same cache ``prepare.sh`` fills.

Pure path logic, so these run in the unit tier too (no ``e2e`` mark, no control plane).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import binaries

_PINS = {"K8S_VERSION": "v1.35.4"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({"HOME": "/home/u"}, "/home/u/.cache/touchline/k8s-v1.35.4", id="home-cache"),
        pytest.param(
            {"HOME": "/home/u", "XDG_CACHE_HOME": "/xdg"},
            "/xdg/touchline/k8s-v1.35.4",
            id="xdg-cache-home-wins-over-home",
        ),
        pytest.param(
            {"HOME": "/home/u", "XDG_CACHE_HOME": "/xdg", "TOUCHLINE_K8S_CACHE": "/pinned"},
            "/pinned",
            id="explicit-cache-wins-over-all",
        ),
    ],
)
def test_cache_dir_matches_prepare_script_rules(env: dict[str, str], expected: str) -> None:
    assert binaries.cache_dir(env, _PINS) == Path(expected)


def test_versions_file_pins_the_kubernetes_minor_of_the_kubectl_layer() -> None:
    pins = binaries.versions()
    minor = pins["K8S_VERSION"].split(".")[1]
    assert pins["KUBECTL_LAYER_PACKAGE"].endswith(f"-v{minor}")


def test_versions_file_pins_the_go_module_versions() -> None:
    pins = binaries.versions()
    go_mod = (binaries.REPO_ROOT / "scripts" / "k8s" / "gomod" / "go.mod").read_text()
    assert f"k8s.io/kubernetes {pins['K8S_VERSION']}" in go_mod
    assert f"go.etcd.io/etcd/server/v3 {pins['ETCD_VERSION']}" in go_mod


def test_missing_binaries_fail_with_a_message_naming_make_k8s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOUCHLINE_K8S_CACHE", str(tmp_path))
    with pytest.raises(binaries.BinariesMissingError, match="Run `make k8s`"):
        binaries.bin_dir()
