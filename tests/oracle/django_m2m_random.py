#!/usr/bin/env python3
"""Seeded random Django projects exercising the many-to-many checks (DJF330-DJF346), compared
with Django's own `run_checks()`: a local differential run, not part of CI.

    python3 tests/oracle/django_m2m_random.py FIRST_SEED END_SEED PYTHON [PYTHON ...]

Each seed builds one project (two apps, two to five models with random foreign keys, one-to-one
and many-to-many fields: `through` models named in either app, `through_fields` drawn from the
field names, `null` / `unique` / `validators` / `symmetrical` / `db_comment` / `db_table`,
abstract models, `Meta.db_table`, sometimes `DATABASE_ROUTERS`) in a temporary directory, runs
`target/debug/django-model-lint` (or `$DJF_BIN`) and each PYTHON's Django on it (as `django_checks.py` does), and
prints every disagreement on the check IDs of this family: `extra` (the tool reports what Django
does not: a trust bug) and `missed` (Django reports what the tool, staying silent where it is
unsure, does not). The same seed gives the same project.
"""
import json, os, random, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import django_checks as dc  # noqa: E402
NEW = {"fields.E330","fields.E331","fields.E333","fields.E334","fields.E335","fields.E336","fields.E337","fields.E338","fields.E339","fields.E340","fields.W340","fields.W341","fields.W342","fields.W344","fields.W345","fields.W346"}
ROOT = os.path.join(tempfile.mkdtemp(prefix="djf-m2m-"), "p")
BINARY = os.environ.get("DJF_BIN") or os.path.join(REPO, "target", "debug", "django-model-lint")
MANAGE = open(os.path.join(REPO, "fixtures", "djf320_on_delete", "manage.py")).read()

def project(seed):
    r = random.Random(seed)
    names = ["Alpha", "Beta", "Gamma", "Delta", "Eps"][: r.randint(2, 5)]
    apps = {"one": [], "two": []}
    where = {n: r.choice(["one", "two"]) for n in names}
    abstract = {n: (r.random() < 0.15) for n in names}
    parent = {n: None for n in names}
    for i, n in enumerate(names):
        if i and r.random() < 0.2:
            parent[n] = r.choice(names[:i])
    rel_id = [0]
    def ref(target, from_app):
        style = r.random()
        if style < 0.3 and where[target] == from_app:
            return repr(target)
        if style < 0.4:
            return "settings.AUTH_USER_MODEL" if r.random() < 0.5 else repr("auth.User")
        return repr(f"{where[target]}.{target}")
    body = {}
    for n in names:
        app = where[n]
        lines = []
        nf = r.randint(0, 4)
        for _ in range(nf):
            rel_id[0] += 1
            k = rel_id[0]
            t = r.choice(names)
            kind = r.random()
            rn = f', related_name="r{k}"' if r.random() < 0.85 else ', related_name="+"'
            if kind < 0.55:
                extra = ""
                if r.random() < 0.15: extra += ", unique=True"
                if r.random() < 0.05: extra += ", primary_key=True"
                lines.append(f"    f{k} = models.ForeignKey({ref(t, app)}, models.CASCADE{rn}{extra})")
            elif kind < 0.65:
                lines.append(f"    f{k} = models.OneToOneField({ref(t, app)}, models.CASCADE{rn})")
            else:
                opts = ""
                to = ref(t, app)
                if t == n and r.random() < 0.5:
                    to = '"self"'
                if r.random() < 0.15: opts += ", null=" + r.choice(["True", "False"])
                if r.random() < 0.1: opts += ", unique=True"
                if r.random() < 0.1: opts += ", validators=" + r.choice(["[]", "[validate_slug]"])
                if r.random() < 0.2: opts += ", symmetrical=" + r.choice(["True", "False"])
                if r.random() < 0.05: opts += ", db_comment='c'"
                through = None
                if r.random() < 0.5:
                    th = r.choice(names)
                    through = th
                    opts += f", through={repr(where[th] + '.' + th) if r.random() < 0.7 else repr(th) if where[th]==app else repr(where[th] + '.' + th)}"
                    if r.random() < 0.4:
                        cand = [f"f{j}" for j in range(1, rel_id[0] + 3)] + ["nope", ""]
                        tf = tuple(r.choice(cand) for _ in range(r.choice([1, 2, 2, 2, 3])))
                        opts += f", through_fields={tf!r}"
                elif r.random() < 0.3:
                    opts += ", db_table=" + repr(r.choice(["one_alpha", "two_beta", "shared", f"{app}_{n.lower()}_f{k}", "one_alpha_f3"]))
                if 'symmetrical=True' in opts and to != '"self"' and t != n:
                    opts = opts.replace(", symmetrical=True", "")
                lines.append(f"    f{k} = models.ManyToManyField({to}{rn}{opts})")
        meta = []
        if abstract[n]: meta.append("        abstract = True")
        if r.random() < 0.15: meta.append("        db_table = " + repr(r.choice(["one_alpha_f3", "shared", "two_beta", "one_gamma_f5"])))
        if meta:
            lines.append("    class Meta:")
            lines += meta
        base = "models.Model"
        if parent[n]:
            p = parent[n]
            base = p if where[p] == app else f"{where[p]}_models.{p}"
        body[n] = (app, base, lines or ["    pass"])
    if os.path.exists(ROOT): shutil.rmtree(ROOT)
    os.makedirs(f"{ROOT}/proj")
    open(f"{ROOT}/manage.py", "w").write(MANAGE)
    open(f"{ROOT}/proj/__init__.py", "w").write("")
    routers = r.random() < 0.2
    open(f"{ROOT}/proj/settings.py", "w").write(
        'SECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "one", "two"]\n'
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}\n'
        'DEFAULT_AUTO_FIELD = "django.db.models.AutoField"\n' + ('DATABASE_ROUTERS = ["proj.settings.R"]\nclass R:\n    pass\n' if routers else ""))
    # Cross-app inheritance could make import cycles: a parent in another app becomes
    # models.Model.
    for a in apps:
        os.makedirs(f"{ROOT}/{a}")
        open(f"{ROOT}/{a}/__init__.py", "w").write("")
        src = ["from django.conf import settings", "from django.core.validators import validate_slug", "from django.db import models", ""]
        for n in names:
            app, base, lines = body[n]
            if app != a: continue
            if "." in base:  # cross-app parent: use a local base instead
                base = "models.Model"
            src.append(f"class {n}({base}):")
            src += lines
            src.append("")
        open(f"{ROOT}/{a}/models.py", "w").write("\n".join(src) + "\n")

def run(seed, pythons):
    project(seed)
    r = subprocess.run([BINARY, "check", ROOT, "--output-format", "json", "--select", "DJF", "--exit-zero"], capture_output=True, text=True)
    ours = []
    for d in json.loads(r.stdout):
        check, obj = d.get("django_check"), d.get("django_object")
        prefix = f"{obj}: ({check}) "
        msg = d["message"][len(prefix):] if d["message"].startswith(prefix) else d["message"]
        if check in NEW: ours.append([check, obj, msg])
    ours.sort()
    out = []
    for py in pythons:
        rr = subprocess.run([py, "-c", dc.CHILD, ROOT], capture_output=True, text=True, cwd=ROOT)
        if rr.returncode != 0:
            out.append((py, "crash", rr.stderr.strip().splitlines()[-1] if rr.stderr.strip() else ""))
            continue
        data = json.loads(rr.stdout.strip().splitlines()[-1])
        theirs = sorted(m for m in data["messages"] if m[0] in NEW)
        extra = [m for m in ours if m not in theirs]
        missed = [m for m in theirs if m not in ours]
        out.append((data["django"], extra, missed, len(theirs)))
    return ours, out

if __name__ == "__main__":
    pythons = [os.path.abspath(p) for p in sys.argv[3:]]
    stats = {"extra": 0, "missed": 0, "theirs": 0, "crash": 0, "agree": 0}
    for seed in range(int(sys.argv[1]), int(sys.argv[2])):
        ours, res = run(seed, pythons)
        for item in res:
            if item[1] == "crash":
                stats["crash"] += 1
                continue
            v, extra, missed, n = item
            stats["theirs"] += n
            if extra or missed:
                print("seed", seed, v, "extra", extra, "missed", missed, flush=True)
                stats["extra"] += len(extra); stats["missed"] += len(missed)
            else:
                stats["agree"] += 1
    print(stats)
