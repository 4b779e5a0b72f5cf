#!/usr/bin/env bash
# First command of the quick start: install Debian packages, build the release binary
# (build/release/cmdsentry). Prints where the binary is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target cmdsentry
echo "built: build/release/cmdsentry"
