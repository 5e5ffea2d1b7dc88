"""The CRDs are structural, agree with the operator's models, and show the promised columns.

The CEL rules are evaluated by the real API server in ``tests/e2e/test_operator_crd.py``; here
the OpenAPI part is checked with ``jsonschema`` so that a typo fails in milliseconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # installed with kubernetes-validate
import pytest
import yaml

from tests.unit.operator import samples
from touchline_operator import params

ROOT = Path(__file__).resolve().parents[3]


def _crd(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "crds" / name).read_text())
    return loaded


def _version(name: str) -> dict[str, Any]:
    (version,) = _crd(name)["spec"]["versions"]
    result: dict[str, Any] = version
    return result


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = _version(name)["schema"]["openAPIV3Schema"]
    return schema


def test_soccermarket_names_and_scope() -> None:
    spec = _crd("soccermarket.yaml")["spec"]
    assert spec["scope"] == "Namespaced"
    assert spec["names"]["shortNames"] == ["sm"]
    assert spec["names"]["categories"] == ["touchline"]
    assert _version("soccermarket.yaml")["subresources"] == {"status": {}}


def test_soccermarket_printer_columns() -> None:
    columns = [c["name"] for c in _version("soccermarket.yaml")["additionalPrinterColumns"]]
    for wanted in ("State", "Phase", "Fair", "Bid", "Ask", "Position", "PnL", "Ready", "Age"):
        assert wanted in columns


def test_params_schema_matches_the_override_model_field_for_field() -> None:
    crd_params = _schema("soccermarket.yaml")["properties"]["spec"]["properties"]["params"]
    sections = crd_params["properties"]
    model_fields = params.Overrides.model_fields
    assert set(sections) == {f.alias for f in model_fields.values()}
    for field in model_fields.values():
        section_model = field.annotation
        assert isinstance(section_model, type)
        aliases = {f.alias for f in section_model.model_fields.values()}
        assert set(sections[field.alias]["properties"]) == aliases, field.alias


def test_conditions_are_a_list_map_keyed_by_type() -> None:
    conditions = _schema("soccermarket.yaml")["properties"]["status"]["properties"]["conditions"]
    assert conditions["x-kubernetes-list-type"] == "map"
    assert conditions["x-kubernetes-list-map-keys"] == ["type"]
    assert set(conditions["items"]["required"]) >= {"type", "status", "lastTransitionTime"}


def _validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(
        _schema(name), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def _object(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "touchline.dev/v1alpha1", "kind": "SoccerMarket",
            "metadata": {"name": "ars-tot"}, "spec": spec}  # fmt: skip


def test_valid_sample_passes_the_openapi_schema() -> None:
    _validator("soccermarket.yaml").validate(_object(samples.spec()))


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"kalshi__env": "staging"}, id="env-enum"),
        pytest.param({"kalshi__ticker": "lower-case"}, id="ticker-pattern"),
        pytest.param({"polymarket__tokenIds__home": "xyz"}, id="token-pattern"),
        pytest.param({"settlementEquivalence__rulesHash": "ABC"}, id="hash-pattern"),
        pytest.param({"mode": "yolo"}, id="mode-enum"),
        pytest.param({"league": None}, id="league-required"),
        pytest.param({"params": {"risk": {"maxDrawdownDollars": "ten"}}}, id="dollars-pattern"),
        pytest.param({"params": {"timing": {"warmupMs": 0}}}, id="duration-minimum"),
    ],
)
def test_structurally_invalid_spec_fails_the_openapi_schema(changes: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        _validator("soccermarket.yaml").validate(_object(samples.spec(**changes)))


def test_riskpolicy_is_namespaced_with_status_and_positive_limits() -> None:
    version = _version("riskpolicy.yaml")
    assert version["subresources"] == {"status": {}}
    spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    assert set(spec["required"]) == {"maxTotalNotionalDollars", "maxDrawdownDollars"}
    ok = {"apiVersion": "touchline.dev/v1alpha1", "kind": "RiskPolicy", "metadata": {},
          "spec": {"maxTotalNotionalDollars": "125", "maxDrawdownDollars": "50"}}  # fmt: skip
    _validator("riskpolicy.yaml").validate(ok)
