#!/usr/bin/env bash
# CPU time of each analysis stage (bench/stages_bench) as a ratio to the 12 MP JPEG decode measured
# in the same run: on a shared, loaded machine wall-clock times are noise, these ratios are not.
# Usage: bench/stages.sh [BUILD_DIR] [FILTER_REGEX] [MIN_TIME_S]
#   e.g. bench/stages.sh build 'Decode|Load|Working|Lab|Scalp|Flatten|Fill|Contrast|Plan|Png|Jpeg'
# The CPU time is the benchmark thread's: work a stage hands to OpenCV's other threads is not in
# it. SCARMAP_BENCH_THREADS=1 bench/stages.sh ... runs everything on that one thread (all the work).
set -euo pipefail
build=${1:-build} filter=${2:-.} min_time=${3:-1}
out=$(mktemp)
"$build/bench/stages_bench" --benchmark_filter="$filter|BM_JpegDecode12MP" \
  --benchmark_min_time="$min_time" --benchmark_format=json --benchmark_out="$out" >/dev/null
python3 - "$out" <<'PY'
import json, sys
runs = [b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("run_type") != "aggregate"]
ms = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
cpu = {b["name"]: b["cpu_time"] * ms[b["time_unit"]] for b in runs}
ref = cpu["BM_JpegDecode12MP"]
print(f"{'stage':28s} {'CPU ms':>9s} {'x 12 MP decode':>15s}")
for name, t in cpu.items():
    print(f"{name[3:]:28s} {t:9.1f} {t / ref:15.3f}")
PY
rm -f "$out"
