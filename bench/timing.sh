#!/usr/bin/env bash
# Whole-run timing of `scarmap analyze` on generated 12 MP photos, against cv::imread of the same
# files measured in the same run; speed-up of --jobs 2 over --jobs 1; CPU time; peak RSS; and the
# load average, since other processes make the wall-clock figures meaningless.
# Usage: bench/timing.sh [BUILD_DIR] [N]
set -euo pipefail
build=${1:-build} n=${2:-8}
work=$(mktemp -d)
"$build/scarmap" synth --out "$work/in" --n "$n" --seed 7 --size 4000x3000 --px-per-mm 12:30 2>/dev/null
now() { date +%s.%N; }
t0=$(now); "$build/bench/decode_only" "$work/in"/*.jpg; t1=$(now)
load0=$(cut -d' ' -f1 /proc/loadavg)
/usr/bin/time -f "%M %U %S" -o "$work/rss1" "$build/scarmap" analyze "$work/in" -o "$work/o1" -q --jobs 1 --min-dpi 1 || true; t2=$(now)
/usr/bin/time -f "%M %U %S" -o "$work/rss2" "$build/scarmap" analyze "$work/in" -o "$work/o2" -q --jobs 2 --min-dpi 1 || true; t3=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$n" $(cat "$work/rss1") $(cat "$work/rss2") "$load0" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import os, sys
t0, t1, t2, t3, n, r1, u1, s1, r2, u2, s2, l0, l1 = map(float, sys.argv[1:])
dec, j1, j2 = (t1 - t0) / n, (t2 - t1) / n, (t3 - t2) / n
print(f"photos: {int(n)} x 12 MP")
print(f"imread alone        {dec:.3f} s/photo")
print(f"analyze --jobs 1    {j1:.3f} s/photo  = {j1 / dec:.2f} x decode")
print(f"analyze --jobs 2    {j2:.3f} s/photo  speed-up {j1 / j2:.2f} x")
# CPU time does not depend on what else runs: equal figures mean no parallel overhead.
print(f"CPU time            {(u1 + s1) / n:.3f} s/photo (jobs 1), {(u2 + s2) / n:.3f} s/photo (jobs 2)")
print(f"peak RSS            {r1 / 1024:.0f} MB (jobs 1), {r2 / 1024:.0f} MB (jobs 2)")
print(f"load average        {l0:.1f} before, {l1:.1f} after, on {os.cpu_count()} cores"
      + ("  (busy machine: wall-clock figures are unreliable)" if l0 > 0.5 else ""))
PY
rm -rf "$work"
