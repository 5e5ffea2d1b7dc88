"""The ``touchline`` command line.

Sub-commands register themselves (each module owns its arguments); this module only dispatches.
The operator's commands arrive as a plugin (entry point group ``touchline.commands``), so the bot
never imports the operator.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from types import ModuleType

from touchline_bot import fatal

# Each module exposes register(subparsers) and run(args) -> int.
COMMANDS: tuple[str, ...] = (
    "touchline_bot.demo",
    "touchline_bot.engine.commands",
    "touchline_bot.sim.cli",
    "touchline_bot.risk_service.main",
    "touchline_bot.config.cli",
)
PLUGIN_GROUP = "touchline.commands"


def _modules() -> list[ModuleType]:
    found = [importlib.import_module(name) for name in COMMANDS]
    found.extend(entry.load() for entry in metadata.entry_points(group=PLUGIN_GROUP))
    return found


def build_parser() -> tuple[
    argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]
]:
    """The parser, and the function that runs each sub-command."""
    parser = argparse.ArgumentParser(prog="touchline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    runners: dict[str, Callable[[argparse.Namespace], int]] = {}
    for module in _modules():
        before = set(sub.choices)
        module.register(sub)
        for name in set(sub.choices) - before:
            # A module either exposes run(args), or sets ``func`` on its parser's defaults.
            if hasattr(module, "run"):
                runners[name] = module.run
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser, runners = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None) or runners[args.command]
    try:
        return int(func(args))
    except fatal.StartRefusedError as exc:
        # What only the user can fix: one line, no traceback, exit 2 (as a bad configuration).
        sys.stderr.write(f"touchline {args.command}: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
