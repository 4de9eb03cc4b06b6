#!/usr/bin/env bash
# End to end: a small batch (two generated photos, a copy under a hostile file name, a broken
# file) -> index.html opened in headless Chromium by check_index_page.py.
# Usage: batch_index_in_browser.sh SCARMAP WORKDIR    (exit 77 = skipped: no Chromium, not CI)
set -euo pipefail
scarmap=$1 work=$2 here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
"$scarmap" synth --out "$work/in" --n 2 --seed 11 --size 800x600 --px-per-mm 10:12 \
  --fut-prob 1 --fue-prob 1 >/dev/null
evil="<img src=x onerror=\"document.title='pwned'\"> 'q' & \"more\""
cp "$work/in/scalp_0000.jpg" "$work/in/$evil.jpg"
printf 'not a jpeg' > "$work/in/broken.jpg"
status=0
"$scarmap" analyze "$work/in" -o "$work/out" --overlays --masks --jobs 2 -q || status=$?
if [ "$status" -ne 1 ]; then echo "analyze exited $status, expected 1 (one broken file)"; exit 1; fi
exec python3 "$here/check_index_page.py" "$work/out/index.html" --rows 3 --failed 1 \
  --text "$evil.jpg" --text "broken.jpg"
