"""The seed's markets YAML converts into valid ``SoccerMarket`` manifests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.unit.operator import samples
from touchline_operator import models, to_crs

ENTRY = f"""
  - id: "EPL_ars_tot"
    league: EPL
    match_name: "Arsenal vs Tottenham"
    start_time_utc: "2026-01-15T20:00:00Z"
    scheduled_end_time_utc: 2026-01-15T21:45:00Z
    kalshi:
      env: demo
      ticker: "KXEPLGAME-26JAN15ARSTOT-ARS"
    polymarket:
      market_slug: "epl-ars-tot"
      token_ids:
        home: "{samples.HOME_TOKEN}"
    settlement_equivalence:
      rules_hash: "{samples.RULES_HASH}"
"""


def test_seed_file_converts_to_manifests(tmp_path: Path) -> None:
    path = tmp_path / "markets.yaml"
    path.write_text("params: {}\nmarkets:\n" + ENTRY)
    (doc,) = to_crs.to_crs(path, namespace="markets")
    assert doc["apiVersion"] == "touchline.dev/v1alpha1"
    assert doc["kind"] == "SoccerMarket"
    assert doc["metadata"] == {"name": "epl-ars-tot", "namespace": "markets"}
    assert doc["spec"]["marketId"] == "EPL_ars_tot"
    assert doc["spec"]["scheduledEndTimeUtc"] == "2026-01-15T21:45:00Z"
    assert doc["spec"]["polymarket"]["tokenIds"]["home"] == samples.HOME_TOKEN


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("markets: 3\n", "top-level 'markets'", id="markets-not-a-list"),
        pytest.param("markets:\n" + ENTRY.replace("KXEPLGAME", "kxepl"), "kalshi.ticker",
                     id="bad-ticker-named"),
        pytest.param("markets:\n" + ENTRY + ENTRY, "collide", id="duplicate-ids"),
        pytest.param("markets:\n  - league: EPL\n", "needs an id", id="missing-id"),
    ],
)  # fmt: skip
def test_bad_seed_file_is_refused_with_the_market_named(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = tmp_path / "markets.yaml"
    path.write_text(text)
    with pytest.raises(models.InvalidSpecError, match=fragment):
        to_crs.to_crs(path)


@pytest.mark.parametrize(
    ("market_id", "name"),
    [
        pytest.param("EPL_ars_tot", "epl-ars-tot", id="underscores-and-case"),
        pytest.param("--x--", "x", id="trimmed"),
        pytest.param("a" * 80, "a" * 50, id="truncated"),
    ],
)
def test_object_name_is_dns_safe(market_id: str, name: str) -> None:
    assert to_crs.object_name(market_id) == name


def test_market_params_become_spec_params_in_the_crds_spelling(tmp_path: Path) -> None:
    path = tmp_path / "markets.yaml"
    path.write_text("markets:\n" + ENTRY + "    params:\n      prematch: {poly_weight: 0.65}\n"
                    "      risk: {max_drawdown_dollars: 15.5}\n")  # fmt: skip
    (doc,) = to_crs.to_crs(path)
    assert doc["spec"]["params"] == {
        "prematch": {"polyWeight": 0.65},
        "risk": {"maxDrawdownDollars": "15.5"},
    }
    assert models.parse_spec(doc["spec"]).params.risk.max_drawdown_dollars == Decimal("15.5")


def test_bad_market_params_name_the_market(tmp_path: Path) -> None:
    path = tmp_path / "markets.yaml"
    path.write_text("markets:\n" + ENTRY + "    params:\n      prematch: {poly_weight: 2}\n")
    with pytest.raises(models.InvalidSpecError, match="market EPL_ars_tot: params"):
        to_crs.to_crs(path)
