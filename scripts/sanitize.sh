#!/usr/bin/env bash
# The sanitizer job: builds scarmap with clang, AddressSanitizer + UndefinedBehaviorSanitizer and
# the libFuzzer target into build-asan/, then runs the test suite there: every unit test, the
# script tests (hostile batch, interruption, output-folder rules), the fuzz regressions and one
# pass of libFuzzer over the seed corpus. The accuracy ratchet is left out: it analyses 16
# photos of up to 2 MP, some 10x slower under ASan, and adds nothing the unit tests do not cover.
# Any sanitizer report fails the test it happens in. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
build=${SANITIZE_BUILD_DIR:-build-asan}
start=$(date +%s)
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DSCARMAP_SANITIZE=address,undefined -DSCARMAP_FUZZ=ON -DSCARMAP_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$JOBS"
built=$(date +%s)
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j "$JOBS" -E '^AccuracyRatchet$'
end=$(date +%s)
echo "sanitize: build $((built - start)) s, tests $((end - built)) s (ASan + UBSan, clang-14)"
