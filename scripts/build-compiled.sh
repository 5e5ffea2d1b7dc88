#!/usr/bin/env bash
# Build the package with its core compiled by mypyc (see setup.py) into a directory of its own:
#   scripts/build-compiled.sh build/compiled
# then run anything against it with PYTHONPATH=build/compiled. The source tree and the editable
# development install stay pure Python.
set -euo pipefail
target="${1:-build/compiled}"
bin="${VENV:-.venv}/bin"
rm -rf "$target"
TOUCHLINE_COMPILE=1 "$bin/pip" install --quiet --no-deps --no-build-isolation --target "$target" .
# The build leaves its C sources and objects behind; they are not part of the result.
rm -rf build/temp.* build/lib.* build/bdist.*
echo "compiled core in $target"
