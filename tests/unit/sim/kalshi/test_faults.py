"""Fault settings: counted faults fire exactly as often as armed; bad settings are refused."""

from __future__ import annotations

import pytest

from touchline_bot.sim.kalshi import faults


def test_armed_counts_fire_once_each_then_stop() -> None:
    armed = faults.Faults()
    armed.update({"drop_deltas": 2, "server_errors": 1, "rate_limit_storm": 1})
    assert [armed.take_drop_delta() for _ in range(3)] == [True, True, False]
    assert [armed.take_rest_fault() for _ in range(3)] == [503, 429, 0]
    assert armed.fired == {"drop_delta": 2, "server_error": 1, "rate_limit": 1}


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"drop_deltas": -1}, id="negative"),
        pytest.param({"latency_ms": "10"}, id="string"),
        pytest.param({"server_errors": 1.5}, id="float"),
    ],
)
def test_invalid_settings_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        faults.Faults().update(settings)


def test_disconnect_is_an_action_reported_to_the_caller() -> None:
    assert faults.Faults().update({"disconnect": True}) is True
    assert faults.Faults().update({"frozen": True}) is False
