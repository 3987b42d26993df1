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
    ("lock/version detection (versions)", r"django_model_lint::versions"),
    ("parse (ruff_python_parser, per-module index)", r"ruff_python_parser|django_model_lint::syntax::|django_model_lint::index"),
    ("settings / app registry", r"django_model_lint::settings"),
    ("rules (resolve / models / rules / report)", r"django_model_lint::(resolve|models|rules|contract|report)"),
    ("config (pyproject/setup.cfg)", r"django_model_lint::config"),
    ("read (open/read/UTF-8 check)", r"read_source|std::fs::read|from_utf8|run_utf8_validation"),
    ("import following (import scan, module lookup)", r"prefilter::(imports|imported_modules)|read_inputs|Project>?::(module_candidates|module_path|module_name_of|has_module)"),
    ("prefilter (memchr memmem)", r"memchr::"),
    ("project grouping (manage.py / package roots)", r"package_root|find_manage_py_root|find_root|manage_root|project_of|group_files|compare_components|django_model_lint::check_paths"),
    ("walk (walkdir, getdents, stat)", r"walkdir|discover::discover|discover::"),
]
COMPILED = [(name, re.compile(p)) for name, p in PHASES]
WORK = re.compile(r"django_model_lint::|ruff_python_|memchr::|walkdir::")
IDLE = re.compile(r"rayon_core::|LockLatch|crossbeam")
HEADER = re.compile(r"^(\S.*?)\s+(?:(\d+)/)?(\d+)\s+(?:(\d+\.\d+):)?\s*$")
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
                tid = int(m.group(3))
                pid = int(m.group(2)) if m.group(2) else None
                cur = {"comm": m.group(1), "tid": tid, "pid": pid, "main": None if pid is None else pid == tid,
                       "t": float(m.group(4)) if m.group(4) else None, "frames": []}
            continue
        m = FRAME.match(line)
        if m:
            cur["frames"].append((m.group(1), m.group(2)))
    if cur:
        yield cur


def main():
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--comm", default="", help="only samples of threads whose name starts so")
    ap.add_argument("--runs", type=int, default=1, help="runs recorded (per-run ms = samples / runs / freq)")
    ap.add_argument("--freq", type=float, default=0, help="sampling frequency (Hz) of perf record -F")
    args = ap.parse_args()
    counts = collections.Counter()
    main_counts = collections.Counter()
    spans = {}
    leaf = collections.Counter()
    ours = collections.Counter()
    threads = collections.Counter()
    total = 0
    for s in samples(sys.stdin):
        if not s["frames"] or not s["comm"].startswith(args.comm):
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
        main_counts[(phase, "main" if s["main"] else s["tid"])] += 1
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
    print(f"{total} samples over {len(threads)} threads")
    # The process's first thread runs everything serial; over several runs, the main threads.
    main_tid = "main" if any(k[1] == "main" for k in main_counts) else min(threads)
    per_run = args.freq > 0
    last = "CPU ms per run" if per_run else "wall span (ms from first sample)"
    print(f"{'phase':<58} {'samples':>7} {'share':>6} {'main thr':>8}   {last}")
    for phase, n in counts.most_common():
        m = main_counts[(phase, main_tid)]
        span = ""
        if per_run:
            span = f"{n / args.runs / args.freq * 1e3:7.2f}"
        elif phase in spans:
            lo, hi = spans[phase]
            span = f"{(lo - t0) * 1e3:7.1f} .. {(hi - t0) * 1e3:7.1f}"
        print(f"{phase[:58]:<58} {n:7d} {100 * n / total:5.1f}% {m:8d}   {span}")
    if per_run:
        print(f"{'total (on-CPU)':<58} {total:7d} 100.0% {'':>8}   {total / args.runs / args.freq * 1e3:7.2f}")
    print("\ntop self-time symbols (leaf frame):")
    for name, n in leaf.most_common(20):
        print(f"  {100 * n / total:5.1f}%  {name[:120]}")
    print("\ninnermost django_model_lint function on the stack (inclusive):")
    for name, n in ours.most_common(15):
        print(f"  {100 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
