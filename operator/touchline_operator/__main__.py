"""``python -m touchline_operator operator ...`` (and ``markets to-crs``) without the main CLI."""

from __future__ import annotations

import argparse
import sys

from touchline_operator import main, to_crs


def run(argv: list[str] | None = None) -> int:
    """Parse and run one sub-command."""
    parser = argparse.ArgumentParser(prog="python -m touchline_operator")
    sub = parser.add_subparsers(dest="command", required=True)
    main.register(sub)
    to_crs.register(sub)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(run())
