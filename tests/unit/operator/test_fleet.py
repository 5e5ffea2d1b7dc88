"""Fleet settings: parsed from the ConfigMap, defaults when absent, garbled input refused."""

from __future__ import annotations

import pytest

from touchline_operator import fleet, rollout_runner


def test_missing_config_map_data_gives_defaults() -> None:
    assert fleet.parse(None) == fleet.Fleet()
    assert fleet.parse({"fleet.yaml": ""}) == fleet.Fleet()


def test_chart_shaped_settings_parse() -> None:
    text = ("image: touchline:2.0\nimagePullPolicy: Always\ndefaults: {}\n"
            "resources: {cpuRequest: 50m, memoryRequest: 128Mi, cpuLimit: 500m,"
            " memoryLimit: 256Mi}\n"
            "rollout: {batchSize: 5, batchTimeoutSecs: 300, forceInPlay: false}\n"
            "lifecycle: {cleanupAfterDoneSecs: 3600, deleteWaitSecs: 120}\n"
            "riskServiceUrl: http://t-risk:8080\n")  # fmt: skip
    parsed = fleet.parse({"fleet.yaml": text})
    assert parsed.image == "touchline:2.0"
    assert parsed.rollout.batch_size == 5


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("- a list\n", TypeError, id="not-a-mapping"),
        pytest.param("imagee: typo\n", ValueError, id="unknown-key"),
        pytest.param("rollout: {batchSize: 0}\n", ValueError, id="zero-batch"),
        pytest.param("defaults: {risk: {maxDrawdownDollars: '-5'}}\n", ValueError,
                     id="negative-default-limit"),
    ],
)  # fmt: skip
def test_garbled_settings_are_refused(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        fleet.parse({"fleet.yaml": text})


def test_fingerprint_follows_image_and_defaults_only() -> None:
    base = fleet.Fleet()
    assert (
        base.rollout_fingerprint()
        == fleet.Fleet(rollout=fleet.Rollout(batch_size=9)).rollout_fingerprint()
    )
    assert base.rollout_fingerprint() != fleet.Fleet(image="x:2").rollout_fingerprint()


@pytest.mark.parametrize(
    ("annotation", "stopped"),
    [
        pytest.param(None, False, id="no-record"),
        pytest.param("not json", False, id="garbled-record"),
        pytest.param('{"revision": "REV", "state": "Failed"}', True, id="this-revision-failed"),
        pytest.param('{"revision": "REV", "state": "Succeeded"}', False, id="this-revision-done"),
        pytest.param('{"revision": "other", "state": "Failed"}', False, id="older-revision-failed"),
    ],
)
def test_a_failed_revision_stays_stopped(annotation: str | None, stopped: bool) -> None:
    new = fleet.Fleet()
    text = annotation.replace("REV", new.rollout_fingerprint()) if annotation else None
    meta = {"annotations": {rollout_runner.ROLLOUT_ANNOTATION: text}} if text else {}
    assert rollout_runner.already_stopped({"metadata": meta}, new) is stopped


@pytest.mark.parametrize(
    "image",
    ["touchline:2.0", "ghcr.io/acme/touchline:v1.2.3", "localhost:5000/touchline",
     "registry.example/team/touchline@sha256:" + "a" * 64, "touchline"],
)  # fmt: skip
def test_image_references_are_accepted(image: str) -> None:
    assert fleet.parse({"fleet.yaml": f"image: '{image}'\n"}).image == image


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("image: 'evil; rm -rf /'\n", id="image-with-spaces"),
        pytest.param("image: 'Touchline:1'\n", id="image-uppercase-repository"),
        pytest.param("image: ''\n", id="image-empty"),
        pytest.param(f"image: 'a:{'x' * 300}'\n", id="image-too-long"),
        pytest.param("imagePullPolicy: Sometimes\n", id="pull-policy"),
        pytest.param("riskServiceUrl: 'file:///etc/passwd'\n", id="risk-url-file"),
        pytest.param("riskServiceUrl: 'http://'\n", id="risk-url-no-host"),
        pytest.param("riskServiceUrl: 'http://u:p@evil:8080'\n", id="risk-url-credentials"),
        pytest.param("riskServiceUrl: 'http://evil:8080/?x=1'\n", id="risk-url-query"),
        pytest.param("riskServiceUrl: 'http://evil:99999'\n", id="risk-url-port"),
        pytest.param("venues: {kalshiRestUrl: 'ws://sim:8080'}\n", id="rest-url-ws"),
        pytest.param("venues: {polyWsUrl: 'http://sim:8080'}\n", id="ws-url-http"),
    ],
)
def test_fleet_image_and_urls_are_validated(text: str) -> None:
    with pytest.raises(ValueError, match=r"image|Url|url|imagePullPolicy|port"):
        fleet.parse({"fleet.yaml": text})
