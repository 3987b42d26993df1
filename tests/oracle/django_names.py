#!/usr/bin/env python3
"""The real Django's reverse names for the projects of src/django/graph/tests.rs.

    python3 tests/oracle/django_names.py PYTHON [PYTHON ...] > tests/oracle/django_names.out

Each PYTHON has one Django installed (`.venv-dj42/bin/python`, `.venv-dj52/bin/python`). Per
scenario, the script writes the scenario's apps to a temporary directory, runs itself there
(`--run SCENARIO`) with Django set up, and prints, for every relation of the project's models
and of auth: `label.field -> accessor / query [hidden]`, each target's `related_objects`, the
swapped state, the fields of the custom user, and the `Meta` values the unit tests assert. The
recorded output (`django_names.out`) is what the Rust unit tests encode; a difference between
versions shows as a second block.
"""

import json
import os
import subprocess
import sys
import tempfile

SCENARIOS = {
    "class_placeholder": (
        ["blog", "shop"],
        {},
        {
            "blog/base.py": "from django.db import models\n"
            "class Authored(models.Model):\n"
            "    author = models.ForeignKey('auth.User', on_delete=models.CASCADE, related_name='%(app_label)s_%(class)s_set', related_query_name='%(class)ss')\n"
            "    class Meta:\n        abstract = True\n",
            "blog/models.py": "from .base import Authored\nclass Post(Authored):\n    pass\n",
            "shop/models.py": "from blog.base import Authored\nclass Review(Authored):\n    pass\n",
        },
    ),
    "kinds": (
        ["blog"],
        {},
        {
            "blog/models.py": "from django.db import models\n"
            "class Author(models.Model):\n    pass\n"
            "class BlogPost(models.Model):\n"
            "    fk = models.ForeignKey(Author, models.CASCADE)\n"
            "    o2o = models.OneToOneField('Author', models.CASCADE, related_name='+')\n"
            "    m2m = models.ManyToManyField('blog.Author', related_name='tagged')\n"
            "    rq = models.ForeignKey(Author, models.CASCADE, related_name='written', related_query_name='writer')\n"
            "    hidden_m2m = models.ManyToManyField(Author, related_name='+')\n"
            "class Profile(models.Model):\n    author = models.OneToOneField(Author, models.CASCADE)\n",
        },
    ),
    "default_related_name": (
        ["blog"],
        {},
        {
            "blog/models.py": "from django.db import models\n"
            "class Tag(models.Model):\n    pass\n"
            "class Base(models.Model):\n    tag = models.ForeignKey(Tag, models.CASCADE)\n"
            "    class Meta:\n        abstract = True\n        default_related_name = '%(model_name)s_items'\n        ordering = ['tag']\n"
            "class NoMeta(Base):\n    pass\n"
            "class OwnMeta(Base):\n    class Meta:\n        verbose_name = 'x'\n"
            "class SubMeta(Base):\n    class Meta(Base.Meta):\n        verbose_name = 'x'\n"
            "class Named(Base):\n    tag = models.ForeignKey(Tag, models.CASCADE, related_name='named')\n",
        },
    ),
    "symmetrical": (
        ["blog"],
        {},
        {
            "blog/models.py": "from django.db import models\n"
            "class Person(models.Model):\n"
            "    friends = models.ManyToManyField('self')\n"
            "    follows = models.ManyToManyField('self', symmetrical=False)\n"
            "    peers = models.ManyToManyField('Person', related_name='peer_of')\n",
        },
    ),
    "custom_user": (
        ["accounts"],
        {"AUTH_USER_MODEL": "accounts.User"},
        {
            "accounts/models.py": "from django.conf import settings\n"
            "from django.contrib.auth.models import AbstractUser\nfrom django.db import models\n"
            "class User(AbstractUser):\n"
            "    groups = models.ManyToManyField('auth.Group', related_name='custom_user_groups', blank=True)\n"
            "    first_name = None\n"
            "class Note(models.Model):\n    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)\n",
        },
    ),
    "default_user": (
        ["blog"],
        {},
        {
            "blog/models.py": "from django.conf import settings\nfrom django.db import models\n"
            "class Note(models.Model):\n    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)\n",
        },
    ),
    "multi_table": (
        ["blog"],
        {},
        {
            "blog/models.py": "from django.db import models\n"
            "class Place(models.Model):\n    class Meta:\n        ordering = ['pk']\n"
            "class Restaurant(Place):\n    pass\n"
            "class Visit(models.Model):\n    place = models.ForeignKey(Place, models.CASCADE)\n"
            "class PlaceProxy(Place):\n    class Meta:\n        proxy = True\n"
            "class Tip(models.Model):\n    place = models.ForeignKey(PlaceProxy, models.CASCADE)\n",
        },
    ),
    "mixin": (
        ["blog"],
        {},
        {
            "blog/models.py": "from django.db import models\n"
            "class PostManager(models.Manager):\n    pass\n"
            "class Mixin:\n    slug = None\n"
            "class Base(models.Model):\n    slug = models.CharField(max_length=5)\n"
            "    class Meta:\n        abstract = True\n"
            "class Post(Mixin, Base):\n    objects = PostManager()\n    title = models.CharField(max_length=5)\n",
        },
    ),
    "generic_relation": (
        ["blog"],
        {},
        {
            "blog/models.py": "from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation\n"
            "from django.contrib.contenttypes.models import ContentType\nfrom django.db import models\n"
            "class Tagged(models.Model):\n"
            "    content_type = models.ForeignKey(ContentType, models.CASCADE)\n"
            "    object_id = models.PositiveIntegerField()\n"
            "    obj = GenericForeignKey()\n"
            "class Post(models.Model):\n"
            "    tags = GenericRelation(Tagged)\n"
            "    named = GenericRelation(Tagged, related_query_name='%(class)s_post')\n",
        },
    ),
}


def run(scenario):
    apps, extra, _files = SCENARIOS[scenario]
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", *apps],
        DATABASES={},
        **extra,
    )
    django.setup()
    from django.apps import apps as registry

    out = []
    models = registry.get_models(include_auto_created=False, include_swapped=True)
    for m in sorted(models, key=lambda m: m._meta.label):
        opts = m._meta
        if opts.swapped:
            out.append(f"{opts.label} swapped for {opts.swapped}")
            continue
        for f in opts.local_fields + opts.local_many_to_many + opts.private_fields:
            if not f.is_relation or f.remote_field is None or not hasattr(f.remote_field, "get_accessor_name"):
                continue
            rel = f.remote_field
            target = rel.model._meta.label if hasattr(rel.model, "_meta") else rel.model
            out.append(
                f"{opts.label}.{f.name} -> {target}: accessor={rel.get_accessor_name()!s} "
                f"query={f.related_query_name()} hidden={rel.is_hidden() if hasattr(rel, 'is_hidden') else rel.hidden}"
            )
        if opts.label.startswith("auth.") and opts.label != "auth.User" or opts.label.split(".")[0] in apps:
            related = sorted(
                f"{r.related_model._meta.label}.{r.field.name}" for r in opts.related_objects
            )
            out.append(f"{opts.label} related_objects: {', '.join(related)}")
            meta = {k: getattr(opts, k) for k in ["ordering", "default_related_name"] if getattr(opts, k)}
            if meta or opts.proxy:
                out.append(f"{opts.label} meta: {meta} proxy={opts.proxy}")
            names = [f.name for f in opts.get_fields() if not f.auto_created or f.concrete]
            if opts.label.split(".")[0] in apps:
                out.append(f"{opts.label} fields: {', '.join(sorted(names))}")
    print("\n".join(out))


def main(pythons):
    blocks = {}
    for py in pythons:
        version = subprocess.check_output(
            [py, "-c", "import django; print(django.get_version())"], text=True
        ).strip()
        lines = []
        for name, (apps, _extra, files) in SCENARIOS.items():
            with tempfile.TemporaryDirectory() as tmp:
                for app in apps:
                    os.makedirs(os.path.join(tmp, app), exist_ok=True)
                    open(os.path.join(tmp, app, "__init__.py"), "w").close()
                for path, text in files.items():
                    with open(os.path.join(tmp, path), "w") as fh:
                        fh.write(text)
                result = subprocess.run(
                    [py, os.path.abspath(__file__), "--run", name],
                    cwd=tmp,
                    env={**os.environ, "PYTHONPATH": tmp},
                    capture_output=True,
                    text=True,
                )
                lines.append(f"## {name}")
                lines.append(result.stdout.rstrip() or result.stderr.strip().splitlines()[-1])
        blocks.setdefault("\n".join(lines), []).append(version)
    for text, versions in blocks.items():
        print(f"# Django {', '.join(versions)}")
        print(text)


if __name__ == "__main__":
    if sys.argv[1] == "--run":
        run(sys.argv[2])
    else:
        main(sys.argv[1:])
