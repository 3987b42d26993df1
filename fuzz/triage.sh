#!/usr/bin/env bash
# Groups the crash inputs in fuzz/artifacts/<target>/ by where they panic: one line per distinct
# panic location and message head, with a count and one example input. Run after fuzz/run.sh
# (the binaries must be built: it uses fuzz/target/*/release/<target>).
#   fuzz/triage.sh [TARGET...]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(check_project fixer)
for t in "${targets[@]}"; do
  bin=$(ls "$here"/target/*/release/"$t" 2>/dev/null | head -1)
  [ -x "$bin" ] || { echo "$t: not built" >&2; continue; }
  echo "== $t"
  for f in "$here/artifacts/$t"/crash-*; do
    [ -e "$f" ] || continue
    # The location, and the first words of the message (which often quotes the input).
    where=$("$bin" "$f" 2>&1 | grep -a -m1 -A1 'panicked at' | tr '\n' ' ' |
      sed -E "s/thread '[^']*' \([0-9]+\) panicked at //" | awk '{m=$2" "$3" "$4" "$5" "$6; gsub(/[0-9]+/, "N", m); print $1, m}')
    printf '%s\t%s\n' "${where:-no panic (fixed?)}" "$(basename "$f")"
  done | sort | awk -F'\t' '{n[$1]++; if (!($1 in ex)) ex[$1]=$2} END {for (k in n) printf "%5d  %s\n       e.g. %s\n", n[k], k, ex[k]}'
done
