"""A CustomResourceDefinition on the real API server: schema, CEL, watch, status, finalizers."""

from __future__ import annotations

import json

import pytest

from tests.e2e import cluster

pytestmark = pytest.mark.e2e

_GROUP = "smoke.touchline.test"

_LIMITS_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": f"limits.{_GROUP}"},
    "spec": {
        "group": _GROUP,
        "scope": "Namespaced",
        "names": {"plural": "limits", "singular": "limit", "kind": "Limit"},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "subresources": {"status": {}},
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["minPriceBps", "maxPriceBps"],
                                "properties": {
                                    "minPriceBps": {"type": "integer", "minimum": 0},
                                    "maxPriceBps": {"type": "integer", "maximum": 10000},
                                },
                                "x-kubernetes-validations": [
                                    {
                                        "rule": "self.minPriceBps <= self.maxPriceBps",
                                        "message": "minPriceBps must not exceed maxPriceBps",
                                    }
                                ],
                            },
                            "status": {
                                "type": "object",
                                "x-kubernetes-preserve-unknown-fields": True,
                            },
                        },
                    }
                },
            }
        ],
    },
}


def _limit(name: str, namespace: str, spec: dict[str, object]) -> dict[str, object]:
    return {
        "apiVersion": f"{_GROUP}/v1",
        "kind": "Limit",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


@pytest.fixture(scope="module")
def limits_crd(k8s: cluster.ControlPlane) -> str:
    k8s.apply(_LIMITS_CRD)
    k8s.kubectl("wait", "--for=condition=Established", f"crd/limits.{_GROUP}", "--timeout=60s")
    return f"limits.{_GROUP}"


@pytest.mark.parametrize(
    ("spec", "server_message"),
    [
        pytest.param({"minPriceBps": 100, "maxPriceBps": 9900}, None, id="valid-limit-accepted"),
        pytest.param(
            {"minPriceBps": 6000, "maxPriceBps": 4000},
            "minPriceBps must not exceed maxPriceBps",
            id="cel-rule-min-above-max-rejected",
        ),
        pytest.param(
            {"minPriceBps": "low", "maxPriceBps": 4000},
            "must be of type integer",
            id="schema-type-string-for-integer-rejected",
        ),
        pytest.param(
            {"minPriceBps": 100, "maxPriceBps": 20000},
            "should be less than or equal to 10000",
            id="schema-maximum-exceeded-rejected",
        ),
        pytest.param(
            {"maxPriceBps": 4000}, "Required value", id="schema-required-field-missing-rejected"
        ),
    ],
)
def test_custom_object_is_validated_by_the_server_schema_and_cel_rules(
    k8s: cluster.ControlPlane,
    limits_crd: str,
    namespace: str,
    spec: dict[str, object],
    server_message: str | None,
) -> None:
    result = k8s.kubectl(
        "apply", "-f", "-", stdin=json.dumps(_limit("l1", namespace, spec)), check=False
    )
    if server_message is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert server_message in result.stderr


def test_custom_object_create_and_delete_are_seen_by_a_watch(
    k8s: cluster.ControlPlane, limits_crd: str, namespace: str
) -> None:
    path = f"/apis/{_GROUP}/v1/namespaces/{namespace}/limits"
    with k8s.http() as client:
        listed = client.get(path).raise_for_status().json()
        params = {
            "watch": "true",
            "resourceVersion": listed["metadata"]["resourceVersion"],
            "timeoutSeconds": "60",
        }
        with client.stream("GET", path, params=params) as stream:
            k8s.apply(_limit("watched", namespace, {"minPriceBps": 1, "maxPriceBps": 2}))
            k8s.kubectl("delete", "limit", "watched", "-n", namespace)
            seen = []
            for line in stream.iter_lines():
                event = json.loads(line)
                seen.append((event["type"], event["object"]["metadata"]["name"]))
                if event["type"] == "DELETED":
                    break
    assert seen == [("ADDED", "watched"), ("DELETED", "watched")]


def test_status_subresource_ignores_status_in_a_main_resource_update(
    k8s: cluster.ControlPlane, limits_crd: str, namespace: str
) -> None:
    k8s.apply(_limit("st", namespace, {"minPriceBps": 1, "maxPriceBps": 2}))
    k8s.kubectl(
        "patch",
        "limit",
        "st",
        "-n",
        namespace,
        "--type=merge",
        "-p",
        '{"status": {"phase": "main"}}',
    )
    patch = '{"status": {"phase": "sub"}}'
    k8s.kubectl(
        "patch", "limit", "st", "-n", namespace, "--subresource=status", "--type=merge", "-p", patch
    )
    got = json.loads(k8s.kubectl("get", "limit", "st", "-n", namespace, "-o", "json").stdout)
    assert got["status"] == {"phase": "sub"}


def test_finalizer_holds_deletion_until_it_is_removed(
    k8s: cluster.ControlPlane, limits_crd: str, namespace: str
) -> None:
    held = _limit("held", namespace, {"minPriceBps": 1, "maxPriceBps": 2})
    held["metadata"] = {"name": "held", "namespace": namespace, "finalizers": [f"{_GROUP}/hold"]}
    k8s.apply(held)
    k8s.kubectl("delete", "limit", "held", "-n", namespace, "--wait=false")
    got = json.loads(k8s.kubectl("get", "limit", "held", "-n", namespace, "-o", "json").stdout)
    assert "deletionTimestamp" in got["metadata"]
    k8s.kubectl(
        "patch",
        "limit",
        "held",
        "-n",
        namespace,
        "--type=merge",
        "-p",
        '{"metadata": {"finalizers": null}}',
    )
    cluster.eventually(lambda: "held" not in k8s.names("limits", namespace), "deletion of held")
