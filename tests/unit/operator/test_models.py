"""The operator's own validation of a ``SoccerMarket`` spec mirrors the CRD's rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.operator import samples
from touchline_operator import models


def test_valid_spec_parses_with_defaults() -> None:
    spec = models.parse_spec(samples.spec())
    assert spec.kalshi.env is models.KalshiEnv.DEMO
    assert spec.mode is models.Mode.QUOTING
    assert spec.kalshi.key_secret_name == "touchline-kalshi"
    assert spec.market_id_for("ars-tot") == "ars-tot"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        pytest.param({"scheduledEndTimeUtc": "2026-01-15T19:00:00Z"}, "after startTimeUtc",
                     id="end-before-start"),
        pytest.param({"scheduledEndTimeUtc": "2026-01-16T20:00:00Z"}, "at most 6h", id="too-long"),
        pytest.param({"startTimeUtc": "2026-01-15T20:00:00"}, "timezone", id="naive-start"),
        pytest.param({"matchName": "Arsenal Tottenham"}, "Home vs Away", id="match-name"),
        pytest.param({"kalshi__env": "staging"}, "kalshi.env", id="bad-env"),
        pytest.param({"kalshi__ticker": "kxepl-lower"}, "kalshi.ticker", id="lowercase-ticker"),
        pytest.param({"polymarket__tokenIds__home": "12ab"}, "tokenIds.home", id="bad-token"),
        pytest.param({"polymarket__tokenIds__away": samples.VALID_SPEC["polymarket"]["tokenIds"]
                      ["home"]}, "differ", id="same-tokens"),
        pytest.param({"polymarket__marketSlug": "Bad Slug"}, "marketSlug", id="bad-slug"),
        pytest.param({"settlementEquivalence__rulesHash": "abc123"}, "rulesHash", id="short-hash"),
        pytest.param({"mode": "yolo"}, "mode", id="bad-mode"),
        pytest.param({"paused": True, "mode": "flatten"}, "cannot flatten", id="paused-flatten"),
        pytest.param({"params": {"prematch": {"polyWeight": "1.5"}}}, "polyWeight",
                     id="weight-above-one"),
        pytest.param({"params": {"risk": {"maxDrawdownDollars": "0"}}}, "maxDrawdownDollars",
                     id="zero-limit"),
        pytest.param({"params": {"risk": {"maxPositionNotionalDollars": "200",
                                          "maxTotalNotionalDollars": "100"}}},
                     "must not exceed", id="position-above-total"),
        pytest.param({"params": {"quoting": {"minPriceDollars": "0.9", "maxPriceDollars": "0.1"}}},
                     "minPriceDollars must be below", id="min-above-max-price"),
        pytest.param({"params": {"bogus": {}}}, "params.bogus", id="unknown-section"),
        pytest.param({"league": None}, "league", id="missing-league"),
    ],
)  # fmt: skip
def test_invalid_spec_is_refused_naming_the_field(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(models.InvalidSpecError, match=fragment):
        models.parse_spec(samples.spec(**changes))


@pytest.mark.parametrize(
    ("paused", "mode", "effective"),
    [
        pytest.param(False, "quoting", models.Mode.QUOTING, id="quoting"),
        pytest.param(True, "quoting", models.Mode.PAUSED, id="paused-flag-pauses-quoting"),
        pytest.param(True, "halted", models.Mode.HALTED, id="halted-stays-halted"),
        pytest.param(False, "flatten", models.Mode.FLATTEN, id="flatten"),
    ],
)
def test_effective_mode_combines_paused_and_mode(
    paused: bool, mode: str, effective: models.Mode
) -> None:
    spec = models.parse_spec(samples.spec(paused=paused, mode=mode))
    assert spec.effective_mode() is effective
