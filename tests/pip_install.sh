#!/usr/bin/env bash
# `pip install REPO` into a fresh virtualenv gives a working `django-model-lint` on PATH
# (maturin, `bindings = "bin"`): checking fixtures/demo exits 1 and reports DOT001.
#
# Usage: tests/pip_install.sh [REPO]   (default: this repository)
# pip builds the release binary in the source tree, in REPO/target (or CARGO_TARGET_DIR): about
# 5 minutes from scratch on a 2-core machine, and far less once REPO/target/release exists.
set -euo pipefail

repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv"
start=$SECONDS
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$repo"
echo "pip install took $((SECONDS - start)) s"

bin="$work/venv/bin/django-model-lint"
test -x "$bin" || { echo "FAIL: $bin was not installed"; exit 1; }
"$bin" --version

set +e
out="$(cd "$work" && "$bin" check "$repo/fixtures/demo" --output-format concise 2>&1)"
code=$?
set -e
echo "$out"
if [[ $code -ne 1 ]]; then
    echo "FAIL: expected exit code 1, got $code"
    exit 1
fi
if [[ "$out" != *DOT001* ]]; then
    echo "FAIL: DOT001 not reported"
    exit 1
fi
echo "PASS: pip install gives a working django-model-lint"
