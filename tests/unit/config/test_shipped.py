"""The shipped config/markets_soccer.yaml loads, its rules hashes match the shipped rules
texts, and ``config.check`` reports good and bad files with the right exit code."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from touchline_bot import config
from touchline_bot.config import settlement
from touchline_bot.core import units

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "config" / "markets_soccer.yaml"
RULES = ROOT / "config" / "rules" / "KXEPLGAME-26NOV28ARSCHE.yaml"


def test_shipped_file_loads_three_markets_of_one_match() -> None:
    loaded = config.load(SHIPPED)

    tickers = [m.market.kalshi.ticker for m in loaded.markets]
    assert tickers == [
        "KXEPLGAME-26NOV28ARSCHE-ARS",
        "KXEPLGAME-26NOV28ARSCHE-CHE",
        "KXEPLGAME-26NOV28ARSCHE-TIE",
    ]
    assert {m.market.match_name for m in loaded.markets} == {"Arsenal vs Chelsea"}
    assert {m.spec.kickoff_ms for m in loaded.markets} == {1_795_878_000_000}


def test_shipped_markets_use_the_seed_demo_values() -> None:
    resolved = config.load(SHIPPED).market("epl-ars-che-20261128-ars")

    assert resolved.strategy.prematch.poly_weight_bps == 7_000
    assert resolved.strategy.inplay.poly_weight_bps == 8_500
    assert resolved.strategy.quoting.max_order_notional == units.Money(3_000_000)
    assert resolved.strategy.risk.max_total_notional == units.Money(125_000_000)
    assert resolved.strategy.version == resolved.params_version


def test_shipped_rules_hashes_are_the_hashes_of_the_shipped_rules_texts() -> None:
    rules = settlement.load_rules_file(RULES)

    for resolved in config.load(SHIPPED).markets:
        primary, secondary = rules[resolved.market.kalshi.ticker]
        expected = settlement.rules_hash(primary, secondary)
        assert resolved.market.settlement_equivalence.rules_hash == expected


def test_shipped_polymarket_tokens_are_the_yes_tokens_of_matching_slugs() -> None:
    slugs = {m.market.polymarket.market_slug for m in config.load(SHIPPED).markets}
    outcomes = {m.market.polymarket.priced_outcome for m in config.load(SHIPPED).markets}

    assert slugs == {f"epl-ars-che-2026-11-28-{s}" for s in ("ars", "che", "draw")}
    assert outcomes == {"yes"}


def test_check_of_the_shipped_file_prints_a_summary_and_returns_zero() -> None:
    out, err = io.StringIO(), io.StringIO()

    code = config.check(SHIPPED, out=out, err=err)

    assert code == 0
    assert "ok, 3 market(s)" in out.getvalue()
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("markets: []\n", "markets: [] is invalid", id="empty-markets"),
        pytest.param("markets: [\n", "not valid YAML", id="broken-yaml"),
    ],
)
def test_check_of_a_bad_file_prints_the_problem_and_returns_two(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    out, err = io.StringIO(), io.StringIO()

    code = config.check(path, out=out, err=err)

    assert code == 2
    assert expected in err.getvalue()
    assert "invalid configuration" in err.getvalue()
    assert out.getvalue() == ""


def test_check_of_a_missing_file_returns_two(tmp_path: Path) -> None:
    err = io.StringIO()

    code = config.check(tmp_path / "absent.yaml", out=io.StringIO(), err=err)

    assert code == 2
    assert "cannot read" in err.getvalue()
