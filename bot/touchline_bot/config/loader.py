"""Entry points: load a configuration file or text, merge overrides, and check a file for the CLI.

Every failure (unreadable file, bad YAML, a refused field) is one
:class:`~.errors.ConfigError` whose lines name the field path, the value and what was expected.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from touchline_bot.config import defaults, document, errors, overrides, yamlio
from touchline_bot.config import params as config_params

EXIT_OK = 0
EXIT_BAD_CONFIG = 2


def load_text(text: str) -> document.TouchlineConfig:
    """Parse, validate and resolve configuration YAML; raises :class:`~.errors.ConfigError`."""
    try:
        raw = yamlio.parse(text)
    except yamlio.YamlError as exc:
        raise errors.single("", f"not valid YAML: {exc}") from None
    return document.build(raw)


def load(path: str | Path) -> document.TouchlineConfig:
    """Read and load a configuration file; raises :class:`~.errors.ConfigError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.single("", f"cannot read {str(path)!r}: {exc}") from None
    return load_text(text)


def merge_overrides(
    base: config_params.Params | str, changes: Any, *, where: str = "overrides"
) -> config_params.Params:
    """Apply a partial parameter document (e.g. a ``SoccerMarket``'s overrides, snake_case or
    camelCase keys) onto ``base``: resolved params, or an env name for its defaults.

    Validated exactly like the file; errors name fields under ``where``.
    """
    resolved = defaults.for_env(base) if isinstance(base, str) else base
    return overrides.merge(resolved, changes, where=where)


def check(path: str | Path, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``touchline config check FILE``: 0 and a summary when the file is good, else the
    problems on stderr and exit code 2."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        loaded = load(path)
    except errors.ConfigError as exc:
        print(f"{path}: invalid configuration", file=err)
        for issue in exc.issues:
            print(f"  {issue}", file=err)
        return EXIT_BAD_CONFIG
    print(f"{path}: ok, {len(loaded.markets)} market(s)", file=out)
    for resolved in loaded.markets:
        m = resolved.market
        print(
            f"  {m.id}: {m.kalshi.env.value} {m.kalshi.ticker} <- polymarket "
            f"{m.polymarket.market_slug} ({m.polymarket.priced_outcome.value}), "
            f"params {resolved.params_version}",
            file=out,
        )
    return EXIT_OK
