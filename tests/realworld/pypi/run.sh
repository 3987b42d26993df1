#!/usr/bin/env bash
# Run django-model-lint on the DOT-using projects published on PyPI and assert its verdicts.
#   bash tests/realworld/pypi/run.sh            # DML_BIN=path/to/binary to test another build
# Fetches the pinned sdists and lays them out (fetch.sh: cached in tests/realworld/pypi/.cache/,
# git-ignored; offline once cached), runs the binary with --output-format json and
# --show-settings, and compares with expected.json (check.py).
# Exit 1 on any false positive, missing true diagnostic or blindness. Not part of `cargo test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
bin=${DML_BIN:-$repo/target/release/django-model-lint}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "error: no binary at $bin (cargo build --release, or set DML_BIN)" >&2; exit 2; }
bash "$here/fetch.sh"
cache=$here/.cache
python3 "$here/check.py" "$bin" "$cache/roots" "$here/expected.json"
