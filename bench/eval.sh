#!/usr/bin/env bash
# The larger accuracy evaluation: 60 synthetic photos of 1-12 MP at 8-40 px/mm, fixed seed.
# Usage: bench/eval.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
build=${1:-build} work=${2:-/tmp/scarmap_eval}
seed=424242
rm -rf "$work" && mkdir -p "$work"
echo "command: scarmap synth --n 60 --seed $seed --megapixels 1:12 --px-per-mm 8:40; analyze --min-dpi 1; eval"
"$build/scarmap" synth --out "$work/truth" --n 60 --seed $seed --megapixels 1:12 --px-per-mm 8:40
"$build/scarmap" analyze "$work/truth" -o "$work/pred" --masks --quiet --min-dpi 1 || test $? -eq 1
"$build/scarmap" eval --truth "$work/truth" --pred "$work/pred" --json "$work/eval.json"
