#!/usr/bin/env bash
# Whole-run timing of `scarmap analyze` on generated 12 MP photos, against cv::imread of the same
# files measured in the same run; speed-up of --jobs 2 over --jobs 1; peak RSS.
# Usage: bench/timing.sh [BUILD_DIR] [N]
set -euo pipefail
build=${1:-build} n=${2:-8}
work=$(mktemp -d)
"$build/scarmap" synth --out "$work/in" --n "$n" --seed 7 --size 4000x3000 --px-per-mm 12:30 2>/dev/null
now() { date +%s.%N; }
t0=$(now); "$build/bench/decode_only" "$work/in"/*.jpg; t1=$(now)
/usr/bin/time -f "%M" -o "$work/rss1" "$build/scarmap" analyze "$work/in" -o "$work/o1" -q --jobs 1 --min-dpi 1 || true; t2=$(now)
/usr/bin/time -f "%M" -o "$work/rss2" "$build/scarmap" analyze "$work/in" -o "$work/o2" -q --jobs 2 --min-dpi 1 || true; t3=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$n" "$(cat "$work/rss1")" "$(cat "$work/rss2")" <<'PY'
import sys
t0, t1, t2, t3, n, r1, r2 = map(float, sys.argv[1:])
dec, j1, j2 = (t1 - t0) / n, (t2 - t1) / n, (t3 - t2) / n
print(f"photos: {int(n)} x 12 MP")
print(f"imread alone        {dec:.3f} s/photo")
print(f"analyze --jobs 1    {j1:.3f} s/photo  = {j1 / dec:.2f} x decode")
print(f"analyze --jobs 2    {j2:.3f} s/photo  speed-up {j1 / j2:.2f} x")
print(f"peak RSS            {r1 / 1024:.0f} MB (jobs 1), {r2 / 1024:.0f} MB (jobs 2)")
PY
rm -rf "$work"
