#!/usr/bin/env bash
# Installs what is missing, builds scarmap, and analyses samples/ into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
./build/scarmap analyze samples -o "${1:-out}" --masks --overlays
