"""A malformed configuration is refused with one ConfigError whose message names the field
path, shows the bad value and says what was expected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.unit.config import valid
from touchline_bot import config

Doc = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """Set a dotted path (``markets.0.kalshi.ticker``) in the document."""

    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        node[last] = value

    return change


def _delete(path: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return change


def _two_markets_same_id(doc: Doc) -> None:
    doc["markets"].append(valid.market(kalshi={"env": "demo", "ticker": "KXEPLGAME-X-CHE"}))


def _two_markets_same_ticker(doc: Doc) -> None:
    doc["markets"].append(valid.market(id="another-market"))


CASES = [
    pytest.param(
        _delete("markets.0.kalshi.ticker"),
        "markets[0].kalshi.ticker: field required",
        id="missing-ticker",
    ),
    pytest.param(
        _set("markets.0.kalshi.ticker", "kxeplgame-26nov28arsche-ars"),
        "markets[0].kalshi.ticker: 'kxeplgame-26nov28arsche-ars' is not a Kalshi market ticker",
        id="lower-case-ticker",
    ),
    pytest.param(
        _set("markets.0.kalshi.ticker", "KXEPLGAME 26NOV28"),
        "markets[0].kalshi.ticker: 'KXEPLGAME 26NOV28' is not a Kalshi market ticker",
        id="ticker-with-space",
    ),
    pytest.param(
        _set("markets.0.scheduled_end_time_utc", "2026-11-28T14:00:00Z"),
        "markets[0].scheduled_end_time_utc: 2026-11-28T14:00:00+00:00 is not after start_time_utc",
        id="end-before-start",
    ),
    pytest.param(
        _set("markets.0.scheduled_end_time_utc", "2026-11-29T16:55:00Z"),
        "markets[0].scheduled_end_time_utc: 2026-11-29T16:55:00+00:00 is more than 6:00:00 after",
        id="end-a-day-late",
    ),
    pytest.param(
        _set("markets.0.start_time_utc", "2026-11-28T15:00:00"),
        "markets[0].start_time_utc: '2026-11-28T15:00:00' is invalid: input should have timezone",
        id="kickoff-without-zone",
    ),
    pytest.param(
        _set("params.prematch.poly_weight", "1.5"),
        "params.prematch.poly_weight: 1.5 is not within [0, 1]",
        id="weight-above-one",
    ),
    pytest.param(
        _set("params.fair.wide_penalty", "-0.1"),
        "params.fair.wide_penalty: -0.1 is not within [0, 1]",
        id="weight-negative",
    ),
    pytest.param(
        _set("params.risk.max_drawdown_dollars", "-5"),
        "params.risk.max_drawdown_dollars: -5 is not within (0, ∞)",
        id="negative-limit",
    ),
    pytest.param(
        _set("params.quoting.max_order_contracts", 0),
        "params.quoting.max_order_contracts: 0 is not within (0, ∞)",
        id="zero-size-limit",
    ),
    pytest.param(
        _set("params.inplay.stale_after_ms", 0),
        "params.inplay.stale_after_ms: 0 is not within [1, 86400000] milliseconds",
        id="zero-staleness",
    ),
    pytest.param(
        _set("params.risk.max_position_notional_dollars", "200"),
        "params.risk: max_position_notional_dollars 200 exceeds max_total_notional_dollars 125",
        id="position-limit-above-total",
    ),
    pytest.param(
        _set("params.quoting.min_price_dollars", "0.99"),
        "params.quoting: min_price_dollars 0.99 and max_price_dollars 0.98 must satisfy",
        id="min-price-above-max-price",
    ),
    pytest.param(
        _set("markets.0.kalshi.env", "staging"),
        "markets[0].kalshi.env: 'staging' is invalid: input should be 'demo' or 'prod'",
        id="unknown-env",
    ),
    pytest.param(
        _set("markets.0.polymarket.token_ids.yes", "0x1234abcd"),
        "markets[0].polymarket.token_ids.yes: '0x1234abcd' is not a Polymarket CLOB token id",
        id="hex-token-id",
    ),
    pytest.param(
        _set("markets.0.polymarket.token_ids.yes", "9" * 79),
        "markets[0].polymarket.token_ids.yes: '" + "9" * 77,
        id="token-id-too-long",
    ),
    pytest.param(
        _set("markets.0.polymarket.token_ids.yes", "9" * 78),
        "markets[0].polymarket.token_ids.yes: '" + "9" * 78 + "' is larger than a 256-bit",
        id="token-id-above-256-bits",
    ),
    pytest.param(
        _set("markets.0.polymarket.token_ids.yes", valid.ARS_NO),
        "markets[0].polymarket.token_ids: the same token id is listed under two outcomes",
        id="same-token-twice",
    ),
    pytest.param(
        _set("markets.0.polymarket.token_ids.maybe", "123"),
        "markets[0].polymarket.token_ids.maybe [key]: 'maybe' is invalid: input should be 'yes'",
        id="unknown-outcome-label",
    ),
    pytest.param(
        _delete("markets.0.polymarket.outcome"),
        "markets[0].polymarket.outcome: required: token_ids has 2 entries (no, yes)",
        id="outcome-missing-with-two-tokens",
    ),
    pytest.param(
        _set("markets.0.polymarket.outcome", "home"),
        "markets[0].polymarket.outcome: 'home' is not a key of token_ids",
        id="outcome-not-listed",
    ),
    pytest.param(
        _set("markets.0.polymarket.market_slug", "EPL ars che"),
        "markets[0].polymarket.market_slug: 'EPL ars che' is not a Polymarket slug",
        id="bad-slug",
    ),
    pytest.param(
        _set("markets.0.settlement_equivalence.rules_hash", "abc123"),
        "markets[0].settlement_equivalence.rules_hash: 'abc123' is not a SHA-256 hex digest",
        id="short-rules-hash",
    ),
    pytest.param(
        _set("markets.0.id", "Arsenal_Home"),
        "markets[0].id: 'Arsenal_Home' is not a market id",
        id="market-id-not-a-dns-label",
    ),
    pytest.param(
        _set("markets.0.kalshi.ticker", 123),
        "markets[0].kalshi.ticker: 123 is invalid: input should be a valid string",
        id="wrong-type-ticker-number",
    ),
    pytest.param(
        _set("params.prematch.stale_after_ms", "10s"),
        "params.prematch.stale_after_ms: '10s' is invalid: input should be a valid integer",
        id="wrong-type-duration-string",
    ),
    pytest.param(
        _set("params.flatten.enabled", "sometimes"),
        "params.flatten.enabled: 'sometimes' is invalid: input should be a valid boolean",
        id="wrong-type-boolean",
    ),
    pytest.param(
        _set("markets.0.kalshi", "KXEPLGAME-26NOV28ARSCHE-ARS"),
        "markets[0].kalshi: 'KXEPLGAME-26NOV28ARSCHE-ARS' is invalid: input should be a valid",
        id="wrong-type-section-as-string",
    ),
    pytest.param(
        _set("params.prematch", 5),
        "params.prematch: 5 is invalid: input should be a valid dictionary",
        id="wrong-type-params-section",
    ),
    pytest.param(
        _set("markets.0.kalshi.tickr", "KXEPLGAME-26NOV28ARSCHE-ARS"),
        "markets[0].kalshi.tickr: unknown field",
        id="unknown-key-in-market",
    ),
    pytest.param(
        _set("params.risk.max_loss_dollars", "5"),
        "params.risk.max_loss_dollars: unknown field",
        id="unknown-key-in-params",
    ),
    pytest.param(
        _set("params.strategy", {}),
        "params.strategy: unknown field",
        id="unknown-params-section",
    ),
    pytest.param(
        _set("settings", {}),
        "settings: unknown field",
        id="unknown-top-level-key",
    ),
    pytest.param(
        _set("markets.0.params", {"quoting": {"ladder_levels": 0}}),
        "markets[0].params.quoting.ladder_levels: 0 is not within [1, 10]",
        id="bad-market-level-override",
    ),
    pytest.param(
        _two_markets_same_id,
        "markets[1].id: 'epl-ars-che-20261128-ars' is a duplicate (markets[0].id has it too)",
        id="duplicate-market-id",
    ),
    pytest.param(
        _two_markets_same_ticker,
        "markets[1].kalshi.ticker: 'KXEPLGAME-26NOV28ARSCHE-ARS' is a duplicate",
        id="duplicate-ticker",
    ),
    pytest.param(
        _set("params.quoting.max_order_notional_dollars", "3.0000001"),
        "params.quoting.max_order_notional_dollars: 3.0000001 has more than 6 decimal places",
        id="money-finer-than-a-micro-dollar",
    ),
    pytest.param(
        _set("params.prematch.half_spread_base_dollars", "0.03001"),
        "params.prematch.half_spread_base_dollars: 0.03001 has more than 4 decimal places",
        id="price-finer-than-the-grid",
    ),
    pytest.param(
        _set("markets", []),
        "markets: [] is invalid: tuple should have at least 1 item",
        id="no-markets",
    ),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_malformed_config_is_refused_naming_field_and_value(
    change: Callable[[Doc], None], expected: str
) -> None:
    doc = valid.document()
    change(doc)

    with pytest.raises(config.ConfigError) as caught:
        config.load_text(valid.as_yaml(doc))

    assert expected in str(caught.value), str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("markets: [", "not valid YAML: line 1", id="unclosed-flow-sequence"),
        pytest.param(
            "markets: []\nmarkets: []\n", "the key 'markets' appears twice", id="repeated-key"
        ),
        pytest.param("- just\n- a list\n", "expected a mapping with markets", id="not-a-mapping"),
        pytest.param("", "None is invalid: expected a mapping", id="empty-file"),
    ],
)
def test_unreadable_yaml_is_refused_with_where_and_why(text: str, expected: str) -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.load_text(text)

    assert expected in str(caught.value), str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    doc = valid.document()
    _delete("markets.0.kalshi.ticker")(doc)
    _set("params.prematch.poly_weight", "1.5")(doc)
    _set("markets.0.kalshi.env", "staging")(doc)

    with pytest.raises(config.ConfigError) as caught:
        config.load_text(valid.as_yaml(doc))

    paths = {issue.path for issue in caught.value.issues}
    assert {"markets[0].kalshi.ticker", "markets[0].kalshi.env"} <= paths
