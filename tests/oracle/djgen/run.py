#!/usr/bin/env python3
"""Differential oracle: generated Django projects, Django's real `check` vs the DJF/DJM rules.

    python3 tests/oracle/djgen/run.py [--from A] [--count N] [--offline] [--bin PATH]
                                      [--cache FILE] [--prune] [--show N] [--keep DIR]

For each seed A .. A+N-1, `gen.py` generates a project; Django's system checks run on it under
Django 4.2 and 5.2 (the oracle envs `dot-2.4.0` and `dot-3.4.1` of tests/oracle/envs.toml, run by
`worker.py` in a child process, as tests/oracle/django_checks.py does), keeping the check IDs of
issue 15's family (`FAMILY`); the tool runs on the same project (`check DIR --output-format json
--exit-zero`) and its diagnostics carrying a `django_check` are compared with Django's: the same
check ID on the same object (`app_label.Model.field`, or `app_label.Model`), and the same message
after `<object>: (<id>) `.

Django's side is cached in `django_cache.json` (committed) by a SHA-256 of the generated
project's files, the env's pinned package list, `worker.py` and `FAMILY`: a run recomputes only what the
generator (or the env) changed, and `--offline` (CI) fails instead of running Django. The tool's
side always runs.

Writes `agreement.md`: per Django version and check ID, true positives, false positives (the
tool reports, Django does not), false negatives (Django reports, the tool does not), precision,
recall. The IDs the tool implements are read from the tool itself (`rule --all`: the check ID in
each rule's summary). Exit 1 when an implemented ID has precision < 100 % or recall < 99 % in
any version; IDs not implemented yet are listed as "not implemented" and do not fail the run.
"""

import argparse
import collections
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(ORACLE))
CACHE = os.path.join(HERE, "django_cache.json")
REPORT = os.path.join(HERE, "agreement.md")
WORKER = os.path.join(HERE, "worker.py")
ENVS = ["dot-2.4.0", "dot-3.4.1"]  # Django 4.2, Django 5.2

sys.path.insert(0, HERE)
import gen  # noqa: E402

# Issue 15's family: Django's IDs the DJF / DJM rules anticipate (implemented or not).
# IDs of the family that the Django versions compared no longer emit (read in
# django/db/models/fields/related.py of 4.2.30 and 5.2.19: neither string is there).
NOT_EMITTED = {
    "fields.E332": "symmetrical many-to-many with an intermediate table: the check is gone",
    "fields.W343": "limit_choices_to with a through model: the check is gone",
}

FAMILY = (
    ["fields.E00%d" % i for i in (1, 2, 3)]
    + ["fields.E3%02d" % i for i in range(0, 13)]
    + ["fields.E320", "fields.E321"]
    + ["fields.E3%d" % i for i in range(30, 41)]
    + ["fields.W3%d" % i for i in range(40, 46)]
    + ["models.E005", "models.E006", "models.E025", "models.E026"]
)


# Disagreements that are known and documented, each with a fixture: a finding of Django's that
# the tool misses is a "known gap" (listed, not failing the run unless --strict) when its
# message names one of these. Never used for the tool's extra findings. (Empty since the
# contrib apps' models are embedded: the gap `contrib-models`, fixtures/djf304_contrib_sites.)
KNOWN_GAPS = []


def known_gap(message):
    for gap in KNOWN_GAPS:
        if any(s in message for s in gap["message_contains"]):
            return gap["id"]
    return None


def load_oracle_run():
    spec = importlib.util.spec_from_file_location("oracle_run", os.path.join(ORACLE, "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def project_digest(root):
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".pyc"):
                continue
            path = os.path.join(dirpath, name)
            h.update(os.path.relpath(path, root).encode() + b"\0")
            with open(path, "rb") as f:
                h.update(f.read() + b"\0")
    return h.hexdigest()


def env_digest(env):
    """The env's pinned packages, the worker, and the family kept (the cache stores only it)."""
    h = hashlib.sha256()
    h.update("\n".join(sorted(env["packages"])).encode() + b"\0")
    h.update(" ".join(FAMILY).encode() + b"\0")
    with open(WORKER, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def implemented_ids(binary):
    """Django check IDs the tool implements, from its own rule table."""
    out = subprocess.run([binary, "rule", "--all"], capture_output=True, text=True, check=True).stdout
    ids = {}
    for line in out.splitlines()[1:]:
        code = line.split()[0] if line.split() else ""
        m = re.search(r"\(((?:fields|models)\.[EW]\d{3})\)", line)
        if m:
            ids[m.group(1)] = code
            continue
        # No ID in the summary: the code scheme (src/rules/django/mod.rs): DJF304 ->
        # fields.E304, DJF340W -> fields.W340, DJM005 -> models.E005.
        m = re.fullmatch(r"DJ([FM])(\d{3})(W?)", code)
        if m:
            ids["%s.%s%s" % ("fields" if m.group(1) == "F" else "models",
                             "W" if m.group(3) else "E", m.group(2))] = code
    return ids


def tool_side(binary, root):
    r = subprocess.run([binary, "check", root, "--output-format", "json", "--exit-zero"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{root}: django-model-lint failed:\n{r.stderr}")
    out = []
    for d in json.loads(r.stdout):
        check, obj = d.get("django_check"), d.get("django_object")
        if not check:
            continue
        prefix = f"{obj}: ({check}) "
        msg = d["message"][len(prefix):] if d["message"].startswith(prefix) else d["message"]
        out.append([check, obj, msg])
    return sorted(out)


def load_cache(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def save_cache(path, cache):
    # One entry per line: compact, and diffs stay readable.
    with open(path, "w") as f:
        f.write("{\n")
        keys = sorted(cache)
        for i, k in enumerate(keys):
            f.write("%s: %s%s\n" % (json.dumps(k), json.dumps(cache[k], separators=(",", ":")),
                                    "," if i + 1 < len(keys) else ""))
        f.write("}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--from", dest="start", type=int, default=0)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--offline", action="store_true", help="fail on a missing cache entry")
    ap.add_argument("--bin", default=os.environ.get(
        "DML_BIN", os.path.join(REPO, "target", "release", "django-model-lint")))
    ap.add_argument("--cache", default=CACHE)
    ap.add_argument("--report", default=REPORT)
    ap.add_argument("--prune", action="store_true", help="drop cache entries this run did not use")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=20, help="disagreements printed (0: none)")
    ap.add_argument("--keep", help="generate the projects under this directory (kept)")
    ap.add_argument("--strict", action="store_true", help="known gaps fail the run too")
    a = ap.parse_args(argv)
    t0 = time.monotonic()
    binary = os.path.abspath(a.bin)
    if not os.path.exists(binary):
        raise SystemExit(f"{binary} not found: cargo build --release")
    implemented = implemented_ids(binary)

    oracle = load_oracle_run()
    envs = oracle.load_envs()
    keys = {e: env_digest(envs[e]) for e in ENVS}
    cache = load_cache(a.cache)
    used = set()

    tmp = a.keep or tempfile.mkdtemp(prefix="djgen-")
    seeds = list(range(a.start, a.start + a.count))
    projects = {}
    for s in seeds:
        root = os.path.join(tmp, "p%d" % s)
        gen.generate(s, root)
        projects[s] = (root, project_digest(root))

    # Django's side: cached by project digest + env.
    django = {}
    for env in ENVS:
        missing = []
        for s in seeds:
            root, digest = projects[s]
            key = hashlib.sha256((digest + keys[env]).encode()).hexdigest()[:32]
            used.add(key)
            if key in cache:
                django[(env, s)] = cache[key]
            else:
                missing.append((s, key))
        if missing and a.offline:
            raise SystemExit(f"{len(missing)} projects x {env} are not in {a.cache}: run "
                             "tests/oracle/djgen/run.py without --offline (needs the oracle venvs)")
        if missing:
            py = oracle.ensure_venv(env, envs[env], lambda m: print(m, file=sys.stderr))
            chunks = [missing[i::a.jobs] for i in range(a.jobs)]

            def work(chunk):
                r = subprocess.run([py, WORKER] + [projects[s][0] for s, _ in chunk],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    raise SystemExit(f"worker failed under {env}:\n{r.stderr}")
                res = {}
                for line in r.stdout.splitlines():
                    d = json.loads(line)
                    res[d.pop("dir")] = d
                return [(s, key, res[projects[s][0]]) for s, key in chunk]

            with ThreadPoolExecutor(a.jobs) as ex:
                for part in ex.map(work, [c for c in chunks if c]):
                    for s, key, d in part:
                        if "crash" in d:
                            entry = {"crash": d["crash"], "at": d.get("at", "")}
                        else:
                            entry = {"django": d["django"],
                                     "m": sorted(m for m in d["messages"] if m[0] in FAMILY)}
                        cache[key] = entry
                        django[(env, s)] = entry
            print(f"[django] {env}: ran {len(missing)} projects", file=sys.stderr)
    if a.prune:
        cache = {k: v for k, v in cache.items() if k in used}
    save_cache(a.cache, cache)

    # The tool's side.
    ours = {}
    with ThreadPoolExecutor(a.jobs) as ex:
        for s, res in zip(seeds, ex.map(lambda s: tool_side(binary, projects[s][0]), seeds)):
            ours[s] = res

    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)

    # Compare.
    stats = {}  # (env, id) -> Counter(tp, fp, fn, msg)
    crashes = collections.Counter()
    versions = {}
    shown = []
    for env in ENVS:
        for s in seeds:
            d = django[(env, s)]
            if "crash" in d:
                crashes[env] += 1
                continue
            versions[env] = d["django"]
            theirs = collections.Counter((m[0], m[1]) for m in d["m"])
            mine = collections.Counter((m[0], m[1]) for m in ours[s])
            tmsg = collections.defaultdict(list)
            for m in d["m"]:
                tmsg[(m[0], m[1])].append(m[2])
            for key in set(theirs) | set(mine):
                st = stats.setdefault((env, key[0]), collections.Counter())
                tp = min(theirs[key], mine[key])
                st["tp"] += tp
                st["fp"] += mine[key] - tp
                fn = theirs[key] - tp
                gap = fn and known_gap(" ".join(tmsg[key]))
                if gap and not a.strict:
                    st["gap"] += fn
                    continue
                st["fn"] += fn
                if key[0] in implemented and theirs[key] != mine[key] and len(shown) < a.show:
                    shown.append(f"seed {s} @ {env}: {key[0]} on {key[1]}: Django {theirs[key]}, "
                                 f"tool {mine[key]}")
            for m in ours[s]:
                if (m[0], m[1]) in tmsg and m[2] not in tmsg[(m[0], m[1])]:
                    stats[(env, m[0])]["msg"] += 1
                    if len(shown) < a.show:
                        shown.append(f"seed {s} @ {env}: message of {m[0]} on {m[1]}:\n"
                                     f"    tool   {m[2]}\n    Django {tmsg[(m[0], m[1])]}")

    failed = []
    lines = [
        "# Differential agreement: generated projects, Django's `check` vs the DJF/DJM rules",
        "",
        "Generated by `python3 tests/oracle/djgen/run.py --from %d --count %d` (do not edit)." % (
            a.start, a.count),
        "TP: same check ID on the same object; FP: the tool reports it, Django does not; FN: Django",
        "reports it, the tool does not; msg: same ID and object, another message. An implemented ID",
        "fails the run below 100 % precision or 99 % recall (or on a message mismatch). gap: a",
        "finding of Django's the tool misses for a known, documented reason (below; excluded from",
        "FN and recall unless `--strict`).",
        "",
    ]
    for gap in KNOWN_GAPS:
        lines.append("* known gap `%s` (%s): %s." % (gap["id"], gap["fixture"], gap["why"]))
    if not KNOWN_GAPS:
        lines.append("No known gap.")
    lines.append("")
    for env in ENVS:
        ver = versions.get(env, "?")
        lines += ["## Django %s (env `%s`)" % (ver, env), "",
                  "%d projects, %d Django could not set up (not compared)." % (len(seeds), crashes[env]),
                  "",
                  "| check ID | rule | TP | FP | FN | gap | msg | precision | recall | status |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for cid in FAMILY:
            st = stats.get((env, cid), collections.Counter())
            tp, fp, fn, msg, gap = st["tp"], st["fp"], st["fn"], st["msg"], st["gap"]
            prec = tp / (tp + fp) if tp + fp else None
            rec = tp / (tp + fn) if tp + fn else None
            pct = lambda x: "-" if x is None else "%.1f %%" % (100 * x)  # noqa: E731
            if cid in implemented:
                ok = (prec is None or prec == 1.0) and (rec is None or rec >= 0.99) and not msg
                status = "ok" if ok else "**FAIL**"
                if not ok:
                    failed.append(f"{cid} @ Django {ver}")
                rule = implemented[cid]
            elif cid in NOT_EMITTED:
                status, rule = "not emitted by Django 4.2 / 5.2 (%s)" % NOT_EMITTED[cid], "-"
            else:
                status, rule = "not implemented", "-"
            lines.append(f"| {cid} | {rule} | {tp} | {fp} | {fn} | {gap} | {msg} | {pct(prec)} | "
                         f"{pct(rec)} | {status} |")
        lines.append("")
    with open(a.report, "w") as f:
        f.write("\n".join(lines))
    for line in shown:
        print(line)
    print(f"{len(seeds)} projects x {len(ENVS)} Django versions in {time.monotonic() - t0:.0f}s; "
          f"implemented: {', '.join(sorted(implemented))}; report: {os.path.relpath(a.report)}")
    if failed:
        print("FAIL: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
