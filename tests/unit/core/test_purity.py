"""The core imports only the standard library and itself (a second guard beside import-linter,
which only knows the packages it is told to forbid)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[3] / "bot" / "touchline_bot" / "core"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_imports_only_stdlib_and_core(path: Path) -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    outside = {
        name
        for name in _imports(path)
        if name.split(".")[0] not in allowed
        and not (name == "touchline_bot.core" or name.startswith("touchline_bot.core."))
    }
    assert not outside, f"{path.name} imports {sorted(outside)}"


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_never_reads_a_clock_or_randomness(path: Path) -> None:
    forbidden = {"asyncio", "time", "random", "socket", "threading", "subprocess", "os"}
    used = {name.split(".")[0] for name in _imports(path)} & forbidden
    assert not used, f"{path.name} imports {sorted(used)}"
