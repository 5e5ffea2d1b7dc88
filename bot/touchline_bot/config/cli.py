"""``touchline config check FILE``: validate a markets file without starting anything."""

from __future__ import annotations

import argparse
from pathlib import Path

from touchline_bot.config import loader


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``config`` sub-command."""
    parser = sub.add_parser("config", help="validate a markets configuration file")
    actions = parser.add_subparsers(dest="config_action", required=True)
    check = actions.add_parser("check", help="validate FILE and print what it resolves to")
    check.add_argument("file", type=Path)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``touchline config``."""
    return loader.check(args.file)
