"""Runs inside one of the libs venvs (tests/oracle/libs/envs.toml): sets up one fixture project and
runs, for real, the operations the library contracts of library-contracts.md say break.

    <venv>/bin/python worker.py --project DIR --out result.json

The project is a throw-away copy. Its own settings module is loaded (from manage.py) and then,
before django.setup(), three things are overridden: the database is SQLite in memory, migrations
are disabled (`migrate --run-syncdb` builds every table from the models: the fixtures ship no
migrations, and a forked Oscar app without them would break Oscar's migration graph), and email
goes to the locmem backend. Everything else is the fixture's: INSTALLED_APPS, AUTH_USER_MODEL,
ROOT_URLCONF, library settings.

Each operation is recorded as {"status": "ok" | "error" | "n/a", "error": {"type", "message",
"where"}, "facts": {...}}. "error" is what breaks: an exception raised by the library's code, or
for a silent failure (dj-rest-auth's logout) a HarnessFailure describing what went wrong.
Python 3.11 standard library + the venv's packages only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback


class HarnessFailure(Exception):
    """A silent failure the harness observed (no exception from the library)."""


def settings_module(project: str) -> str:
    text = open(os.path.join(project, "manage.py"), encoding="utf-8").read()
    m = re.search(r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']""", text)
    if not m:
        raise SystemExit("no literal DJANGO_SETTINGS_MODULE in manage.py")
    return m.group(1)


def where_of(exc: BaseException) -> str:
    """The innermost frame of the traceback that is in an installed package (the library line)."""
    frames = traceback.extract_tb(exc.__traceback__)
    for fr in reversed(frames):
        if "site-packages" in fr.filename:
            rel = fr.filename.split("site-packages" + os.sep, 1)[1]
            return f"{rel}:{fr.lineno}"
    return f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""


def via_of(exc: BaseException) -> str:
    """The innermost frame in a library other than Django (wagtail, dj_rest_auth, taggit, oscar)."""
    for fr in reversed(traceback.extract_tb(exc.__traceback__)):
        if "site-packages" in fr.filename:
            rel = fr.filename.split("site-packages" + os.sep, 1)[1]
            if not rel.startswith("django" + os.sep):
                return f"{rel}:{fr.lineno}"
    return ""


def err(exc: BaseException) -> dict:
    t = type(exc)
    name = t.__name__ if t.__module__ in ("builtins", "__main__") else f"{t.__module__}.{t.__name__}"
    if isinstance(exc, HarnessFailure):
        name = "HarnessFailure"
    out = {"type": name, "message": str(exc)[:400], "where": where_of(exc)}
    if via_of(exc):
        out["via"] = via_of(exc)
    return out


OPS: dict = {}


def record(name: str, fn, *args):
    from django.db import transaction

    try:
        # every operation starts from the same empty database: its rows are rolled back
        with transaction.atomic():
            facts = fn(*args)
            transaction.set_rollback(True)
        OPS[name] = {"status": "ok", "facts": facts or {}}
    except NotApplicable as na:
        OPS[name] = {"status": "n/a", "reason": str(na)}
    except Exception as exc:  # noqa: BLE001 - the failure is the measurement
        OPS[name] = {"status": "error", "error": err(exc)}


class NotApplicable(Exception):
    pass


# --------------------------------------------------------------------------------------------
# helpers


def make_user(username: str, password: str = "s3cret-pass", **extra):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    kwargs = {}
    fields = {f.name: f for f in User._meta.get_fields() if getattr(f, "concrete", False)}
    uname = User.USERNAME_FIELD
    kwargs[uname] = f"{username}@example.com" if "email" in uname.lower() else username
    email_field = User.get_email_field_name()
    if email_field in fields:
        kwargs[email_field] = f"{username}@example.com"
    for name in User.REQUIRED_FIELDS:
        if name not in kwargs and name in fields:
            kwargs[name] = f"{username}-{name}"
    kwargs.update(extra)
    user = User(**kwargs)
    user.set_password(password)
    user.save()
    return user


# --------------------------------------------------------------------------------------------
# Django's custom user model (library-contracts.md §2.1)


def op_with_perm():
    # User.objects.with_perm() delegates to this (auth/models.py:233); the fixtures' managers
    # need not subclass UserManager, so the backend is called directly with the same arguments.
    from django.contrib.auth.backends import ModelBackend

    make_user("alice")
    users = list(ModelBackend().with_perm("auth.view_group"))
    return {"users": len(users)}


def op_password_reset():
    from django.contrib.auth.forms import PasswordResetForm

    make_user("bob")
    form = PasswordResetForm({"email": "bob@example.com"})
    if not form.is_valid():
        raise HarnessFailure(f"form invalid: {form.errors.as_text()}")
    users = list(form.get_users("bob@example.com"))
    return {"users": len(users)}


def op_group_user_set():
    # What wagtail's assign-role bulk action, django-cms's Group signals and
    # django-notifications do with a Group (library-contracts.md §2.1 U3).
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Reviewers")
    return {"members": group.user_set.count()}


# --------------------------------------------------------------------------------------------
# dj-rest-auth (§2.2)


def op_dra_logout_revokes_token():
    from django.test import Client
    from django.urls import reverse

    make_user("carol", password="Corr3ct-horse")
    c = Client()
    from django.contrib.auth import get_user_model

    uname = get_user_model().USERNAME_FIELD
    login_value = "carol@example.com" if "email" in uname.lower() else "carol"
    payload = {"password": "Corr3ct-horse"}
    payload["email" if "email" in uname.lower() else "username"] = login_value
    r = c.post(reverse("rest_login"), payload, content_type="application/json")
    if r.status_code != 200:
        raise HarnessFailure(f"login answered {r.status_code}: {r.content[:200]!r}")
    key = r.json()["key"]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    before = Client().get(reverse("rest_user_details"), **auth).status_code
    if before != 200:
        raise HarnessFailure(f"the fresh token does not authenticate (GET user/ answered {before})")
    out = Client().post(reverse("rest_logout"), **auth)
    after = Client().get(reverse("rest_user_details"), **auth).status_code
    facts = {"logout_status": out.status_code, "logout_body": out.json(), "after_logout": after}
    if after != 401:
        raise HarnessFailure(
            f"logout answered {out.status_code} {out.json()} but the old token still "
            f"authenticates: GET user/ answered {after} (expected 401)"
        )
    return facts


# --------------------------------------------------------------------------------------------
# django-taggit (§2.4)


def taggit_models():
    from django.apps import apps
    from taggit.managers import TaggableManager

    out = []
    for model in apps.get_models():
        if model._meta.app_config.name.startswith(("taggit", "wagtail", "oscar", "django.")):
            continue
        for f in model._meta.get_fields():
            if isinstance(f, TaggableManager):
                out.append((model, f.name))
    return out


def per_taggable(query) -> dict:
    """For every project model with a TaggableManager: one object tagged "red" and "green", then
    `query(model, obj, manager_name)` (the tag names it returns are the facts)."""
    found = taggit_models()
    if not found:
        raise NotApplicable("no TaggableManager on a project model")
    facts = {}
    for model, name in found:
        obj = model.objects.create()
        getattr(obj, name).add("red", "green")
        facts[f"{model._meta.label}.{name}"] = sorted(t.name for t in query(model, obj, name))
    return facts


def op_taggit_tags_all():
    return per_taggable(lambda _model, obj, name: getattr(obj, name).all())


def op_taggit_most_common():
    return per_taggable(lambda model, _obj, name: getattr(model, name).most_common())


# --------------------------------------------------------------------------------------------
# wagtail (§2.3, and §2.1 through its permission policies)


def wagtail_root():
    from wagtail.models import Collection, Locale, Page, Site

    # what wagtail's data migrations create (the oracle builds the tables with --run-syncdb)
    Locale.objects.get_or_create(language_code="en")
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        home = root.add_child(instance=Page(title="Home", slug="home"))
        site = Site.objects.create(hostname="testserver", root_page=home, is_default_site=True)
    return site.root_page.specific


def op_wagtail_admin_non_superuser():
    from django.contrib.auth.models import Group, Permission
    from django.test import Client

    wagtail_root()
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user = make_user("editor")
    user.groups.add(editors)
    c = Client()
    c.force_login(user)
    r = c.get("/admin/")
    if r.status_code != 200:
        raise HarnessFailure(f"GET /admin/ as a non-superuser answered {r.status_code}")
    return {"status": r.status_code}


def op_wagtail_assign_role():
    # the admin's "Assign role" bulk action on users: role.user_set.add(...)
    # (wagtail/users/views/bulk_actions/assign_role.py:34; library-contracts.md §2.1 U3)
    from django.contrib.auth.models import Group
    from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction

    user = make_user("writer")
    role = Group.objects.create(name="Moderators")
    AssignRoleBulkAction.execute_action([user], role=role)
    return {"members": role.user_set.count() if hasattr(role, "user_set") else None}


def form_page_models():
    from django.apps import apps
    from wagtail.contrib.forms.models import FormMixin

    return [m for m in apps.get_models() if issubclass(m, FormMixin) and not m._meta.abstract
            and not m._meta.app_config.name.startswith("wagtail")]


def make_form_page():
    models = form_page_models()
    if not models:
        raise NotApplicable("no wagtail form page model in the project")
    home = wagtail_root()
    model = models[0]
    page = model(title="Contact", slug="contact")
    home.add_child(instance=page)
    return page


def op_wagtail_serve_form_page():
    from django.test import Client

    page = make_form_page()
    r = Client().get(page.url)
    if r.status_code != 200:
        raise HarnessFailure(f"GET {page.url} answered {r.status_code}")
    return {"status": r.status_code}


def op_wagtail_list_submissions():
    from django.test import Client
    from django.urls import reverse

    page = make_form_page()
    admin = make_user("boss", is_superuser=True, is_staff=True)
    c = Client()
    c.force_login(admin)
    r = c.get(reverse("wagtailforms:list_submissions", args=[page.id]))
    if r.status_code != 200:
        raise HarnessFailure(f"submissions list answered {r.status_code}")
    return {"status": r.status_code}


def op_wagtail_image_delete():
    from wagtail.images import get_image_model

    Image = get_image_model()
    if Image._meta.app_config.name.startswith("wagtail"):
        raise NotApplicable("no custom image model")
    wagtail_root()
    Rendition = Image.get_rendition_model()
    image = Image.objects.create(title="logo", file="original_images/logo.png", width=10, height=10)
    Rendition.objects.create(image=image, filter_spec="original", focal_point_key="",
                             file="images/logo.original.png", width=10, height=10)
    image.delete()
    return {"renditions_left": Rendition.objects.count()}


# --------------------------------------------------------------------------------------------
# django-oscar (§2.5)


def oscar_product_with_stock(signals: bool = False):
    from oscar.core.loading import get_model

    ProductClass = get_model("catalogue", "ProductClass")
    Product = get_model("catalogue", "Product")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")
    pc = ProductClass.objects.create(name="Books", track_stock=True)
    product = Product.objects.create(product_class=pc, title="A book", upc="9780000000001", structure="standalone")
    partner = Partner.objects.create(name="Warehouse")
    record = StockRecord(product=product, partner=partner, partner_sku="SKU-1", price=10, num_in_stock=5)
    if signals:
        record.save()
    else:
        # without Oscar's post_save receivers, so that each operation measures its own code path
        StockRecord.objects.bulk_create([record])
    return product


def op_oscar_stockrecord_save():
    # Saving a stock record (dashboard, imports): Oscar's post_save receiver sends stock alerts
    # through product.stockrecords (customer/alerts/utils.py:68)
    product = oscar_product_with_stock(signals=True)
    return {"product": product.upc}


def op_oscar_strategy_fetch():
    # partner/strategy.py: fetch_for_product -> product.stockrecords (the pricing of every product page)
    from oscar.core.loading import get_class

    product = oscar_product_with_stock()
    info = get_class("partner.strategy", "Selector")().strategy().fetch_for_product(product)
    return {"sku": info.stockrecord.partner_sku if info.stockrecord else None}


def op_oscar_range_upload_filter():
    # dashboard/ranges/forms.py: the range upload's SKU lookup (django-oscar#2357)
    from oscar.core.loading import get_class, get_model

    oscar_product_with_stock()
    Range = get_model("offer", "Range")
    rng = Range.objects.create(name="Sale", slug="sale")
    RangeProductForm = get_class("dashboard.ranges.forms", "RangeProductForm")
    form = RangeProductForm(rng, {"query": "SKU-1", "upload_type": "included_products"})
    valid = form.is_valid()
    if not valid:
        raise HarnessFailure(f"range upload form invalid: {form.errors.as_text()}")
    return {"products": len(form.get_products())}


# --------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--project", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    project = os.path.abspath(args.project)
    sys.path.insert(0, project)
    os.chdir(project)
    result = {"runnable": True, "operations": OPS}

    def save():
        with open(args.out, "w") as fh:
            json.dump(result, fh, indent=1, sort_keys=True, default=str)

    mod = settings_module(project)
    overlay = os.path.join(project, "_oracle_settings.py")
    with open(overlay, "w") as fh:
        fh.write(
            f"from {mod} import *  # noqa\n"
            "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}\n"
            "class _NoMigrations:\n"
            "    def __contains__(self, item):\n        return True\n"
            "    def __getitem__(self, item):\n        return None\n"
            "MIGRATION_MODULES = _NoMigrations()\n"
            "EMAIL_BACKEND = 'django.core.mail.backends.locmem.EmailBackend'\n"
            "PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']\n"
            "ALLOWED_HOSTS = ['*']\n"
            "MEDIA_ROOT = __import__('tempfile').mkdtemp()\n"
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "_oracle_settings"
    try:
        import django

        django.setup()
        OPS["setup"] = {"status": "ok", "facts": {"django": django.get_version()}}
    except Exception as exc:  # noqa: BLE001
        OPS["setup"] = {"status": "error", "error": err(exc)}
        save()
        return
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from io import StringIO

    try:
        call_command("check", stdout=StringIO(), stderr=StringIO())
        OPS["check"] = {"status": "ok"}
    except Exception as exc:  # noqa: BLE001
        OPS["check"] = {"status": "error", "error": err(exc)}
    try:
        call_command("migrate", run_syncdb=True, verbosity=0, stdout=StringIO())
        OPS["migrate"] = {"status": "ok"}
    except Exception as exc:  # noqa: BLE001
        OPS["migrate"] = {"status": "error", "error": err(exc)}
        save()
        return

    result["facts"] = {"auth_user_model": settings.AUTH_USER_MODEL}
    # on every project: the silent fixtures (auth.User, an inactive user-like model) must pass too
    if apps.is_installed("django.contrib.auth"):
        record("with_perm", op_with_perm)
        record("password_reset", op_password_reset)
        record("group_user_set", op_group_user_set)
    if apps.is_installed("dj_rest_auth"):
        record("dra_logout_revokes_token", op_dra_logout_revokes_token)
    if apps.is_installed("taggit") and not apps.is_installed("wagtail"):
        record("taggit_tags_all", op_taggit_tags_all)
        record("taggit_most_common", op_taggit_most_common)
    if apps.is_installed("wagtail"):
        record("wagtail_admin_non_superuser", op_wagtail_admin_non_superuser)
        record("wagtail_assign_role", op_wagtail_assign_role)
        if apps.is_installed("wagtail.contrib.forms"):
            record("wagtail_serve_form_page", op_wagtail_serve_form_page)
            record("wagtail_list_submissions", op_wagtail_list_submissions)
        record("wagtail_image_delete", op_wagtail_image_delete)
    if apps.is_installed("oscar"):
        record("oscar_stockrecord_save", op_oscar_stockrecord_save)
        record("oscar_strategy_fetch", op_oscar_strategy_fetch)
        record("oscar_range_upload_filter", op_oscar_range_upload_filter)
    save()


if __name__ == "__main__":
    main()
