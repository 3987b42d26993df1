#!/usr/bin/env python3
"""Folds `perf script -F comm,tid,time,ip,sym,dso` (DWARF call graphs, inline frames) into phases.

Each sample is charged to one phase, chosen by the first rule (in the order below) whose pattern
appears anywhere in its call stack, so a malloc inside the parser counts as parsing and a read()
syscall inside read_source counts as file reading. For each phase: samples, share of all samples
(≈ CPU time), and the wall-clock span from its first to its last sample over all threads (phases
run in sequence, so the spans show where the wall time goes). Also prints the top self-time
symbols and the innermost django_model_lint functions. "main thr" counts the samples of the main
thread (the serial part, which bounds wall time). Samples are on-CPU time only (cpu-clock), so on a
loaded machine the wall spans also include time spent waiting for a CPU.
"""

import collections
import re
import sys

PHASES = [
    ("process start/exit (ld.so, exit)", r"_dl_start|_dl_init|_dl_relocate|exit_mmap|do_group_exit|do_exit\b"),
    ("parse (ruff_python_parser)", r"ruff_python_parser|django_model_lint::syntax::"),
    ("index (per-module facts)", r"django_model_lint::index"),
    ("settings / app registry", r"django_model_lint::settings"),
    ("resolve / models / rules", r"django_model_lint::(resolve|models|rules|contract)"),
    ("report", r"django_model_lint::report"),
    ("config (pyproject/setup.cfg)", r"django_model_lint::config"),
    ("prefilter (memchr memmem)", r"memchr::"),
    ("project roots (manage.py / package_root stats)", r"package_root|find_manage_py_root|find_root"),
    ("module lookup (module_path stats)", r"Project>?::(module_path|module_name_of|has_module)"),
    ("file reads (open/read/UTF-8 check)", r"read_source|std::fs::read|from_utf8|run_utf8_validation"),
    ("directory walk (walkdir, getdents, stat)", r"walkdir|discover::discover"),
    ("grouping / sorting paths (check_paths bookkeeping)", r"group_files|compare_components|django_model_lint::check_paths"),
]
COMPILED = [(name, re.compile(p)) for name, p in PHASES]
WORK = re.compile(r"django_model_lint::|ruff_python_|memchr::|walkdir::")
IDLE = re.compile(r"rayon_core::|LockLatch|crossbeam")
HEADER = re.compile(r"^(\S.*?)\s+(\d+)\s+(?:(\d+\.\d+):)?\s*$")
FRAME = re.compile(r"^\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)$")


def samples(lines):
    cur = None
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if cur:
                yield cur
            cur = None
            continue
        if cur is None:
            m = HEADER.match(line)
            if m:
                cur = {"tid": int(m.group(2)), "t": float(m.group(3)) if m.group(3) else None, "frames": []}
            continue
        m = FRAME.match(line)
        if m:
            cur["frames"].append((m.group(1), m.group(2)))
    if cur:
        yield cur


def main():
    counts = collections.Counter()
    main_counts = collections.Counter()
    spans = {}
    leaf = collections.Counter()
    ours = collections.Counter()
    threads = collections.Counter()
    total = 0
    for s in samples(sys.stdin):
        if not s["frames"]:
            continue
        total += 1
        threads[s["tid"]] += 1
        text = "\n".join(f"{sym} ({dso})" for sym, dso in s["frames"])
        phase = None
        # Waiting: rayon (or the thread that called into rayon) between the leaf and our code.
        first_ours = next((i for i, (sym, _) in enumerate(s["frames"]) if WORK.search(sym)), len(s["frames"]))
        if any(IDLE.search(sym) for sym, _ in s["frames"][:first_ours]):
            phase = "waiting (rayon idle workers, main thread blocked on a latch)"
        for name, rx in [] if phase else COMPILED:
            if rx.search(text):
                phase = name
                break
        if phase is None:
            inner = next((sym for sym, _ in s["frames"] if sym.startswith("django_model_lint::")), None)
            phase = f"other: {inner}" if inner else "other (no django_model_lint frame)"
        counts[phase] += 1
        main_counts[(phase, s["tid"])] += 1
        if s["t"] is not None:
            lo, hi = spans.get(phase, (s["t"], s["t"]))
            spans[phase] = (min(lo, s["t"]), max(hi, s["t"]))
        sym, dso = s["frames"][0]
        leaf[f"{sym}  [{dso.rsplit('/', 1)[-1]}]"] += 1
        inner = next((sym for sym, _ in s["frames"] if sym.startswith(("django_model_lint::", "<django_model_lint::"))), None)
        if inner:
            ours[inner.split(" (")[0][:110]] += 1
    if not total:
        print("no samples")
        return
    t0 = min((lo for lo, _ in spans.values()), default=0)
    print(f"{total} samples over {len(threads)} threads (per thread: {dict(threads.most_common())})")
    main_tid = min(threads)  # the process's first thread: its pid, which runs everything serial
    print(f"{'phase':<58} {'samples':>7} {'share':>6} {'main thr':>8}   wall span (ms from first sample)")
    for phase, n in counts.most_common():
        m = main_counts[(phase, main_tid)]
        span = ""
        if phase in spans:
            lo, hi = spans[phase]
            span = f"{(lo - t0) * 1e3:7.1f} .. {(hi - t0) * 1e3:7.1f}"
        print(f"{phase[:58]:<58} {n:7d} {100 * n / total:5.1f}% {m:8d}   {span}")
    print("\ntop self-time symbols (leaf frame):")
    for name, n in leaf.most_common(20):
        print(f"  {100 * n / total:5.1f}%  {name[:120]}")
    print("\ninnermost django_model_lint function on the stack (inclusive):")
    for name, n in ours.most_common(15):
        print(f"  {100 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
