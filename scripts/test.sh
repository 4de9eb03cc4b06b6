#!/usr/bin/env bash
# Runs scarmap's whole test suite from a clean clone: installs what is missing, builds, ctest.
# Then the sanitizer job (scripts/sanitize.sh: ASan + UBSan build and tests, fuzz corpus) when
# SCARMAP_SANITIZE=1, or in CI (CI=true) unless SCARMAP_SANITIZE=0.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
JOBS=${JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$JOBS"
ctest --test-dir build --output-on-failure -j "$JOBS"
if [ "${SCARMAP_SANITIZE:-}" = 1 ] || { [ "${CI:-}" = true ] && [ "${SCARMAP_SANITIZE:-}" != 0 ]; }; then
  bash scripts/sanitize.sh
fi
