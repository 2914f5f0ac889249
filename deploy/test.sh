#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
./deploy/build.sh
cd build
ctest --output-on-failure --timeout 600 -j "$(nproc)"
