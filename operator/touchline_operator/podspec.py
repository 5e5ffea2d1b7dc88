"""Pure rendering of the bot's pod template: a restricted security context, probes on the bot's
health endpoints, the ConfigMap and the Kalshi key mounted read-only.

Nothing here may depend on the strategy parameters: whatever goes into the template restarts the
bot when it changes.
"""

from __future__ import annotations

from typing import Any

from touchline_operator import fleet as fleet_mod
from touchline_operator import models

CONFIG_DIR = "/etc/touchline"
KEY_DIR = "/var/run/secrets/touchline/kalshi"
RISK_TOKEN_DIR = "/var/run/secrets/touchline/risk"  # noqa: S105 - a mount path, not a secret
RISK_TOKEN_AUDIENCE = "touchline-risk"  # noqa: S105 - an audience name, not a secret
SCRATCH_DIR = "/run/touchline-scratch"
"""A small in-memory emptyDir: the root filesystem is read-only (TMPDIR points here)."""
RUN_AS_USER = 10001
TERMINATION_GRACE_SECS = 45
"""Time for the bot to cancel every resting order on SIGTERM, with margin."""

Obj = dict[str, Any]


def _security_context() -> tuple[Obj, Obj]:
    pod = {
        "runAsNonRoot": True,
        "runAsUser": RUN_AS_USER,
        "runAsGroup": RUN_AS_USER,
        "fsGroup": RUN_AS_USER,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    container = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    return pod, container


def _probes() -> Obj:
    def http(path: str, period_secs: int, failures: int) -> Obj:
        return {
            "httpGet": {"path": path, "port": "health"},
            "periodSeconds": period_secs,
            "timeoutSeconds": 2,
            "failureThreshold": failures,
        }

    return {
        "livenessProbe": http("/healthz", 10, 3),
        "readinessProbe": http("/readyz", 5, 2),
        "startupProbe": http("/healthz", 2, 30),
    }


def _env(spec: models.SoccerMarketSpec, fleet: fleet_mod.Fleet) -> list[Obj]:
    return [
        {"name": "TOUCHLINE_CONFIG_DIR", "value": CONFIG_DIR},
        {"name": "TOUCHLINE_RISK_URL", "value": fleet.risk_service_url},
        {"name": "TOUCHLINE_RISK_TOKEN_PATH", "value": f"{RISK_TOKEN_DIR}/token"},
        {"name": "TOUCHLINE_METRICS_PORT", "value": str(fleet.metrics_port)},
        {"name": "TOUCHLINE_HEALTH_PORT", "value": str(fleet.health_port)},
        {"name": "KALSHI_ENV", "value": spec.kalshi.env.value},
        {"name": "KALSHI_PRIVATE_KEY_PATH", "value": f"{KEY_DIR}/private-key.pem"},
        {
            "name": "KALSHI_KEY_ID",
            "valueFrom": {"secretKeyRef": {"name": spec.kalshi.key_secret_name, "key": "key-id"}},
        },
        {
            "name": "POD_NAMESPACE",
            "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}},
        },
        # The holder identity of the market's Lease.
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "PYTHONDONTWRITEBYTECODE", "value": "1"},
        {"name": "TMPDIR", "value": SCRATCH_DIR},
        *({"name": name, "value": value} for name, value in fleet.venues.env()),
    ]


def _volumes(config_map: str, spec: models.SoccerMarketSpec) -> list[Obj]:
    return [
        {"name": "config", "configMap": {"name": config_map}},
        {
            "name": "kalshi-key",
            # Optional as a volume so that a missing Secret fails the container's KALSHI_KEY_ID
            # reference instead: the kubelet then reports it in the container status
            # (CreateContainerConfigError, naming the Secret), which the operator turns into the
            # market's SecretMissing condition; a mount failure would only show as an Event.
            "secret": {
                "secretName": spec.kalshi.key_secret_name,
                "defaultMode": 0o440,
                "optional": True,
            },
        },
        {
            "name": "risk-token",
            "projected": {
                "sources": [
                    {
                        "serviceAccountToken": {
                            "audience": RISK_TOKEN_AUDIENCE,
                            "expirationSeconds": 3600,
                            "path": "token",
                        }
                    }
                ]
            },
        },
        {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "16Mi"}},
    ]


def _container(spec: models.SoccerMarketSpec, fleet: fleet_mod.Fleet, security: Obj) -> Obj:
    res = fleet.resources
    return {
        "name": "bot",
        "image": fleet.image,
        "imagePullPolicy": fleet.image_pull_policy,
        "args": ["bot", "--config-dir", CONFIG_DIR],
        "env": _env(spec, fleet),
        "ports": [
            {"name": "metrics", "containerPort": fleet.metrics_port, "protocol": "TCP"},
            {"name": "health", "containerPort": fleet.health_port, "protocol": "TCP"},
        ],
        "resources": {
            "requests": {"cpu": res.cpu_request, "memory": res.memory_request},
            "limits": {"cpu": res.cpu_limit, "memory": res.memory_limit},
        },
        "securityContext": security,
        "volumeMounts": [
            {"name": "config", "mountPath": CONFIG_DIR, "readOnly": True},
            {"name": "kalshi-key", "mountPath": KEY_DIR, "readOnly": True},
            {"name": "risk-token", "mountPath": RISK_TOKEN_DIR, "readOnly": True},
            {"name": "scratch", "mountPath": SCRATCH_DIR},
        ],
        **_probes(),
    }


def pod_template(
    *,
    labels: dict[str, str],
    service_account: str,
    config_map: str,
    spec: models.SoccerMarketSpec,
    fleet: fleet_mod.Fleet,
) -> Obj:
    """The Deployment's ``spec.template``."""
    pod_security, container_security = _security_context()
    return {
        "metadata": {
            "labels": dict(labels),
            "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "metrics"},
        },
        "spec": {
            "serviceAccountName": service_account,
            # The bot writes its own status and Lease with this token.
            "automountServiceAccountToken": True,
            "securityContext": pod_security,
            "terminationGracePeriodSeconds": TERMINATION_GRACE_SECS,
            "enableServiceLinks": False,
            "containers": [_container(spec, fleet, container_security)],
            "volumes": _volumes(config_map, spec),
        },
    }
