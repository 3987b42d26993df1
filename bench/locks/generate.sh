#!/usr/bin/env bash
# Regenerates the lock files of the DOT-using benchmark tier (issue 13) with the real tools,
# from the dependency lists of the pinned sdists (tests/realworld/pypi/fetch.sh):
#
#   bench/locks/ephios/uv.lock            `uv lock` of ephios 0.27.1's pyproject.toml (PEP 621 +
#                                         dependency groups; 154 packages, ~820 KB)
#   bench/locks/pretix/poetry.lock        `poetry lock` of pretix 2026.8.0's pyproject.toml (PEP 621
#                                         read by Poetry 2; 181 packages, ~530 KB)
#   bench/locks/aleksis-core/poetry.lock  `poetry lock` of aleksis-core 4.0.4's pyproject.toml
#                                         ([tool.poetry]; 238 packages, ~440 KB)
#
# The pyproject.toml beside each lock is the sdist's, changed only where the tools need it to lock
# without building the project (see `prepare` below). The committed locks were generated on
# 2026-12-06 with uv 0.13.9 (--exclude-newer 2026-12-01) and Poetry 2.5.1; rerunning against
# today's PyPI gives other versions of some packages (Poetry has no --exclude-newer), which does
# not matter to the benchmark as long as django-oauth-toolkit stays pinned among them.
#
#   bash bench/locks/generate.sh          needs network; installs uv and poetry into .venv-lock
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv=$repo/.venv-lock
if [ ! -x "$venv/bin/uv" ] || [ ! -x "$venv/bin/poetry" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check uv poetry
fi
bash "$repo/tests/realworld/pypi/fetch.sh" >/dev/null
roots=$repo/tests/realworld/pypi/.cache/roots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

prepare() { # project version -> $work/<project>/pyproject.toml
  mkdir -p "$work/$1"
  python3 - "$roots/$1/pyproject.toml" "$work/$1/pyproject.toml" "$2" <<'PY'
import re, sys
src, dst, version = sys.argv[1:]
t = open(src).read()
# A static version instead of the VCS / attribute one: locking then needs no build of the project.
t = t.replace('dynamic = ["version"]', f'version = "{version}"')
# pretix: Poetry refuses an open-ended Python range; its custom in-tree build backend is not shipped.
t = t.replace('requires-python = ">=3.11"\n', 'requires-python = ">=3.11,<4"\n')
t = re.sub(r'\n\[build-system\]\nbuild-backend = "backend"\nbackend-path = \["_build"\]\nrequires = \[[^\]]*\]\n', '\n', t)
# aleksis-core: its supplemental GitLab index does not answer from here; every package is on PyPI.
t = re.sub(r'\[\[tool\.poetry\.source\]\]\nname = "gitlab"\n[^\[]*', '', t)
open(dst, "w").write(t)
PY
  touch "$work/$1/README.rst" "$work/$1/README.md" "$work/$1/LICENSE"
}

prepare ephios 0.27.1
(cd "$work/ephios" && "$venv/bin/uv" lock --exclude-newer 2026-12-01T00:00:00Z)
prepare pretix 2026.8.0
(cd "$work/pretix" && "$venv/bin/poetry" lock --no-interaction)
prepare aleksis-core 4.0.4
(cd "$work/aleksis-core" && "$venv/bin/poetry" lock --no-interaction)

for p in ephios pretix aleksis-core; do
  for f in pyproject.toml uv.lock poetry.lock; do
    [ -f "$work/$p/$f" ] && cp "$work/$p/$f" "$here/$p/$f"
  done
done
ls -l "$here"/*/*.lock
grep -H -A1 '^name = "django-oauth-toolkit"' "$here"/*/*.lock
