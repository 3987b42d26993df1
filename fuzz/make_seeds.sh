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
done
ls "$here/seeds/"* | wc -l
