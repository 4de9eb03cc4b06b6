#!/usr/bin/env bash
# Generates the fixed-seed ratchet set, analyses it, scores it, and compares with ratchet.json.
# Usage: ratchet.sh SCARMAP RATCHET_JSON WORK_DIR
set -euo pipefail
scarmap=$1 ratchet=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$scarmap" synth --out "$work/truth" --n 40 --seed 20261124 --megapixels 0.8:2 --px-per-mm 8:30 2>/dev/null
"$scarmap" analyze "$work/truth" -o "$work/pred" --masks --jobs 2 --quiet --min-dpi 1 || test $? -eq 1
"$scarmap" eval --truth "$work/truth" --pred "$work/pred" --json "$work/eval.json"
/usr/bin/python3 "$(dirname "$0")/check_ratchet.py" "$ratchet" "$work/eval.json"
