#!/usr/bin/env bash
# Installs the Debian packages the test suite uses as real components:
# prometheus (for promtool and a real scrape), faketime (libfaketime: `make test` runs the
# date-sensitive tiers again with the clock 400 days ahead, see docs/testing.md), and a C compiler
# with the Python headers for the compiled build of the core (setup.py). Skips what is already there.
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
python="${PYTHON:-python3}"
include="$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
if [ ! -f "$include/Python.h" ]; then
  # A Debian-packaged interpreter keeps its headers in the matching -dev package.
  need+=("python3-dev")
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
