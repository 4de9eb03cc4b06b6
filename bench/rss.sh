#!/usr/bin/env bash
# Peak memory (RSS) of `scarmap analyze`: a batch of N generated 12 MP photos with --jobs 2
# (and its first 10 photos alone: memory must not grow with the batch), and one 48 MP photo with
# --jobs 1 (target <= 400 MB), plus the per-stage peaks of that photo (bench/memory_bench).
# Usage: bench/rss.sh [BUILD_DIR] [N]     (N defaults to 100; generating them takes a while)
# SCARMAP_RSS_PHOTOS=DIR keeps the generated photos in DIR and reuses them on the next run (the
# generator is deterministic: same seed and N, same photos), e.g. to compare two builds.
set -euo pipefail
build=${1:-build} n=${2:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
photos=${SCARMAP_RSS_PHOTOS:-$work/photos}
scarmap="$build/scarmap"
rss() { /usr/bin/time -f "%M %e" -o "$work/t" "$@" >/dev/null 2>&1 || test $? -eq 1; cat "$work/t"; }
mb() { awk '{printf "%.0f MB peak RSS, %.0f s", $1 / 1024, $2}' <<<"$1"; }

in12=$photos/in12_$n in48=$photos/in48
[ -f "$in12/manifest.csv" ] ||
  "$scarmap" synth --out "$in12" --n "$n" --seed 9 --size 4000x3000 --px-per-mm 12:30 2>/dev/null
[ -f "$in48/manifest.csv" ] ||
  "$scarmap" synth --out "$in48" --n 1 --seed 3 --megapixels 48:48 --px-per-mm 24:24 2>/dev/null
mkdir -p "$work/first10"
ls "$in12"/*.jpg | head -10 | xargs -I{} ln -s {} "$work/first10/"

batch=$(rss "$scarmap" analyze "$in12" -o "$work/o12" -q --jobs 2 --min-dpi 1)
ten=$(rss "$scarmap" analyze "$work/first10" -o "$work/o10" -q --jobs 2 --min-dpi 1)
one48=$(rss "$scarmap" analyze "$in48" -o "$work/o48" -q --jobs 1 --min-dpi 1)
echo "12 MP photos, --jobs 2: $n photos: $(mb "$batch"); first 10 alone: $(mb "$ten")"
echo "one 48 MP photo (24 px/mm), --jobs 1: $(mb "$one48")"
echo "per stage, the 48 MP photo:"
"$build/bench/memory_bench" "$in48"/scalp_0000.jpg 24
