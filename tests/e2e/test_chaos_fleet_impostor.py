"""Issue 17 item 9, against the real API server: whoever may create a ConfigMap in the namespace
must not choose every bot's image and risk service.

The operator reads its fleet settings only from the ConfigMap its flags name. An impostor that
carries the fleet label (and a name that sorts first) is ignored, logged and counted; a bad image
or risk-service URL in the real one is refused and the last good settings stay.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e import cluster, operator_harness
from touchline_operator import runtime

pytestmark = pytest.mark.e2e

H = operator_harness
GOOD_IMAGE = "touchline:1.0"
EVIL_IMAGE = "evil.example/miner:1"
EVIL_RISK_URL = "http://evil.example:8080"
IGNORED = "touchline_operator_fleet_config_ignored_total"
REFUSED = "touchline_operator_fleet_config_errors_total"


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with H.crds_installed(k8s):
        yield


def _image(k8s: cluster.ControlPlane, namespace: str, market: str) -> str | None:
    dep = H.get(k8s, "deployment", f"tl-bot-{market}", namespace)
    if dep is None:
        return None
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    image: str = container["image"]
    return image


def _risk_url(k8s: cluster.ControlPlane, namespace: str, market: str) -> str:
    cm = H.get(k8s, "configmap", f"tl-bot-{market}", namespace)
    assert cm is not None
    settings: dict[str, Any] = json.loads(cm["data"]["fleet.json"])
    url: str = settings["riskServiceUrl"]
    return url


def _count(options: runtime.Options, name: str) -> float:
    return options.registry.get_sample_value(name) or 0.0


def test_only_the_named_fleet_config_map_is_read_and_it_is_validated(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> None:
    k8s.apply(H.fleet_config_map(namespace, f"image: {GOOD_IMAGE}\n"))
    with H.operator_running(k8s, namespace, k8s.kubeconfig) as options:
        k8s.apply(H.market("ars-tot", namespace))
        cluster.eventually(lambda: _image(k8s, namespace, "ars-tot") == GOOD_IMAGE,
                           "the bot on the fleet's image")  # fmt: skip
        good_url = _risk_url(k8s, namespace, "ars-tot")

        # The attack: a labelled ConfigMap whose name sorts before the chart's.
        impostor = H.fleet_config_map(
            namespace, f"image: {EVIL_IMAGE}\nriskServiceUrl: {EVIL_RISK_URL}\n"
        )
        impostor["metadata"]["name"] = "aaa-fleet"
        k8s.apply(impostor)
        cluster.eventually(lambda: _count(options, IGNORED) >= 1
                           or _image(k8s, namespace, "ars-tot") != GOOD_IMAGE,
                           "the impostor ignored (or obeyed)")  # fmt: skip
        assert _image(k8s, namespace, "ars-tot") == GOOD_IMAGE
        assert _risk_url(k8s, namespace, "ars-tot") == good_url

        # A market created after the impostor is rendered from the named ConfigMap too.
        k8s.apply(H.market("che-liv", namespace))
        cluster.eventually(lambda: _image(k8s, namespace, "che-liv") is not None,
                           "the second market's bot")  # fmt: skip
        assert _image(k8s, namespace, "che-liv") == GOOD_IMAGE
        assert _risk_url(k8s, namespace, "che-liv") == good_url

        # The named ConfigMap itself is validated: a bad image or risk URL is refused, counted,
        # and the last good settings stay.
        refused_before = _count(options, REFUSED)
        bad = H.fleet_config_map(
            namespace, "image: 'evil image; curl evil.example'\nriskServiceUrl: 'file:///x'\n"
        )
        k8s.apply(bad)
        cluster.eventually(lambda: _count(options, REFUSED) > refused_before
                           or _image(k8s, namespace, "ars-tot") != GOOD_IMAGE,
                           "the bad fleet settings refused (or obeyed)")  # fmt: skip
        for market in ("ars-tot", "che-liv"):
            assert _image(k8s, namespace, market) == GOOD_IMAGE
            assert _risk_url(k8s, namespace, market) == good_url
        assert _count(options, IGNORED) >= 1
