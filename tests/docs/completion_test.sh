#!/usr/bin/env bash
# BashCompletion: sources the completion script in a clean bash and checks what it offers
# against the program's own --help.
# Usage: completion_test.sh SCARMAP_BINARY COMPLETION_FILE WORK_DIR
set -euo pipefail
binary=$(realpath "$1") completion=$(realpath "$2") work=$3
rm -rf "$work"
mkdir -p "$work/bin" "$work/cwd/reports" "$work/cwd/photos"
ln -s "$binary" "$work/bin/scarmap"  # completed as plain `scarmap`, found on PATH
touch "$work/cwd/a.jpg" "$work/cwd/b.HEIC" "$work/cwd/notes.txt" "$work/cwd/clinic.json"

PATH="$work/bin:$PATH" bash --norc --noprofile -s "$completion" "$work/cwd" <<'TEST'
set -u
source "$1"
cd "$2"
fails=0
# expect "WANT" WORD... : TAB after the last word offers WANT (sorted, space-separated). Runs in
# this shell (not a subshell), as bash does, so the help cache works as it does for a user.
expect() {
  local want=$1; shift
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
  _scarmap
  local got; got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
  if [ "$got" != "$want" ]; then
    echo "BashCompletion: '$*<TAB>' gave '$got', want '$want'"; fails=$((fails + 1))
  fi
}
help_options() {
  scarmap $1 --help | sed -nE 's/^  (-[a-zA-Z],)?(--[a-z][a-z0-9-]*).*/\2/p' | sort | tr '\n' ' ' |
    sed 's/ $//'
}
[ "$(complete -p scarmap)" = "complete -F _scarmap scarmap" ] || { echo "not registered"; fails=1; }
expect "analyze" scarmap ana
expect "--margin-mm --marker-dict --marker-mm" scarmap analyze --mar
expect "analyze config eval marker synth" scarmap ""
expect "--help --version" scarmap --
for sub in analyze synth eval marker config; do
  expect "$(help_options "$sub")" scarmap "$sub" --
done
expect "--dump" scarmap config --d
expect "--px-per-mm" scarmap analyze photos -o reports --px
expect "DICT_5X5_100 DICT_5X5_1000 DICT_5X5_250 DICT_5X5_50" scarmap analyze --marker-dict DICT_5
expect "" scarmap analyze --margin-mm ""              # a number: nothing to offer
expect "photos reports" scarmap analyze a.jpg -o ""   # a folder
expect "clinic.json photos reports" scarmap analyze a.jpg --config ""
expect "a.jpg b.HEIC photos reports" scarmap analyze --masks ""  # photos and folders
expect "photos reports" scarmap eval --truth ""
[ "$(shopt -p extglob)" = "shopt -u extglob" ] || { echo "extglob left on"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "BashCompletion: ok"
exit $fails
TEST
