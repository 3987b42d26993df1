#!/usr/bin/env python3
"""Conformance: the linter's verdict on every fixture against the oracle's (tests/oracle/results.json).

    python3 tests/oracle/conformance.py                 # linter binary if built, else # expect: markers
    python3 tests/oracle/conformance.py --markers       # force the # expect: markers stand-in
    python3 tests/oracle/conformance.py --require-linter  # fail if the binary is missing (CI)
    python3 tests/oracle/conformance.py --strict        # known gaps fail too
    python3 tests/oracle/conformance.py --selftest      # also tests/oracle/selftest/*

For each fixture x DOT version (the envs of envs.toml) it runs
``$DML_BIN check fixtures/<name> --output-format json --dot-version <version>``
(DML_BIN defaults to target/release/django-model-lint) and checks, with rule_operations.json
(the rule -> operation map of dot-contract.md section 4):

* every error-severity diagnostic matches an operation the oracle saw fail in that version
  (or, for behavioural harm, behave differently from stock DOT); rules the oracle cannot
  confirm are shown as "inferred" with the reason;
* every operation the oracle saw fail is named by an error diagnostic of the fixture;
* every warning matches an observed difference from stock DOT (baseline/stock, same env);
* a ``<name>@fixed`` variant (the fixture with its ``*.py.fixed`` files applied) passes every
  operation and gets no diagnostic.

Failures that stock DOT shows too are "stock"; failures listed in known_gaps are reported but
only fail the run with --strict; accepted version-gated disagreements are in "allowances".
Writes tests/oracle/conformance.md and exits 1 on any unexplained disagreement.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.path.join(HERE, "results.json")
RULES = os.path.join(HERE, "rule_operations.json")
REPORT = os.path.join(HERE, "conformance.md")
sys.path.insert(0, HERE)
import run as oracle_run  # noqa: E402  (same folder: project discovery, envs)

EXPECT = re.compile(r"#\s*expect:\s*([A-Z][A-Z0-9]*(?:\s*,\s*[A-Z][A-Z0-9]*)*)")
OP_ORDER = [
    "setup", "check", "makemigrations", "migrate", "issue_password", "issue_authorization_code",
    "issue_client_credentials", "refresh_rotation", "refresh_no_rotation", "refresh_grace_period",
    "refresh_reuse_protection", "revoke_access_token", "revoke_refresh_token", "refresh_token_revoke",
    "clear_expired", "introspection", "admin_changelists", "rp_initiated_logout", "probe_rt_unique",
    "probe_devicegrant_unique",
]
OP_SHORT = {
    "setup": "setup", "check": "check", "makemigrations": "mkmig", "migrate": "migrate",
    "issue_password": "pw", "issue_authorization_code": "code", "issue_client_credentials": "cc",
    "refresh_rotation": "rot", "refresh_no_rotation": "norot", "refresh_grace_period": "grace",
    "refresh_reuse_protection": "reuse", "revoke_access_token": "rvkAT", "revoke_refresh_token": "rvkRT",
    "refresh_token_revoke": "RT.rvk", "clear_expired": "clear", "introspection": "intro",
    "admin_changelists": "admin", "rp_initiated_logout": "logout", "probe_rt_unique": "pRT",
    "probe_devicegrant_unique": "pDG",
}


# --------------------------------------------------------------------------------------------
# versions


def vtuple(v: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def version_in(v: str, spec: str) -> bool:
    if spec in ("all", "", None):
        return True
    vt = vtuple(v)
    for part in spec.split(","):
        m = re.match(r"\s*(>=|<=|>|<|==)\s*([\d.]+)\s*$", part)
        if not m:
            raise ValueError(f"bad version spec {spec!r}")
        op, other = m.group(1), vtuple(m.group(2))
        ok = {">=": vt >= other, "<=": vt <= other, ">": vt > other, "<": vt < other, "==": vt == other}[op]
        if not ok:
            return False
    return True


# --------------------------------------------------------------------------------------------
# source facts for case matching


_ast_cache: dict = {}


def describe_line(path: str, row: int) -> dict:
    """Field declaration (in a class body) or settings assignment that contains line `row`."""
    if not path.endswith(".py") or not os.path.exists(path):
        return {}
    if path not in _ast_cache:
        try:
            with open(path, encoding="utf-8") as fh:
                _ast_cache[path] = ast.parse(fh.read())
        except (SyntaxError, UnicodeDecodeError, ValueError):
            _ast_cache[path] = None
    tree = _ast_cache[path]
    if tree is None:
        return {}
    best = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.FunctionDef)) and node.lineno <= row <= (node.end_lineno or node.lineno):
            if isinstance(node, ast.FunctionDef):
                best = {"field": node.name, "kind": "function", "kind_is_field": False}
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            name = next((t.id for t in targets if isinstance(t, ast.Name)), None)
            out = {"field": name}
            value = node.value
            if isinstance(value, ast.Dict):
                # A settings dict: the key on the flagged line (DOT013).
                for key in value.keys:
                    if isinstance(key, ast.Constant) and key.lineno == row:
                        out["key"] = key.value
            out["kind_is_field"] = isinstance(value, ast.Call)
            if isinstance(value, ast.Call):
                func = value.func
                out["kind"] = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                for kw in value.keywords:
                    if kw.arg == "on_delete":
                        v = kw.value
                        out["on_delete"] = v.attr if isinstance(v, ast.Attribute) else getattr(v, "id", None)
                    elif kw.arg in ("null", "unique") and isinstance(kw.value, ast.Constant):
                        out[kw.arg] = kw.value.value
                if len(value.args) >= 2 and "on_delete" not in out:
                    v = value.args[1]
                    out["on_delete"] = v.attr if isinstance(v, ast.Attribute) else getattr(v, "id", None)
            best = out
    return best


def case_matches(case: dict, facts: dict) -> bool:
    when = case.get("when")
    if not when:
        return True
    for key, want in when.items():
        have = facts.get(key)
        wants = want if isinstance(want, list) else [want]
        if have not in wants:
            return False
    return True


def pick_cases(rules: dict, code: str, facts: dict, version: str, severity: str | None) -> list:
    rule = rules["rules"].get(code)
    if not rule:
        return []
    cases = rule["cases"]
    specific = [c for c in cases if c.get("when") and case_matches(c, facts)]
    pool = specific or [c for c in cases if not c.get("when")] or cases
    if severity:
        same = [c for c in pool if c["severity"] == severity]
        pool = same or pool
    in_version = [c for c in pool if version_in(version, c.get("versions", "all"))]
    return in_version or pool


# --------------------------------------------------------------------------------------------
# linter / stand-in


def linter_binary() -> str | None:
    b = os.environ.get("DML_BIN") or os.path.join(REPO, "target", "release", "django-model-lint")
    if not os.path.isabs(b):
        b = os.path.join(REPO, b)
    if not os.path.exists(b):
        return None
    probe = os.path.join(HERE, "baseline", "stock")
    try:
        proc = subprocess.run(
            [b, "check", probe, "--output-format", "json", "--dot-version", "3.4.1"],
            capture_output=True, text=True, timeout=60, cwd=REPO,
        )
        if proc.returncode in (0, 1) and isinstance(json.loads(proc.stdout or "null"), list):
            return b
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        pass
    return None


def run_linter(binary: str, path: str, version: str | None) -> tuple[list, str | None]:
    """The linter's JSON diagnostics on `path` (DOT `version` assumed, or the tool's own choice
    when None: tests/oracle/libs/conformance.py uses this for the library fixtures)."""
    proc = subprocess.run(
        [binary, "check", path, "--output-format", "json"] + (["--dot-version", version] if version else []),
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    if proc.returncode not in (0, 1):
        return [], f"linter exit {proc.returncode}: {proc.stderr.strip()[:300]}"
    try:
        diags = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError as exc:
        return [], f"linter output is not JSON: {exc}"
    out = []
    for d in diags:
        fn = d.get("filename") or ""
        if fn and not os.path.isabs(fn):
            fn = os.path.join(REPO, fn)
        out.append({
            "code": d.get("code"), "severity": d.get("severity"), "message": d.get("message", ""),
            "file": fn, "row": (d.get("location") or {}).get("row", 0),
            # a display-only fix is never applied by --fix, so a @fixed variant keeps it
            "display_only": (d.get("fix") or {}).get("applicability") == "display",
        })
    return out, None


NOQA = re.compile(r"#\s*noqa(?::\s*([A-Z][A-Z0-9]*(?:\s*,\s*[A-Z][A-Z0-9]*)*))?", re.IGNORECASE)


def noqa_diagnostics(path: str) -> list:
    """Lines whose DOT diagnostics the fixture suppresses with # noqa: the linter is silent there
    by design, so a failure they account for is explained (verdict "suppressed")."""
    out = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in oracle_run.SKIP_DIRS)
        for f in sorted(files):
            if not f.endswith(".py"):
                continue
            full = os.path.join(root, f)
            with open(full, encoding="utf-8", errors="replace") as fh:
                for i, line in enumerate(fh, 1):
                    m = NOQA.search(line)
                    if not m or not m.group(1):
                        continue
                    for code in (c.strip().upper() for c in m.group(1).split(",")):
                        if code.startswith("DOT"):
                            out.append({"code": code, "severity": None, "message": "(# noqa)", "file": full, "row": i, "suppressed": True})
    return out


def marker_diagnostics(path: str, rules: dict, version: str) -> list:
    """The # expect: markers as a stand-in verdict, gated by the catalogue's versions."""
    out = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in oracle_run.SKIP_DIRS)
        for f in sorted(files):
            if not f.endswith(".py"):
                continue
            full = os.path.join(root, f)
            with open(full, encoding="utf-8", errors="replace") as fh:
                for i, line in enumerate(fh, 1):
                    m = EXPECT.search(line)
                    if not m:
                        continue
                    for code in (c.strip() for c in m.group(1).split(",")):
                        if not code.startswith("DOT"):
                            continue
                        facts = describe_line(full, i)
                        cases = pick_cases(rules, code, facts, version, None)
                        if not cases:
                            continue
                        if not any(version_in(version, c.get("versions", "all")) for c in cases):
                            continue
                        out.append({"code": code, "severity": None, "message": "(# expect: marker)", "file": full, "row": i})
    return out


# --------------------------------------------------------------------------------------------
# oracle outcomes


def failing_op(op_name: str, res: dict) -> str:
    at = res.get("at") or op_name
    return op_name if at.startswith("harness:") else at


def same_failure(a: dict, b: dict) -> bool:
    return (
        a.get("status") == "error" and b.get("status") == "error" and a.get("at") == b.get("at")
        and (a.get("error") or {}).get("type", "").rsplit(".", 1)[-1] == (b.get("error") or {}).get("type", "").rsplit(".", 1)[-1]
    )


def known_gap(rules: dict, op_name: str, res: dict) -> dict | None:
    err = res.get("error") or {}
    for gap in rules.get("known_gaps", []):
        if gap["op"] == failing_op(op_name, res) and gap["type"] in err.get("type", "") and re.search(gap["message"], err.get("message", "")):
            return gap
    return None


def not_applicable(rules: dict, result: dict) -> str | None:
    setup = result.get("operations", {}).get("setup", {})
    if setup.get("status") != "error":
        return None
    msg = (setup.get("error") or {}).get("message", "")
    for na in rules.get("not_applicable", []):
        if re.search(na["message"], msg):
            return na["reason"] + f" ({msg[:120]})"
    return None


def diff_facts(a, b, prefix="") -> list:
    """Keys whose values differ between fixture facts a and stock facts b."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += diff_facts(a.get(k), b.get(k), f"{prefix}{k}.")
        return out
    if a != b:
        return [f"{prefix[:-1]}: {json.dumps(a)} (stock {json.dumps(b)})"]
    return []


def classify(rules: dict, result: dict, base: dict | None) -> dict:
    """op -> {"kind": ok|fail|stock|gap|diff|blocked|n/a, ...}"""
    out = {}
    ops = result.get("operations", {})
    bops = (base or {}).get("operations", {})
    for name in OP_ORDER:
        res = ops.get(name)
        if res is None:
            continue
        b = bops.get(name, {})
        st = res["status"]
        if st == "n/a":
            out[name] = {"kind": "n/a", "why": res.get("reason", "")}
        elif st == "blocked":
            out[name] = {"kind": "blocked", "why": f"{res.get('at', '')}: {(res.get('error') or {}).get('message', res.get('reason', ''))}"}
        elif st == "error":
            err = res.get("error") or {}
            info = {"at": failing_op(name, res), "exc": f"{err.get('type', '')}: {err.get('message', '')}", "where": err.get("where", "")}
            gap = known_gap(rules, name, res)
            if same_failure(res, b):
                out[name] = {"kind": "stock", **info}
            elif gap:
                out[name] = {"kind": "gap", "gap": gap["id"], **info}
            else:
                out[name] = {"kind": "fail", **info}
        else:
            # setup/makemigrations/migrate facts describe the harness's own steps, not DOT behaviour
            comparable = b.get("status") == "ok" and name not in ("setup", "makemigrations", "migrate")
            diffs = diff_facts(res.get("facts", {}), b.get("facts", {})) if comparable else []
            out[name] = {"kind": "diff", "diffs": diffs} if diffs else {"kind": "ok"}
    return out


# --------------------------------------------------------------------------------------------
# evaluation


def evaluate(rules, pid, version, result, base, diags, fixed: bool, allowances) -> dict:
    """Returns {"ops": classify(), "diags": [...with verdict], "problems": [...], "notes": [...]}"""
    ev = {"ops": {}, "diags": [], "problems": [], "allowed": [], "gaps": [], "notes": [], "inferred": [], "beyond": [], "unchecked": []}
    if not result.get("runnable", True):
        ev["status"] = f"not runnable: {result.get('reason')}"
        ev["diags"] = [dict(d, verdict="not checked (not runnable)") for d in diags]
        return ev
    if result.get("crashed"):
        ev["problems"].append(f"oracle worker crashed: {result['crashed'][:200]}")
    na = not_applicable(rules, result)
    if na:
        ev["status"] = f"n/a: {na}"
        ev["diags"] = [dict(d, verdict="not checked (fixture targets another DOT)") for d in diags]
        return ev
    ops = classify(rules, result, base)
    ev["ops"] = ops
    # a known-gap failure still confirms a diagnostic that claims that operation
    failed = {n: o for n, o in ops.items() if o["kind"] in ("fail", "gap")}
    differs = {n: o for n, o in ops.items() if o["kind"] == "diff"}
    fail_at = {o["at"] for o in failed.values()}

    def allowed(kind, what) -> dict | None:
        for a in allowances:
            if a.get("kind") != kind:
                continue
            if not fnmatch.fnmatch(pid, a.get("fixture", "*")):
                continue
            if not version_in(version, a.get("versions", "all")):
                continue
            if a.get("what") and a["what"] not in what:
                continue
            return a
        return None

    def problem(kind, text):
        a = allowed(kind, text)
        if a:
            ev["allowed"].append(f"{text} — allowed: {a['reason']}")
        else:
            ev["problems"].append(text)

    explained_fail, explained_diff = set(), set()
    # DML001: the linter said it could not tell which model is active, so it checked none: what
    # DOT does there is listed as unchecked (not counted), never as a missed diagnostic
    blind = next((d for d in diags if d["code"] == "DML001"), None)
    for d in diags:
        code = d["code"]
        d = dict(d)
        if code in NO_RUNTIME_CLAIM:
            d["verdict"] = NO_RUNTIME_CLAIM[code]
            ev["diags"].append(d)
            continue
        if not code or not code.startswith("DOT"):
            d["verdict"] = "input diagnostic (not an oracle matter)"
            ev["diags"].append(d)
            continue
        facts = describe_line(d["file"], d["row"])
        d["decl"] = facts
        sev = d.get("severity")
        cases = pick_cases(rules, code, facts, version, sev)
        if not cases:
            d["verdict"] = "unknown rule"
            problem("diagnostic", f"{code} is not in rule_operations.json")
            ev["diags"].append(d)
            continue
        in_versions = [c for c in cases if version_in(version, c.get("versions", "all"))]
        # a marker/noqa stand-in has no severity: every case of the rule may confirm it
        judged = in_versions or cases

        def ops_of(c, key):
            return set(c.get(key, [])) | set(c.get("observed_" + key, []))

        fops = sorted({o for c in judged for o in ops_of(c, "fail_ops")})
        dops = sorted({o for c in judged for o in ops_of(c, "diff_ops")})
        hit_fail = sorted(fail_at & set(fops))
        hit_diff = sorted(set(differs) & (set(dops) | set(fops)))
        beyond = sorted(
            (fail_at | set(differs))
            & {o for c in judged for o in set(c.get("observed_fail_ops", [])) | set(c.get("observed_diff_ops", []))}
            - {o for c in judged for o in set(c.get("fail_ops", [])) | set(c.get("diff_ops", []))}
        )
        if beyond:
            ev["beyond"].append(f"{code}: {', '.join(beyond)} — " + "; ".join(c["observed_note"] for c in judged if c.get("observed_note")))
        inferred = [c["inferred"] for c in judged if c.get("inferred")]
        explained_fail |= set(hit_fail)
        explained_diff |= set(hit_diff) | set(hit_fail)
        where = f"{os.path.relpath(d['file'], REPO)}:{d['row']}"
        label = f"{code} ({sev or 'marker'})"
        if d.get("suppressed"):
            d["verdict"] = "suppressed by # noqa" + (f"; the oracle sees {', '.join(hit_fail + hit_diff)}" if hit_fail or hit_diff else "")
        elif fixed and d.get("display_only") and hit_fail and sev in (None, "error"):
            # The .fixed files are what --fix --unsafe-fixes writes: a finding whose remedy is
            # display-only (a migration to order, a model to add) stays, and must be confirmed.
            d["verdict"] = "confirmed (display-only fix, kept by the fixed variant): " + ", ".join(f"{o} fails" for o in hit_fail)
        elif fixed:
            d["verdict"] = "fixed variant must be silent"
            problem("diagnostic", f"{label} at {where} on the fixed variant")
        elif not in_versions:
            d["verdict"] = f"outside the catalogue's versions ({', '.join(c.get('versions', 'all') for c in cases)})"
            if hit_fail or hit_diff:
                d["verdict"] += f"; the oracle does see {', '.join(hit_fail + hit_diff)}"
                ev["notes"].append(f"{code} at {where}: fired outside its catalogue versions, but the oracle confirms it")
            else:
                problem("diagnostic", f"{label} at {where}: fired on DOT {version}, outside its versions, and the oracle sees no effect")
        elif hit_fail and (sev in (None, "error") or any(ops_of(c, "fail_ops") for c in judged if c["severity"] == "warning")):
            d["verdict"] = "confirmed: " + ", ".join(f"{o} fails" for o in hit_fail)
        elif hit_diff and (sev in (None, "warning") or any(ops_of(c, "diff_ops") for c in judged)):
            d["verdict"] = "confirmed (behaviour): " + ", ".join(f"{o} differs from stock" for o in hit_diff)
        elif inferred:
            d["verdict"] = "inferred: " + inferred[0]
            ev["inferred"].append(f"{code} at {where}: {inferred[0]}")
        else:
            what = "failed" if sev == "error" else "failed or differed from stock"
            d["verdict"] = f"NOT CONFIRMED: none of {', '.join(fops or dops)} {what}"
            problem("diagnostic", f"{label} at {where}: on DOT {version} none of {', '.join(sorted(set(fops) | set(dops)))} {what}")
        ev["diags"].append(d)

    for name, o in ops.items():
        if blind and not fixed and (
            (o["kind"] == "fail" and o["at"] not in explained_fail)
            or (o["kind"] == "diff" and name not in explained_diff)
        ):
            what = f"fails at {o['at']} ({o['exc'][:160]})" if o["kind"] == "fail" else "differs from stock: " + "; ".join(o["diffs"])[:300]
            ev["unchecked"].append(f"{name} {what} — unchecked: DML001 at {os.path.relpath(blind['file'], REPO)}:{blind['row']}")
        elif o["kind"] == "fail" and o["at"] not in explained_fail:
            if fixed:
                problem("failure", f"fixed variant: {name} fails at {o['at']}: {o['exc'][:160]}")
            else:
                problem("failure", f"{name} fails at {o['at']} ({o['exc'][:160]}) and no diagnostic names it")
        elif o["kind"] == "diff" and name not in explained_diff:
            text = f"{name} differs from stock: {'; '.join(o['diffs'])[:300]}"
            if fixed:
                problem("difference", "fixed variant: " + text)
            else:
                problem("difference", text + " — no diagnostic claims it")
        elif o["kind"] == "gap":
            if o["at"] in explained_fail:
                o["kind"] = "fail"  # a diagnostic names it after all
            else:
                ev["gaps"].append(f"{name}: {o['gap']} ({o['exc'][:140]})")
    return ev


# Codes that make no claim about DOT's runtime behaviour, with the verdict shown for them.
NO_RUNTIME_CLAIM = {
    "DML001": "no runtime claim: the linter could not resolve the settings and checked no model of "
              "the unresolved roles (what DOT does there is listed as unchecked)",
}


def cell(o: dict | None, diags_ok: set) -> str:
    if o is None:
        return ""
    k = o["kind"]
    if k == "ok":
        return "ok"
    if k == "n/a":
        return "n/a"
    if k == "blocked":
        return "blk"
    if k == "stock":
        return "stock✗"
    if k == "gap":
        return "GAP✗"
    if k == "fail":
        return "✗" + ("" if o["at"] in diags_ok else "!")
    if k == "diff":
        return "Δ"
    return k


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--markers", action="store_true", help="use the # expect: markers even if the linter is built")
    ap.add_argument("--require-linter", action="store_true", help="fail when the linter binary is not usable")
    ap.add_argument("--strict", action="store_true", help="known gaps are disagreements too")
    ap.add_argument("--selftest", action="store_true", help="also check tests/oracle/selftest/*")
    ap.add_argument("--fixture", action="append", help="only these fixtures")
    ap.add_argument("--report", default=REPORT)
    args = ap.parse_args(argv)

    with open(RULES) as fh:
        rules = json.load(fh)
    with open(RESULTS) as fh:
        results = json.load(fh)["results"]
    envs = oracle_run.load_envs()
    binary = None if args.markers else linter_binary()
    if binary is None and args.require_linter:
        print("conformance: the linter binary is missing or does not support `check --output-format json`", file=sys.stderr)
        return 2
    mode = f"linter {os.path.relpath(binary, REPO)}" if binary else "stand-in: # expect: markers (linter not built)"

    projects = [p for p in oracle_run.discover(args.selftest, args.fixture) if p.id != "baseline/stock"]
    rows, problems, gaps, allowed, inferred, beyond, unchecked = [], [], [], [], [], [], []
    harness = oracle_run.harness_digest()
    stale = []
    for p in projects:
        for env_name, env in envs.items():
            version = env["dot"]
            entry = results.get(p.id, {}).get(env_name)
            base = results.get("baseline/stock", {}).get(env_name, {}).get("result")
            if entry is None or entry.get("key") != oracle_run.cache_key(p, env_name, env, harness):
                stale.append(f"{p.id} x {env_name}")
                continue
            result = entry["result"]
            tmp = None
            path = p.path
            if p.fixed:
                tmp = tempfile.mkdtemp(prefix="conf-")
                path = os.path.join(tmp, os.path.basename(p.path))
                p.copy_to(path)
            try:
                if binary:
                    diags, err = run_linter(binary, path, version)
                else:
                    diags, err = marker_diagnostics(path, rules, version), None
                diags += noqa_diagnostics(path)
                ev = evaluate(rules, p.id, version, result, base, diags, p.fixed, rules.get("allowances", []))
                if err:
                    ev["problems"].append(err)
            finally:
                if tmp:
                    shutil.rmtree(tmp, ignore_errors=True)
            for d in ev["diags"]:
                if tmp and d.get("file", "").startswith(tmp):
                    d["file"] = os.path.join(p.path, os.path.relpath(d["file"], path))
            rows.append((p, env_name, version, ev))
            problems += [f"{p.id} @ DOT {version}: {x}" for x in ev["problems"]]
            gaps += [f"{p.id} @ DOT {version}: {x}" for x in ev["gaps"]]
            allowed += [f"{p.id} @ DOT {version}: {x}" for x in ev["allowed"]]
            inferred += [f"{p.id} @ DOT {version}: {x}" for x in ev["inferred"]]
            beyond += [f"{p.id} @ DOT {version}: {x}" for x in ev["beyond"]]
            unchecked += [f"{p.id} @ DOT {version}: {x}" for x in ev["unchecked"]]

    write_report(args.report, mode, rows, problems, gaps, allowed, inferred, beyond, unchecked, stale, rules, args.strict)

    n_checked = len(rows)
    n_bad_rows = sum(1 for *_x, ev in rows if ev["problems"] or (args.strict and ev["gaps"]))
    print(f"conformance ({mode}): {n_checked} fixture x version rows; {len(problems)} disagreements, "
          f"{len(gaps)} known-gap failures, {len(allowed)} allowed, {len(inferred)} inferred, "
          f"{len(beyond)} beyond the catalogue, {len(unchecked)} unchecked (DML001)")
    for line in problems:
        print("  DISAGREE " + line)
    if stale:
        print(f"  {len(stale)} rows have no up-to-date oracle result: run python3 tests/oracle/run.py")
        for s in stale[:20]:
            print("    stale " + s)
    print(f"report: {os.path.relpath(args.report, REPO)}")
    fails = n_bad_rows + (len(stale) > 0)
    print(f"{n_checked - n_bad_rows} passed, {n_bad_rows + len(stale)} failed")
    return 1 if fails else 0


def write_report(path, mode, rows, problems, gaps, allowed, inferred, beyond, unchecked, stale, rules, strict):
    L = []
    L.append("# Oracle conformance: linter verdict vs. django-oauth-toolkit's real behaviour\n")
    L.append("Generated by `python3 tests/oracle/conformance.py` from `tests/oracle/results.json` "
             "(see README.md). Do not edit by hand.\n")
    L.append(f"Verdict source: **{mode}**.\n")
    L.append(f"**{len(problems)} disagreements**, {len(gaps)} known-gap failures"
             f"{' (counted: --strict)' if strict else ' (listed, not counted)'}, {len(allowed)} allowed, "
             f"{len(inferred)} inferred, {len(unchecked)} unchecked (DML001), {len(stale)} stale rows.\n")
    L.append("Cells: `ok`; `✗` failed and a diagnostic names it; `✗!` failed and no diagnostic names it; "
             "`Δ` behaves differently from stock DOT in the same env; `stock✗` fails the same way on stock "
             "DOT; `GAP✗` a known failure no catalogue rule claims (known_gaps); `blk` not run because "
             "setup/migrate failed; `n/a` not in this DOT version; `?` failed or differed where the linter "
             "reported DML001 (it could not resolve the settings, so it checked nothing there).\n")
    ops = OP_ORDER
    L.append("| fixture | DOT | " + " | ".join(OP_SHORT[o] for o in ops) + " | diagnostics | verdict |")
    L.append("|" + "---|" * (len(ops) + 4))
    for p, _env, version, ev in rows:
        name = p.id.split("/", 1)[1]
        if ev.get("status"):
            L.append(f"| {name} | {version} | " + " | ".join("" for _ in ops) + f" | {diag_list(ev)} | {ev['status']} |")
            continue
        ok_at = set()
        for d in ev["diags"]:
            if str(d.get("verdict", "")).startswith("confirmed"):
                ok_at |= set(re.findall(r"(\w+) fails", d["verdict"]))
        cells = [cell(ev["ops"].get(o), ok_at) for o in ops]
        if ev["unchecked"]:
            unchecked_ops = {x.split(" ", 1)[0] for x in ev["unchecked"]}
            cells = [c + "?" if o in unchecked_ops else c for c, o in zip(cells, ops)]
        verdict = "**DISAGREE**" if ev["problems"] else ("gap" if ev["gaps"] else ("unchecked (DML001)" if ev["unchecked"] else "agree"))
        L.append(f"| {name} | {version} | " + " | ".join(cells) + f" | {diag_list(ev)} | {verdict} |")
    L.append("")
    L.append("## Disagreements\n")
    L += [f"- {x}" for x in problems] or ["None."]
    L.append("\n## Known gaps (failures no catalogue rule claims)\n")
    for g in rules.get("known_gaps", []):
        L.append(f"- **{g['id']}** ({g['op']}): {g['reason']}")
    L.append("")
    L += [f"- {x}" for x in gaps] or ["None seen."]
    L.append("\n## Allowed (documented, version-gated)\n")
    L += [f"- {x}" for x in allowed] or ["None."]
    L.append("\n## Beyond the catalogue (observed by the oracle, recorded as observed_* in rule_operations.json)\n")
    L += [f"- {x}" for x in beyond] or ["None."]
    L.append("\n## Unchecked: the linter reported DML001 (settings it could not resolve), so it checked no model there\n")
    L += [f"- {x}" for x in unchecked] or ["None."]
    L.append("\n## Inferred (not confirmable by running DOT on SQLite)\n")
    L += [f"- {x}" for x in inferred] or ["None."]
    L.append("\n## Details per fixture and version\n")
    for p, _env, version, ev in rows:
        interesting = ev.get("status") or ev["problems"] or ev["diags"] or any(o["kind"] not in ("ok", "n/a") for o in ev["ops"].values())
        if not interesting:
            continue
        L.append(f"### {p.id.split('/', 1)[1]} — DOT {version}\n")
        if ev.get("status"):
            L.append(f"- {ev['status']}")
        for d in ev["diags"]:
            L.append(f"- diagnostic {d['code']} ({d.get('severity')}) at `{os.path.relpath(d['file'], REPO)}:{d['row']}`: {d.get('verdict')}")
        for name in OP_ORDER:
            o = ev["ops"].get(name)
            if not o or o["kind"] in ("ok", "n/a", "blocked"):
                continue
            if o["kind"] == "diff":
                L.append(f"- {name}: differs from stock: " + "; ".join(o["diffs"]))
            else:
                L.append(f"- {name}: {o['kind']} at `{o['at']}`: `{o['exc'][:300]}`" + (f" ({o['where']})" if o.get("where") else ""))
        blocked = [n for n, o in ev["ops"].items() if o["kind"] == "blocked"]
        if blocked:
            L.append(f"- blocked: {', '.join(blocked)}")
        L.append("")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n")


def diag_list(ev) -> str:
    ds = ev.get("diags") or []
    if not ds:
        return "—"
    return ", ".join(sorted({f"{d['code']}{'w' if d.get('severity') == 'warning' else ''}" for d in ds}))


if __name__ == "__main__":
    sys.exit(main())
