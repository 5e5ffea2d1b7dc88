"""The built-in files come from the package, whatever the working directory: the example
markets file, its rules and the scenarios are the repository's config/ (one copy, linked), a
bare name is a built-in scenario, and the commands' defaults load from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from touchline_bot import builtin, cli, config
from touchline_bot.sim import cli as sim_cli
from touchline_bot.sim import scenario

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"


def test_the_builtin_files_are_the_repositorys_config_folder_not_a_copy() -> None:
    assert builtin.ROOT.resolve() == REPO_CONFIG.resolve()
    assert builtin.markets_file().samefile(REPO_CONFIG / "markets_soccer.yaml")


def test_the_example_markets_file_and_every_builtin_scenario_load() -> None:
    assert len(config.load(builtin.markets_file()).markets) == 3
    assert len(builtin.scenario_names()) >= 6
    for name in builtin.scenario_names():
        assert scenario.load(builtin.scenario(Path(name))).name


@pytest.mark.parametrize(
    ("given", "builtin_name"),
    [
        pytest.param("goals", "goals", id="name"),
        pytest.param("goals.yaml", "goals", id="name-with-suffix"),
        pytest.param("nowhere", None, id="unknown-name-unchanged"),
        pytest.param("elsewhere/goals.yaml", None, id="a-path-is-never-a-name"),
    ],
)
def test_a_bare_scenario_name_is_a_builtin_scenario(
    given: str, builtin_name: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = Path(given) if builtin_name is None else builtin.scenarios_dir() / "goals.yaml"
    assert builtin.scenario(Path(given)) == expected


def test_a_file_of_that_name_in_the_working_directory_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "goals").write_text("mine")
    assert builtin.scenario(Path("goals")) == Path("goals")


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["demo", "--no-ui"], id="demo"),
        pytest.param(["scenario", "run", "goals"], id="scenario-run"),
        pytest.param(["scenario", "run", "red_card_var.yaml"], id="scenario-run-suffix"),
    ],
)
def test_the_commands_defaults_load_from_any_working_directory(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    parser, _ = cli.build_parser()
    args = parser.parse_args(argv)
    scn = sim_cli.load_inputs(getattr(args, "file", None) or args.scenario, args.config)
    assert scn.name
    assert args.config == builtin.markets_file()


@pytest.mark.parametrize("command", ["run", "bot"])
def test_run_and_bot_default_to_the_builtin_example(command: str) -> None:
    parser, _ = cli.build_parser()
    assert parser.parse_args([command]).config == builtin.markets_file()


def test_the_installed_package_finds_its_files_from_another_directory(tmp_path: Path) -> None:
    """As installed (the editable install of ``make venv``), not through pytest's path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", _WHERE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert Path(out[0]).samefile(REPO_CONFIG / "markets_soccer.yaml")
    assert out[1] == "3"
    assert Path(out[2]).samefile(REPO_CONFIG / "scenarios" / "goals.yaml")


_WHERE = """
from pathlib import Path
from touchline_bot import builtin, config
print(builtin.markets_file(), len(config.load(builtin.markets_file()).markets),
      builtin.scenario(Path("goals")))
"""
