#!/usr/bin/env bash
# Regenerates the committed seed corpus fuzz/seeds/<target>/ from the fixtures: for each chosen
# fixture, its models.py as is (checked against the harness's default settings), and the same
# models with the fixture's DOT settings after the `#@settings` marker (app label renamed to
# `app`), plus `#@base` for the fixture whose bases live in a sibling module.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../fixtures"
chosen=(aliased_imports annotated_fields circulating_fix dot001_inherited_from_base_module
  dot003_protect dot004_revoked_not_null dot005_shadowed_by_property
  dot006_client_secret_charfield dot007_meta_drops_constraints dot009_wrong_target
  dot010_id_token_field dot011_custom_pk dot012_device_code_unique dot013_model_in_dict
  dot015_forgot_setting noqa_suppressed ok_mixins ok_target_spellings)
for target in check_project fixer; do
  out="$here/seeds/$target"
  rm -rf "$out"
  mkdir -p "$out"
  for f in "${chosen[@]}"; do
    dir="$fixtures/$f"
    models=$(find "$dir" -name models.py -not -path '*/proj/*' | sort | head -1)
    app=$(basename "$(dirname "$models")")
    cp "$models" "$out/$f.py"
    {
      sed "s/\"$app\\./\"app./g; s/from $app\\./from app./g" "$models"
      printf '\n#@settings\n'
      printf 'INSTALLED_APPS = ["oauth2_provider", "app"]\n'
      sed -n '/^OAUTH2_PROVIDER/,$p' "$dir/proj/settings.py" | sed "s/\"$app\\./\"app./g"
      if [ -f "$dir/$app/base.py" ]; then
        printf '\n#@base\n'
        cat "$dir/$app/base.py"
      fi
    } > "$out/$f.settings.py"
  done
  # Settings shapes the evaluator reads (issue 12): partly dynamic lists, branches, a library's
  # base settings, django-configurations classes, split-settings includes, a run-time name.
  models="$fixtures/dot001_other_name/oauth/models.py"
  shapes=(
'import os
from somelib.settings.base import *
EXTRA = ["debug_toolbar"] if os.environ.get("X") else []
INSTALLED_APPS = ["oauth2_provider"] + EXTRA + [a for a in PLUGINS]
INSTALLED_APPS += get_plugins()
INSTALLED_APPS.extend(more())
if DEBUG:
    INSTALLED_APPS.append("app")
elif os.environ.get("Y"):
    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "app.AccessToken"
else:
    INSTALLED_APPS.insert(0, "app")
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "app.RefreshToken" if DEBUG else "app.Other"'
'from configurations import Configuration, values
class Base(Configuration):
    INSTALLED_APPS = ["oauth2_provider", "app"]
    OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = values.Value("app.RefreshToken")
    @property
    def DATABASES(self):
        return {}
class Dev(Base):
    INSTALLED_APPS = Base.INSTALLED_APPS + list(Base.MISSING)
class Prod(Dev, Base):
    pass'
'from split_settings.tools import include, optional
# Don'"'"'t edit
include("components/*.py", optional("local.py"), *EXTRA)
INSTALLED_APPS = tuple(sorted(["oauth2_provider", "app"]))
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = f"app.{NAME}"'
  )
  for i in "${!shapes[@]}"; do
    { sed 's/"oauth\./"app./g; s/from oauth\./from app./g' "$models"; printf '\n#@settings\n%s\n' "${shapes[$i]}"; } \
      > "$out/settings_shape_$i.py"
  done
done
ls "$here/seeds/"* | wc -l
