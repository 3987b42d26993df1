#!/usr/bin/env python3
"""Oracle driver: run django-oauth-toolkit's real operations on every fixture in every env.

    python3 tests/oracle/run.py                  # all fixtures x all envs, cached
    python3 tests/oracle/run.py --fixture NAME   # one fixture (repeatable)
    python3 tests/oracle/run.py --env dot-3.4.1  # one env (repeatable)
    python3 tests/oracle/run.py --force          # ignore the cache
    python3 tests/oracle/run.py --selftest       # the harness's own projects under selftest/

Projects: every folder under fixtures/ (plus a ``<name>@fixed`` variant when the fixture has
``*.py.fixed`` files), the stock reference project baseline/stock (always), and with --selftest the
projects under tests/oracle/selftest/.

Envs: tests/oracle/envs.toml. A venv is built under tests/oracle/.venvs/<env>/ only when a result
has to be computed, so a fully cached run needs no network and no venv.

Cache: tests/oracle/results.json (committed). Each entry is keyed by a SHA-256 of the project's
files, the env's exact package list and the harness files (worker.py, harness/*); a run only
recomputes entries whose key changed, and drops entries of projects that no longer exist.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "fixtures")
VENVS = os.path.join(HERE, ".venvs")
RESULTS = os.path.join(HERE, "results.json")
ENVS_TOML = os.path.join(HERE, "envs.toml")
WORKER = os.path.join(HERE, "worker.py")
SCHEMA = 1
SKIP_DIRS = {"__pycache__", ".git", ".oracle-db", "node_modules", ".venv", "venv"}
WORKER_TIMEOUT = 300


def load_envs() -> dict:
    with open(ENVS_TOML, "rb") as fh:
        return tomllib.load(fh)["envs"]


# --------------------------------------------------------------------------------------------
# projects


class Project:
    def __init__(self, pid: str, path: str, fixed: bool = False):
        self.id = pid
        self.path = path
        self.fixed = fixed  # apply *.py.fixed over *.py when copying

    def files(self) -> list:
        out = []
        for root, dirs, files in os.walk(self.path):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for f in sorted(files):
                if f.endswith((".pyc", ".pyo")):
                    continue
                full = os.path.join(root, f)
                out.append(os.path.relpath(full, self.path))
        return out

    def digest(self) -> str:
        h = hashlib.sha256()
        h.update(b"fixed" if self.fixed else b"plain")
        for rel in self.files():
            h.update(rel.replace(os.sep, "/").encode() + b"\0")
            with open(os.path.join(self.path, rel), "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
        return h.hexdigest()

    def not_runnable_reason(self) -> str | None:
        files = self.files()
        if any(re.match(r"(.*/)?oauth2_provider/__init__\.py$", f.replace(os.sep, "/")) for f in files):
            return "vendors its own oauth2_provider package: not runnable against the real DOT"
        # A project that never names DOT (the DJF fixtures of Django's own checks, the library
        # fixtures auth*/dra*/wag*/tag*/osc*) is not a DOT project: tests/oracle/django_checks.py
        # or tests/oracle/libs/ run it instead.
        if not any(
            "oauth2_provider" in open(os.path.join(self.path, f), encoding="utf-8", errors="replace").read()
            for f in files
            if f.endswith(".py")
        ):
            return ("does not use django-oauth-toolkit: Django's own checks (tests/oracle/django_checks.py) "
                    "or the libraries' oracle (tests/oracle/libs/) are its oracle")
        text = ""
        for f in files:
            if os.path.basename(f) in ("manage.py", "wsgi.py", "asgi.py"):
                text += open(os.path.join(self.path, f), encoding="utf-8", errors="replace").read()
        # a literal name, or one built at run time (the worker runs manage.py to read it)
        if re.search(r"""DJANGO_SETTINGS_MODULE["']\s*,""", text):
            return None
        # a repository without manage.py: pytest-django's / tox's DJANGO_SETTINGS_MODULE
        for name in ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"):
            path = os.path.join(self.path, name)
            if os.path.isfile(path) and re.search(
                r"DJANGO_SETTINGS_MODULE\s*[=:]", open(path, encoding="utf-8", errors="replace").read()
            ):
                return None
        return "no settings module (no DJANGO_SETTINGS_MODULE in manage.py/wsgi.py/asgi.py, pytest.ini, pyproject.toml, setup.cfg or tox.ini)"

    def copy_to(self, dest: str):
        shutil.copytree(self.path, dest, ignore=shutil.ignore_patterns(*SKIP_DIRS, "*.pyc"))
        if self.fixed:
            for root, _dirs, files in os.walk(dest):
                for f in files:
                    if f.endswith(".py.fixed"):
                        shutil.move(os.path.join(root, f), os.path.join(root, f[: -len(".fixed")]))


def discover(selftest: bool, names: list | None) -> list:
    projects = [Project("baseline/stock", os.path.join(HERE, "baseline", "stock"))]
    if os.path.isdir(FIXTURES):
        for name in sorted(os.listdir(FIXTURES)):
            p = os.path.join(FIXTURES, name)
            if not os.path.isdir(p) or name.startswith((".", "_")):
                continue
            projects.append(Project(f"fixtures/{name}", p))
            has_fixed = any(f.endswith(".py.fixed") for _r, _d, fs in os.walk(p) for f in fs)
            if has_fixed:
                projects.append(Project(f"fixtures/{name}@fixed", p, fixed=True))
    if selftest:
        st = os.path.join(HERE, "selftest")
        for name in sorted(os.listdir(st)):
            p = os.path.join(st, name)
            if os.path.isdir(p):
                projects.append(Project(f"selftest/{name}", p))
                if any(f.endswith(".py.fixed") for _r, _d, fs in os.walk(p) for f in fs):
                    projects.append(Project(f"selftest/{name}@fixed", p, fixed=True))
    if names:
        want = set(names)
        projects = [
            p for p in projects
            if p.id == "baseline/stock" or p.id in want or p.id.split("/", 1)[1] in want
            or p.id.split("/", 1)[1].split("@")[0] in want
        ]
    return projects


def harness_digest() -> str:
    h = hashlib.sha256()
    paths = [WORKER] + sorted(
        os.path.join(HERE, "harness", f) for f in os.listdir(os.path.join(HERE, "harness")) if f.endswith(".py")
    )
    for p in paths:
        with open(p, "rb") as fh:
            h.update(os.path.basename(p).encode() + b"\0" + hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


def cache_key(project: Project, env_name: str, env: dict, harness: str) -> str:
    h = hashlib.sha256()
    h.update(f"schema={SCHEMA}\0env={env_name}\0".encode())
    h.update(("\n".join(sorted(env["packages"]))).encode() + b"\0")
    h.update(harness.encode() + b"\0" + project.digest().encode())
    return h.hexdigest()[:32]


# --------------------------------------------------------------------------------------------
# venvs

_venv_locks: dict = {}
_venv_lock = threading.Lock()


def venv_python(env_name: str) -> str:
    return os.path.join(VENVS, env_name, "bin", "python")


def ensure_venv(env_name: str, env: dict, log) -> str:
    with _venv_lock:
        lock = _venv_locks.setdefault(env_name, threading.Lock())
    with lock:
        path = os.path.join(VENVS, env_name)
        marker = os.path.join(path, "oracle-env.json")
        want = sorted(env["packages"])
        if os.path.exists(marker):
            with open(marker) as fh:
                if json.load(fh).get("packages") == want:
                    return venv_python(env_name)
        log(f"[venv] building {env_name} ({len(want)} pinned packages)")
        t0 = time.monotonic()
        if os.path.exists(path):
            shutil.rmtree(path)
        os.makedirs(VENVS, exist_ok=True)
        py = shutil.which("python3.11") or sys.executable
        subprocess.run([py, "-m", "venv", path], check=True)
        subprocess.run(
            [venv_python(env_name), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-deps", *want],
            check=True,
        )
        with open(marker, "w") as fh:
            json.dump({"packages": want}, fh)
        log(f"[venv] {env_name} ready in {time.monotonic() - t0:.1f}s")
        return venv_python(env_name)


# --------------------------------------------------------------------------------------------
# running


def run_one(project: Project, env_name: str, env: dict, log) -> dict:
    reason = project.not_runnable_reason()
    if reason:
        return {"runnable": False, "reason": reason, "operations": {}}
    res = run_worker(ensure_venv(env_name, env, log), WORKER, project, "oracle-")
    res.setdefault("runnable", True)
    return res


def run_worker(py: str, worker: str, project: Project, prefix: str, timeout: int = WORKER_TIMEOUT) -> dict:
    """Runs `worker --project <copy> --out <file>` with a venv's python on a throw-away copy of
    the project (no DJANGO_* or PYTHON* variable of ours leaks in): the JSON the worker wrote, with
    `crashed` when it exited non-zero or timed out. Also used by tests/oracle/libs/run.py."""
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    tmp = tempfile.mkdtemp(prefix=prefix, dir=shm)
    try:
        dest = os.path.join(tmp, "project")
        project.copy_to(dest)
        out = os.path.join(tmp, "result.json")
        env_vars = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
        env_vars["PYTHONDONTWRITEBYTECODE"] = "1"
        env_vars["PYTHONHASHSEED"] = "0"
        try:
            proc = subprocess.run(
                [py, worker, "--project", dest, "--out", out],
                cwd=tmp, env=env_vars, capture_output=True, text=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"crashed": f"worker timed out after {timeout}s", "operations": {}}
        if os.path.exists(out):
            with open(out) as fh:
                res = json.load(fh)
        else:
            res = {"operations": {}}
        if proc.returncode != 0:
            res["crashed"] = f"worker exit {proc.returncode}: " + proc.stderr[-1500:]
        return res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load_results(path: str = RESULTS) -> dict:
    if os.path.exists(path):
        with open(path) as fh:
            data = json.load(fh)
        if data.get("schema") == SCHEMA:
            return data
    return {"schema": SCHEMA, "results": {}}


def save_results(data: dict, path: str = RESULTS):
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixture", action="append", help="only this fixture (name or project id); repeatable")
    ap.add_argument("--env", action="append", help="only this env (name from envs.toml); repeatable")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--force", action="store_true", help="recompute even when cached")
    ap.add_argument("--selftest", action="store_true", help="also run tests/oracle/selftest/*")
    ap.add_argument("--offline", action="store_true", help="fail instead of computing missing results")
    args = ap.parse_args(argv)

    t0 = time.monotonic()
    envs = load_envs()
    env_names = args.env or list(envs)
    for e in env_names:
        if e not in envs:
            ap.error(f"unknown env {e}; known: {', '.join(envs)}")
    projects = discover(args.selftest, args.fixture)
    harness = harness_digest()
    data = load_results()
    results = data["results"]

    print_lock = threading.Lock()

    def log(msg):
        with print_lock:
            print(msg, flush=True)

    jobs, cached = [], 0
    for p in projects:
        for e in env_names:
            key = cache_key(p, e, envs[e], harness)
            entry = results.get(p.id, {}).get(e)
            if entry and entry.get("key") == key and not args.force:
                cached += 1
                continue
            jobs.append((p, e, key))

    if jobs and args.offline:
        for p, e, _k in jobs:
            log(f"[stale] {p.id} x {e}")
        log(f"{len(jobs)} oracle results are missing or stale (run tests/oracle/run.py)")
        return 1

    log(f"oracle: {len(projects)} projects x {len(env_names)} envs: {cached} cached, {len(jobs)} to run")
    done = [0]

    def work(job):
        p, e, key = job
        t = time.monotonic()
        res = run_one(p, e, envs[e], log)
        res["env"] = {"name": e, "dot": envs[e]["dot"], "django": envs[e]["django"]}
        # per-operation timings would make every recomputation a diff of results.json
        for op in res.get("operations", {}).values():
            op.pop("seconds", None)
        statuses = {}
        for op in res.get("operations", {}).values():
            statuses[op["status"]] = statuses.get(op["status"], 0) + 1
        with print_lock:
            done[0] += 1
            summary = ", ".join(f"{v} {k}" for k, v in sorted(statuses.items())) or res.get("reason", "")
            if res.get("crashed"):
                summary += " CRASHED"
            print(f"[{done[0]}/{len(jobs)}] {p.id} x {e}: {summary} ({time.monotonic() - t:.1f}s)", flush=True)
            results.setdefault(p.id, {})[e] = {"key": key, "result": res}
        return res

    # build the venvs first, one at a time (pip in parallel only fights over the cache)
    needed_envs = sorted({e for p, e, _k in jobs if p.not_runnable_reason() is None})
    for e in needed_envs:
        ensure_venv(e, envs[e], log)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for fut in concurrent.futures.as_completed([pool.submit(work, j) for j in jobs]):
            fut.result()

    # prune projects/envs that no longer exist (only when running the full set)
    if not args.fixture and not args.env:
        live = {p.id for p in projects}
        for pid in list(results):
            keep_selftest = pid.startswith("selftest/") and not args.selftest
            if pid not in live and not keep_selftest:
                del results[pid]
            elif pid in results:
                for e in list(results[pid]):
                    if e not in envs:
                        del results[pid][e]
    save_results(data)
    crashed = [
        f"{pid} x {e}" for pid, per in results.items() for e, ent in per.items() if ent["result"].get("crashed")
    ]
    log(f"oracle: done in {time.monotonic() - t0:.1f}s ({len(jobs)} computed, {cached} cached)")
    if crashed:
        log("worker crashed for: " + ", ".join(crashed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
