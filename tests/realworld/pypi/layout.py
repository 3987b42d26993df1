"""Lay out the pinned PyPI sdists at their real package roots.

    python3 layout.py DL_DIR ROOTS_DIR

Each project's root is the directory of its sdist that holds the top-level package (the sdist's
top for a flat layout, its `src/` for a src layout), with the .py files, requirements*.txt, and
the sdist's pyproject.toml / setup.cfg / tox.ini / pytest.ini (a file already in the root wins).
Static assets, translations, docs other than .py, lock files and egg-info are left out.
"""
import pathlib
import shutil
import sys
import tarfile

# project name -> (sdist file prefix, sub-directory of the sdist that holds the top-level package)
PROJECTS = {
    "pretix": ("pretix-2026.8.0", "src"),
    "ephios": ("ephios-0.27.1", "src"),
    "django-ansible-base": ("django_ansible_base-2026.6.2", ""),
    "aleksis-core": ("aleksis_core-4.0.4", ""),
    "allianceauth-oidc-provider": ("allianceauth_oidc_provider-0.0.3", ""),
}
CONFIGS = ("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini")


def keep(rel: pathlib.PurePosixPath) -> bool:
    if any(part.endswith(".egg-info") for part in rel.parts):
        return False
    name = rel.name
    return name.endswith(".py") or name in CONFIGS or (
        name.startswith("requirements") and name.endswith(".txt")
    )


def main() -> None:
    dl, roots = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    for project, (stem, sub) in PROJECTS.items():
        out = roots / project
        if (out / ".complete").exists():
            continue
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        with tarfile.open(dl / f"{stem}.tar.gz") as t:
            prefix = pathlib.PurePosixPath(stem, sub) if sub else pathlib.PurePosixPath(stem)
            top_configs = {}
            for m in t.getmembers():
                if not m.isfile():
                    continue
                path = pathlib.PurePosixPath(m.name)
                if sub and path.parent == pathlib.PurePosixPath(stem) and path.name in CONFIGS:
                    top_configs[path.name] = m
                try:
                    rel = path.relative_to(prefix)
                except ValueError:
                    continue
                if not keep(rel):
                    continue
                dest = out / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(t.extractfile(m).read())
            # src layout: the repository's configuration sits one level up; copy it beside the package
            # unless the package root has its own file of that name.
            for name, m in top_configs.items():
                if not (out / name).exists():
                    (out / name).write_bytes(t.extractfile(m).read())
        (out / ".complete").write_text("")
        files = [p for p in out.rglob("*") if p.is_file() and p.name != ".complete"]
        print(f"{project}: {len(files)} files under {out}")


if __name__ == "__main__":
    main()
