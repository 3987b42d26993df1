#!/usr/bin/env python3
"""The libraries' oracle: run, with the real library, the operation each library contract of
library-contracts.md says breaks, on every fixture of the five library families.

    python3 tests/oracle/libs/run.py                  # every library fixture, cached
    python3 tests/oracle/libs/run.py --fixture NAME   # one fixture (repeatable)
    python3 tests/oracle/libs/run.py --force          # ignore the cache
    python3 tests/oracle/libs/run.py --offline        # fail if a result is missing or stale

Fixtures: `fixtures/<name>` whose name starts with a family prefix (`auth`, `dra`, `wag`, `tag`,
`osc`, with or without `ok_`) or is listed in EXTRA (`demo_wagtail`).

Envs: tests/oracle/libs/envs.toml (one env per library; a fixture runs in the first env whose
`uses` names one of its modules). A venv is built under tests/oracle/.venvs/<env>/ only when a
result has to be computed.

Cache: tests/oracle/libs/results.json (committed). Each entry is keyed by a SHA-256 of the
fixture's files, the env's exact package list and this folder's worker.py, as the DOT oracle
(tests/oracle/run.py) does; a run recomputes only entries whose key changed and drops entries of
fixtures that no longer exist.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import os
import re
import sys
import threading
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(ORACLE))
FIXTURES = os.path.join(REPO, "fixtures")
RESULTS = os.path.join(HERE, "results.json")
ENVS_TOML = os.path.join(HERE, "envs.toml")
WORKER = os.path.join(HERE, "worker.py")
SCHEMA = 1
WORKER_TIMEOUT = 600
FAMILIES = ("auth", "dra", "wag", "tag", "osc")
EXTRA = ("demo_wagtail",)


def _load_dot_run():
    """The DOT oracle's driver (tests/oracle/run.py): Project (file digest, copy) and ensure_venv.
    Loaded by path: this file is named run.py too."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dot_oracle_run", os.path.join(ORACLE, "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


dot_run = _load_dot_run()


def load_envs() -> dict:
    with open(ENVS_TOML, "rb") as fh:
        return tomllib.load(fh)["envs"]


def is_library_fixture(name: str) -> bool:
    bare = name[3:] if name.startswith("ok_") else name
    return name in EXTRA or any(re.match(rf"{f}(\d|_)", bare) for f in FAMILIES)


def discover(names: list | None) -> list:
    out = []
    for name in sorted(os.listdir(FIXTURES)):
        path = os.path.join(FIXTURES, name)
        if os.path.isdir(path) and is_library_fixture(name):
            if not names or name in names or f"fixtures/{name}" in names:
                out.append(dot_run.Project(f"fixtures/{name}", path))
    return out


def uses(project, module: str) -> bool:
    pat = re.compile(
        rf"""["']{re.escape(module)}(\.[\w.]+)?["']|^\s*(from|import)\s+{re.escape(module)}\b""", re.M
    )
    for rel in project.files():
        if rel.endswith(".py"):
            with open(os.path.join(project.path, rel), encoding="utf-8", errors="replace") as fh:
                if pat.search(fh.read()):
                    return True
    return False


def env_for(project, envs: dict) -> str:
    fallback = None
    for name, env in envs.items():
        if not env["uses"]:
            fallback = fallback or name
        elif any(uses(project, m) for m in env["uses"]):
            return name
    return fallback


def harness_digest() -> str:
    with open(WORKER, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def cache_key(project, env_name: str, env: dict, harness: str) -> str:
    h = hashlib.sha256()
    h.update(f"schema={SCHEMA}\0env={env_name}\0".encode())
    h.update("\n".join(sorted(env["packages"])).encode() + b"\0")
    h.update(harness.encode() + b"\0" + project.digest().encode())
    return h.hexdigest()[:32]


def run_one(project, env_name: str, env: dict, log) -> dict:
    py = dot_run.ensure_venv(env_name, env, log)
    return dot_run.run_worker(py, WORKER, project, "oracle-libs-", WORKER_TIMEOUT)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixture", action="append", help="only this fixture; repeatable")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--force", action="store_true", help="recompute even when cached")
    ap.add_argument("--offline", action="store_true", help="fail instead of computing missing results")
    args = ap.parse_args(argv)

    t0 = time.monotonic()
    envs = load_envs()
    projects = discover(args.fixture)
    harness = harness_digest()
    data = dot_run.load_results(RESULTS)
    results = data["results"]
    lock = threading.Lock()

    def log(msg):
        with lock:
            print(msg, flush=True)

    jobs, cached = [], 0
    for p in projects:
        e = env_for(p, envs)
        key = cache_key(p, e, envs[e], harness)
        entry = results.get(p.id)
        if entry and entry.get("key") == key and entry.get("env") == e and not args.force:
            cached += 1
            continue
        jobs.append((p, e, key))
    if jobs and args.offline:
        for p, e, _k in jobs:
            log(f"[stale] {p.id} x {e}")
        log(f"{len(jobs)} library oracle results are missing or stale (run tests/oracle/libs/run.py)")
        return 1
    log(f"libs oracle: {len(projects)} fixtures: {cached} cached, {len(jobs)} to run")
    for e in sorted({e for _p, e, _k in jobs}):
        dot_run.ensure_venv(e, envs[e], log)
    done = [0]

    def work(job):
        p, e, key = job
        t = time.monotonic()
        res = run_one(p, e, envs[e], log)
        statuses = {}
        for op in res.get("operations", {}).values():
            statuses[op["status"]] = statuses.get(op["status"], 0) + 1
        with lock:
            done[0] += 1
            summary = ", ".join(f"{v} {k}" for k, v in sorted(statuses.items()))
            if res.get("crashed"):
                summary += " CRASHED"
            print(f"[{done[0]}/{len(jobs)}] {p.id} x {e}: {summary} ({time.monotonic() - t:.1f}s)", flush=True)
            results[p.id] = {"env": e, "key": key, "result": res}

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for fut in concurrent.futures.as_completed([pool.submit(work, j) for j in jobs]):
            fut.result()
    if not args.fixture:
        live = {p.id for p in projects}
        for pid in list(results):
            if pid not in live:
                del results[pid]
    dot_run.save_results(data, RESULTS)
    crashed = [pid for pid, ent in results.items() if ent["result"].get("crashed")]
    log(f"libs oracle: done in {time.monotonic() - t0:.1f}s ({len(jobs)} computed, {cached} cached)")
    if crashed:
        log("worker crashed for: " + ", ".join(crashed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
