"""The compiled wheel (setup.py, ``TOUCHLINE_COMPILE=1``) is what the image installs, and it
decides exactly what the source does.

The production image (``Dockerfile``) installs the wheel ``scripts/build-wheel.sh`` builds: the
hot path compiled by mypyc. The tests run the source. This builds that wheel once, checks what
it carries (compiled modules, the pure-Python rest, the console script and the operator's
commands), unpacks it into a directory of its own, replays the same recorded-format tape through
it and through the source with the hot-path benchmark, and asserts the bot took the very same
actions and moves — and that the compiled build really ran compiled modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DELTAS = "20000"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built as the Dockerfile's build stage builds it."""
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        ["bash", "scripts/build-wheel.sh", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable},
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("touchline-*.whl")
    return built


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed into a directory of its own (no dependencies: this environment's)."""
    target = tmp_path_factory.mktemp("compiled")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target, wheel],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return target


def test_the_wheel_carries_the_compiled_hot_path_and_the_whole_package(wheel: Path) -> None:
    assert "cp311" in wheel.name, "a compiled wheel is specific to its interpreter"
    names = zipfile.ZipFile(wheel).namelist()
    compiled = {n for n in names if n.endswith(".so")}
    for module in ("core/transition", "core/state", "core/value", "venues/kalshi/messages"):
        assert any(n.startswith(f"touchline_bot/{module}.cpython-311") for n in compiled), module
    assert any("__mypyc" in n for n in compiled), "mypyc's shared runtime module is missing"
    # The interpreted rest, the operator and the type marker travel with it.
    assert "touchline_bot/engine/app.py" in names
    assert "touchline_operator/main.py" in names
    assert "touchline_bot/py.typed" in names
    # The built-in files (the repository's config/, linked into the package) as real files.
    for data in (
        "markets_soccer.yaml",
        "rules/KXEPLGAME-26NOV28ARSCHE.yaml",
        "scenarios/goals.yaml",
    ):
        assert f"touchline_bot/builtin_config/{data}" in names, data
    (entry_points,) = (n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "touchline = touchline_bot.cli:main" in text
    assert "operator = touchline_operator.main" in text


def test_the_installed_wheel_answers_on_the_command_line(unpacked: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    out = subprocess.run(
        [sys.executable, "-m", "touchline_bot.cli", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "operator" in out.stdout
    assert "bot" in out.stdout
    where = subprocess.run(
        [sys.executable, "-c", _WHERE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    cli_file, transition_file = where.stdout.split()
    assert cli_file.startswith(str(unpacked)), "the source ran, not the wheel"
    assert transition_file.startswith(str(unpacked))
    assert transition_file.endswith(".so")
    builtin = subprocess.run(
        [sys.executable, "-c", _BUILTIN],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    markets_file, scenario_file = builtin.stdout.split()
    assert markets_file.startswith(str(unpacked)), "the defaults must come from the package"
    assert scenario_file.startswith(str(unpacked))


_BUILTIN = """
from pathlib import Path
from touchline_bot import builtin
from touchline_bot.sim import cli
cli.load_inputs(builtin.scenario(Path("goals")), builtin.markets_file())
print(builtin.markets_file(), builtin.scenario(Path("goals")))
"""

_WHERE = """
import touchline_bot.cli as cli
import touchline_bot.core.transition as transition
print(cli.__file__, transition.__file__)
"""


def _bench(package_dir: Path | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "TOUCHLINE_PACKAGE_DIR"}
    if package_dir is not None:
        env["TOUCHLINE_PACKAGE_DIR"] = str(package_dir)
    out = subprocess.run(
        [sys.executable, "benchmarks/hot_path.py", "--deltas", DELTAS, "--repeat", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=240,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_the_compiled_core_takes_the_same_decisions_as_the_source(unpacked: Path) -> None:
    assert list((unpacked / "touchline_bot" / "core").glob("transition.*.so")), "nothing compiled"
    compiled, source = _bench(unpacked), _bench(None)
    assert (compiled["core"], source["core"]) == ("compiled", "source")
    assert compiled["decisions"] == source["decisions"]
    assert compiled["state_changes"] == source["state_changes"]
    assert compiled["ack_events"] == source["ack_events"]
    assert sum(compiled["decisions"].values()) > 0
