"""The report's wire format is parsed strictly: hostile fields are a WireError (400)."""

from __future__ import annotations

from typing import Any

import pytest

from touchline_bot.core import units
from touchline_bot.risk_service import rules, wire

GOOD: dict[str, Any] = {
    "market_id": "home",
    "ticker": "KX",
    "position_contracts": "1.00",
    "exposure_dollars": "0.50",
    "realized_pnl_dollars": "0",
    "unrealized_pnl_dollars": "-0.25",
    "resting_orders": 2,
    "halted_ack": False,
}


def test_a_good_report_parses() -> None:
    report, ticker = wire.report_from_json(GOOD, ts_ms=7)
    assert (report.market_id, report.exposure, report.resting_orders, ticker) == (
        "home",
        units.Money(500_000),
        2,
        "KX",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("halted_ack", "false", id="halted-ack-string-false-is-not-true"),
        pytest.param("halted_ack", 1, id="halted-ack-one"),
        pytest.param("market_id", ["home"], id="market-id-unhashable"),
        pytest.param("market_id", "", id="market-id-empty"),
        pytest.param("market_id", "m" * 300, id="market-id-too-long"),
        pytest.param("ticker", {"a": 1}, id="ticker-object"),
        pytest.param("exposure_dollars", "1e30", id="exposure-1e30"),
        pytest.param("realized_pnl_dollars", "-1e30", id="pnl-minus-1e30"),
        pytest.param("exposure_dollars", "\u0661\u0662", id="exposure-arabic-indic-digits"),
        pytest.param("exposure_dollars", True, id="exposure-bool"),
        pytest.param("resting_orders", 1e30, id="resting-orders-float"),
        pytest.param("resting_orders", -1, id="resting-orders-negative"),
        pytest.param("resting_orders", True, id="resting-orders-bool"),
    ],
)
def test_a_hostile_field_is_a_wire_error(field: str, value: object) -> None:
    with pytest.raises(wire.WireError):
        wire.report_from_json({**GOOD, field: value}, ts_ms=0)


def test_a_reply_with_a_string_halted_is_malformed() -> None:
    reply = wire.reply_to_json(rules.Lease(units.Money(0), 1), rules.Halt(), ttl_ms=5)
    assert wire.reply_from_json(reply)[2] is False
    with pytest.raises(wire.WireError):
        wire.reply_from_json({**reply, "halted": "false"})
