#!/usr/bin/env bash
# DebPackage: `cpack -G DEB` on the build, then checks the package from the outside: control
# fields (Package, Version = the CMake project version, Depends naming real installed runtime
# packages of OpenCV and libheif), contents, and that the tool extracted into a scratch folder
# runs. Nothing is installed on the machine.
# Usage: deb_test.sh BUILD_DIR VERSION WORK_DIR
set -euo pipefail
build=$1 version=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() { echo "DebPackage: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
debs=("$work"/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb in $work"
deb=${debs[0]}

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = scarmap ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture"
depends=$(field Depends)
echo "Depends: $depends"
for want in 'libopencv-core[0-9]' 'libopencv-imgcodecs[0-9]' 'libopencv-imgproc[0-9]' \
            'libheif[0-9]' 'libstdc\+\+6'; do
  grep -Eq "(^|, )$want[^,]* \(>= " <<<"$depends" || fail "Depends lacks $want"
done
# Every name in Depends is a real package (here: installed, since the build linked it).
for name in $(sed -E 's/\([^)]*\)//g; s/[,|]/ /g' <<<"$depends"); do
  [ "$(dpkg-query -W -f='${Status}' "$name" 2>/dev/null)" = "install ok installed" ] ||
    fail "Depends names $name, which is not an installed package"
done

dpkg-deb -c "$deb" | awk '{print $NF}' >"$work/contents.txt"
for f in ./usr/bin/scarmap ./usr/include/scarmap/scarmap.hpp \
         ./usr/include/scarmap/core/version.hpp ./usr/include/scarmap/report/report.hpp \
         ./usr/lib/libscarmap.a ./usr/lib/cmake/scarmap/scarmapConfig.cmake \
         ./usr/lib/cmake/scarmap/scarmapConfigVersion.cmake \
         ./usr/lib/cmake/scarmap/scarmapTargets.cmake \
         ./usr/share/scarmap/scarmap.report.v1.json ./usr/share/man/man1/scarmap.1.gz \
         ./usr/share/bash-completion/completions/scarmap ./usr/share/doc/scarmap/CHANGELOG.md; do
  grep -qxF "$f" "$work/contents.txt" || fail "the package lacks $f"
done
if grep -Ev '^\./usr/' "$work/contents.txt" | grep -Evqx '\./'; then
  fail "files outside /usr: $(grep -Ev '^\./(usr/.*)?$' "$work/contents.txt" | head -3)"
fi

root=$work/root
dpkg-deb -x "$deb" "$root"
out=$("$root/usr/bin/scarmap" --version) || fail "the packaged scarmap does not run"
[ "$out" = "scarmap $version" ] || fail "packaged --version says '$out'"
man=$(zcat "$root/usr/share/man/man1/scarmap.1.gz")
grep -q "^\.TH SCARMAP 1 .* \"scarmap $version\"" <<<"$man" ||
  fail "the packaged man page does not carry version $version"
# Stripping must not have emptied the static library.
symbols=$(nm -C --defined-only "$root/usr/lib/libscarmap.a")
grep -q ' T scarmap::Analyze(' <<<"$symbols" || fail "libscarmap.a has no scarmap::Analyze"
echo "DebPackage: ok, $(basename "$deb"), $(stat -c %s "$deb") bytes"
