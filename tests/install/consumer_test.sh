#!/usr/bin/env bash
# InstallConsumer: `cmake --install` the build into a temporary prefix, build the consumer
# project against it with find_package(scarmap) (it links the already-built library, nothing of
# scarmap is recompiled), run it on a synthetic photo and check its report.
# Usage: consumer_test.sh BUILD_DIR SOURCE_DIR VERSION WORK_DIR GENERATOR CXX [SANITIZE]
set -euo pipefail
build=$1 src=$2 version=$3 work=$4 generator=$5 cxx=$6 sanitize=${7:-}
rm -rf "$work"
mkdir -p "$work"
fail() { echo "InstallConsumer: $*" >&2; exit 1; }

prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
for f in bin/scarmap include/scarmap/scarmap.hpp include/scarmap/core/version.hpp \
         share/scarmap/scarmap.report.v1.json; do
  [ -f "$prefix/$f" ] || fail "cmake --install did not install $f"
done

flags=()
if [ -n "$sanitize" ]; then  # the static library was built with sanitizers: link them too
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=$sanitize" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitize")
fi
cmake -S "$src/tests/install/consumer" -B "$work/build" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" \
  -DSCARMAP_EXPECTED_VERSION="$version" "${flags[@]}" >"$work/configure.log" ||
  { cat "$work/configure.log"; fail "the consumer does not configure"; }
cmake --build "$work/build" >"$work/build.log" || { cat "$work/build.log"; fail "no build"; }

# A synthetic photo at a known 14 px/mm, made by the installed tool.
"$prefix/bin/scarmap" synth --out "$work/photos" --n 1 --size 900x700 --seed 20261201 \
  --px-per-mm 14 --fue-prob 1 --marker-prob 0 2>/dev/null
photo=$work/photos/scalp_0000.jpg
"$work/build/consumer" "$photo" 14 >"$work/consumer.json" || fail "the consumer failed"
"$prefix/bin/scarmap" analyze "$photo" -o "$work/cli" -q --px-per-mm 14
cmp -s "$work/consumer.json" "$work/cli/scalp_0000.json" ||
  fail "the library's report differs from scarmap analyze's"

schema_dir=$(cat "$work/build/schema_dir.txt")
python3 "$src/tests/report/validate_schema.py" "$schema_dir/scarmap.report.v1.json" \
  "$work/consumer.json" >/dev/null ||
  fail "the report does not validate against the installed schema"
python3 - "$work/consumer.json" "$version" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"]["code"] == "ok", r["status"]
assert r["tool"] == {"name": "scarmap", "version": sys.argv[2]}, r["tool"]
assert r["calibration"]["source"] == "cli" and r["calibration"]["px_per_mm"] == 14.0
assert r["scalp"]["area_mm2"] > 0 and r["summary"]["fue_count"] > 0, r["summary"]
print("InstallConsumer: ok, %d FUE dots, %.0f mm^2 of scalp" %
      (r["summary"]["fue_count"], r["scalp"]["area_mm2"]))
PY
