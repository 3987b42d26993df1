#!/usr/bin/env python3
"""Alternating wall-clock timer (a small hyperfine that interleaves its commands).

    timer.py --rounds N --warmup W --out RESULT.json SPEC

SPEC has one command per line: `name<TAB>stdin-file or -<TAB>command line` (split with shlex,
run without a shell so no shell start-up is timed). Each round runs every command once, rotating
the starting command each round so no command always runs right after another, which matters on
a loaded machine. Wall time is perf_counter around spawn..wait; CPU time (user+sys) and peak
RSS per run come from wait4's rusage. Stdout goes to /dev/null; stderr of the last run of each command is kept next to
RESULT.json. (The RSS column never reads below the Python parent's own ~15 MiB: ru_maxrss
survives fork+exec. Use /usr/bin/time -v, as run.sh does, for the peak-memory figure.) A run killed by a signal or exiting 101 (a Rust panic) is recorded as a crash.
"""

import argparse
import json
import os
import pathlib
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv, stdin_path, err_path):
    stdin = open(stdin_path, "rb") if stdin_path != "-" else subprocess.DEVNULL
    with open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=err)
        _, status, rusage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdin is not subprocess.DEVNULL:
        stdin.close()
    cpu = rusage.ru_utime + rusage.ru_stime
    return wall, proc.returncode, rusage.ru_maxrss, cpu  # maxrss in KiB on Linux


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--out", required=True)
    ap.add_argument("spec")
    args = ap.parse_args()

    cmds = []
    for line in pathlib.Path(args.spec).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, stdin_path, cmd = line.split("\t", 2)
        cmds.append({"name": name, "stdin": stdin_path, "argv": shlex.split(cmd), "cmd": cmd})

    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for c in cmds:
        c["stderr_file"] = str(out.with_name(f"{out.stem}.{c['name']}.stderr"))
        c["times"], c["codes"], c["rss_kib"], c["cpu"] = [], [], [], []

    for _ in range(args.warmup):
        for c in cmds:
            run_once(c["argv"], c["stdin"], c["stderr_file"])
    for r in range(args.rounds):
        order = cmds[r % len(cmds):] + cmds[: r % len(cmds)]
        for c in order:
            wall, code, rss, cpu = run_once(c["argv"], c["stdin"], c["stderr_file"])
            c["times"].append(wall)
            c["cpu"].append(cpu)
            c["codes"].append(code)
            c["rss_kib"].append(rss)

    summary = {}
    for c in cmds:
        t = sorted(c["times"])
        s = {
            "cmd": c["cmd"],
            "median_ms": statistics.median(t) * 1e3,
            "min_ms": t[0] * 1e3,
            "max_ms": t[-1] * 1e3,
            "mean_ms": statistics.fmean(t) * 1e3,
            "stdev_ms": (statistics.stdev(t) * 1e3) if len(t) > 1 else 0.0,
            "times_ms": [x * 1e3 for x in c["times"]],
            "cpu_median_ms": statistics.median(c["cpu"]) * 1e3,
            "exit_codes": sorted(set(c["codes"])),
            "crashed": any(code == 101 or code < 0 for code in c["codes"]),
            "max_rss_mib": max(c["rss_kib"]) / 1024,
            "stderr_file": c["stderr_file"],
        }
        summary[c["name"]] = s
        print(
            f"  {c['name']:<22} median {s['median_ms']:9.1f} ms   min {s['min_ms']:9.1f}   "
            f"max {s['max_ms']:9.1f}   cpu {s['cpu_median_ms']:8.1f}   rss {s['max_rss_mib']:6.1f} MiB   exit {s['exit_codes']}"
            + ("   CRASHED" if s["crashed"] else ""),
            flush=True,
        )
    out.write_text(json.dumps({"rounds": args.rounds, "warmup": args.warmup, "commands": summary}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
