"""Compare django-model-lint's output on the laid-out PyPI projects with expected.json.

    python3 check.py BIN ROOTS_DIR EXPECTED_JSON

For each project of expected.json, runs `BIN check ROOT --output-format json` and
`BIN check ROOT --show-settings`, then fails (exit 1) on:
  * a diagnostic that is not one of the project's true ones (code, file, line) nor of a tolerated
    code: a false positive;
  * a true diagnostic that is missing (said as "blind" when the run itself reports that models were
    not checked: a DML001, or a JSON summary naming unchecked roles);
  * blindness: --show-settings does not map every role the project activates to the project's own
    class (the tool could not see the active models, whatever it printed), or names another
    settings module or DOT version than the project's.
"""
import json
import pathlib
import re
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"error: {' '.join(cmd)} exited {p.returncode}\n{p.stderr}")
    return p.stdout


def diagnostics_and_summary(text):
    data = json.loads(text) if text.strip() else []
    if isinstance(data, list):
        return data, {}
    # A future format may wrap the list with a summary.
    diags = data.get("diagnostics") or data.get("results") or []
    return diags, data.get("summary") or {}


def says_unchecked(diags, summary):
    if any(d.get("code") == "DML001" for d in diags):
        return True
    text = json.dumps(summary).lower()
    return any(k in text for k in ("unchecked", "not checked", "not_checked", "unresolved"))


def show_settings_blocks(text):
    """{root: [lines]} of --show-settings."""
    blocks, current = {}, None
    for line in text.splitlines():
        m = re.match(r"project root: (.*)$", line)
        if m:
            current = m.group(1).strip()
            blocks[current] = []
        elif current is not None:
            blocks[current].append(line.strip())
    return blocks


def check_project(binary, root, spec):
    problems = []
    diags, summary = diagnostics_and_summary(
        run([binary, "check", str(root), "--output-format", "json"])
    )
    true = {(t["code"], t["file"], t["line"]): t["reason"] for t in spec["true"]}
    tolerated = {t["code"]: t["reason"] for t in spec.get("tolerated", [])}
    seen = set()
    for d in diags:
        path = pathlib.Path(d["filename"])
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = str(path)
        key = (d["code"], rel, d["location"]["row"])
        seen.add(key)
        if key in true:
            print(f"  ok    {d['code']} {rel}:{key[2]} (true: {true[key]})")
        elif d["code"] in tolerated:
            print(f"  ok    {d['code']} {rel}:{key[2]} (tolerated: {tolerated[d['code']]})")
        else:
            problems.append(f"false positive: {d['code']} {rel}:{key[2]}: {d['message']}")
    blind = says_unchecked(diags, summary)
    for key, reason in true.items():
        if key not in seen:
            what = "blind: models not checked, so" if blind else "missing:"
            problems.append(f"{what} true diagnostic {key[0]} {key[1]}:{key[2]} not reported ({reason})")

    blocks = show_settings_blocks(run([binary, "check", str(root), "--show-settings"]))
    block = blocks.get(str(root.resolve())) or blocks.get(str(root))
    if block is None:
        problems.append(
            f"blind: no project rooted at {root.name}/ (roots: "
            + ", ".join(pathlib.Path(r).relative_to(root.resolve().parent).as_posix() for r in blocks)
            + ")"
        )
        block = []
    text = "\n".join(block)
    if spec.get("settings_module"):
        m = re.search(r"^settings module: (\S+)", text, re.M)
        if not m or m.group(1) != spec["settings_module"]:
            found = m.group(1) if m else "none"
            problems.append(f"blind: settings module {found}, expected {spec['settings_module']}")
    if spec.get("dot_version"):
        m = re.search(r"^django-oauth-toolkit: (\S+)", text, re.M)
        if not m or m.group(1) != spec["dot_version"]:
            problems.append(
                f"DOT version {m.group(1) if m else 'none'}, expected {spec['dot_version']}"
            )
    for role, want in spec["active"].items():
        target = f"-> {want['class']} at {(root.resolve() / want['file'])}:"
        lines = [l for l in block if re.match(rf"{role}\s", l)]
        if not any(target in l for l in lines):
            got = lines[0] if lines else "no line"
            elsewhere = [
                pathlib.Path(r).relative_to(root.resolve()).as_posix()
                for r, other in blocks.items()
                if r != str(root.resolve()) and any(target in l for l in other)
            ]
            where = f" (mapped only in the separate project root {', '.join(elsewhere)}/)" if elsewhere else ""
            problems.append(
                f"blind: active {role} {want['class']} ({want['file']}) not seen; --show-settings says: {got}{where}"
            )
    return problems


def main():
    binary, roots, expected = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    spec = json.loads(expected.read_text())
    failed = 0
    for name, project in spec["projects"].items():
        print(f"{name} ({project['pin']})")
        problems = check_project(binary, roots / name, project)
        for p in problems:
            print(f"  FAIL  {p}")
        if not problems:
            print("  pass")
        failed += bool(problems)
    total = len(spec["projects"])
    print(f"{total - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
