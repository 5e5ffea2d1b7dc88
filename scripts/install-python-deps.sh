#!/usr/bin/env bash
# Creates .venv and installs the project with its development extras.
# The official Kalshi SDK declares Python >= 3.13 but runs on 3.11; it is installed
# separately with --ignore-requires-python for the simulator contract tests.
set -euo pipefail
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[dev]"
"$VENV/bin/python" -m pip install -q --ignore-requires-python "kalshi_python_sync==3.34.0"
