"""The API server itself rejects invalid ``SoccerMarket``s, each with a message naming the rule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests import schedule
from tests.e2e import cluster, operator_harness

pytestmark = pytest.mark.e2e

H = operator_harness
HOUR_MS = 3_600_000


@pytest.fixture(scope="module")
def crds(k8s: cluster.ControlPlane) -> Iterator[None]:
    with H.crds_installed(k8s):
        yield


def _kalshi(**changes: Any) -> dict[str, Any]:
    return {**H.SPEC["kalshi"], **changes}


def _poly(**tokens: str) -> dict[str, Any]:
    return {"marketSlug": "epl-ars-tot", "tokenIds": {"home": H.HOME_TOKEN, **tokens}}


INVALID = [
    pytest.param({"scheduledEndTimeUtc": schedule.iso_utc(H.KICKOFF_MS - HOUR_MS)},
                 "scheduledEndTimeUtc must be after startTimeUtc", id="end-before-start"),
    pytest.param({"scheduledEndTimeUtc": schedule.iso_utc(H.KICKOFF_MS + 23 * HOUR_MS)},
                 "at most 6h", id="match-too-long"),
    pytest.param({"startTimeUtc": "tomorrow"}, "startTimeUtc", id="start-not-a-time"),
    pytest.param({"kalshi": _kalshi(env="staging")}, "Unsupported value: \"staging\"",
                 id="env-not-demo-or-prod"),
    pytest.param({"kalshi": _kalshi(ticker="kxepl-lower")}, "spec.kalshi.ticker",
                 id="ticker-format"),
    pytest.param({"polymarket": _poly(away="0xZZ")}, "spec.polymarket.tokenIds.away",
                 id="token-id-format"),
    pytest.param({"polymarket": _poly(away=H.HOME_TOKEN)},
                 "tokenIds.home and tokenIds.away must differ", id="token-ids-equal"),
    pytest.param({"settlementEquivalence": {"rulesHash": "abc123"}},
                 "spec.settlementEquivalence.rulesHash", id="rules-hash-not-64-hex"),
    pytest.param({"mode": "yolo"}, "Unsupported value: \"yolo\"", id="mode-unknown"),
    pytest.param({"paused": True, "mode": "flatten"}, "a paused market cannot flatten",
                 id="paused-and-flatten"),
    pytest.param({"params": {"prematch": {"polyWeight": 1.5}}}, "a weight must lie in [0, 1]",
                 id="weight-above-one"),
    pytest.param({"params": {"inplay": {"polyWeight": -0.1}}}, "a weight must lie in [0, 1]",
                 id="weight-negative"),
    pytest.param({"params": {"risk": {"maxDrawdownDollars": "0"}}}, "a limit must be positive",
                 id="limit-zero"),
    pytest.param({"params": {"risk": {"maxPositionNotionalDollars": "200",
                                      "maxTotalNotionalDollars": "100"}}},
                 "maxPositionNotionalDollars must not exceed", id="position-above-total"),
    pytest.param({"params": {"quoting": {"minPriceDollars": "0.9", "maxPriceDollars": "0.1"}}},
                 "minPriceDollars must be below maxPriceDollars", id="min-price-above-max"),
    pytest.param({"params": {"timing": {"warmupMs": 0}}}, "spec.params.timing.warmupMs",
                 id="duration-zero"),
    pytest.param({"matchName": "Arsenal Tottenham"}, "matchName must read", id="match-name-format"),
    pytest.param({"league": None}, "spec.league: Required value", id="league-missing"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "message"), INVALID)
def test_api_server_rejects_invalid_market_with_clear_message(
    k8s: cluster.ControlPlane, namespace: str, crds: None, changes: dict[str, Any], message: str
) -> None:
    done = k8s.kubectl("apply", "-f", "-", stdin=_json(H.market("bad", namespace, **changes)),
                       check=False)  # fmt: skip
    assert done.returncode != 0, "the API server accepted an invalid SoccerMarket"
    assert message in done.stderr, done.stderr
    assert k8s.names("soccermarkets", namespace) == []


def test_api_server_accepts_a_valid_market_and_applies_defaults(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> None:
    k8s.apply(H.market("good", namespace))
    spec = k8s.get_json("sm", "good", namespace=namespace)["spec"]
    assert spec["kalshi"]["env"] == "demo"
    assert spec["mode"] == "quoting"
    assert spec["paused"] is False
    assert spec["params"] == {}


def test_riskpolicy_rejects_a_market_limit_above_the_total(
    k8s: cluster.ControlPlane, namespace: str, crds: None
) -> None:
    policy = {"apiVersion": "touchline.dev/v1alpha1", "kind": "RiskPolicy",
              "metadata": {"name": "default", "namespace": namespace},
              "spec": {"maxTotalNotionalDollars": "100", "maxDrawdownDollars": "50",
                       "maxMarketNotionalDollars": "150"}}  # fmt: skip
    done = k8s.kubectl("apply", "-f", "-", stdin=_json(policy), check=False)
    assert "maxMarketNotionalDollars must not exceed maxTotalNotionalDollars" in done.stderr


def _json(obj: dict[str, Any]) -> str:
    return json.dumps(obj)
