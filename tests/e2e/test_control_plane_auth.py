"""ServiceAccount tokens against the real API server: RBAC decisions and TokenReview."""

from __future__ import annotations

import json

import pytest

from tests.e2e import cluster

pytestmark = pytest.mark.e2e


def test_service_account_token_is_forbidden_until_a_role_binds_it(
    k8s: cluster.ControlPlane, namespace: str
) -> None:
    token = k8s.mint_token(namespace, "reader")
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    with k8s.http(token) as client:
        assert client.get(path).status_code == 403
        k8s.kubectl(
            "create", "role", "read-cm", "--verb=get,list", "--resource=configmaps", "-n", namespace
        )
        k8s.kubectl(
            "create",
            "rolebinding",
            "reader",
            "--role=read-cm",
            f"--serviceaccount={namespace}:reader",
            "-n",
            namespace,
        )
        cluster.eventually(lambda: client.get(path).status_code == 200, "RBAC grant to reader")
        assert client.get(f"/api/v1/namespaces/{namespace}/secrets").status_code == 403


def test_token_review_authenticates_a_minted_token_and_kubectl_uses_it(
    k8s: cluster.ControlPlane, namespace: str
) -> None:
    token = k8s.mint_token(namespace, "bot", audiences=["touchline-risk"])
    review = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "spec": {"token": token, "audiences": ["touchline-risk"]},
    }
    with k8s.http() as client:
        status = (
            client.post("/apis/authentication.k8s.io/v1/tokenreviews", json=review)
            .raise_for_status()
            .json()["status"]
        )
    assert status["authenticated"] is True
    assert status["user"]["username"] == f"system:serviceaccount:{namespace}:bot"
    as_bot = k8s.mint_token(namespace, "bot")
    whoami = k8s.kubectl(
        "auth", "whoami", "-o", "json", kubeconfig=k8s.kubeconfig_for_token(as_bot)
    )
    assert (
        json.loads(whoami.stdout)["status"]["userInfo"]["username"]
        == f"system:serviceaccount:{namespace}:bot"
    )
