"""The ``touchline`` command line: demo, run, bot, sim, scenario, markets."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per job."""
    parser = argparse.ArgumentParser(prog="touchline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="run the whole stack locally against the venue simulators")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        sys.stdout.write(
            "touchline demo: the local demo is not built yet (issue: the bot runtime); "
            "the pure core and its tests are in place — run `make test`.\n"
        )
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
