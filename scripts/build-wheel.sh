#!/usr/bin/env bash
# The wheel a production image installs: the package with its hot path compiled by mypyc (see
# setup.py). The Dockerfile's build stage runs this; so does scripts/build-compiled.sh.
#   scripts/build-wheel.sh OUTDIR            (PYTHON defaults to .venv/bin/python, else python3)
# It needs mypy, setuptools, wheel and a C compiler in that Python's environment (the dev
# extras and scripts/install-system-deps.sh provide them).
set -euo pipefail
out="${1:?usage: scripts/build-wheel.sh OUTDIR}"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x "${VENV:-.venv}/bin/python" ]; then python="${VENV:-.venv}/bin/python"; else python=python3; fi
fi
# The package carries the repository's config/ (the example markets file, its rules, the built-in
# scenarios) through the link bot/touchline_bot/builtin_config -> ../../config: a build whose
# tree lacks config/ would make a wheel without its defaults, so it stops here instead.
if [ ! -f bot/touchline_bot/builtin_config/markets_soccer.yaml ]; then
  echo "build-wheel: config/ is missing beside bot/ (the package data of bot/touchline_bot/builtin_config); copy it into the build tree" >&2
  exit 1
fi
mkdir -p "$out"
TOUCHLINE_COMPILE=1 "$python" -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir "$out" .
# The build leaves its C sources and objects behind; they are not part of the result.
rm -rf build/temp.* build/lib.* build/bdist.* bot/*.egg-info operator/*.egg-info
ls "$out"/touchline-*.whl
