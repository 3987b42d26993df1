#!/usr/bin/env bash
# Fetch the pinned DOT-using sdists straight from PyPI's index (fetch.py: nothing is built;
# cached in tests/realworld/pypi/.cache/, git-ignored; offline once cached) and lay each out at
# its real package root (layout.py):
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
  "allianceauth-oidc-provider==0.0.3 806f65f55bb87eaaf0351d87640724127c8ea2a4f46bf792678c5699b4ba8501"
)

python3 "$here/fetch.py" "$cache/dl" "${pins[@]}" >/dev/null
python3 "$here/layout.py" "$cache/dl" "$cache/roots"
