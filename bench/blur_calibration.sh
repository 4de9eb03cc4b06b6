#!/usr/bin/env bash
# The blur measure's calibration curve: true optical sigma vs measured blur_sigma_mm on generated
# photos (bench/blur_calibration.cpp), summarised per extra blur, and per skin band, hair colour
# and px/mm range. Usage: bench/blur_calibration.sh BUILD_DIR [N] [SEED] [BLURS_MM]
set -euo pipefail
build=${1:-build} n=${2:-24} seed=${3:-77} blurs=${4:-0,0.05,0.1,0.13,0.16,0.2,0.25,0.3}
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
"$build/bench/blur_calibration" "$n" "$seed" "$blurs" > "$rows"
/usr/bin/python3 - "$rows" <<'PY'
import csv, statistics as st, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))
        if r["scalp_found"] == "1" and float(r["motion_blur_px"]) == 0]
def line(name, v):
    t = [float(r["true_mm"]) for r in v]; m = [float(r["measured_mm"]) for r in v]
    e = sorted(abs(a - b) for a, b in zip(m, t))
    print("%-22s %4d  true %.3f  measured median %.3f  [%.3f .. %.3f]  |err| p50 %.3f p90 %.3f"
          % (name, len(v), st.median(t), st.median(m), min(m), max(m), e[len(e) // 2],
             e[int(0.9 * (len(e) - 1))]))
print("photos without motion blur, by extra blur (mm):")
for b in sorted({r["extra_mm"] for r in rows}, key=float):
    line("extra " + b, [r for r in rows if r["extra_mm"] == b])
for key in ("skin_band", "hair_color", "sharpening"):
    print("by %s (all blurs):" % key)
    for k in sorted({r[key] for r in rows}):
        line(key + " " + k, [r for r in rows if r[key] == k])
print("by px/mm (all blurs):")
for lo, hi in ((8, 12), (12, 20), (20, 30), (30, 41)):
    line("px/mm %d-%d" % (lo, hi), [r for r in rows if lo <= float(r["px_per_mm"]) < hi])
PY
