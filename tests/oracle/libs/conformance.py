#!/usr/bin/env python3
"""Conformance of the library rules (AUTH, DRA, WAG, TAG, OSC) with the libraries' oracle.

    python3 tests/oracle/libs/conformance.py                  # linter if built, markers for missing rules
    python3 tests/oracle/libs/conformance.py --markers        # the # expect: markers only
    python3 tests/oracle/libs/conformance.py --require-rules  # a rule not implemented fails (once they land)

For every library fixture (tests/oracle/libs/run.py) with an up-to-date entry in
tests/oracle/libs/results.json, and rule_operations.json (rule -> operations that fail):

* every diagnostic of a library rule (error or warning) is confirmed by one of its operations
  failing on that fixture, unless the rule is marked `inferred` (then it is listed as inferred);
* every operation that fails is named by a diagnostic whose rule lists it;
* `check` and `migrate` must pass (the bug class is "check passes, the library fails later"),
  except where a listed rule claims `setup`;
* a linter diagnostic has the severity the agreed table gives (`error_when_installed`: error when
  the fixture's env uses a consumer such as wagtail, warning otherwise) and its message names the
  failing operation / the consumer (`message_mentions`, `message_mentions_consumer`).

Verdict source per rule code: the linter's diagnostics (`$DML_BIN`, default
target/release/django-model-lint, else target/debug) when the linter knows the code
(`django-model-lint rule CODE` exits 0); otherwise the fixture's `# expect:` markers stand in and
the code is reported as "rule not implemented" (no failure, unless --require-rules). So the check
runs before the rules exist and is strict once they do. Writes tests/oracle/conformance-libs.md;
exit 1 on any disagreement or stale result.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(ORACLE))
RULES = os.path.join(HERE, "rule_operations.json")
REPORT = os.path.join(ORACLE, "conformance-libs.md")


def _load(name: str, path: str):
    """A module by path (two oracle folders each have a run.py and a conformance.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


libs_run = _load("libs_oracle_run", os.path.join(HERE, "run.py"))  # discovery, envs, cache keys
dot_conformance = _load("dot_oracle_conformance", os.path.join(ORACLE, "conformance.py"))  # run_linter

EXPECT = re.compile(r"#\s*expect:\s*([A-Z][A-Z0-9]*(?:\s*,\s*[A-Z][A-Z0-9]*)*)")
PREFIXES = ("AUTH", "DRA", "WAG", "TAG", "OSC")
OP_ORDER = [
    "setup", "check", "migrate", "with_perm", "password_reset", "group_user_set",
    "dra_logout_revokes_token", "wagtail_admin_non_superuser", "wagtail_assign_role", "wagtail_serve_form_page",
    "wagtail_list_submissions", "wagtail_image_delete", "taggit_tags_all", "taggit_most_common",
    "oscar_stockrecord_save", "oscar_strategy_fetch", "oscar_range_upload_filter",
]
OP_SHORT = {
    "setup": "setup", "check": "check", "migrate": "migrate", "with_perm": "with_perm",
    "password_reset": "pw_reset", "group_user_set": "user_set", "dra_logout_revokes_token": "logout",
    "wagtail_admin_non_superuser": "wt_admin", "wagtail_assign_role": "wt_role", "wagtail_serve_form_page": "wt_serve",
    "wagtail_list_submissions": "wt_subm", "wagtail_image_delete": "wt_img_del",
    "taggit_tags_all": "tags.all", "taggit_most_common": "most_common",
    "oscar_stockrecord_save": "osc_sr_save", "oscar_strategy_fetch": "osc_strategy",
    "oscar_range_upload_filter": "osc_range",
}


def is_library_code(code: str | None) -> bool:
    return bool(code) and code.startswith(PREFIXES)


def find_binary() -> str | None:
    env = os.environ.get("DML_BIN")
    candidates = [env] if env else [
        os.path.join(REPO, "target", "release", "django-model-lint"),
        os.path.join(REPO, "target", "debug", "django-model-lint"),
    ]
    for b in candidates:
        if b and os.path.exists(b):
            return b if os.path.isabs(b) else os.path.join(REPO, b)
    return None


_known: dict = {}


def implemented(binary: str | None, code: str) -> bool:
    if binary is None:
        return False
    if code not in _known:
        proc = subprocess.run([binary, "rule", code], capture_output=True, text=True, cwd=REPO)
        _known[code] = proc.returncode == 0
    return _known[code]


def markers(path: str) -> list:
    out = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__",))
        for f in sorted(files):
            if not f.endswith(".py"):
                continue
            full = os.path.join(root, f)
            with open(full, encoding="utf-8", errors="replace") as fh:
                for i, line in enumerate(fh, 1):
                    m = EXPECT.search(line)
                    if m:
                        for code in (c.strip() for c in m.group(1).split(",")):
                            out.append({"code": code, "severity": None, "file": full, "row": i, "source": "marker"})
    return out


def linter(binary: str, path: str) -> tuple[list, str | None]:
    diags, err = dot_conformance.run_linter(binary, path, None)
    return [dict(d, source="linter") for d in diags], err


def wording_problems(rule: dict, d: dict, consumers: list) -> list:
    """What the agreed table asks of a linter diagnostic beyond its position: the severity a
    consumer raises, and the failing operation / consumer named in the message."""
    if d.get("source") != "linter":
        return []
    out = []
    raise_with = [c for c in rule.get("error_when_installed", []) if c in consumers]
    if rule.get("error_when_installed"):
        want = "error" if raise_with else "warning"
        if d.get("severity") != want:
            why = f"{', '.join(raise_with)} installed" if raise_with else "no consumer installed"
            out.append(f"severity {d.get('severity')}, expected {want} ({why})")
    msg = d.get("message", "")
    for word in rule.get("message_mentions", []):
        if word not in msg:
            out.append(f"message does not name `{word}`")
    for word in rule.get("message_mentions_consumer", []):
        if word in consumers and word not in msg.lower():
            out.append(f"message does not name the consumer `{word}`")
    return out


def evaluate(rules: dict, result: dict, diags: list, consumers: list = ()) -> dict:
    ev = {"problems": [], "inferred": [], "diags": [], "ops": {}}
    if result.get("crashed"):
        ev["problems"].append(f"oracle worker crashed: {result['crashed'][:200]}")
    ops = result.get("operations", {})
    failed = {n for n, o in ops.items() if o["status"] == "error"}
    named = set()
    for d in diags:
        rule = rules["rules"].get(d["code"])
        d = dict(d)
        where = f"{os.path.relpath(d['file'], REPO)}:{d['row']}"
        if rule is None:
            d["verdict"] = "NOT IN rule_operations.json"
            ev["problems"].append(f"{d['code']} at {where}: no operations listed for this rule")
        else:
            for w in wording_problems(rule, d, list(consumers)):
                ev["problems"].append(f"{d['code']} at {where}: {w}")
            hit = sorted(failed & set(rule["ops"]))
            named |= set(hit)
            if hit:
                d["verdict"] = "confirmed: " + ", ".join(f"{o} fails" for o in hit)
            elif rule.get("inferred"):
                d["verdict"] = "inferred: " + rule["inferred"]
                ev["inferred"].append(f"{d['code']} at {where}: {rule['inferred']}")
            else:
                d["verdict"] = "NOT CONFIRMED: none of " + ", ".join(rule["ops"]) + " fails"
                ev["problems"].append(f"{d['code']} ({d.get('severity') or d['source']}) at {where}: none of {', '.join(rule['ops'])} fails")
        ev["diags"].append(d)
    for name in OP_ORDER + sorted(set(ops) - set(OP_ORDER)):
        o = ops.get(name)
        if o is None:
            continue
        if o["status"] != "error":
            ev["ops"][name] = o["status"]
            continue
        e = o.get("error") or {}
        text = f"{e.get('type', '').rsplit('.', 1)[-1]}: {e.get('message', '')[:160]} ({e.get('via') or e.get('where', '')})"
        if name in named:
            ev["ops"][name] = "fail-named"
        else:
            ev["ops"][name] = "fail-unnamed"
            ev["problems"].append(f"{name} fails and no diagnostic names it: {text}")
        ev.setdefault("failures", []).append(f"{name}: {text}")
    return ev


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--markers", action="store_true", help="ignore the linter; the # expect: markers are the verdict")
    ap.add_argument("--require-rules", action="store_true", help="a library rule the linter does not know fails the run")
    ap.add_argument("--report", default=REPORT)
    args = ap.parse_args(argv)

    with open(RULES) as fh:
        rules = json.load(fh)
    with open(libs_run.RESULTS) as fh:
        results = json.load(fh)["results"]
    envs = libs_run.load_envs()
    harness = libs_run.harness_digest()
    binary = None if args.markers else libs_run_binary()
    rows, problems, stale, inferred = [], [], [], []
    not_impl = set()
    for p in libs_run.discover(None):
        e = libs_run.env_for(p, envs)
        entry = results.get(p.id)
        if entry is None or entry.get("key") != libs_run.cache_key(p, e, envs[e], harness):
            stale.append(p.id)
            continue
        diags, err = ([], None) if binary is None else linter(binary, p.path)
        diags = [d for d in diags if is_library_code(d["code"]) and implemented(binary, d["code"])]
        for m in markers(p.path):
            if is_library_code(m["code"]) and not implemented(binary, m["code"]):
                not_impl.add(m["code"])
                diags.append(m)
        ev = evaluate(rules, entry["result"], diags, envs[e]["uses"])
        if err:
            ev["problems"].append(err)
        rows.append((p, e, ev))
        problems += [f"{p.id}: {x}" for x in ev["problems"]]
        inferred += [f"{p.id}: {x}" for x in ev["inferred"]]
    # rule codes that no fixture marks are reported too when the linter lacks them
    for code in rules["rules"]:
        if not implemented(binary, code):
            not_impl.add(code)
    mode = f"linter {os.path.relpath(binary, REPO)}" if binary else "markers only"
    write_report(args.report, mode, rows, problems, inferred, stale, sorted(not_impl), rules)
    print(f"libs conformance ({mode}): {len(rows)} fixtures; {len(problems)} disagreements, {len(inferred)} inferred, {len(stale)} stale")
    for code in sorted(not_impl):
        print(f"  rule not implemented: {code} (its # expect: markers stand in)")
    for line in problems:
        print("  DISAGREE " + line)
    for s in stale:
        print(f"  stale {s}: run python3 tests/oracle/libs/run.py")
    print(f"report: {os.path.relpath(args.report, REPO)}")
    bad = bool(problems or stale or (args.require_rules and not_impl))
    return 1 if bad else 0


def libs_run_binary():
    b = find_binary()
    if b is None:
        return None
    try:
        proc = subprocess.run([b, "rule", "--all"], capture_output=True, text=True, timeout=60)
        return b if proc.returncode == 0 else None
    except OSError:
        return None


def write_report(path, mode, rows, problems, inferred, stale, not_impl, rules):
    L = ["# Library contracts: linter verdict vs. the real libraries\n"]
    L.append("Generated by `python3 tests/oracle/libs/conformance.py` from `tests/oracle/libs/results.json` "
             "(see tests/oracle/README.md, \"Libraries beyond DOT\"). Do not edit by hand.\n")
    L.append(f"Verdict source: **{mode}**; rules the linter does not implement yet are judged by the "
             f"fixtures' `# expect:` markers: {', '.join(not_impl) or 'none'}.\n")
    L.append(f"**{len(problems)} disagreements**, {len(inferred)} inferred, {len(stale)} stale.\n")
    L.append("Cells: `ok`; `✗` the operation failed and a diagnostic names it; `✗!` it failed and no "
             "diagnostic names it; `n/a` not applicable to the project; blank: not run (the project has "
             "no such library, or setup failed).\n")
    L.append("| fixture | env | " + " | ".join(OP_SHORT[o] for o in OP_ORDER) + " | diagnostics | verdict |")
    L.append("|" + "---|" * (len(OP_ORDER) + 4))
    cellmap = {"ok": "ok", "n/a": "n/a", "fail-named": "✗", "fail-unnamed": "✗!"}
    for p, env, ev in rows:
        cells = [cellmap.get(ev["ops"].get(o, ""), "") for o in OP_ORDER]
        ds = ", ".join(sorted({d["code"] + ("" if d.get("source") == "linter" else "ᵐ") for d in ev["diags"]})) or "—"
        verdict = "**DISAGREE**" if ev["problems"] else "agree"
        L.append(f"| {p.id.split('/', 1)[1]} | {env} | " + " | ".join(cells) + f" | {ds} | {verdict} |")
    L.append("\nᵐ: the `# expect:` marker stands in (the linter has no such rule yet).\n")
    L.append("## Disagreements\n")
    L += [f"- {x}" for x in problems] or ["None."]
    L.append("\n## Stale (no up-to-date oracle result)\n")
    L += [f"- {x}" for x in stale] or ["None."]
    L.append("\n## Inferred (no operation here fails for that item alone)\n")
    L += [f"- {x}" for x in inferred] or ["None."]
    L.append("\n## Failures per fixture (what the real library raised; `via` is the library line)\n")
    for p, env, ev in rows:
        if ev.get("failures") or ev["diags"]:
            L.append(f"### {p.id.split('/', 1)[1]} ({env})\n")
            for d in ev["diags"]:
                L.append(f"- {d['code']} ({d.get('severity') or 'marker'}) at `{os.path.relpath(d['file'], REPO)}:{d['row']}`: {d['verdict']}")
            for f in ev.get("failures", []):
                L.append(f"- {f}")
            L.append("")
    L.append("## Rule → operations (rule_operations.json)\n")
    L.append("| rule | item | severity | operations |")
    L.append("|---|---|---|---|")
    for code, r in rules["rules"].items():
        L.append(f"| {code} | {r['item']} | {r['severity']} | {', '.join(r['ops'])}{' (inferred)' if r.get('inferred') else ''} |")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n")


if __name__ == "__main__":
    sys.exit(main())
