#!/usr/bin/env bash
# Build the package with its hot path compiled by mypyc (see setup.py) into a directory of its
# own — the very wheel a production image installs (scripts/build-wheel.sh), unpacked:
#   scripts/build-compiled.sh build/compiled
# then run anything against it with PYTHONPATH=build/compiled. The source tree and the editable
# development install stay pure Python.
set -euo pipefail
target="${1:-build/compiled}"
bin="${VENV:-.venv}/bin"
wheels="$(mktemp -d)"
trap 'rm -rf "$wheels"' EXIT
PYTHON="$bin/python" bash "$(dirname "$0")/build-wheel.sh" "$wheels" > /dev/null
rm -rf "$target"
"$bin/python" -m pip install --quiet --no-deps --target "$target" "$wheels"/touchline-*.whl
echo "compiled core in $target"
