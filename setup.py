"""The optional compiled core.

``TOUCHLINE_COMPILE=1 pip install --no-build-isolation .`` (with ``mypy`` installed, as the dev
extras do) compiles the pure core, the venues' parsers and books and the engine's market host
with mypyc, the compiler mypy itself ships with: the same typed Python source, run as C
extensions, about three times as fast on the hot path. Without the variable the package is pure
Python — development, tests and editable installs always run the source. ``make bench`` builds
both and measures both.
"""

from __future__ import annotations

import os

from setuptools import setup

COMPILED_CORE = (
    "value",
    "units",
    "types",
    "book",
    "quote",
    "params",
    "market",
    "events",
    "decisions",
    "fees",
    "fair_price",
    "shock",
    "match_phase",
    "orders",
    "quoting",
    "risk",
    "state_machine",
    "flatten",
    "state",
    "absorb",
    "transition",
)

COMPILED_ENGINE = ("host",)

COMPILED_VENUES = (
    "kalshi/book",
    "kalshi/fields",
    "kalshi/messages",
    "kalshi/feed",
    "polymarket/book",
    "polymarket/messages",
    "polymarket/store",
)


def _ext_modules() -> list[object]:
    if os.environ.get("TOUCHLINE_COMPILE") != "1":
        return []
    from mypyc.build import mypycify  # noqa: PLC0415 (only compiled builds need mypy)

    paths = [f"bot/touchline_bot/core/{name}.py" for name in COMPILED_CORE]
    paths += [f"bot/touchline_bot/venues/{name}.py" for name in COMPILED_VENUES]
    paths += [f"bot/touchline_bot/engine/{name}.py" for name in COMPILED_ENGINE]
    return list(mypycify(paths, opt_level="3"))


setup(ext_modules=_ext_modules())
