"""The fleet-wide settings every bot shares: image, default parameters, resources, rollout and
lifecycle knobs. They live in one ConfigMap (key ``fleet.yaml``) that a person edits; a change
rolls out in batches (see ``rollout``).

Which ConfigMap is named by the operator's own flag (``--fleet-configmap``, set by the chart),
never found by its label: whoever may create a ConfigMap in the namespace must not choose every
bot's image and risk service. The label only lets the operator notice (and count) impostors.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib import parse as urlparse

import pydantic
import yaml
from pydantic import alias_generators

from touchline_operator import params

FLEET_KEY = "fleet.yaml"
FLEET_LABEL = "touchline.dev/fleet"
DEFAULT_CONFIGMAP = "touchline-fleet"
"""The fleet ConfigMap's name when ``--fleet-configmap`` is not given (the chart always gives
it: ``<release fullname>-fleet``)."""
IMAGE_MAX_CHARS = 255
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE_REFERENCE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"(?::[0-9]{1,5})?/)?"  # an optional registry host[:port]/
    rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"  # the repository path
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"  # an optional tag
    r"(?:@sha256:[a-f0-9]{64})?"  # an optional digest
)
"""The shape of a container image reference (the distribution project's grammar, simplified)."""
HTTP_SCHEMES = frozenset({"http", "https"})
WS_SCHEMES = frozenset({"ws", "wss"})


def check_image(value: str) -> str:
    """An image reference, or ``ValueError`` saying why not."""
    if len(value) > IMAGE_MAX_CHARS or not _IMAGE_REFERENCE.fullmatch(value):
        raise ValueError(f"image is not an image reference: {value[:80]!r}")
    return value


def check_url(value: str, schemes: frozenset[str], *, what: str) -> str:
    """A URL with one of ``schemes`` and a host, without credentials, query or fragment."""
    parts = urlparse.urlsplit(value)
    if parts.scheme not in schemes:
        raise ValueError(f"{what} must be {' or '.join(sorted(schemes))}: {value[:80]!r}")
    if not parts.hostname or any(c.isspace() for c in value):
        raise ValueError(f"{what} has no host: {value[:80]!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{what} must not carry credentials")
    if parts.query or parts.fragment:
        raise ValueError(f"{what} must not carry a query or fragment: {value[:80]!r}")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ValueError(f"{what} has a bad port: {value[:80]!r}") from exc
    return value


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

    @pydantic.field_validator("kalshi_rest_url", "poly_clob_url")
    @classmethod
    def _http_url(cls, value: str, info: pydantic.ValidationInfo) -> str:
        return check_url(value, HTTP_SCHEMES, what=str(info.field_name)) if value else value

    @pydantic.field_validator("kalshi_ws_url", "poly_ws_url")
    @classmethod
    def _ws_url(cls, value: str, info: pydantic.ValidationInfo) -> str:
        return check_url(value, WS_SCHEMES, what=str(info.field_name)) if value else value

    def env(self) -> list[tuple[str, str]]:
        """The bot's environment variables for the overrides that are set."""
        pairs = (
            ("TOUCHLINE_KALSHI_REST_URL", self.kalshi_rest_url),
            ("TOUCHLINE_KALSHI_WS_URL", self.kalshi_ws_url),
            ("TOUCHLINE_POLY_CLOB_URL", self.poly_clob_url),
            ("TOUCHLINE_POLY_WS_URL", self.poly_ws_url),
        )
        return [(name, value) for name, value in pairs if value]


CeilingDollars = Annotated[Decimal, pydantic.Field(gt=0, decimal_places=6)]


class Ceilings(_Model):
    """The account's ceilings on any one market's limits, whoever sets them (the fleet's
    defaults or a ``SoccerMarket``'s overrides): a market resolving above one is refused."""

    notional_dollars: CeilingDollars = Decimal(125)
    """Per-order, per-position, total and fill-rate notional limits (the chart: the
    RiskPolicy's ``maxTotalNotionalDollars``)."""
    drawdown_dollars: CeilingDollars = Decimal(50)
    """The per-market drawdown limit (the chart: the RiskPolicy's ``maxDrawdownDollars``)."""
    order_contracts: Decimal = pydantic.Field(default=Decimal(100), gt=0, decimal_places=2)
    """Contracts in one order (``quoting.maxOrderContracts``)."""


class Fleet(_Model):
    """Everything the operator renders that is not in a ``SoccerMarket``."""

    image: str = "touchline:latest"
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"] = "IfNotPresent"
    defaults: params.Overrides = params.Overrides()
    """The fleet's parameter defaults, layered over the seed's and under each market's."""
    resources: Resources = Resources()
    rollout: Rollout = Rollout()
    lifecycle: Lifecycle = Lifecycle()
    risk_service_url: str = "http://touchline-risk:8080"
    venues: Venues = Venues()
    ceilings: Ceilings = Ceilings()
    metrics_port: int = pydantic.Field(default=9100, ge=1024, le=65535)
    health_port: int = pydantic.Field(default=8081, ge=1024, le=65535)

    @pydantic.field_validator("image")
    @classmethod
    def _image(cls, value: str) -> str:
        return check_image(value)

    @pydantic.field_validator("risk_service_url")
    @classmethod
    def _risk_url(cls, value: str) -> str:
        return check_url(value, HTTP_SCHEMES, what="riskServiceUrl")

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
