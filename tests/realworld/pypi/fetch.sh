#!/usr/bin/env bash
# Fetch the four pinned DOT-using sdists from PyPI (cached in tests/realworld/pypi/.cache/,
# git-ignored; offline once cached) and lay each out at its real package root (layout.py):
#   bash tests/realworld/pypi/fetch.sh        -> tests/realworld/pypi/.cache/roots/<project>
# Used by run.sh (the verdicts) and by bench/run.sh (the DOT-using benchmark tier).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$here/.cache
mkdir -p "$cache/dl"

# name==version sha256 of the sdist
pins=(
  "pretix==2026.8.0 97c46dab676f8c29461c81dce90c6fb7812b29fe9181f8d1288a32f36e11cc64"
  "ephios==0.27.1 b4ab5b9b02b643e8be2ecabe85396f21d8d72770624164e245e4efc60d2402b8"
  "django-ansible-base==2026.6.2 5827186438ff3bd93785d5785e0db8323689f3318c786b430d1de53a7a966df8"
  "aleksis-core==4.0.4 724b266925bfc46556e7fef0416e9a75897dc5e0d368ce982b5aad596eb6ce3d"
)

sdist_name() {  # pretix==2026.8.0 -> pretix-2026.8.0.tar.gz (PEP 625: '-' becomes '_')
  local name=${1%%==*} version=${1##*==}
  echo "${name//-/_}-$version.tar.gz"
}

for entry in "${pins[@]}"; do
  spec=${entry%% *} sha=${entry##* }
  file=$cache/dl/$(sdist_name "$spec")
  if [ ! -f "$file" ]; then
    # pip prepares an sdist's metadata even to download it. pretix's isolated build requirements
    # do not resolve (importlib_metadata 9.* against 10.*), so that one is prepared without
    # isolation in a small venv that has what its build backend imports (tomli, setuptools).
    if ! python3 -m pip download -q --no-deps --no-binary :all: "$spec" -d "$cache/dl" 2>"$cache/pip.log"; then
      if [ ! -x "$cache/buildenv/bin/pip" ]; then
        python3 -m venv "$cache/buildenv"
        "$cache/buildenv/bin/pip" install -q tomli setuptools wheel
      fi
      "$cache/buildenv/bin/pip" download -q --no-deps --no-binary :all: --no-build-isolation \
        "$spec" -d "$cache/dl"
    fi
  fi
  echo "$sha  $file" | sha256sum -c --quiet - || { echo "error: $file does not match its pin" >&2; exit 2; }
done

python3 "$here/layout.py" "$cache/dl" "$cache/roots"
