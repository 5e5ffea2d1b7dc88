"""Scenario files: every shipped scenario loads; paths are deterministic and follow the jumps."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from touchline_bot import cli
from touchline_bot.sim import fairpath, scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[3] / "config" / "scenarios").glob("*.yaml"))


def test_at_least_six_scenarios_ship() -> None:
    assert len(SCENARIOS) >= 6


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_loads_and_its_paths_stay_inside_the_unit_interval(path: Path) -> None:
    scn = scenario.load(path)
    for path_ in fairpath.build_all(scn).values():
        assert all(100 <= v <= 9_900 for v in path_.values)


def test_paths_are_deterministic_for_a_seed() -> None:
    scn = scenario.load(SCENARIOS[0])
    assert fairpath.build_all(scn) == fairpath.build_all(scn)


def test_a_jump_moves_the_fair_price_to_its_target() -> None:
    path = scenario.OutcomePath.model_validate(
        {"start": "0.40", "jumps": [{"at_secs": 60, "to": "0.70"}]}
    )
    quiet = scenario.Noise.model_validate({"sigma_per_sqrt_min": "0"})
    built = fairpath.build(path, duration_secs=120, noise=quiet, salt="x")
    assert built.at(59) == 4_000
    assert built.at(60) == 7_000


def test_drift_accumulates_per_minute() -> None:
    path = scenario.OutcomePath.model_validate(
        {"start": "0.40", "drifts": [{"at_secs": 0, "per_min": "0.01"}]}
    )
    quiet = scenario.Noise.model_validate({"sigma_per_sqrt_min": "0"})
    assert fairpath.build(path, duration_secs=180, noise=quiet, salt="x").at(120) == 4_200


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        pytest.param({"scheduled_end_secs": 10}, "scheduled_end_secs", id="end-before-kickoff"),
        pytest.param({"faults": [{"at_secs": 1, "kind": "meteor"}]}, "faults.0.kind", id="fault"),
        pytest.param({"surprise": 1}, "surprise", id="unknown-key"),
    ],
)
def test_malformed_scenario_names_the_field(
    tmp_path: Path, patch: dict[str, object], field: str
) -> None:
    data = yaml.safe_load(SCENARIOS[0].read_text()) | patch
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(scenario.ScenarioError) as caught:
        scenario.load(bad)
    assert field in str(caught.value)


def test_a_missing_scenario_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(scenario.ScenarioError, match="cannot read the scenario"):
        scenario.load(tmp_path / "nowhere.yaml")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        pytest.param(["scenario", "run", "nowhere.yaml"], "nowhere.yaml", id="scenario-file"),
        pytest.param(
            ["scenario", "run", str(SCENARIOS[0]), "--config", "nowhere.yaml"],
            "nowhere.yaml",
            id="scenario-markets-file",
        ),
        pytest.param(["demo", "--no-ui", "--scenario", "nowhere.yaml"], "nowhere", id="demo"),
        pytest.param(
            ["demo", "--no-ui", "--scenario", str(SCENARIOS[0]), "--config", "nowhere.yaml"],
            "nowhere.yaml",
            id="demo-markets-file",
        ),
    ],
)
def test_a_missing_input_file_exits_2_with_a_message_before_anything_starts(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    assert says in capsys.readouterr().err
