"""Oracle worker: runs django-oauth-toolkit's real operations on one Django project.

Run by tests/oracle/run.py with the python of one pinned virtualenv (tests/oracle/envs.toml):

    <venv>/bin/python tests/oracle/worker.py --project <copy of a fixture> --out <result.json>

The project directory is a throw-away copy (makemigrations writes into it). The worker:

1. imports the project's settings module (named by manage.py's DJANGO_SETTINGS_MODULE; in a
   repository without one, by pytest-django's / tox's DJANGO_SETTINGS_MODULE; a name manage.py
   builds at run time is taken by running manage.py with Django's command line stubbed; a
   django-configurations class named by DJANGO_CONFIGURATION through its importer), with
   FIXTURE_DB pointing at a temp SQLite file, and configures Django from its upper-case names
   plus a small documented overlay (``harness_settings``): SQLite files, the oracle's URLconf,
   standard middleware/templates, a fast password hasher, OIDC switched on with a test key;
2. records ``setup`` (django.setup()), ``check`` (system checks), ``makemigrations`` (the
   project's own apps) and ``migrate`` (retried once with DOT's documented
   ``run_before = [("oauth2_provider", "0001_initial")]`` if the first attempt fails);
3. copies the migrated database as a template and runs every operation in OPERATIONS on its
   own fresh copy of it, so a failure in one cannot leak into another.

Each operation records ``status`` (ok / error / n/a / blocked), for errors ``at`` (the DOT
operation that failed, which may be an earlier step such as ``issue_password``) and
``error`` {type, message}, and ``facts``: a normalised, model-independent description of what
DOT did (which rows it kept, deleted, revoked...). conformance.py compares the facts with those
of stock DOT (tests/oracle/baseline/stock) in the same env to find behavioural differences.

Only the standard library and the venv's packages (Django, DOT; django-configurations and
django-split-settings for the fixtures written with them) are used.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import importlib
import io
import json
import os
import re
import shutil
import sys
import time
import traceback
import urllib.parse
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "harness")

USER_PASSWORD = "oracle-pw-1"
CLIENT_SECRET = "oracle-client-secret-0123456789"
REDIRECT_URI = "http://localhost/cb"
PKCE_VERIFIER = "oracle-pkce-verifier-" + "x" * 43

# DOT settings every operation starts from. The fixture's own OAUTH2_PROVIDER dict is kept for
# everything else (model keys included: DOT013 fixtures put them there); these pin the
# behaviour the operations measure so that a fixture and the stock baseline are compared
# under the same policy.
BEHAVIOUR_PINS = {
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "REFRESH_TOKEN_EXPIRE_SECONDS": None,
    "REFRESH_TOKEN_REUSE_PROTECTION": False,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 36000,
    "OIDC_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "CLEAR_EXPIRED_TOKENS_BATCH_INTERVAL": 0,
}


# --------------------------------------------------------------------------------------------
# results


class Failed(Exception):
    """An operation failed at step ``at`` (a DOT operation name or ``harness:<what>``)."""

    def __init__(self, at: str, etype: str, message: str, facts: dict | None = None):
        super().__init__(f"{at}: {etype}: {message}")
        self.at = at
        self.etype = etype
        self.message = message
        self.facts = facts or {}


class NotApplicable(Exception):
    pass


_TMP_RE = None


def norm_message(msg: str) -> str:
    """Make an exception message stable across runs (paths, addresses, token values)."""
    msg = str(msg)
    if _TMP_RE is not None:
        msg = _TMP_RE.sub("<project>", msg)
    msg = re.sub(r"0x[0-9a-fA-F]{6,}", "0x…", msg)
    msg = re.sub(r"\b[A-Za-z0-9]{30,}\b", "<token>", msg)
    msg = " ".join(msg.split())
    return msg[:400]


def exc_type_name(exc: BaseException) -> str:
    t = type(exc)
    mod = t.__module__
    if mod in ("builtins", "__main__"):
        return t.__name__
    return f"{mod}.{t.__qualname__}"


@contextlib.contextmanager
def step(at: str):
    """Run a step; any exception becomes Failed(at, type, message)."""
    try:
        yield
    except (Failed, NotApplicable):
        raise
    except Exception as exc:  # noqa: BLE001 - recording is the point
        raise Failed(at, exc_type_name(exc), norm_message(exc)) from exc


def expect_status(resp, want, at: str):
    if resp.status_code in (want if isinstance(want, tuple) else (want,)):
        return
    body = ""
    try:
        data = json.loads(resp.content.decode() or "{}")
        body = data.get("error", "") + (": " + data["error_description"] if data.get("error_description") else "")
    except Exception:  # noqa: BLE001
        body = resp.content.decode(errors="replace")[:200]
    raise Failed(at, f"HTTP {resp.status_code}", norm_message(body))


# --------------------------------------------------------------------------------------------
# settings


ENTRY_POINTS = ("manage.py", "wsgi.py", "asgi.py")
# Where pytest-django and tox name the settings of a repository without manage.py (a reusable
# app's): `DJANGO_SETTINGS_MODULE = x` in pytest.ini [pytest], pyproject.toml
# [tool.pytest.ini_options], setup.cfg [tool:pytest], tox.ini [pytest] or a [testenv] `setenv`.
TEST_CONFIGS = (
    ("pytest.ini", ("pytest",)),
    ("pyproject.toml", ("tool.pytest.ini_options",)),
    ("setup.cfg", ("tool:pytest",)),
    ("tox.ini", ("pytest", "testenv")),
)


def entry_point_files(project: str):
    for name in ENTRY_POINTS:
        for root, _dirs, files in os.walk(project):
            if name in files:
                yield os.path.join(root, name)


def test_config_settings(project: str) -> tuple[str, str] | None:
    """DJANGO_SETTINGS_MODULE as pytest-django / tox would set it, with the file it comes from."""
    for name, sections in TEST_CONFIGS:
        path = os.path.join(project, name)
        if not os.path.isfile(path):
            continue
        section = None
        for line in open(path, encoding="utf-8", errors="replace"):
            head = re.match(r"\s*\[([^\]]+)\]", line)
            if head:
                section = head.group(1).strip()
                continue
            if section is None or not any(section == s or section.startswith(s + ":") for s in sections):
                continue
            m = re.search(r"""DJANGO_SETTINGS_MODULE\s*[=:]\s*["']?([\w.]+)""", line)
            if m:
                return m.group(1), name
    return None


def settings_module_at_run_time(path: str) -> str | None:
    """An entry point that builds DJANGO_SETTINGS_MODULE at run time ("proj.settings.%s" % MODE):
    run it as `python manage.py` would, with Django's command-line entry replaced by a no-op,
    and read the name it set (the harness's environment has no DJANGO_* variables)."""
    import runpy

    import django.core.management as management

    saved = (management.execute_from_command_line, sys.argv[:], os.environ.pop("DJANGO_SETTINGS_MODULE", None))
    management.execute_from_command_line = lambda argv=None: None
    sys.argv = [path, "check"]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        pass
    finally:
        management.execute_from_command_line, sys.argv = saved[0], saved[1]
        name = os.environ.pop("DJANGO_SETTINGS_MODULE", None)
        if saved[2] is not None:
            os.environ["DJANGO_SETTINGS_MODULE"] = saved[2]
    return name


def find_settings_module(project: str) -> tuple[str, str] | None:
    """(settings module, how it was found): a literal DJANGO_SETTINGS_MODULE in an entry point;
    else the test configuration; else the name an entry point builds at run time."""
    for path in entry_point_files(project):
        text = open(path, encoding="utf-8", errors="replace").read()
        m = re.search(r"""DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']""", text)
        if m:
            return m.group(1), os.path.basename(path)
    found = test_config_settings(project)
    if found:
        return found
    for path in entry_point_files(project):
        text = open(path, encoding="utf-8", errors="replace").read()
        if re.search(r"""DJANGO_SETTINGS_MODULE["']\s*,""", text):
            name = settings_module_at_run_time(path)
            if name:
                return name, os.path.basename(path) + " (name built at run time)"
    return None


def configuration_class(project: str) -> str | None:
    """django-configurations: the class an entry point names with DJANGO_CONFIGURATION."""
    for path in entry_point_files(project):
        text = open(path, encoding="utf-8", errors="replace").read()
        m = re.search(r"""DJANGO_CONFIGURATION["']\s*,\s*["'](\w+)["']""", text)
        if m:
            return m.group(1)
    return None


def rsa_private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def harness_settings(mod, project: str, db_dir: str, overlay: list) -> dict:
    """Settings = the module's upper-case names + the documented overlay."""
    conf = {k: getattr(mod, k) for k in dir(mod) if k.isupper()}

    dbs = conf.get("DATABASES") or {"default": {}}
    new_dbs = {}
    for alias in dbs or {"default": {}}:
        new_dbs[alias] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(db_dir, f"db-{alias}.sqlite3"),
        }
    if "default" not in new_dbs:
        new_dbs["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(db_dir, "db-default.sqlite3")}
    conf["DATABASES"] = new_dbs
    overlay.append("DATABASES -> SQLite files in a temp dir")

    apps = list(conf.get("INSTALLED_APPS", []))
    needed = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ]
    missing = [a for a in needed if not any(x == a or x.startswith(a + ".apps.") for x in apps)]
    if missing:
        apps = missing + apps
        overlay.append("INSTALLED_APPS += " + ", ".join(missing))
    conf["INSTALLED_APPS"] = apps

    conf["ROOT_URLCONF"] = "oracle_urls"
    conf["MIDDLEWARE"] = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ]
    conf["TEMPLATES"] = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ]
    conf["PASSWORD_HASHERS"] = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    conf["ALLOWED_HOSTS"] = ["*"]
    conf["DEBUG"] = False
    conf.setdefault("SECRET_KEY", "oracle")
    conf.setdefault("USE_TZ", True)
    conf["LOGGING_CONFIG"] = None
    for k in ("STATIC_URL",):
        conf.setdefault(k, "/static/")
    overlay.append("ROOT_URLCONF/MIDDLEWARE/TEMPLATES/PASSWORD_HASHERS(MD5)/ALLOWED_HOSTS -> harness values")

    dot = dict(conf.get("OAUTH2_PROVIDER") or {})
    scopes = dict(dot.get("SCOPES") or {"read": "Read scope", "write": "Write scope"})
    for s in ("read", "write", "introspection", "openid"):
        scopes.setdefault(s, s)
    dot["SCOPES"] = scopes
    if "DEFAULT_SCOPES" in dot:
        dot["DEFAULT_SCOPES"] = [s for s in dot["DEFAULT_SCOPES"] if s in scopes or s == "__all__"] or ["__all__"]
    if not dot.get("OIDC_RSA_PRIVATE_KEY"):
        dot["OIDC_RSA_PRIVATE_KEY"] = rsa_private_key_pem()
    dot.update(BEHAVIOUR_PINS)
    conf["OAUTH2_PROVIDER"] = dot
    overlay.append(
        "OAUTH2_PROVIDER: fixture dict + SCOPES read/write/introspection/openid + OIDC on (test RSA key) + "
        + ", ".join(f"{k}={v}" for k, v in BEHAVIOUR_PINS.items() if k != "OIDC_ENABLED")
    )
    return conf


# --------------------------------------------------------------------------------------------
# DOT helpers (version tolerant)


class Ctx:
    def __init__(self, dot_version: str):
        self.dot_version = dot_version
        self.vt = tuple(int(x) for x in re.findall(r"\d+", dot_version)[:3])

    def models(self):
        from oauth2_provider import models as m

        out = {
            "Application": m.get_application_model(),
            "Grant": m.get_grant_model(),
            "AccessToken": m.get_access_token_model(),
            "RefreshToken": m.get_refresh_token_model(),
            "IDToken": m.get_id_token_model(),
        }
        if hasattr(m, "get_device_grant_model"):
            out["DeviceGrant"] = m.get_device_grant_model()
        return out


def field_names(model) -> set:
    return {f.name for f in model._meta.get_fields()}


def only_fields(model, **kw):
    names = field_names(model)
    return {k: v for k, v in kw.items() if k in names}


def dot_defaults() -> dict:
    from oauth2_provider.settings import oauth2_settings

    return oauth2_settings.defaults


@contextlib.contextmanager
def dot_settings(**overrides):
    """Override DOT settings for one operation (DOT reloads on setting_changed)."""
    from django.conf import settings
    from django.test.utils import override_settings

    base = dict(settings.OAUTH2_PROVIDER)
    defaults = dot_defaults()
    for k, v in overrides.items():
        if k in defaults:
            base[k] = v
    with override_settings(OAUTH2_PROVIDER=base):
        yield


def new_user(name: str, superuser: bool = False):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    uname = name if User.USERNAME_FIELD != "email" else f"{name}@example.com"
    kwargs = {User.USERNAME_FIELD: uname, "password": USER_PASSWORD}
    if "email" in field_names(User) and User.USERNAME_FIELD != "email":
        kwargs["email"] = f"{name}@example.com"
    with step("harness:create_user"):
        if superuser:
            u = User.objects.create_superuser(**kwargs)
        else:
            u = User.objects.create_user(**kwargs)
    u._oracle_login = uname
    return u


def new_app(ctx, grant: str, user, name: str, client_type: str = "confidential"):
    App = ctx.models()["Application"]
    grant_value = {
        "password": App.GRANT_PASSWORD,
        "authorization-code": App.GRANT_AUTHORIZATION_CODE,
        "client-credentials": App.GRANT_CLIENT_CREDENTIALS,
    }[grant]
    kw = only_fields(
        App,
        name=name,
        user=user,
        client_type=client_type,
        authorization_grant_type=grant_value,
        client_secret=CLIENT_SECRET,
        redirect_uris=REDIRECT_URI,
        post_logout_redirect_uris=REDIRECT_URI,
        skip_authorization=True,
        algorithm="RS256" if grant == "authorization-code" else "",
    )
    with step("harness:create_application"):
        app = App.objects.create(**kw)
    return app


def client():
    from django.test import Client

    return Client()


def url(name: str, **kw) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kw or None)


def token_request(c, app, at: str, **data):
    body = {"client_id": app.client_id, "client_secret": CLIENT_SECRET, **data}
    with step(at):
        resp = c.post(
            url("oauth2_provider:token"),
            urllib.parse.urlencode(body),
            content_type="application/x-www-form-urlencoded",
        )
    expect_status(resp, 200, at)
    return json.loads(resp.content.decode())


def password_token(c, app, user, scope="read write", at="issue_password"):
    return token_request(
        c, app, at, grant_type="password", username=user._oracle_login, password=USER_PASSWORD, scope=scope
    )


def refresh(c, app, rt: str, at="refresh_rotation"):
    return token_request(c, app, at, grant_type="refresh_token", refresh_token=rt)


def authcode_token(c, app, user, scope="openid read", at="issue_authorization_code"):
    challenge = base64.urlsafe_b64encode(hashlib.sha256(PKCE_VERIFIER.encode()).digest()).decode().rstrip("=")
    c.force_login(user)
    q = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "nonce": "n-0S6_WzA2Mj",
    }
    with step(at):
        resp = c.get(url("oauth2_provider:authorize") + "?" + urllib.parse.urlencode(q))
    expect_status(resp, 302, at)
    loc = resp["Location"]
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(loc).query))
    if "code" not in params:
        raise Failed(at, "no code in redirect", norm_message(loc))
    return token_request(
        c,
        app,
        at,
        grant_type="authorization_code",
        code=params["code"],
        redirect_uri=REDIRECT_URI,
        code_verifier=PKCE_VERIFIER,
    )


def by_token(model, token: str):
    return model.objects.filter(token=token).first()


def rt_state(RT, pk) -> str:
    row = RT.objects.filter(pk=pk).values("revoked", "access_token").first()
    if row is None:
        return "deleted"
    return ("revoked" if row["revoked"] else "live") + ("+no_at" if row["access_token"] is None else "+at")


def exists(model, pk) -> str:
    return "present" if model.objects.filter(pk=pk).exists() else "deleted"


def counts(ctx, user=None) -> dict:
    out = {}
    for role in ("AccessToken", "RefreshToken", "IDToken", "Grant"):
        m = ctx.models()[role]
        qs = m.objects.all()
        if user is not None and "user" in field_names(m):
            qs = qs.filter(user=user)
        out[role] = qs.count()
    return out


# --------------------------------------------------------------------------------------------
# operations


def op_issue_password(ctx):
    AT, RT = ctx.models()["AccessToken"], ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    tok = password_token(c, app, user)
    with step("harness:inspect"):
        at = by_token(AT, tok["access_token"])
        rt = by_token(RT, tok.get("refresh_token", ""))
        App = ctx.models()["Application"]
        stored = App.objects.filter(pk=app.pk).values_list("client_secret", flat=True).first()
        facts = {
            "has_refresh_token": "refresh_token" in tok,
            "access_token_row": at is not None,
            "refresh_token_row": rt is not None,
            "refresh_token_state": rt_state(RT, rt.pk) if rt else None,
            "client_secret_stored_hashed": stored != CLIENT_SECRET,
        }
    # a second token for the same user: a broken unique (checksum) column collides here
    password_token(c, app, user)
    return facts


def op_issue_authorization_code(ctx):
    M = ctx.models()
    user = new_user("alice")
    app = new_app(ctx, "authorization-code", user, "ac")
    c = client()
    tok = authcode_token(c, app, user)
    with step("harness:inspect"):
        at = by_token(M["AccessToken"], tok["access_token"])
        facts = {
            "has_id_token": "id_token" in tok,
            "has_refresh_token": "refresh_token" in tok,
            "access_token_has_id_token": bool(at and getattr(at, "id_token_id", None)),
            "grants_left": M["Grant"].objects.count(),
        }
    return facts


def op_issue_client_credentials(ctx):
    AT = ctx.models()["AccessToken"]
    owner = new_user("owner")
    app = new_app(ctx, "client-credentials", owner, "cc")
    c = client()
    tok = token_request(c, app, "issue_client_credentials", grant_type="client_credentials", scope="read")
    with step("harness:inspect"):
        at = by_token(AT, tok["access_token"])
        return {"access_token_user_is_null": bool(at) and at.user_id is None, "has_refresh_token": "refresh_token" in tok}


def op_refresh_rotation(ctx):
    AT, RT = ctx.models()["AccessToken"], ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    t1 = password_token(c, app, user)
    with step("harness:inspect"):
        at1, rt1 = by_token(AT, t1["access_token"]), by_token(RT, t1["refresh_token"])
        at1_pk, rt1_pk = at1.pk, rt1.pk
    t2 = refresh(c, app, t1["refresh_token"], at="refresh_rotation")
    with step("harness:inspect"):
        at2, rt2 = by_token(AT, t2["access_token"]), by_token(RT, t2.get("refresh_token", ""))
        facts = {
            "new_refresh_token": t2.get("refresh_token") not in (None, t1["refresh_token"]),
            "old_access_token": exists(AT, at1_pk),
            "old_refresh_token": rt_state(RT, rt1_pk),
            "old_refresh_token_pk_kept": RT.objects.filter(pk=rt1_pk).exists(),
            "new_access_token_source_is_old_rt": bool(at2) and getattr(at2, "source_refresh_token_id", None) == rt1_pk,
            "new_refresh_token_state": rt_state(RT, rt2.pk) if rt2 else None,
            "counts": counts(ctx),
        }
    # the new refresh token must work too
    refresh(c, app, t2["refresh_token"], at="refresh_rotation")
    return facts


def op_refresh_no_rotation(ctx):
    AT, RT = ctx.models()["AccessToken"], ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    with dot_settings(ROTATE_REFRESH_TOKEN=False):
        t1 = password_token(c, app, user)
        with step("harness:inspect"):
            at1_pk = by_token(AT, t1["access_token"]).pk
            rt1_pk = by_token(RT, t1["refresh_token"]).pk
        t2 = refresh(c, app, t1["refresh_token"], at="refresh_no_rotation")
        with step("harness:inspect"):
            facts = {
                "same_refresh_token": t2.get("refresh_token") == t1["refresh_token"],
                "old_access_token": exists(AT, at1_pk),
                "refresh_token": rt_state(RT, rt1_pk),
                "counts": counts(ctx),
            }
        refresh(c, app, t1["refresh_token"], at="refresh_no_rotation")
    return facts


def op_refresh_grace_period(ctx):
    RT = ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    with dot_settings(REFRESH_TOKEN_GRACE_PERIOD_SECONDS=120):
        t1 = password_token(c, app, user)
        rt1_pk = by_token(RT, t1["refresh_token"]).pk
        t2 = refresh(c, app, t1["refresh_token"], at="refresh_rotation")
        t3 = refresh(c, app, t1["refresh_token"], at="refresh_grace_period")
        with step("harness:inspect"):
            facts = {
                "repeat_returns_same_access_token": t3.get("access_token") == t2.get("access_token"),
                "repeat_returns_same_refresh_token": t3.get("refresh_token") == t2.get("refresh_token"),
                "old_refresh_token": rt_state(RT, rt1_pk),
                "counts": counts(ctx),
            }
    return facts


def op_refresh_reuse_protection(ctx):
    if "REFRESH_TOKEN_REUSE_PROTECTION" not in dot_defaults():
        raise NotApplicable("REFRESH_TOKEN_REUSE_PROTECTION does not exist before DOT 3.0")
    AT, RT = ctx.models()["AccessToken"], ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    with dot_settings(REFRESH_TOKEN_REUSE_PROTECTION=True):
        t1 = password_token(c, app, user)
        rt1_pk = by_token(RT, t1["refresh_token"]).pk
        t2 = refresh(c, app, t1["refresh_token"], at="refresh_rotation")
        with step("harness:inspect"):
            rt2_pk = by_token(RT, t2["refresh_token"]).pk
            at2_pk = by_token(AT, t2["access_token"]).pk
        body = {
            "client_id": app.client_id,
            "client_secret": CLIENT_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": t1["refresh_token"],
        }
        with step("refresh_reuse_protection"):
            resp = c.post(
                url("oauth2_provider:token"), urllib.parse.urlencode(body), content_type="application/x-www-form-urlencoded"
            )
        if resp.status_code != 400:
            expect_status(resp, 400, "refresh_reuse_protection")
        with step("harness:inspect"):
            facts = {
                "replay_status": resp.status_code,
                "replayed_refresh_token": rt_state(RT, rt1_pk),
                "family_refresh_token": rt_state(RT, rt2_pk),
                "family_access_token": exists(AT, at2_pk),
                "counts": counts(ctx),
            }
        # the family's refresh token must now be refused
        with step("refresh_reuse_protection"):
            resp2 = c.post(
                url("oauth2_provider:token"),
                urllib.parse.urlencode({**body, "refresh_token": t2["refresh_token"]}),
                content_type="application/x-www-form-urlencoded",
            )
        facts["family_refresh_after_replay_status"] = resp2.status_code
    return facts


def revoke_request(c, app, token, hint, at):
    body = {"client_id": app.client_id, "client_secret": CLIENT_SECRET, "token": token, "token_type_hint": hint}
    with step(at):
        resp = c.post(
            url("oauth2_provider:revoke-token"), urllib.parse.urlencode(body), content_type="application/x-www-form-urlencoded"
        )
    expect_status(resp, 200, at)


def op_revoke_access_token(ctx):
    AT, RT = ctx.models()["AccessToken"], ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    t1 = password_token(c, app, user)
    with step("harness:inspect"):
        at1_pk = by_token(AT, t1["access_token"]).pk
        rt1_pk = by_token(RT, t1["refresh_token"]).pk
    revoke_request(c, app, t1["access_token"], "access_token", "revoke_access_token")
    with step("harness:inspect"):
        facts = {"access_token": exists(AT, at1_pk), "refresh_token": rt_state(RT, rt1_pk), "counts": counts(ctx)}
    # can the surviving refresh token (if any) still mint tokens?
    body = {
        "client_id": app.client_id,
        "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token",
        "refresh_token": t1["refresh_token"],
    }
    # (a fact, not a pass/fail step: stock DOT <= 3.3 answers 500 DoesNotExist here, #839)
    try:
        resp = c.post(url("oauth2_provider:token"), urllib.parse.urlencode(body), content_type="application/x-www-form-urlencoded")
        facts["refresh_after_revoke"] = f"HTTP {resp.status_code}"
    except Exception as exc:  # noqa: BLE001
        facts["refresh_after_revoke"] = exc_type_name(exc).rsplit(".", 1)[-1]
    return facts


def op_revoke_refresh_token(ctx):
    AT, RT = ctx.models()["AccessToken"], ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    t1 = password_token(c, app, user)
    with step("harness:inspect"):
        at1_pk = by_token(AT, t1["access_token"]).pk
        rt1_pk = by_token(RT, t1["refresh_token"]).pk
    revoke_request(c, app, t1["refresh_token"], "refresh_token", "revoke_refresh_token")
    with step("harness:inspect"):
        return {"access_token": exists(AT, at1_pk), "refresh_token": rt_state(RT, rt1_pk), "counts": counts(ctx)}


def op_refresh_token_revoke(ctx):
    AT, RT = ctx.models()["AccessToken"], ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    t1 = password_token(c, app, user)
    with step("harness:inspect"):
        at1_pk = by_token(AT, t1["access_token"]).pk
        rt = by_token(RT, t1["refresh_token"])
    with step("refresh_token_revoke"):
        rt.revoke()
    with step("harness:inspect"):
        facts = {"access_token": exists(AT, at1_pk), "refresh_token": rt_state(RT, rt.pk), "counts": counts(ctx)}
    with step("refresh_token_revoke"):
        rt.revoke()  # second call must be a no-op
    return facts


def op_clear_expired(ctx):
    """Rows of every kind, then DOT's clear_expired(); facts say which were kept/deleted."""
    from django.utils import timezone
    from oauth2_provider.models import clear_expired

    M = ctx.models()
    AT, RT, IDT, Grant = M["AccessToken"], M["RefreshToken"], M["IDToken"], M["Grant"]
    user = new_user("alice")
    app = new_app(ctx, "authorization-code", user, "ac")
    now = timezone.now()
    rows = {}  # label -> (model, pk)
    n = [0]

    def at(label, expires, **kw):
        n[0] += 1
        obj = AT.objects.create(
            **only_fields(AT, user=user, application=app, token=f"at-{label}-{n[0]}", expires=expires, scope="read"), **kw
        )
        rows[label] = (AT, obj.pk)
        return obj

    def rt(label, access_token=None, revoked=None):
        n[0] += 1
        obj = RT.objects.create(
            **only_fields(RT, user=user, application=app, token=f"rt-{label}-{n[0]}", access_token=access_token, revoked=revoked)
        )
        rows[label] = (RT, obj.pk)
        return obj

    def idt(label, expires):
        n[0] += 1
        import uuid

        obj = IDT.objects.create(**only_fields(IDT, user=user, application=app, jti=uuid.uuid4(), expires=expires, scope="openid"))
        rows[label] = (IDT, obj.pk)
        return obj

    def grant(label, expires):
        n[0] += 1
        obj = Grant.objects.create(
            **only_fields(
                Grant, user=user, application=app, code=f"code-{label}-{n[0]}", expires=expires, redirect_uri=REDIRECT_URI, scope="read"
            )
        )
        rows[label] = (Grant, obj.pk)
        return obj

    D = timedelta
    with step("harness:create_rows"):
        at("at_expired_no_rt", now - D(days=2))
        at("at_live_no_rt", now + D(hours=1))
        a = at("at_dormant_pair", now - D(days=2))
        rt("rt_dormant_pair", access_token=a)
        a = at("at_recently_expired_pair", now - D(minutes=10))
        rt("rt_recently_expired_pair", access_token=a)
        a = at("at_live_pair", now + D(hours=1))
        rt("rt_live_pair", access_token=a)
        old = rt("rt_revoked_2d_ago", revoked=now - D(days=2))
        rt("rt_revoked_1min_ago", revoked=now - D(minutes=1))
        rt("rt_orphan_live", access_token=None)
        a = at("at_live_minted_from_revoked_rt", now + D(hours=1), **only_fields(AT, source_refresh_token=old))
        rt("rt_of_at_minted_from_revoked_rt", access_token=a)
        idt("idt_expired_no_at", now - D(days=2))
        i = idt("idt_expired_with_live_at", now - D(days=2))
        at("at_live_with_expired_idt", now + D(hours=1), **only_fields(AT, id_token=i))
        grant("grant_expired", now - D(days=2))
        grant("grant_live", now + D(hours=1))

    error = None
    with dot_settings(REFRESH_TOKEN_EXPIRE_SECONDS=3600):
        try:
            with step("clear_expired"):
                clear_expired()
        except Failed as f:
            error = f
    with step("harness:inspect"):
        facts = {label: ("kept" if m.objects.filter(pk=pk).exists() else "deleted") for label, (m, pk) in sorted(rows.items())}
    if error is not None:
        error.facts = {"rows_after_error": facts}
        raise error
    return facts


def op_introspection(ctx):
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    c = client()
    admin_tok = password_token(c, app, user, scope="read introspection")
    target = password_token(c, app, user, scope="read")
    auth = {"HTTP_AUTHORIZATION": "Bearer " + admin_tok["access_token"]}
    with step("introspection"):
        resp = c.get(url("oauth2_provider:introspect") + "?token=" + urllib.parse.quote(target["access_token"]), **auth)
    expect_status(resp, 200, "introspection")
    data = json.loads(resp.content.decode())
    with step("introspection"):
        resp2 = c.post(url("oauth2_provider:introspect"), {"token": "no-such-token"}, **auth)
    expect_status(resp2, 200, "introspection")
    if not data.get("active"):
        raise Failed("introspection", "inactive", "a live access token was reported inactive")
    return {
        "active": data.get("active"),
        "has_username": "username" in data,
        "has_client_id": "client_id" in data,
        "unknown_token_active": json.loads(resp2.content.decode()).get("active"),
    }


def op_admin_changelists(ctx):
    """Superuser GETs the changelist (plain and searched) and one change page per DOT model."""
    from django.contrib import admin

    M = ctx.models()
    admin_user = new_user("root", superuser=True)
    user = new_user("alice")
    app_pw = new_app(ctx, "password", user, "pw")
    app_ac = new_app(ctx, "authorization-code", user, "ac")
    c = client()
    password_token(c, app_pw, user)
    authcode_token(c, app_ac, user)
    # one grant row (the code flow consumes its grant)
    from django.utils import timezone

    with step("harness:create_rows"):
        M["Grant"].objects.create(
            **only_fields(
                M["Grant"], user=user, application=app_ac, code="admin-grant", expires=timezone.now() + timedelta(hours=1),
                redirect_uri=REDIRECT_URI, scope="read",
            )
        )
    c = client()
    c.force_login(admin_user)
    facts = {}
    for role, model in M.items():
        if not admin.site.is_registered(model):
            facts[role] = "not registered"
            continue
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        pages = [url(base + "_changelist"), url(base + "_changelist") + "?q=oracle"]
        obj = model.objects.first()
        if obj is not None:
            from django.urls import reverse

            pages.append(reverse(base + "_change", args=[obj.pk]))
        for page in pages:
            with step("admin_changelists"):
                resp = c.get(page)
            if resp.status_code != 200:
                raise Failed("admin_changelists", f"HTTP {resp.status_code}", f"{role} {page}")
        facts[role] = "ok"
    return facts


def op_rp_initiated_logout(ctx):
    from django.urls import NoReverseMatch

    try:
        logout_url = url("oauth2_provider:rp-initiated-logout")
    except NoReverseMatch:
        raise NotApplicable("no RP-initiated logout view in this DOT version (added in 2.0)")
    AT, RT = ctx.models()["AccessToken"], ctx.models()["RefreshToken"]
    user = new_user("alice")
    app_ac = new_app(ctx, "authorization-code", user, "ac")
    app_pw = new_app(ctx, "password", user, "pw")
    c = client()
    oidc = authcode_token(c, app_ac, user)
    plain = password_token(c, app_pw, user)
    with step("harness:inspect"):
        rt_pks = [by_token(RT, t["refresh_token"]).pk for t in (oidc, plain) if t.get("refresh_token")]
    c.force_login(user)
    with step("rp_initiated_logout"):
        resp = c.get(logout_url + "?" + urllib.parse.urlencode({"id_token_hint": oidc["id_token"]}))
    expect_status(resp, 302, "rp_initiated_logout")
    with step("harness:inspect"):
        return {"refresh_tokens": [rt_state(RT, pk) for pk in rt_pks], "counts": counts(ctx)}


def op_probe_rt_unique(ctx):
    """Harness probe (not a DOT operation): does the DB still refuse a duplicate live refresh token?"""
    from django.db import IntegrityError, transaction

    RT = ctx.models()["RefreshToken"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    from django.utils import timezone

    # (token, revoked) / (token_checksum, revoked) is DOT's unique_together; NULLs never collide
    # in SQL, so the probe uses two revoked rows with the same token and revoked timestamp.
    when = timezone.now() - timedelta(minutes=5)
    kw = only_fields(RT, user=user, application=app, token="dup-token", revoked=when)
    with step("harness:create_rows"):
        RT.objects.create(**kw)
    try:
        with transaction.atomic():
            RT.objects.create(**kw)
        verdict = "accepted"
    except IntegrityError:
        verdict = "rejected"
    return {"duplicate_refresh_token_same_revoked": verdict}


def op_probe_devicegrant_unique(ctx):
    """Harness probe: does the DB still refuse a duplicate device_code (DeviceGrant, DOT >= 3.2)?"""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    M = ctx.models()
    if "DeviceGrant" not in M:
        raise NotApplicable("no DeviceGrant model before DOT 3.2")
    DG = M["DeviceGrant"]
    user = new_user("alice")
    app = new_app(ctx, "password", user, "pw")
    kw = only_fields(
        DG, user=user, device_code="dup-device", user_code="U1", scope="read", expires=timezone.now() + timedelta(hours=1),
        client_id=app.client_id,
    )
    with step("harness:create_rows"):
        DG.objects.create(**kw)
    try:
        with transaction.atomic():
            DG.objects.create(**{**kw, "user_code": "U2"})
        verdict = "accepted"
    except IntegrityError:
        verdict = "rejected"
    return {"duplicate_device_code": verdict}


OPERATIONS = [
    ("issue_password", op_issue_password),
    ("issue_authorization_code", op_issue_authorization_code),
    ("issue_client_credentials", op_issue_client_credentials),
    ("refresh_rotation", op_refresh_rotation),
    ("refresh_no_rotation", op_refresh_no_rotation),
    ("refresh_grace_period", op_refresh_grace_period),
    ("refresh_reuse_protection", op_refresh_reuse_protection),
    ("revoke_access_token", op_revoke_access_token),
    ("revoke_refresh_token", op_revoke_refresh_token),
    ("refresh_token_revoke", op_refresh_token_revoke),
    ("clear_expired", op_clear_expired),
    ("introspection", op_introspection),
    ("admin_changelists", op_admin_changelists),
    ("rp_initiated_logout", op_rp_initiated_logout),
    ("probe_rt_unique", op_probe_rt_unique),
    ("probe_devicegrant_unique", op_probe_devicegrant_unique),
]


# --------------------------------------------------------------------------------------------
# driver


def record(fn, *args) -> dict:
    t0 = time.monotonic()
    try:
        facts = fn(*args)
        res = {"status": "ok", "facts": facts if facts is not None else {}}
    except NotApplicable as na:
        res = {"status": "n/a", "reason": str(na)}
    except Failed as f:
        status = "blocked" if f.at.startswith("harness:") else "error"
        res = {"status": status, "at": f.at, "error": {"type": f.etype, "message": f.message}}
        if f.facts:
            res["facts"] = f.facts
        cause = f.__cause__
        if cause is not None:
            tb = traceback.extract_tb(cause.__traceback__)
            frames = [fr for fr in tb if "site-packages" in fr.filename]
            if frames:
                fr = frames[-1]
                rel = fr.filename.split("site-packages" + os.sep, 1)[1]
                res["error"]["where"] = f"{rel}:{fr.lineno}"
    except Exception as exc:  # noqa: BLE001 - a bug in the harness itself
        res = {
            "status": "blocked",
            "at": "harness:bug",
            "error": {"type": exc_type_name(exc), "message": norm_message(exc)},
            "traceback": traceback.format_exc()[-2000:],
        }
    res["seconds"] = round(time.monotonic() - t0, 3)
    return res


def close_connections():
    from django.db import connections

    for conn in connections.all():
        conn.close()


def project_apps(project: str) -> list:
    from django.apps import apps

    out = []
    real = os.path.realpath(project)
    for cfg in apps.get_app_configs():
        path = os.path.realpath(cfg.path)
        if path == real or path.startswith(real + os.sep):
            out.append(cfg)
    return out


def add_run_before(cfgs, swapped_apps: set) -> list:
    """Add DOT's documented run_before to the initial migration of apps that define swapped models."""
    added = []
    for cfg in cfgs:
        if cfg.label not in swapped_apps:
            continue
        mig_dir = os.path.join(cfg.path, "migrations")
        if not os.path.isdir(mig_dir):
            continue
        for name in sorted(os.listdir(mig_dir)):
            if re.match(r"0001_.*\.py$", name):
                p = os.path.join(mig_dir, name)
                text = open(p, encoding="utf-8").read()
                if "run_before" in text:
                    continue
                text = text.replace(
                    "class Migration(migrations.Migration):\n",
                    "class Migration(migrations.Migration):\n    run_before = [(\"oauth2_provider\", \"0001_initial\")]\n",
                    1,
                )
                open(p, "w", encoding="utf-8").write(text)
                added.append(f"{cfg.label}.{name[:-3]}")
    return added


def remove_run_before(cfgs):
    line = "    run_before = [(\"oauth2_provider\", \"0001_initial\")]\n"
    for cfg in cfgs:
        mig_dir = os.path.join(cfg.path, "migrations")
        if not os.path.isdir(mig_dir):
            continue
        for name in os.listdir(mig_dir):
            p = os.path.join(mig_dir, name)
            if name.endswith(".py"):
                text = open(p, encoding="utf-8").read()
                if line in text:
                    open(p, "w", encoding="utf-8").write(text.replace(line, "", 1))


def dot_creating_migrations() -> dict:
    """{model name lower: name of the oauth2_provider migration whose CreateModel creates it}."""
    from django.db.migrations import operations as mops
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    out = {}
    for (app, name), mig in sorted(loader.disk_migrations.items()):
        if app != "oauth2_provider":
            continue
        for op in mig.operations:
            if isinstance(op, mops.CreateModel):
                out.setdefault(op.name.lower(), name)
    return out


def pin_dot_dependencies(cfgs) -> list:
    """Rewrite swappable_dependency(settings.X) that resolves to a stock DOT model into an explicit
    dependency on the DOT migration creating that model (swappable_dependency() always resolves
    to ("oauth2_provider", "__first__"), but e.g. IDToken is only created by 0004)."""
    from django.conf import settings

    creating = dot_creating_migrations()
    pinned = []
    pat = re.compile(r"migrations\.swappable_dependency\(settings\.(\w+)\)")
    for cfg in cfgs:
        mig_dir = os.path.join(cfg.path, "migrations")
        if not os.path.isdir(mig_dir):
            continue
        for name in sorted(os.listdir(mig_dir)):
            if not name.endswith(".py") or name == "__init__.py":
                continue
            p = os.path.join(mig_dir, name)
            text = open(p, encoding="utf-8").read()

            def repl(m):
                value = getattr(settings, m.group(1), None)
                if not value or not value.startswith("oauth2_provider."):
                    return m.group(0)
                target = creating.get(value.split(".", 1)[1].lower())
                if not target or target.startswith("0001_"):
                    return m.group(0)
                pinned.append(f"{cfg.label}.{name[:-3]} -> oauth2_provider.{target} (for {value})")
                return f'("oauth2_provider", "{target}")'

            new = pat.sub(repl, text)
            if new != text:
                open(p, "w", encoding="utf-8").write(new)
    return pinned


def remove_project_migrations(cfgs):
    for cfg in cfgs:
        mig_dir = os.path.join(cfg.path, "migrations")
        if os.path.isdir(mig_dir):
            shutil.rmtree(mig_dir)


def forget_migration_modules(cfgs):
    for cfg in cfgs:
        prefix = cfg.name + ".migrations"
        for mod in list(sys.modules):
            if mod == prefix or mod.startswith(prefix + "."):
                del sys.modules[mod]
    importlib.invalidate_caches()


def run(project: str, out: dict, only: list | None):
    global _TMP_RE
    _TMP_RE = re.compile(re.escape(os.path.realpath(project)) + "|" + re.escape(project))
    db_dir = os.path.join(project, ".oracle-db")
    os.makedirs(db_dir, exist_ok=True)
    os.environ["FIXTURE_DB"] = os.path.join(db_dir, "db-default.sqlite3")
    sys.path.insert(0, HARNESS)
    sys.path.insert(0, project)
    os.chdir(project)
    ops = out["operations"]

    found = find_settings_module(project)
    if found is None:
        out["runnable"] = False
        out["reason"] = "no DJANGO_SETTINGS_MODULE in manage.py/wsgi.py/asgi.py or the pytest/tox configuration"
        return
    settings_module, found_by = found
    out["settings_module"] = settings_module
    if found_by != "manage.py":
        out["settings_found_by"] = found_by
    configuration = configuration_class(project)
    if configuration:
        out["configuration"] = configuration

    overlay = []
    conf = {}

    def do_setup():
        with step("setup"):
            if configuration:
                # django-configurations: its importer turns the named class into the module's
                # upper-case settings when the module is imported (what configurations.setup()
                # does before django.setup())
                os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
                os.environ["DJANGO_CONFIGURATION"] = configuration
                from configurations import importer

                importer.install()
            mod = importlib.import_module(settings_module)
            conf.update(harness_settings(mod, project, db_dir, overlay))
            from django.conf import settings

            settings.configure(**conf)
            import django

            django.setup()
        return {}

    ops["setup"] = record(do_setup)
    if ops["setup"]["status"] == "ok":
        # durability is irrelevant for a throw-away database; semantics (FK checks at commit,
        # constraints) are unchanged
        from django.db.backends.signals import connection_created

        def fast_sqlite(sender, connection, **kwargs):
            if connection.vendor == "sqlite":
                with connection.cursor() as cur:
                    cur.execute("PRAGMA synchronous=OFF")
                    cur.execute("PRAGMA journal_mode=MEMORY")

        connection_created.connect(fast_sqlite)
    out["overlay"] = overlay
    if ops["setup"]["status"] != "ok":
        return
    import django
    import oauth2_provider

    out["versions"] = {"django": django.get_version(), "dot": getattr(oauth2_provider, "__version__", "?")}
    ctx = Ctx(out["versions"]["dot"])
    from django.conf import settings as dj

    out["active_models"] = {k: getattr(dj, "OAUTH2_PROVIDER_" + k, None) for k in (
        "APPLICATION_MODEL", "GRANT_MODEL", "ACCESS_TOKEN_MODEL", "REFRESH_TOKEN_MODEL", "ID_TOKEN_MODEL", "DEVICE_GRANT_MODEL")}
    try:
        out["dot_models"] = {role: m._meta.label for role, m in ctx.models().items()}
    except Exception as exc:  # noqa: BLE001
        out["dot_models"] = {"error": norm_message(exc)}

    def do_check():
        from django.core import checks

        with step("check"):
            msgs = checks.run_checks()
        silenced = set(getattr(dj, "SILENCED_SYSTEM_CHECKS", []))
        msgs = [m for m in msgs if m.id not in silenced]
        errors = [m for m in msgs if m.level >= checks.ERROR]
        warnings = sorted({m.id for m in msgs if checks.WARNING <= m.level < checks.ERROR and m.id})
        if errors:
            text = "; ".join(f"{m.id} {m.obj}: {m.msg}" for m in errors)
            raise Failed("check", "SystemCheckError", norm_message(text), {"error_ids": sorted({m.id for m in errors})})
        return {"dot_warnings": [w for w in warnings if w.startswith("oauth2_provider.")]}

    ops["check"] = record(do_check)

    cfgs = project_apps(project)
    out["project_apps"] = [c.label for c in cfgs]

    def do_makemigrations():
        from django.core.management import call_command

        labels = [c.label for c in cfgs if c.models_module is not None]
        if not labels:
            return {"apps": []}
        buf = io.StringIO()
        with step("makemigrations"):
            call_command("makemigrations", *labels, interactive=False, verbosity=1, stdout=buf, stderr=buf)
        return {"apps": labels}

    ops["makemigrations"] = record(do_makemigrations)
    # Django's autodetector resolves a swappable dependency with getattr(settings, NAME): a project
    # whose models point at a swappable DOT model (every AbstractAccessToken subclass points at
    # oauth2_settings.APPLICATION_MODEL) but that does not define that top-level setting fails
    # with AttributeError (DOT #240, #1017, #980). The failure is recorded as makemigrations'
    # result; the harness then defines the missing settings with DOT's defaults (recorded as a
    # workaround) so that the remaining operations can still be measured.
    workaround = []
    while ops["makemigrations"]["status"] == "error" and len(workaround) < 6:
        msg = ops["makemigrations"]["error"]["message"]
        m = re.search(r"has no attribute '(OAUTH2_PROVIDER_(\w+)_MODEL)'", msg)
        if not m or hasattr(dj, m.group(1)):
            break
        default = {
            "APPLICATION": "oauth2_provider.Application",
            "GRANT": "oauth2_provider.Grant",
            "ACCESS_TOKEN": "oauth2_provider.AccessToken",
            "REFRESH_TOKEN": "oauth2_provider.RefreshToken",
            "ID_TOKEN": "oauth2_provider.IDToken",
            "DEVICE_GRANT": "oauth2_provider.DeviceGrant",
        }.get(m.group(2))
        if default is None:
            break
        setattr(dj, m.group(1), default)
        workaround.append(f"{m.group(1)} = {default!r}")
        first = ops["makemigrations"].get("first_attempt") or {k: ops["makemigrations"][k] for k in ("at", "error")}
        ops["makemigrations"] = record(do_makemigrations)
        ops["makemigrations"]["first_attempt"] = first
    if workaround:
        out["workaround_settings"] = workaround
        if ops["makemigrations"]["status"] == "ok":
            # the real outcome is the failure; the later operations ran with the workaround
            first = ops["makemigrations"]["first_attempt"]
            ops["makemigrations"] = {
                "status": "error",
                "at": first["at"],
                "error": first["error"],
                "workaround": workaround,
                "facts": {"passes_with_settings_defined": True},
                "seconds": ops["makemigrations"]["seconds"],
            }
    makemigrations_usable = ops["makemigrations"]["status"] == "ok" or (
        ops["makemigrations"].get("facts", {}).get("passes_with_settings_defined")
    )

    def migrate_once(run_syncdb=False):
        from django.core.management import call_command

        close_connections()
        for f in os.listdir(db_dir):
            os.unlink(os.path.join(db_dir, f))
        with step("migrate"):
            call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO(), run_syncdb=run_syncdb)
        return {}

    swapped_apps = set()
    for v in out["active_models"].values():
        if v and "." in v and not v.startswith("oauth2_provider."):
            swapped_apps.add(v.split(".")[0])

    if makemigrations_usable:
        # 1. as generated; 2. with DOT's documented run_before; 3. (harness workaround, not a
        # documented recipe) with the project's swappable dependencies on DOT's own default
        # models pinned to the DOT migration that creates them.
        attempts = []
        res = record(migrate_once)
        attempts.append({"how": "as generated", **{k: res[k] for k in ("status", "at", "error") if k in res}})
        if res["status"] != "ok":
            added = add_run_before(cfgs, swapped_apps)
            if added:
                forget_migration_modules(cfgs)
                res = record(migrate_once)
                attempts.append({"how": "run_before " + ", ".join(added), **{k: res[k] for k in ("status", "at", "error") if k in res}})
                if res["status"] == "ok":
                    res["facts"] = {"needed_run_before": True}
        if res["status"] != "ok":
            remove_run_before(cfgs)
            pinned = pin_dot_dependencies(cfgs)
            workaround = None
            if pinned:
                forget_migration_modules(cfgs)
                res2 = record(migrate_once)
                attempts.append({"how": "pinned " + ", ".join(pinned), **{k: res2[k] for k in ("status", "at", "error") if k in res2}})
                if res2["status"] == "ok":
                    workaround = pinned
            if workaround is None:
                # last resort: the project's apps without migrations (migrate --run-syncdb creates
                # their tables before DOT's migrations run)
                remove_project_migrations(cfgs)
                forget_migration_modules(cfgs)
                res2 = record(lambda: migrate_once(run_syncdb=True))
                attempts.append({"how": "run_syncdb (project apps unmigrated)", **{k: res2[k] for k in ("status", "at", "error") if k in res2}})
                if res2["status"] == "ok":
                    workaround = ["project apps created with migrate --run-syncdb"]
            if workaround is not None:
                # the real outcome stays the failure (as generated); later operations ran
                # with the workaround
                res = {"status": "error", "at": "migrate", "error": attempts[0]["error"], "seconds": res2["seconds"]}
                res["workaround"] = workaround
                res["facts"] = {"passes_with_workaround": True}
                out["workaround_migrations"] = workaround
        elif len(attempts) == 1:
            res["facts"] = {"needed_run_before": False}
        res["attempts"] = attempts
        ops["migrate"] = res
    else:
        ops["migrate"] = {"status": "blocked", "at": "makemigrations", "reason": "makemigrations failed"}

    migrate_usable = ops["migrate"]["status"] == "ok" or ops["migrate"].get("facts", {}).get("passes_with_workaround")
    if not migrate_usable:
        for name, _fn in OPERATIONS:
            if only and name not in only:
                continue
            ops[name] = {"status": "blocked", "at": "migrate", "reason": "migrate failed"}
        return

    close_connections()
    db = dj.DATABASES["default"]["NAME"]
    template = db + ".template"
    shutil.copyfile(db, template)
    for name, fn in OPERATIONS:
        if only and name not in only:
            continue
        close_connections()
        shutil.copyfile(template, db)
        ops[name] = record(fn, ctx)
    close_connections()


def main():
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    ap = argparse.ArgumentParser()
    ap.add_argument("--project", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", nargs="*", help="run only these operations (debugging)")
    args = ap.parse_args()
    out = {"runnable": True, "operations": {}}
    t0 = time.monotonic()
    try:
        run(os.path.abspath(args.project), out, args.only)
    finally:
        out["seconds"] = round(time.monotonic() - t0, 2)
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main()
