#!/usr/bin/env bash
# Benchmark of issue 6: django-model-lint vs `ruff check --select DJ --no-cache` on the large corpus.
#
#   bash bench/run.sh            full run (fetch/install/build as needed, time, RSS, profile)
#   ROUNDS=5 PROFILE=0 bash bench/run.sh     quicker
#
# Env knobs: ROUNDS (whole-tree rounds, 25: with 10 the in-place growth read +26 % once and
# +12 % in a 25-round rerun of the same binary), ONEFILE_ROUNDS (30), WARMUP (2), PROFILE (1 = perf
# profile of one whole-corpus run; needs perf), RSS_RUNS (3), NO_BUILD (1 = reuse target/release),
# DOT_ROUNDS (20: rounds of the DOT-using tier), DOT_PROFILE_RUNS (30: runs per project profiled),
# TIERS (all | dot: only the DOT-using tier, no corpus figures), LINT_BIN / PROF_BIN (time / profile
# these binaries instead of building: e.g. an older build, for before/after figures).
# Everything it creates lives in bench/corpus, bench/out (both gitignored) and bench/.venv.
# Rerunnable: the corpus, the venv, the synthetic trees and the floor binary are cached.
# Results: bench/out/<timestamp>/ (and bench/out/latest -> it); summary.md holds the table.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"

ROUNDS=${ROUNDS:-25}
ONEFILE_ROUNDS=${ONEFILE_ROUNDS:-30}
WARMUP=${WARMUP:-2}
PROFILE=${PROFILE:-1}
RSS_RUNS=${RSS_RUNS:-3}
NO_BUILD=${NO_BUILD:-0}
DOT_ROUNDS=${DOT_ROUNDS:-20}
DOT_PROFILE_RUNS=${DOT_PROFILE_RUNS:-30}
TIERS=${TIERS:-all}
# One models.py per kind of project: DOT itself (package, no manage.py), a project that uses DOT
# (geonode: OAUTH2_PROVIDER in its settings), a manage.py project with a settings chain, and
# arches' 96 KB model module (a project that installs DOT).
ONEFILES=(
  django_oauth_toolkit/oauth2_provider/models.py
  geonode/geonode/people/models.py
  label_studio/label_studio/users/models.py
  arches/arches/app/models/models.py
)

corpus=bench/corpus
src=$corpus/src
stamp=$(date +%Y%m%d-%H%M%S)
out=bench/out/$stamp
mkdir -p "$out"
ln -sfn "$stamp" bench/out/latest
log() { printf '\n== %s\n' "$*"; }

log "machine"
{
  echo "date: $(date -Is)"
  echo "host: $(uname -srm), $(nproc) cpus, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo '?') $(git status --porcelain -- src Cargo.toml 2>/dev/null | wc -l | tr -d ' ') changed paths in src/ Cargo.toml"
} | tee "$out/machine.txt"

log "tools"
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time from apt"
  (apt-get install -y -q time || { apt-get update -q && apt-get install -y -q time; }) >/dev/null
fi
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 2; }

log "corpus"
if [ -f "$corpus/.fetched-large" ] && [ -d "$src" ]; then
  echo "cached: $(cat "$corpus/.fetched-large")"
else
  mkdir -p "$corpus"
  bash ../shared/bench/fetch-corpus.sh "$corpus" large | tee "$corpus/.fetch.log"
  tail -n1 "$corpus/.fetch.log" > "$corpus/.fetched-large"
fi

log "ruff 0.17.x"
ruff=bench/.venv/bin/ruff
if ! { [ -x "$ruff" ] && "$ruff" --version | grep -q '^ruff 0\.17\.'; }; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q --disable-pip-version-check 'ruff>=0.17,<0.18'
fi
"$ruff" --version | tee "$out/ruff-version.txt"

log "build (release)"
# Others edit src/ meanwhile: a build can fail on a half-written file, so retry, then fall back
# to the last good binary with a warning.
build() { # extra cargo args...
  local i
  for i in 1 2 3; do
    cargo build --release --quiet "$@" && return 0
    echo "build failed (attempt $i); retrying in 20 s" >&2
    sleep 20
  done
  return 1
}
if [ -n "${LINT_BIN:-}" ]; then
  echo "timing $LINT_BIN (LINT_BIN)" | tee -a "$out/machine.txt"
elif [ "$NO_BUILD" != 1 ]; then
  build || { [ -x target/release/django-model-lint ] && echo "WARNING: using the existing target/release binary" | tee -a "$out/machine.txt"; } || exit 2
fi
# Others rebuild target/release while this runs: time a private copy of the binary.
lint="$out/django-model-lint"
cp "${LINT_BIN:-target/release/django-model-lint}" "$lint"
"$lint" --version | tee "$out/lint-version.txt"
stdin_flag=0
if "$lint" check --help | grep -q -- '--stdin-filename'; then stdin_flag=1; fi
echo "--stdin-filename supported: $stdin_flag"

# --- the DOT-using tier (issue 13): projects that use django-oauth-toolkit ----------------------
# The four pinned PyPI projects of tests/realworld/pypi (fetched and laid out at their package
# roots by its fetch.sh), three of them also with a generated lock file at their root
# (bench/locks), and each one ten times larger for the one-file figures (dot_tier.py).
log "DOT-using tier: fetch/layout, trees"
bash tests/realworld/pypi/fetch.sh
python3 bench/dot_tier.py tests/realworld/pypi/.cache/roots bench/locks bench/out/dot > "$out/dot-trees.json"
dot=bench/out/dot
DOT_TREES=(pretix pretix+poetry.lock ephios ephios+uv.lock django-ansible-base aleksis-core aleksis-core+poetry.lock allianceauth-oidc-provider)
log "DOT-using tier: ours vs ruff, $DOT_ROUNDS alternating rounds per project"
for t in "${DOT_TREES[@]}"; do
  printf '%s\t-\t%s\n' \
    ours "$lint check $dot/$t --output-format concise" \
    ruff "$ruff check --select DJ --no-cache --quiet $dot/$t" \
    ours_nodj "$lint check $dot/$t --output-format concise --ignore DJF,DJM" > "$out/dot-$t.spec"
  echo "-- $t (load $(cut -d' ' -f1 /proc/loadavg))"
  python3 bench/timer.py --rounds "$DOT_ROUNDS" --warmup "$WARMUP" --out "$out/dot-$t.json" "$out/dot-$t.spec"
done
log "DOT-using tier: one model module per project, $ONEFILE_ROUNDS rounds"
python3 - "$out/dot-trees.json" "$lint" "$stdin_flag" > "$out/dot-onefile.spec" <<'PY'
import json, sys
trees, lint, stdin_flag = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3] == "1"
for project, one in trees["onefiles"].items():
    for sfx, f in (("", one["file"]), ("_x10", one["file_x10"])):
        print(f"one_{project}{sfx}\t-\t{lint} check {f} --output-format concise")
        if stdin_flag:
            print(f"stdin_{project}{sfx}\t{f}\t{lint} check --stdin-filename {f} --output-format concise -")
PY
python3 bench/timer.py --rounds "$ONEFILE_ROUNDS" --warmup "$WARMUP" --out "$out/dot-onefile.json" "$out/dot-onefile.spec"
if [ "$PROFILE" = 1 ] && command -v perf >/dev/null; then
  log "DOT-using tier: phases (perf over $DOT_PROFILE_RUNS runs per project; release + debug info)"
  prof_bin=${PROF_BIN:-bench/out/target-prof/release/django-model-lint}
  if [ -z "${PROF_BIN:-}" ]; then
    CARGO_PROFILE_RELEASE_DEBUG=true build --target-dir bench/out/target-prof \
      || echo "WARNING: profiling build failed; profiling the previous one" | tee -a "$out/machine.txt"
  fi
  freq=4999
  for t in "${DOT_TREES[@]}"; do
    perf record -q -F "$freq" -g --call-graph dwarf,16384 -o "$out/dot-$t.perf.data" -- \
      sh -c "for i in \$(seq $DOT_PROFILE_RUNS); do $prof_bin check $dot/$t --output-format concise >/dev/null 2>&1; done" \
      >/dev/null 2>&1 || true
    perf script -i "$out/dot-$t.perf.data" -F comm,pid,tid,time,ip,sym,dso 2>/dev/null \
      | python3 bench/phases.py --comm django-model --runs "$DOT_PROFILE_RUNS" --freq "$freq" \
      > "$out/dot-phases-$t.txt" || true
    rm -f "$out/dot-$t.perf.data"
    echo "-- $t"; sed -n '2,/^total/p' "$out/dot-phases-$t.txt"
  done
fi

if [ "$TIERS" = all ]; then
log "floor binary and synthetic trees"
floor=bench/out/floor
if [ ! -x "$floor" ] || [ bench/floor.rs -nt "$floor" ]; then
  rustc --edition 2021 -C opt-level=3 -o "$floor" bench/floor.rs
fi
python3 bench/trees.py "$src" bench/out/trees "${ONEFILES[@]}" | tee "$out/trees.json"
grow2x=bench/out/trees/grow2x
grow_inplace=bench/out/trees/grow2x-inplace
grow_apart=bench/out/trees/grow2x-apart

# --- whole tree: ours vs ruff, and the doubled tree, alternated in one run -------------------
log "whole tree: $ROUNDS rounds after $WARMUP warm-up rounds (alternating)"
printf '%s\t-\t%s\n' \
  ours "$lint check $src --output-format concise" \
  ruff "$ruff check --select DJ --no-cache --quiet $src" \
  ours_grow2x "$lint check $grow2x --output-format concise" \
  ours_grow_inplace "$lint check $grow_inplace --output-format concise" \
  ours_grow_apart "$lint check $grow_apart --output-format concise" \
  ours_nodj "$lint check $src --output-format concise --ignore DJF,DJM" \
  > "$out/whole.spec"
python3 bench/timer.py --rounds "$ROUNDS" --warmup "$WARMUP" --out "$out/whole.json" "$out/whole.spec"

# --- floors: what walking and reading the same tree costs at best ----------------------------
log "floors (std-only walk/read/search of the same tree)"
printf '%s\t-\t%s\n' \
  floor_walk "$floor walk $src" \
  floor_read_1t "$floor read $src 1" \
  floor_read_2t "$floor read $src 2" \
  floor_grep_2t "$floor grep $src 2" \
  floor_read_2t_grow2x "$floor read $grow2x 2" \
  floor_walk_grow2x "$floor walk $grow2x" \
  floor_walk_apart "$floor walk $grow_apart" \
  floor_walk_inplace "$floor walk $grow_inplace" \
  > "$out/floor.spec"
python3 bench/timer.py --rounds "$ROUNDS" --warmup 1 --out "$out/floor.json" "$out/floor.spec"
for m in "walk $src" "read $src 1" "read $src 2" "grep $src 2"; do
  # shellcheck disable=SC2086
  "$floor" $m
done | tee "$out/floor-internal.txt"

# --- one file: in the corpus and in a tree ten times larger ----------------------------------
log "one file: $ONEFILE_ROUNDS rounds"
: > "$out/onefile.spec"
for rel in "${ONEFILES[@]}"; do
  slug=${rel%%/*}
  big=bench/out/trees/x10-$slug/$rel
  printf '%s\t-\t%s\n' \
    "one_$slug" "$lint check $src/$rel --output-format concise" \
    "one_${slug}_x10" "$lint check $big --output-format concise" \
    "nodj_$slug" "$lint check $src/$rel --output-format concise --ignore DJF,DJM" >> "$out/onefile.spec"
  if [ "$stdin_flag" = 1 ]; then
    printf '%s\t%s\t%s\n' \
      "stdin_$slug" "$src/$rel" "$lint check --stdin-filename $src/$rel --output-format concise -" \
      "stdin_${slug}_x10" "$big" "$lint check --stdin-filename $big --output-format concise -" \
      >> "$out/onefile.spec"
  fi
done
# A file with a finding: concise (what editors run; the fix's project-wide scan is skipped) and
# full (the default; the scan runs), in a project holding the corpus and one ten times larger.
for n in 1 10; do
  f=bench/out/trees/finding-x$n/oauth/models.py
  sfx=$([ $n = 10 ] && echo _x10 || true)
  printf '%s\t-\t%s\n' \
    "one_finding$sfx" "$lint check $f --output-format concise" \
    "full_finding$sfx" "$lint check $f --output-format full" >> "$out/onefile.spec"
done
printf '%s\t-\t%s\n' "ruff_one_dot" "$ruff check --select DJ --no-cache --quiet $src/${ONEFILES[0]}" >> "$out/onefile.spec"
python3 bench/timer.py --rounds "$ONEFILE_ROUNDS" --warmup "$WARMUP" --out "$out/onefile.json" "$out/onefile.spec"

# --- peak memory through GNU time -------------------------------------------------------------
log "peak RSS (/usr/bin/time -v, max of $RSS_RUNS runs)"
rss() { # name, command...
  local name=$1; shift
  local max=0 v
  for _ in $(seq "$RSS_RUNS"); do
    /usr/bin/time -v "$@" >/dev/null 2>"$out/time-$name.txt" || true
    v=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time-$name.txt")
    [ "${v:-0}" -gt "$max" ] && max=$v
  done
  echo "$name $max" | tee -a "$out/rss.txt"
}
: > "$out/rss.txt"
rss ours "$lint" check "$src" --output-format concise
rss ours_grow2x "$lint" check "$grow2x" --output-format concise
rss ruff "$ruff" check --select DJ --no-cache --quiet "$src"

# --- what the tool reports on the corpus -------------------------------------------------------
log "diagnostics on the corpus"
set +e
"$lint" check "$src" --output-format json > "$out/diagnostics.json" 2> "$out/diagnostics.stderr"
echo "json exit $?" | tee "$out/diagnostics-exit.txt"
"$lint" check "$src" --output-format concise > "$out/diagnostics.txt" 2>> "$out/diagnostics.stderr"
echo "concise exit $?" | tee -a "$out/diagnostics-exit.txt"
"$lint" check "$grow2x" --output-format concise > "$out/diagnostics-grow2x.txt" 2>> "$out/diagnostics.stderr"
echo "grow2x concise exit $?" | tee -a "$out/diagnostics-exit.txt"
set -e
head -n 40 "$out/diagnostics.txt"
if [ -s "$out/diagnostics.stderr" ]; then echo "stderr:"; head -n 20 "$out/diagnostics.stderr"; fi

# --- syscall census of one whole-tree run ----------------------------------------------------
if command -v strace >/dev/null; then
  log "syscalls of one whole-tree run (strace -f -c)"
  strace -f -c -o "$out/strace.txt" "$lint" check "$src" --output-format concise >/dev/null 2>&1 || true
  head -n 16 "$out/strace.txt"
fi

# --- profile ------------------------------------------------------------------------------------
if [ "$PROFILE" = 1 ] && command -v perf >/dev/null; then
  log "perf profile of one whole-tree run (release + debug info, separate target dir)"
  prof_bin=${PROF_BIN:-bench/out/target-prof/release/django-model-lint}
  if [ -z "${PROF_BIN:-}" ]; then
    CARGO_PROFILE_RELEASE_DEBUG=true build --target-dir bench/out/target-prof \
      || echo "WARNING: profiling build failed; profiling the previous one" | tee -a "$out/machine.txt"
  fi
  for _ in 1 2; do "$prof_bin" check "$src" --output-format concise >/dev/null 2>&1 || true; done
  perf record -q -F 2999 -g --call-graph dwarf,16384 -o "$out/perf.data" \
    "$prof_bin" check "$src" --output-format concise >/dev/null 2>&1 || true
  perf report -i "$out/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 0.7 \
    2>/dev/null | grep -v '^$' > "$out/perf-self.txt" || true
  perf script -i "$out/perf.data" -F comm,tid,time,ip,sym,dso 2>/dev/null \
    | python3 bench/phases.py > "$out/perf-phases.txt" || true
  # `head` may close the pipe before grep is done: SIGPIPE, which pipefail would make fatal.
  grep -E '^ +[0-9]' "$out/perf-self.txt" | head -n 25 || true
  cat "$out/perf-phases.txt"
fi

fi # TIERS = all

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

log "summary"
python3 bench/summarize.py "$out" | tee "$out/summary.md"
