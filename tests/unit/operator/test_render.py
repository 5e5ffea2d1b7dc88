"""Rendering is pure and gives children with the promised properties."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

from tests.unit.operator import samples
from touchline_operator import fleet, models, params, render

FLEET = fleet.Fleet(image="touchline:1.0")


def _market(**changes: Any) -> render.Market:
    return render.Market(
        name="ars-tot",
        namespace="markets",
        spec=models.parse_spec(samples.spec(**changes)),
        owner=render.Owner(name="ars-tot", uid="0b7c6a7e-1111-2222-3333-444455556666"),
    )


def _kind(objs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(o for o in objs if o["kind"] == kind)


def test_children_are_deterministic_and_owned() -> None:
    first = render.children(_market(), FLEET)
    assert first == render.children(_market(), FLEET)
    assert [o["kind"] for o in first] == [
        "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Deployment"
    ]  # fmt: skip
    for obj in first:
        assert obj["metadata"]["name"] == "tl-bot-ars-tot"
        assert obj["metadata"]["namespace"] == "markets"
        (ref,) = obj["metadata"]["ownerReferences"]
        assert ref["kind"] == "SoccerMarket"
        assert ref["controller"] is True


@pytest.mark.parametrize(
    "kind", ["ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Deployment"]
)
def test_children_validate_against_the_kubernetes_schema(kind: str) -> None:
    obj = _kind(render.children(_market(), FLEET), kind)
    kubernetes_validate.validate(obj, "1.33", strict=True)


def test_deployment_is_a_restricted_singleton_with_probes_and_read_only_key() -> None:
    dep = render.deployment(_market(), FLEET)
    assert dep["spec"]["replicas"] == 1
    assert dep["spec"]["strategy"] == {"type": "Recreate"}
    pod = dep["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    (container,) = pod["containers"]
    sec = container["securityContext"]
    assert sec["allowPrivilegeEscalation"] is False
    assert sec["readOnlyRootFilesystem"] is True
    assert sec["capabilities"] == {"drop": ["ALL"]}
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["resources"]["limits"]["memory"] == "256Mi"
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert mounts["kalshi-key"]["readOnly"] is True
    assert mounts["config"]["readOnly"] is True
    key_volume = next(v for v in pod["volumes"] if v["name"] == "kalshi-key")
    assert key_volume["secret"]["secretName"] == "touchline-kalshi"
    assert pod["serviceAccountName"] == "tl-bot-ars-tot"


def _bot_env(fleet_settings: fleet.Fleet) -> dict[str, str]:
    dep = render.deployment(_market(), fleet_settings)
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e.get("value", "") for e in container["env"]}


def test_the_fleets_venue_overrides_point_every_bot_at_them_and_only_when_set() -> None:
    plain = _bot_env(FLEET)
    assert not [name for name in plain if name.startswith(("TOUCHLINE_KALSHI", "TOUCHLINE_POLY"))]
    venues = fleet.Venues(
        kalshi_rest_url="http://10.0.0.60:8090/trade-api/v2",
        kalshi_ws_url="ws://10.0.0.60:8090/trade-api/ws/v2",
        poly_clob_url="http://10.0.0.61:8091",
    )
    env = _bot_env(fleet.Fleet(image="touchline:1.0", venues=venues))
    assert env["TOUCHLINE_KALSHI_REST_URL"] == "http://10.0.0.60:8090/trade-api/v2"
    assert env["TOUCHLINE_KALSHI_WS_URL"] == "ws://10.0.0.60:8090/trade-api/ws/v2"
    assert env["TOUCHLINE_POLY_CLOB_URL"] == "http://10.0.0.61:8091"
    assert "TOUCHLINE_POLY_WS_URL" not in env


def test_role_grants_only_the_bots_own_status_and_lease() -> None:
    rules = render.role(_market())["rules"]
    verbs = {v for rule in rules for v in rule["verbs"]}
    assert verbs <= {"get", "patch", "update", "create"}
    assert all("secrets" not in rule["resources"] for rule in rules)
    named = [rule for rule in rules if "resourceNames" in rule]
    assert {n for rule in named for n in rule["resourceNames"]} == {"ars-tot", "tl-market-ars-tot"}


@pytest.mark.parametrize(
    ("changes", "params_change", "template_change"),
    [
        pytest.param({"params": {"prematch": {"polyWeight": "0.6"}}}, True, False,
                     id="param-override-hot-reloads"),
        pytest.param({"params": {"risk": {"maxDrawdownDollars": "12"}}}, True, False,
                     id="limit-override-hot-reloads"),
        pytest.param({"kalshi__env": "prod"}, True, True, id="env-change-restarts"),
        pytest.param({}, False, False, id="no-change"),
    ],
)  # fmt: skip
def test_which_spec_changes_restart_the_bot(
    changes: dict[str, Any], params_change: bool, template_change: bool
) -> None:
    before, after = _market(), _market(**changes)
    assert (render.params_version(before, FLEET) != render.params_version(after, FLEET)) == (
        params_change
    )
    template_before = render.deployment(before, FLEET)["spec"]["template"]
    template_after = render.deployment(after, FLEET)["spec"]["template"]
    assert (template_before != template_after) == template_change


def test_fleet_image_change_restarts_but_fleet_defaults_do_not() -> None:
    market = _market()
    base = render.deployment(market, FLEET)
    new_image = render.deployment(market, FLEET.model_copy(update={"image": "touchline:1.1"}))
    new_defaults = fleet.parse({"fleet.yaml": "image: touchline:1.0\ndefaults:\n  risk:\n"
                                "    maxDrawdownDollars: '40'\n"})  # fmt: skip
    assert new_image["spec"]["template"] != base["spec"]["template"]
    assert render.deployment(market, new_defaults)["spec"]["template"] == base["spec"]["template"]
    assert render.params_version(market, new_defaults) != render.params_version(market, FLEET)


def test_config_map_carries_resolved_params_and_its_version_annotation() -> None:
    cm = render.config_map(_market(params={"risk": {"maxDrawdownDollars": "30"}}), FLEET)
    assert '"max_drawdown_dollars": "30"' in cm["data"]["params.json"]
    assert '"poly_weight": "0.70"' in cm["data"]["params.json"]
    assert cm["metadata"]["annotations"][render.PARAMS_VERSION] == cm["data"]["paramsVersion"]
    assert '"leaseName": "tl-market-ars-tot"' in cm["data"]["market.json"]


def test_scaled_down_deployment_keeps_its_template() -> None:
    up = render.deployment(_market(), FLEET)
    down = render.deployment(_market(), FLEET, replicas=0)
    assert down["spec"]["replicas"] == 0
    assert down["spec"]["template"] == up["spec"]["template"]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"paused": True}, id="pause"),
        pytest.param({"mode": "flatten"}, id="flatten"),
    ],
)
def test_mode_changes_reach_the_config_map_without_a_restart(changes: dict[str, Any]) -> None:
    before, after = _market(), _market(**changes)
    assert (
        render.config_map(before, FLEET)["data"]["market.json"]
        != (render.config_map(after, FLEET)["data"]["market.json"])
    )
    assert render.deployment(before, FLEET) == render.deployment(after, FLEET)


def test_invalid_layer_combination_is_an_invalid_spec() -> None:
    fleet_min = fleet.Fleet(defaults=params.Overrides.model_validate(
        {"quoting": {"minPriceDollars": "0.5"}}))  # fmt: skip
    market = _market(params={"quoting": {"maxPriceDollars": "0.4"}})
    with pytest.raises(models.InvalidSpecError, match="min_price_dollars"):
        render.config_map(market, fleet_min)
