"""Where the built-in files are, wherever the package is installed and whatever the working
directory: the example markets file (``markets_soccer.yaml``), the rules texts of its markets
(``rules/``, read beside the markets file) and the built-in match scenarios (``scenarios/``).

The repository keeps them in its top-level ``config/``; the package carries that folder as
package data under the name ``builtin_config`` (a link to ``../../config`` in the source tree,
so an editable install reads the repository's files; real files in a built wheel). Nothing here
reads a path relative to the working directory.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parent / "builtin_config"
SCENARIO_SUFFIX = ".yaml"


def markets_file() -> Path:
    """The example markets file: what ``touchline demo``, ``scenario run``, ``run`` and ``bot``
    read when no ``--config`` is given."""
    return ROOT / "markets_soccer.yaml"


def scenarios_dir() -> Path:
    """The folder of the built-in scenarios."""
    return ROOT / "scenarios"


def scenario_names() -> list[str]:
    """The built-in scenarios' names (``goals`` for ``scenarios/goals.yaml``), sorted."""
    return sorted(p.stem for p in scenarios_dir().glob(f"*{SCENARIO_SUFFIX}"))


def scenario(given: Path) -> Path:
    """The scenario file ``given`` names: the file itself when it exists; else the built-in
    scenario of that name (``goals`` or ``goals.yaml``); else ``given`` unchanged, so that the
    error which follows names what the user typed."""
    if given.exists() or given.parent != Path():
        return given
    name = given.name.removesuffix(SCENARIO_SUFFIX)
    candidate = scenarios_dir() / f"{name}{SCENARIO_SUFFIX}"
    return candidate if candidate.is_file() else given
