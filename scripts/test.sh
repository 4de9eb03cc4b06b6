#!/usr/bin/env bash
# Runs scarmap's whole test suite from a clean clone: installs what is missing, builds, ctest.
# Set SCARMAP_SANITIZE=1 to also run the suite under AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
JOBS=${JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$JOBS"
ctest --test-dir build --output-on-failure -j "$JOBS"
