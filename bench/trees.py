#!/usr/bin/env python3
"""Builds the synthetic trees of the growth and one-file figures from bench/corpus/src.

    trees.py CORPUS_SRC OUT_DIR ONEFILE_REL...

Trees are hard-link mirrors (same bytes, no extra disk; warm reads cost the same as for copies),
built once and reused while the corpus is unchanged (a stamp records the corpus fingerprint).

  OUT_DIR/grow2x/            the corpus, plus `zz_unrelated_copy/<rel path>`: a second copy of every
                             file that does not mention a seed word of the prefilter, so the files
                             that cannot matter are doubled and the ones that can are not.
  OUT_DIR/grow2x-inplace/     the corpus, plus a copy `<name>_copy2.py` next to every unrelated file
                             that is not a model module (`models.py`, a `models/` package), a
                             settings module, an entry point (manage/wsgi/asgi) or an
                             `__init__.py`: the views, tests, migrations and utilities of the same
                             projects doubled in place, files Django never loads as models.
  OUT_DIR/grow2x-apart/       the corpus, plus the same files as grow2x-inplace copied under
                             `zz_unrelated_copy/<rel path>`: the unrelated files doubled in new
                             directories (without the `__init__.py` files, so the copies are
                             loose scripts, not packages).
  OUT_DIR/finding-x1/, finding-x10/
                             fixtures/dot001_other_name (a DOT001 whose rename fix scans the
                             project) with one / ten copies of the corpus inside its project.
  OUT_DIR/x10-<slug>/        the corpus, plus 9 more copies of the whole corpus placed *inside the
                             project root* of ONEFILE_REL (nearest manage.py above it, else the
                             directory above its top-level package, as the linter decides), so the
                             project that file belongs to really is ten times larger.

Prints one JSON object: paths of the trees and file counts.
"""

import hashlib
import json
import os
import pathlib
import shutil
import sys

SEEDS = (b"oauth2_provider", b"OAUTH2_PROVIDER")
COPIES = 9


def py_files(root: pathlib.Path):
    return sorted(p for p in root.rglob("*") if p.suffix in (".py", ".pyi") and p.is_file())


def fingerprint(files, root):
    h = hashlib.sha256()
    for f in files:
        st = f.stat()
        h.update(f"{f.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def link(src: pathlib.Path, dst: pathlib.Path):
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def mirror(files, root, dest):
    for f in files:
        link(f, dest / f.relative_to(root))


def project_root(file: pathlib.Path) -> pathlib.Path:
    d = file.parent
    while True:
        if (d / "manage.py").is_file():
            return d
        if d.parent == d:
            break
        d = d.parent
    d = file.parent
    while (d / "__init__.py").is_file() and d.parent != d:
        d = d.parent
    return d


def build(dest: pathlib.Path, stamp: str, make):
    marker = dest / ".bench-stamp"
    if marker.is_file() and marker.read_text() == stamp:
        return False
    if dest.exists():
        shutil.rmtree(dest)
    tmp = dest.with_name(dest.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    make(tmp)
    (tmp / ".bench-stamp").write_text(stamp)
    tmp.rename(dest)
    return True


def main():
    src = pathlib.Path(sys.argv[1]).resolve()
    out = pathlib.Path(sys.argv[2]).resolve()
    onefiles = sys.argv[3:]
    out.mkdir(parents=True, exist_ok=True)
    files = py_files(src)
    stamp = fingerprint(files, src)
    unrelated = [f for f in files if not any(s in f.read_bytes() for s in SEEDS)]
    result = {"corpus_files": len(files), "unrelated_files": len(unrelated), "trees": {}}

    def grown(name, suffix, added, add):
        """The corpus plus the `added` files, which `add(tmp)` places."""

        def make(tmp):
            mirror(files, src, tmp)
            add(tmp)

        dest = out / name
        built = build(dest, stamp + suffix, make)
        result["trees"][name] = {
            "path": str(dest),
            "files": len(files) + len(added),
            "added": len(added),
            "built": built,
        }

    grown("grow2x", "", unrelated, lambda tmp: mirror(unrelated, src, tmp / "zz_unrelated_copy"))

    def structural(f):
        rel = f.relative_to(src)
        parts = rel.parts
        return (
            f.name in ("models.py", "manage.py", "wsgi.py", "asgi.py", "__init__.py")
            or "models" in parts[:-1]
            or "settings" in f.stem
            or "settings" in parts[:-1]
        )

    in_place = [f for f in unrelated if not structural(f)]

    def beside(tmp):
        for f in in_place:
            link(f, tmp / f.relative_to(src).with_name(f.stem + "_copy2" + f.suffix))

    grown("grow2x-inplace", "inplace", in_place, beside)
    grown("grow2x-apart", "apart", in_place, lambda tmp: mirror(in_place, src, tmp / "zz_unrelated_copy"))

    for rel in onefiles:
        target = src / rel
        if not target.is_file():
            sys.exit(f"trees.py: one-file target {rel} is not in the corpus")
        root_rel = project_root(target).relative_to(src)
        slug = rel.split("/")[0]
        dest = out / f"x10-{slug}"

        def tenfold(tmp, root_rel=root_rel):
            mirror(files, src, tmp)
            for i in range(1, COPIES + 1):
                mirror(files, src, tmp / root_rel / f"bench_copy{i}")

        built = build(dest, stamp + rel, tenfold)
        result["trees"][f"x10-{slug}"] = {
            "path": str(dest),
            "file": str(dest / rel),
            "project_root": str(dest / root_rel),
            "files": len(files) * (COPIES + 1),
            "built": built,
        }
    # A project with a finding: the DOT001 fixture with the corpus inside it (x1) and ten copies
    # of the corpus (x10), so its rename fix has a whole tree of files to scan.
    fixture = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "dot001_other_name"
    fixture_files = sorted(p for p in fixture.rglob("*") if p.is_file())
    fixture_stamp = fingerprint(fixture_files, fixture)
    for copies in (1, COPIES + 1):
        name = f"finding-x{copies}"
        dest = out / name

        def with_finding(tmp, copies=copies):
            for f in fixture_files:
                tmp_f = tmp / f.relative_to(fixture)
                tmp_f.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, tmp_f)
            for i in range(1, copies + 1):
                mirror(files, src, tmp / f"corpus{i}")

        built = build(dest, stamp + fixture_stamp + name, with_finding)
        result["trees"][name] = {
            "path": str(dest),
            "file": str(dest / "oauth" / "models.py"),
            "files": len(files) * copies + len(fixture_files),
            "built": built,
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
