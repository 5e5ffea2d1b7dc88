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
mkdir -p "$out"
TOUCHLINE_COMPILE=1 "$python" -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir "$out" .
# The build leaves its C sources and objects behind; they are not part of the result.
rm -rf build/temp.* build/lib.* build/bdist.* bot/*.egg-info operator/*.egg-info
ls "$out"/touchline-*.whl
