#!/usr/bin/env bash
# The real pre-commit (from PyPI) runs this repository's hook on a temporary git repository
# holding a copy of fixtures/demo: the hook fails with DOT001 on the classic bug, and passes
# once related_name is "refresh_token".
#
# Usage: tests/pre_commit.sh REPO
#   REPO: absolute path of this repository (a git repository). The hook is taken at REPO's
#   HEAD commit, so .pre-commit-hooks.yaml and pyproject.toml must be committed there.
# pre-commit installs the hook with pip in its own clone of REPO, which compiles the release
# binary: about 5.5 minutes from scratch on a 2-core machine. The build goes to
# CARGO_TARGET_DIR, by default REPO/target, where `pip install REPO` (tests/pip_install.sh) has
# already built the same dependencies: run after it, the hook installs in about 40 s.
set -euo pipefail

repo="${1:?usage: tests/pre_commit.sh /absolute/path/to/django-model-lint}"
repo="$(cd "$repo" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
python="${PYTHON:-python3}"
rev="$(git -C "$repo" rev-parse HEAD)"
git -C "$repo" cat-file -e "$rev:.pre-commit-hooks.yaml" || {
    echo "FAIL: .pre-commit-hooks.yaml is not committed at $rev in $repo"
    exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"   # a fresh hook environment, nothing from ~/.cache

"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
pre_commit="$work/venv/bin/pre-commit"
"$pre_commit" --version

project="$work/project"
mkdir "$project"
cp -R "$repo/fixtures/demo/." "$project/"
cat > "$project/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: django-model-lint
YAML
git -C "$project" init --quiet
git -C "$project" add -A
git -C "$project" -c user.name=test -c user.email=test@example.invalid \
    commit --quiet -m "demo project"

run_hook() {
    set +e
    out="$(cd "$project" && "$pre_commit" run --all-files --color never 2>&1)"
    code=$?
    set -e
    echo "$out"
}

start=$SECONDS
run_hook
echo "first run (installs the hook) took $((SECONDS - start)) s"
if [[ $code -eq 0 ]]; then
    echo "FAIL: the hook passed on the classic bug"
    exit 1
fi
if [[ "$out" != *DOT001* ]]; then
    echo "FAIL: the hook failed without reporting DOT001"
    exit 1
fi

sed -i.bak 's/related_name="access_refresh_token"/related_name="refresh_token"/' \
    "$project/oauth/models.py"
rm "$project/oauth/models.py.bak"
grep -q 'related_name="refresh_token"' "$project/oauth/models.py"
git -C "$project" add -A

start=$SECONDS
run_hook
echo "second run took $((SECONDS - start)) s"
if [[ $code -ne 0 ]]; then
    echo "FAIL: the hook still fails after the fix (exit $code)"
    exit 1
fi
echo "PASS: the pre-commit hook fails on DOT001 and passes after the fix"
