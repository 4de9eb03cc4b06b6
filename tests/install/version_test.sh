#!/usr/bin/env bash
# VersionFromCMake: the version has one source, project(VERSION) in CMakeLists.txt. It reaches
# `scarmap --version`, the tool.version of every report (ok and failed ones), and CHANGELOG.md
# has a section for it.
# Usage: version_test.sh SCARMAP_BINARY VERSION SOURCE_DIR WORK_DIR
set -euo pipefail
binary=$1 version=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
fail() { echo "VersionFromCMake: $*" >&2; exit 1; }

[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "project version '$version' is not X.Y.Z"
out=$("$binary" --version)
[ "$out" = "scarmap $version" ] || fail "--version says '$out', CMake says $version"

"$binary" synth --out "$work/in" --n 1 --size 320x240 --seed 5 2>/dev/null
: >"$work/in/empty.jpg"  # an unreadable photo still gets a report
code=0
"$binary" analyze "$work/in" -o "$work/out" -q || code=$?
[ $code -eq 1 ] || fail "analyze exited $code, expected 1 (one unreadable photo)"
python3 - "$work/out" "$version" <<'PY'
import json, pathlib, sys
reports = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
codes = set()
for p in reports:
    r = json.loads(p.read_text())
    codes.add(r["status"]["code"])
    assert r["tool"] == {"name": "scarmap", "version": sys.argv[2]}, (p.name, r["tool"])
assert codes == {"ok", "unreadable"}, codes
PY
grep -Eq "^## \[$version\]" "$src/CHANGELOG.md" || fail "CHANGELOG.md has no '## [$version]' section"
echo "VersionFromCMake: ok, $version"
