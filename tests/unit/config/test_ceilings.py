"""A change may lower a limit but never raise it above the configuration's."""

from __future__ import annotations

import pytest

from touchline_bot.config import ceilings, defaults, errors, overrides


def test_a_raised_limit_is_refused_naming_it_and_its_ceiling() -> None:
    base = defaults.for_env("demo")
    raised = overrides.merge(base, {"quoting": {"max_order_contracts": "300"}})
    with pytest.raises(errors.ConfigError) as caught:
        ceilings.check(base, raised)
    (issue,) = caught.value.issues
    assert issue.path == "params.quoting.max_order_contracts"
    assert f"ceiling {base.quoting.max_order_contracts}" in issue.message


def test_a_lowered_or_unchanged_limit_passes() -> None:
    base = defaults.for_env("demo")
    ceilings.check(base, base)
    ceilings.check(base, overrides.merge(base, {"risk": {"max_drawdown_dollars": "1"}}))
