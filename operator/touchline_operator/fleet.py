"""The fleet-wide settings every bot shares: image, default parameters, resources, rollout and
lifecycle knobs. They live in one ConfigMap (key ``fleet.yaml``) that a person edits; a change
rolls out in batches (see ``rollout``).
"""

from __future__ import annotations

from typing import Any

import pydantic
import yaml
from pydantic import alias_generators

from touchline_operator import params

FLEET_KEY = "fleet.yaml"
FLEET_LABEL = "touchline.dev/fleet"


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=alias_generators.to_camel,
        populate_by_name=True,
    )


class Resources(_Model):
    """Requests and limits of one bot container."""

    cpu_request: str = "50m"
    memory_request: str = "128Mi"
    cpu_limit: str = "500m"
    memory_limit: str = "256Mi"


class Rollout(_Model):
    """How fleet-wide changes proceed."""

    batch_size: int = pydantic.Field(default=5, ge=1, le=500)
    batch_timeout_secs: int = pydantic.Field(default=300, ge=1, le=3600)
    """A batch not healthy within this long is a failed batch: the rollout stops."""
    force_in_play: bool = False
    """Restart bots whose match is in play too (otherwise they are deferred)."""


class Lifecycle(_Model):
    """What happens around the end of a market."""

    cleanup_after_done_secs: int = pydantic.Field(default=3600, ge=0, le=7 * 86_400)
    """After the bot reports DONE: scale to zero at once, delete the children after this."""
    delete_wait_secs: int = pydantic.Field(default=120, ge=1, le=3600)
    """How long deleting a market waits for the bot to confirm its orders are cancelled."""


class Venues(_Model):
    """Where the bots find the venues, overriding what the key's Kalshi env picks: the in-cluster
    simulators (chart ``simulators.enabled``) or a proxy. Empty means the real venues."""

    kalshi_rest_url: str = ""
    kalshi_ws_url: str = ""
    poly_clob_url: str = ""
    poly_ws_url: str = ""

    def env(self) -> list[tuple[str, str]]:
        """The bot's environment variables for the overrides that are set."""
        pairs = (
            ("TOUCHLINE_KALSHI_REST_URL", self.kalshi_rest_url),
            ("TOUCHLINE_KALSHI_WS_URL", self.kalshi_ws_url),
            ("TOUCHLINE_POLY_CLOB_URL", self.poly_clob_url),
            ("TOUCHLINE_POLY_WS_URL", self.poly_ws_url),
        )
        return [(name, value) for name, value in pairs if value]


class Fleet(_Model):
    """Everything the operator renders that is not in a ``SoccerMarket``."""

    image: str = "touchline:latest"
    image_pull_policy: str = pydantic.Field(default="IfNotPresent")
    defaults: params.Overrides = params.Overrides()
    """The fleet's parameter defaults, layered over the seed's and under each market's."""
    resources: Resources = Resources()
    rollout: Rollout = Rollout()
    lifecycle: Lifecycle = Lifecycle()
    risk_service_url: str = "http://touchline-risk:8080"
    venues: Venues = Venues()
    metrics_port: int = pydantic.Field(default=9100, ge=1024, le=65535)
    health_port: int = pydantic.Field(default=8081, ge=1024, le=65535)

    def rollout_fingerprint(self) -> str:
        """Version of what a rollout carries to every bot: everything rendered into the
        children (image, defaults, resources, endpoints), not the rollout and lifecycle knobs."""
        rendered = self.model_dump(mode="json", by_alias=True, exclude={"rollout", "lifecycle"})
        return params.checksum(rendered)


def parse(data: dict[str, str] | None) -> Fleet:
    """The fleet settings from a ConfigMap's ``data``; missing means all defaults."""
    text = (data or {}).get(FLEET_KEY, "")
    loaded: Any = yaml.safe_load(text) if text else {}
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise TypeError(f"{FLEET_KEY} must be a mapping")
    return Fleet.model_validate(loaded)
