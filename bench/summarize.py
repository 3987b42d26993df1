#!/usr/bin/env python3
"""Prints the figures of one bench/run.sh run (Markdown tables) and checks the targets of issues 6
(the corpus) and 13 (the DOT-using tier).

    summarize.py bench/out/<run>
"""

import json
import pathlib
import sys

run = pathlib.Path(sys.argv[1])


def load(name):
    p = run / name
    return json.loads(p.read_text())["commands"] if p.is_file() else {}


whole, floor, one = load("whole.json"), load("floor.json"), load("onefile.json")
rss = {}
if (run / "rss.txt").is_file():
    for line in (run / "rss.txt").read_text().split("\n"):
        if line.strip():
            name, kib = line.split()
            rss[name] = int(kib) / 1024
machine = (run / "machine.txt").read_text().strip() if (run / "machine.txt").is_file() else ""


def med(d, k):
    return d[k]["median_ms"] if k in d else float("nan")


def yes(ok):
    return "**yes**" if ok else "**NO**"


# --- the DOT-using tier (issue 13) ------------------------------------------------------------
PHASE_COLUMNS = [
    ("walk", ("walk (", "project grouping")),
    ("read", ("read (",)),
    ("lock/version", ("lock/version",)),
    ("settings", ("settings",)),
    ("imports", ("import following",)),
    ("parse", ("parse (",)),
    ("rules", ("rules (",)),
    ("other", ("other", "process start", "waiting", "config", "prefilter")),
]


def dot_phases(tree):
    """CPU ms per run by phase column, from dot-phases-<tree>.txt (phases.py --runs/--freq)."""
    p = run / f"dot-phases-{tree}.txt"
    if not p.is_file():
        return None
    cols = dict.fromkeys([c for c, _ in PHASE_COLUMNS] + ["total"], 0.0)
    for line in p.read_text().splitlines():
        parts = line.rsplit(None, 1)
        if len(parts) != 2:
            continue
        try:
            ms = float(parts[1])
        except ValueError:
            continue
        if line.startswith("total (on-CPU)"):
            cols["total"] = ms
            break
        for col, prefixes in PHASE_COLUMNS:
            if line.startswith(prefixes):
                cols[col] += ms
                break
    return cols


def dot_tier():
    trees = json.loads((run / "dot-trees.json").read_text()) if (run / "dot-trees.json").is_file() else {}
    names = [p.name[len("dot-"):-len(".json")] for p in sorted(run.glob("dot-*.json"))
             if p.name not in ("dot-trees.json", "dot-onefile.json")]
    if not names:
        return None
    order = ["pretix", "pretix+poetry.lock", "ephios", "ephios+uv.lock", "django-ansible-base",
             "aleksis-core", "aleksis-core+poetry.lock", "allianceauth-oidc-provider"]
    names.sort(key=lambda n: order.index(n) if n in order else len(order))
    ok_all = True
    print("\n## DOT-using tier (issue 13): projects that use django-oauth-toolkit\n")
    print("Each project alternates ours / `ruff check --select DJ --no-cache` in one timer run; the ratio "
          "is the median of the per-round ratios (ours / ruff of the same round).\n")
    print("| project | files | ours median | ruff median | ratio (median per round) | target ≤ 0.25 | CPU ours / ruff "
          "| without Django's checks (`--ignore DJF,DJM`): median, ratio, CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for n in names:
        c = json.loads((run / f"dot-{n}.json").read_text())["commands"]
        o, r = c["ours"], c["ruff"]
        ratios = sorted(a / b for a, b in zip(o["times_ms"], r["times_ms"]))
        ratio = ratios[len(ratios) // 2] if len(ratios) % 2 else (ratios[len(ratios) // 2 - 1] + ratios[len(ratios) // 2]) / 2
        ok = ratio <= 0.25
        ok_all &= ok
        files = trees.get("trees", {}).get(n, {}).get("files", "?")
        nodj = ""
        if "ours_nodj" in c:
            d = c["ours_nodj"]
            rs = sorted(a / b for a, b in zip(d["times_ms"], r["times_ms"]))
            nodj = f"{d['median_ms']:.1f} ms, {rs[len(rs) // 2]:.3f}, {d['cpu_median_ms']:.0f} ms"
        print(f"| {n} | {files} | {o['median_ms']:.1f} ms | {r['median_ms']:.1f} ms | {ratio:.3f} | {yes(ok)} | "
              f"{o['cpu_median_ms']:.0f} / {r['cpu_median_ms']:.0f} ms | {nodj} |")
    one_ok = True
    dot_one = load("dot-onefile.json")
    if dot_one:
        print("\n| one model module | bytes | median / tenfold project | CPU median / tenfold | target < 20 ms, flat | met |\n|---|---|---|---|---|---|")
        for name in sorted(dot_one):
            if name.endswith("_x10"):
                continue
            base, big = med(dot_one, name), med(dot_one, name + "_x10")
            flat = big <= base * 1.2 or big - base <= 2.0
            ok = base < 20 and big < 20 and flat
            one_ok &= ok
            project = name.split("_", 1)[1]
            size = trees.get("onefiles", {}).get(project, {}).get("bytes", "?")
            cpu = f"{dot_one[name]['cpu_median_ms']:.1f} ms / {dot_one[name + '_x10']['cpu_median_ms']:.1f} ms"
            print(f"| `{name}` | {size} | {base:.1f} ms / {big:.1f} ms | {cpu} | < 20 ms, flat | {yes(ok)} |")
    cols = [c for c, _ in PHASE_COLUMNS]
    prof = [(n, dot_phases(n)) for n in names]
    if any(p for _, p in prof):
        print("\nPhases: on-CPU ms per run (perf, summed over threads; phases.py folds each sample into the "
              "first phase on its stack: walk includes project grouping, parse includes the per-module index, "
              "rules include resolution and the report; other = process start/exit, rayon waits, config, prefilter).\n")
        print("| project | " + " | ".join(cols) + " | total |\n|---|" + "---|" * (len(cols) + 1))
        for n, p in prof:
            if p:
                print(f"| {n} | " + " | ".join(f"{p[c]:.1f}" for c in cols) + f" | {p['total']:.1f} |")
    print(f"\nDOT tier targets met: every project ≤ 0.25 × ruff {yes(ok_all)}, one model module {yes(one_ok)}")
    return ok_all, one_ok


print("# django-model-lint benchmark\n")
print("```\n" + machine + "\n```")
dot_tier()
if not whole:
    sys.exit(0)

rows = []
ours, ruff = med(whole, "ours"), med(whole, "ruff")
ratio = ours / ruff
rows.append(("Whole tree (12.9k files, 63 MB): django-model-lint median", f"{ours:.0f} ms", "", ""))
rows.append(("Whole tree: `ruff check --select DJ --no-cache` median", f"{ruff:.0f} ms", "", ""))
rows.append(("Whole tree: ratio ours / ruff (wall medians)", f"{ratio:.3f}", "≤ 0.25", yes(ratio <= 0.25)))
if "cpu_median_ms" in whole.get("ours", {}):
    c_ours, c_ruff = whole["ours"]["cpu_median_ms"], whole["ruff"]["cpu_median_ms"]
    rows.append(("Whole tree: CPU time (user+sys) ours / ruff", f"{c_ours:.0f} / {c_ruff:.0f} ms = {c_ours / c_ruff:.3f}", "(context)", ""))
# Growth: three ways of doubling the unrelated files (see trees.py). For each, the walk floor
# says what listing the added directories and files alone costs: the single-thread std walk's
# extra time, halved for two threads, as a share of our whole-tree time.
trees = json.loads((run / "trees.json").read_text()) if (run / "trees.json").is_file() else {}
GROWTH = [
    ("ours_grow_inplace", "floor_walk_inplace", "Growth: unrelated files doubled in place (every file not mentioning DOT that is not a model module, settings module, entry point or `__init__.py`: `x_copy2.py` beside `x.py`)", "grow2x-inplace"),
    ("ours_grow_apart", "floor_walk_apart", "Growth: the same unrelated files doubled in new directories (`zz_unrelated_copy/<path>`, loose scripts)", "grow2x-apart"),
    ("ours_grow2x", "floor_walk_grow2x", "Growth: every file not mentioning DOT doubled in new directories (grow2x: also 47 copied projects' model modules, settings and manage.py, which must be opened)", "grow2x"),
]
growth_met = {}
for key, floor_key, label, tree in GROWTH:
    if key not in whole:
        continue
    g = med(whole, key)
    pct = (g / ours - 1) * 100
    added = trees.get("trees", {}).get(tree, {}).get("added") or trees.get("unrelated_files")
    per_file = f"{(g - ours) * 1000 / added:+.2f} µs per unrelated file; " if added else ""
    # Issue 13: the in-place form is the one that counts; doubling into new directories is
    # bounded by listing them (context, with the walk floor).
    counts = tree == "grow2x-inplace"
    if counts:
        growth_met[tree] = pct <= 20
    rows.append((label, f"{per_file}{g:.0f} ms vs {ours:.0f} ms = {pct:+.1f}%",
                 "≤ +20%" if counts else "(context)", yes(pct <= 20) if counts else ""))
    if floor_key in floor and "floor_walk" in floor:
        walk_pct = (med(floor, floor_key) - med(floor, "floor_walk")) / 2 / ours * 100
        rows.append(("  (context)", f"walk floor of the added files alone: {walk_pct:+.0f}%", "", ""))
ours_rss = rss.get("ours", float("nan"))
rows.append(("Peak RSS, whole tree (`/usr/bin/time -v`)", f"{ours_rss:.1f} MiB", "< 100 MiB", yes(ours_rss < 100)))
if "ours_grow2x" in rss:
    rows.append(("Peak RSS, doubled tree", f"{rss['ours_grow2x']:.1f} MiB", "", ""))
if "ruff" in rss:
    rows.append(("Peak RSS, ruff whole tree", f"{rss['ruff']:.1f} MiB", "", ""))

one_ok = True
for name in sorted(one):
    if not name.startswith(("one_", "stdin_")) or name.endswith("_x10"):
        continue
    base, big = med(one, name), med(one, name + "_x10")
    flat = big <= base * 1.2 or big - base <= 2.0
    ok = base < 20 and big < 20 and flat
    one_ok &= ok
    cpu = f"{one[name].get('cpu_median_ms', float('nan')):.1f} / {one.get(name + '_x10', {}).get('cpu_median_ms', float('nan')):.1f} ms"
    rows.append((f"One file `{name}` (corpus / tenfold tree; CPU)", f"{base:.1f} ms / {big:.1f} ms (CPU {cpu})", "< 20 ms, flat", yes(ok)))
if "full_finding" in one:
    rows.append((
        "One file with a DOT001, `full` format (its rename fix scans the project: context)",
        f"{med(one, 'full_finding'):.1f} ms / {med(one, 'full_finding_x10'):.1f} ms",
        "",
        "",
    ))
stdin_rows = [n for n in one if n.startswith("stdin_")]
if not stdin_rows:
    rows.append(("One file through `--stdin-filename`", "not measured: the binary has no --stdin-filename", "< 20 ms", "**NO** (missing)"))
    one_ok = False
if "ruff_one_dot" in one:
    rows.append(("ruff on one file (context)", f"{med(one, 'ruff_one_dot'):.1f} ms", "", ""))

print("\n## Corpus (issue 6)\n")
print("| figure | value | target | met |\n|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")

growth_summary = ", ".join(f"{tree} {yes(ok)}" for tree, ok in growth_met.items())
print("\nTargets met: whole-tree ratio %s, one file %s, growth (%s), memory %s" % (
    yes(ratio <= 0.25), yes(one_ok), growth_summary, yes(ours_rss < 100)))

if floor:
    print("\n## Floors on the same tree (std-only program, same machine, same rounds)\n")
    print("| floor | median |\n|---|---|")
    labels = {
        "floor_walk": "walk only (read_dir, sorted), count .py",
        "floor_read_1t": "walk + read every .py to String, 1 thread",
        "floor_read_2t": "walk + read every .py to String, 2 threads",
        "floor_grep_2t": "walk + read + substring search of the seeds, 2 threads",
        "floor_read_2t_grow2x": "walk + read, 2 threads, doubled tree",
        "floor_walk_inplace": "walk only, grow2x-inplace",
        "floor_walk_apart": "walk only, grow2x-apart",
        "floor_walk_grow2x": "walk only, grow2x",
    }
    for k, label in labels.items():
        if k in floor:
            print(f"| {label} | {med(floor, k):.0f} ms |")

print("\n## All timings (ms)\n")
print("| command | median | min | max | stdev | CPU median (user+sys) | exit codes | crashed |\n|---|---|---|---|---|---|---|---|")
crashed = []
for group in (whole, one, floor):
    for name, s in group.items():
        print(f"| {name} | {s['median_ms']:.1f} | {s['min_ms']:.1f} | {s['max_ms']:.1f} | {s['stdev_ms']:.1f} | {s.get('cpu_median_ms', float('nan')):.1f} | {s['exit_codes']} | {s['crashed']} |")
        if s["crashed"] and not name.startswith("floor"):
            crashed.append(name)
print(f"\nCrashes (exit 101 or signal): {', '.join(crashed) if crashed else 'none'}")

diag = run / "diagnostics.txt"
if diag.is_file():
    lines = [l for l in diag.read_text().splitlines() if l.strip()]
    exits = (run / "diagnostics-exit.txt").read_text().split("\n") if (run / "diagnostics-exit.txt").is_file() else []
    print(f"\n## Diagnostics on the corpus ({'; '.join(e for e in exits if e)})\n")
    for l in lines[:60]:
        print("    " + l)
    stderr = run / "diagnostics.stderr"
    if stderr.is_file() and stderr.read_text().strip():
        print("\nstderr:\n" + "\n".join("    " + l for l in stderr.read_text().splitlines()[:20]))

phases = run / "perf-phases.txt"
if phases.is_file():
    print("\n## Profile (perf, one whole-tree run)\n")
    print("```\n" + phases.read_text().rstrip() + "\n```")
