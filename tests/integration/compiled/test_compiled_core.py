"""The compiled build (setup.py, ``TOUCHLINE_COMPILE=1``) decides exactly what the source does.

A production image may run the core compiled by mypyc; the tests run the source. This builds
the package with its compiled modules into a directory of its own, replays the same recorded-
format tape through both with the hot-path benchmark, and asserts the bot took the very same
actions and moves — and that the compiled build really ran compiled modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DELTAS = "20000"

pytestmark = pytest.mark.slow


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


def test_the_compiled_core_takes_the_same_decisions_as_the_source(tmp_path: Path) -> None:
    target = tmp_path / "compiled"
    venv = Path(sys.executable).parent.parent
    subprocess.run(
        ["bash", "scripts/build-compiled.sh", str(target)],
        cwd=ROOT,
        env={**os.environ, "VENV": str(venv)},
        check=True,
        capture_output=True,
        timeout=240,
    )
    assert list((target / "touchline_bot" / "core").glob("transition.*.so")), "nothing compiled"
    compiled, source = _bench(target), _bench(None)
    assert (compiled["core"], source["core"]) == ("compiled", "source")
    assert compiled["decisions"] == source["decisions"]
    assert compiled["state_changes"] == source["state_changes"]
    assert compiled["ack_events"] == source["ack_events"]
    assert sum(compiled["decisions"].values()) > 0
