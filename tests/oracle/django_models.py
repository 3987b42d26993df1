#!/usr/bin/env python3
"""Generates rules/django/models.toml: the models of Django's contrib apps (auth, contenttypes,
admin, sites, redirects, flatpages, sessions) as the released Django source declares them.

    python3 tests/oracle/django_models.py PYTHON [PYTHON ...] > rules/django/models.toml

Each PYTHON is an interpreter with one Django version installed (e.g. `.venv-dj42/bin/python`,
`.venv-dj52/bin/python`). The script runs itself in each (`--dump`), which imports Django with
those apps installed and records, per model class, what its class body declares (read
with `ast` from the source, so that inherited copies are not listed twice), the field classes
and relation arguments (from the field instances), and the Meta attributes the graph uses. The
versions are then merged: an entry present in some versions only gets `since` / `until`.

A relation to a swappable model (admin's `LogEntry.user`, `to=settings.AUTH_USER_MODEL`) is
recorded by its setting (`setting = "AUTH_USER_MODEL"`, no `to`): the model it points at is the
project's, not the one this dump happened to resolve. django.contrib.gis's models are not
listed: they belong to the spatial database backends, not to an installable app.
Nothing is typed by hand; review the diff of the generated file.
"""

import ast
import inspect
import json
import subprocess
import sys

MODELS = [
    ("django.contrib.auth.base_user", "AbstractBaseUser"),
    ("django.contrib.auth.models", "PermissionsMixin"),
    ("django.contrib.auth.models", "AbstractUser"),
    ("django.contrib.auth.models", "User"),
    ("django.contrib.auth.models", "Group"),
    ("django.contrib.auth.models", "Permission"),
    ("django.contrib.contenttypes.models", "ContentType"),
    ("django.contrib.admin.models", "LogEntry"),
    ("django.contrib.sites.models", "Site"),
    ("django.contrib.redirects.models", "Redirect"),
    ("django.contrib.flatpages.models", "FlatPage"),
    ("django.contrib.sessions.base_session", "AbstractBaseSession"),
    ("django.contrib.sessions.models", "Session"),
]
APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.flatpages",
    "django.contrib.sessions",
]
# Modules that re-export a model class (`from django.contrib.auth.models import
# AbstractBaseUser` works as well as the `base_user` path).
ALIAS_MODULES = [
    "django.contrib.auth.models",
    "django.contrib.auth.base_user",
    "django.contrib.contenttypes.models",
    "django.contrib.admin.models",
    "django.contrib.sites.models",
    "django.contrib.redirects.models",
    "django.contrib.flatpages.models",
    "django.contrib.sessions.models",
    "django.contrib.sessions.base_session",
]
META_ATTRS = [
    "abstract",
    "swappable",
    "proxy",
    "app_label",
    "default_related_name",
    "ordering",
    "unique_together",
    "db_table",
]


def dump():
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=APPS,
        DATABASES={},
    )
    django.setup()
    import importlib

    out = {"version": django.get_version(), "models": []}
    root = django.__file__.rsplit("/", 2)[0] + "/"
    for module_name, class_name in MODELS:
        module = importlib.import_module(module_name)
        cls = getattr(module, class_name)
        path = inspect.getsourcefile(cls)
        rel = path[len(root):]
        tree = ast.parse(open(path).read())
        node = next(
            n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name
        )
        bases = []
        for b in cls.__bases__:
            bases.append(f"{b.__module__}.{b.__qualname__}")
        opts = cls._meta
        meta = {}
        meta_line = None
        meta_bases = []
        for item in node.body:
            if isinstance(item, ast.ClassDef) and item.name == "Meta":
                meta_line = item.lineno
                meta_bases = [ast.unparse(b) for b in item.bases]
                for s in item.body:
                    if isinstance(s, ast.Assign):
                        for t in s.targets:
                            if isinstance(t, ast.Name) and t.id in META_ATTRS:
                                value = getattr(opts, t.id) if t.id != "abstract" else True
                                if t.id == "unique_together":
                                    value = [list(x) for x in value]
                                if t.id == "ordering":
                                    value = list(value)
                                meta[t.id] = value
        fields = []
        attributes = []
        by_name = {f.name: f for f in opts.local_fields + opts.local_many_to_many}
        for item in node.body:
            if isinstance(item, (ast.Assign, ast.AnnAssign)):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                for t in targets:
                    if not isinstance(t, ast.Name):
                        continue
                    f = by_name.get(t.id)
                    evidence = f"{rel}:{item.lineno}"
                    if f is None and t.id.startswith("_"):
                        continue
                    if f is None:
                        attributes.append({"name": t.id, "evidence": evidence})
                        continue
                    entry = {
                        "name": f.name,
                        "kind": type(f).__name__,
                        "evidence": evidence,
                    }
                    if f.is_relation:
                        setting = f.swappable_setting
                        if setting is not None:
                            entry["setting"] = setting
                        else:
                            to = f.remote_field.model
                            entry["to"] = to._meta.label if hasattr(to, "_meta") else to
                        if f._related_name is not None:
                            entry["related_name"] = f._related_name
                        if f._related_query_name is not None:
                            entry["related_query_name"] = f._related_query_name
                        if f.many_to_many:
                            entry["symmetrical"] = f.remote_field.symmetrical
                    if f.primary_key:
                        entry["primary_key"] = True
                    if getattr(f, "null", False):
                        entry["null"] = True
                    if getattr(f, "unique", False) and not f.primary_key:
                        entry["unique"] = True
                    fields.append(entry)
        aliases = [
            f"{m}.{class_name}"
            for m in ALIAS_MODULES
            if m != module_name
            and getattr(importlib.import_module(m), class_name, None) is cls
        ]
        model = {
            "module": module_name,
            "aliases": aliases,
            "name": class_name,
            "app_label": opts.app_label,
            "abstract": opts.abstract,
            "bases": bases,
            "evidence": f"{rel}:{node.lineno}",
            "fields": fields,
            "attributes": attributes,
        }
        if meta or meta_line:
            model["meta"] = meta
            model["meta_bases"] = meta_bases
        out["models"].append(model)
    json.dump(out, sys.stdout)


def key(version):
    return tuple(int(p) for p in version.split(".")[:3])


def merge(dumps):
    """One TOML document; entries absent from some versions get since/until."""
    dumps.sort(key=lambda d: key(d["version"]))
    versions = [d["version"] for d in dumps]

    def span(present):
        # present: list of bools per version (contiguous by construction)
        idx = [i for i, p in enumerate(present) if p]
        since = versions[idx[0]] if idx[0] > 0 else None
        until = versions[idx[-1]] if idx[-1] < len(versions) - 1 else None
        return since, until

    def toml_value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(toml_value(x) for x in v) + "]"
        raise TypeError(v)

    lines = [
        "# The models of Django's contrib apps (auth, contenttypes, admin, sites, redirects,",
        "# flatpages, sessions), per Django version.",
        "# GENERATED by tests/oracle/django_models.py from the released Django source; do not",
        "# edit by hand. Each entry's `evidence` is the line of Django's source that declares it, in",
        "# the newest version that has the entry.",
        "# `since` / `until` (inclusive) bound entries that exist in some versions only.",
        f"versions = {toml_value(versions)}",
        "",
    ]
    names = []
    for d in dumps:
        for m in d["models"]:
            if (m["module"], m["name"]) not in names:
                names.append((m["module"], m["name"]))
    for module, name in names:
        per = [
            next((m for m in d["models"] if (m["module"], m["name"]) == (module, name)), None)
            for d in dumps
        ]
        newest = [m for m in per if m][-1]
        lines.append("[[model]]")
        for k in ["module", "aliases", "name", "app_label", "abstract", "bases", "evidence"]:
            lines.append(f"{k} = {toml_value(newest[k])}")
        since, until = span([m is not None for m in per])
        if since:
            lines.append(f"since = {toml_value(since)}")
        if until:
            lines.append(f"until = {toml_value(until)}")
        if "meta" in newest:
            lines.append(f"meta_bases = {toml_value(newest['meta_bases'])}")
            lines.append("[model.meta]")
            for k, v in newest["meta"].items():
                lines.append(f"{k} = {toml_value(v)}")
        for section in ["fields", "attributes"]:
            entries = []
            for m in reversed(per):
                for e in m[section] if m else []:
                    ident = {k: v for k, v in e.items() if k != "evidence"}
                    if ident not in [x[0] for x in entries]:
                        entries.append((ident, e))
            for ident, e in entries:
                present = [
                    bool(m)
                    and any(
                        {k: v for k, v in x.items() if k != "evidence"} == ident
                        for x in m[section]
                    )
                    for m in per
                ]
                lines.append(f"[[model.{section[:-1] if section == 'fields' else 'attribute'}]]")
                for k, v in e.items():
                    lines.append(f"{k} = {toml_value(v)}")
                since, until = span(present)
                if since:
                    lines.append(f"since = {toml_value(since)}")
                if until:
                    lines.append(f"until = {toml_value(until)}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--dump"]:
        dump()
    else:
        dumps = [
            json.loads(subprocess.check_output([py, __file__, "--dump"]))
            for py in sys.argv[1:]
        ]
        sys.stdout.write(merge(dumps))
