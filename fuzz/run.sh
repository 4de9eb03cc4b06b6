#!/usr/bin/env bash
# Builds the libFuzzer target (clang-14, ASan + UBSan, the same build as scripts/sanitize.sh) and
# fuzzes load -> analyse -> report JSON for SECONDS on one core.
# Usage: fuzz/run.sh SECONDS [BUILD_DIR]
# New inputs go to BUILD_DIR/fuzz-corpus (seeded from fuzz/corpus), findings to
# BUILD_DIR/fuzz-findings/. Turn every finding into fuzz/regressions/<name> (replayed by the
# FuzzRegressions ctest test in every build) and fix it.
# Bounds per input: -timeout=30 s, -rss_limit_mb=2048, -max_len=65536; inside the target the
# pixel limit is 4 MP (fuzz/analyze_fuzz.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: fuzz/run.sh SECONDS [BUILD_DIR]}
build=${2:-build-asan}
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DSCARMAP_SANITIZE=address,undefined -DSCARMAP_FUZZ=ON -DSCARMAP_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j 1 --target scarmap_fuzz
mkdir -p "$build/fuzz-corpus" "$build/fuzz-findings"
cp -n fuzz/corpus/* fuzz/regressions/* "$build/fuzz-corpus/" 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$build/fuzz/scarmap_fuzz" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/fuzz-findings/" \
  "$build/fuzz-corpus"
