#!/usr/bin/env python3
"""Django's own system checks on the DJF fixtures, compared with django-model-lint's DJF rules.

    python3 tests/oracle/django_checks.py [--record] [--bin PATH] PYTHON [PYTHON ...]

Each PYTHON has one Django installed (`.venv-dj42/bin/python`, `.venv-dj52/bin/python`; create
them with `python3 -m venv .venv-dj52 && .venv-dj52/bin/pip install "Django>=5.2,<5.3"`). For
every fixture named `djf*`, `djm*`, `ok_djf*` or `ok_djm*`, the script runs, in a child process with the fixture on
`sys.path` and its settings module (from manage.py), `django.setup()` and
`django.core.checks.run_checks()` — what `manage.py check` runs — keeping the messages that
`SILENCED_SYSTEM_CHECKS` does not silence, as `manage.py check` does. It keeps the check IDs of the
family the DJF / DJM rules implement (`FAMILY`) as `[id, object, message]` (object: `app_label.Model.field`,
or `app_label.Model` for a model check)
and compares them with the tool's JSON output on the same fixture (`django_check`,
`django_object`, and the message after `<object>: (<id>) `): the same IDs on the same objects
with the same messages, or a disagreement is printed and the exit code is 1.

`--record` writes what Django reported to tests/oracle/django_checks.json, which
`tests/django_checks.rs` compares with the tool on every `cargo test` (no Django needed there).
"""

import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "fixtures")
RECORD = os.path.join(HERE, "django_checks.json")

# The check IDs the DJF rules implement (issue 15, first slice).
FAMILY = {
    "fields.E001", "fields.E002", "fields.E003",
    "fields.E302", "fields.E303", "fields.E304", "fields.E305",
    "fields.E320", "fields.E321",
    # Relation targets, related-name validity, to_field; model field checks (issue 15).
    "fields.E300", "fields.E301", "fields.E306", "fields.E307", "fields.E308", "fields.E309",
    "fields.E310", "fields.E311", "fields.E312",
    "models.E005", "models.E006", "models.E025", "models.E026",
    # Many-to-many and through models (fields.W342: ForeignKey(unique=True)).
    "fields.E330", "fields.E331", "fields.E333", "fields.E334", "fields.E335",
    "fields.E336", "fields.E337", "fields.E338", "fields.E339",
    "fields.E340", "fields.W340", "fields.W341", "fields.W342", "fields.W344", "fields.W345",
    "fields.W346",
}

CHILD = r"""
import json, os, re, sys
root = sys.argv[1]
sys.path.insert(0, root)
manage = open(os.path.join(root, "manage.py")).read()
module = re.search(r"DJANGO_SETTINGS_MODULE['\"],\s*['\"]([\w.]+)['\"]", manage).group(1)
os.environ["DJANGO_SETTINGS_MODULE"] = module
import django
django.setup()
from django.core import checks
out = []
for m in checks.run_checks(include_deployment_checks=False):
    if m.is_silenced():
        continue
    obj = m.obj
    if hasattr(obj, "model") and hasattr(obj, "name") and hasattr(obj.model, "_meta"):
        label = "%s.%s" % (obj.model._meta.label, obj.name)
    elif hasattr(obj, "_meta"):
        label = obj._meta.label
    else:
        label = str(obj)
    out.append([m.id, label, m.msg])
print(json.dumps({"django": django.get_version(), "messages": out}))
"""


def fixtures():
    return sorted(
        n for n in os.listdir(FIXTURES)
        if n.startswith(("djf", "ok_djf", "djm", "ok_djm"))
        and os.path.isfile(os.path.join(FIXTURES, n, "manage.py"))
    )


def django_side(python, name):
    root = os.path.join(FIXTURES, name)
    r = subprocess.run([python, "-c", CHILD, root], capture_output=True, text=True, cwd=root)
    if r.returncode != 0:
        raise SystemExit(f"{name} with {python}: Django failed:\n{r.stderr}")
    data = json.loads(r.stdout.strip().splitlines()[-1])
    family = sorted(m for m in data["messages"] if m[0] in FAMILY)
    others = sorted({m[0] for m in data["messages"] if m[0] not in FAMILY})
    return data["django"], family, others


def tool_side(binary, name):
    root = os.path.join(FIXTURES, name)
    r = subprocess.run(
        [binary, "check", root, "--output-format", "json", "--select", "DJF,DJM", "--exit-zero"],
        capture_output=True, text=True,
    )
    if r.returncode != 0:
        raise SystemExit(f"{name}: django-model-lint failed:\n{r.stderr}")
    out = []
    for d in json.loads(r.stdout):
        check, obj = d.get("django_check"), d.get("django_object")
        prefix = f"{obj}: ({check}) "
        msg = d["message"][len(prefix):] if d["message"].startswith(prefix) else d["message"]
        out.append([check, obj, msg])
    return sorted(out)


def main():
    args = sys.argv[1:]
    record = "--record" in args
    args = [a for a in args if a != "--record"]
    binary = os.path.join(REPO, "target", "debug", "django-model-lint")
    if "--bin" in args:
        i = args.index("--bin")
        binary = args[i + 1]
        del args[i:i + 2]
    if not args:
        raise SystemExit(__doc__)
    args = [os.path.abspath(a) for a in args]
    binary = os.path.abspath(binary)
    recorded = {}
    rows = []
    bad = 0
    for name in fixtures():
        ours = tool_side(binary, name)
        for python in args:
            version, theirs, others = django_side(python, name)
            recorded.setdefault(name, {})[version] = theirs
            agree = ours == theirs
            bad += not agree
            rows.append((name, version, len(theirs), len(ours), agree, others))
            if not agree:
                for m in theirs:
                    if m not in ours:
                        print(f"  {name} @ Django {version}: missed   {m}")
                for m in ours:
                    if m not in theirs:
                        print(f"  {name} @ Django {version}: extra    {m}")
    print("| fixture | Django | Django's findings (DJF family) | ours | agree | other check IDs Django reported |")
    print("|---|---|---|---|---|---|")
    for name, version, n, m, agree, others in rows:
        print(f"| {name} | {version} | {n} | {m} | {'yes' if agree else 'NO'} | {', '.join(others) or '-'} |")
    if record:
        with open(RECORD, "w") as f:
            json.dump(recorded, f, indent=1, sort_keys=True)
            f.write("\n")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
