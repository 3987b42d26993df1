#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, one after the other (outside CI's critical path):
#   fuzz/run.sh [SECONDS] [TARGET...]     (default 600 seconds, all targets)
# Seeds (fuzz/seeds/<target>/, committed) are copied into the corpus (fuzz/corpus/<target>/,
# gitignored) first. Crashes and the run's log land in fuzz/artifacts/<target>/. Prints the
# number of executions per target; exits non-zero when any target found a crash.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain RUSTC_BOOTSTRAP=1 lets it
# pass its nightly flags. FUZZ_SANITIZER (default `none`: the crate forbids unsafe code, and
# ASan costs a lot of speed) is passed to `-s`. Builds keep debug assertions and overflow checks
# (`-a`), so span arithmetic that wraps is caught where it happens. One target at a time keeps
# the run bounded on small machines. FUZZ_KEEP_GOING=1 runs libFuzzer in fork mode and keeps
# fuzzing after a crash (every crash is still written to fuzz/artifacts/<target>/), to collect
# several findings in one bounded run. DML_FUZZ_IGNORE=pattern,... makes panics whose location
# or message contains a pattern (known, reported bugs) count as uninteresting inputs, so the run
# explores past them (see `run_target` in fuzz/src/lib.rs). fuzz/triage.sh groups the crashes.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(check_project fixer)
fi
sanitizer="${FUZZ_SANITIZER:-none}"
export RUSTC_BOOTSTRAP=1

status=0
declare -A execs
declare -A results
for t in "${targets[@]}"; do
  cargo fuzz build -s "$sanitizer" -O -a "$t" || { echo "build of $t failed" >&2; exit 2; }
done
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  cp -n "fuzz/seeds/$t/"* "fuzz/corpus/$t/" 2>/dev/null || true
  # One log per run: several runs may share the checkout.
  log="fuzz/artifacts/$t/run-$(date +%Y%m%d-%H%M%S)-$$.log"
  : >"$log"
  touch "$log.start"
  echo "== $t: ${seconds}s (log: $log)"
  extra=(-print_final_stats=1)
  if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    extra=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  cargo fuzz run -s "$sanitizer" -O -a "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -dict=fuzz/python.dict -max_len=16384 -timeout=30 \
    -rss_limit_mb=4096 "${extra[@]}" >"$log" 2>&1
  rc=$?
  n=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  if [ -z "$n" ]; then
    # `#NNN DONE ...`, or in fork mode the last `#NNN: cov: ...` line.
    n=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  fi
  execs[$t]="${n:-unknown}"
  crashes=$(find "fuzz/artifacts/$t" -name 'crash-*' -newer "$log.start" | wc -l)
  rm -f "$log.start"
  if [ $rc -eq 0 ] && [ "$crashes" -eq 0 ]; then
    results[$t]="no crash"
  elif [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    results[$t]="$crashes crash input(s) in fuzz/artifacts/$t/"
    status=1
  else
    results[$t]="CRASH (exit $rc): $(grep -a -m1 -oE 'Test unit written to .*' "$log" || echo 'see log')"
    status=1
  fi
  tail -n 3 "$log"
done
echo
echo "== summary (${seconds}s per target)"
for t in "${targets[@]}"; do
  printf '%-15s %12s executions  %s\n' "$t" "${execs[$t]}" "${results[$t]}"
done
exit $status
