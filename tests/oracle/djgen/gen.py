#!/usr/bin/env python3
"""A seeded generator of small Django projects for the differential oracle of Django's model
checks (issue 15).

    python3 tests/oracle/djgen/gen.py --seed N --out DIR

The same seed gives a byte-identical project (standard library only, no clock, no hash order).
Each project is a runnable Django project as the fixtures are: `manage.py`, `proj/settings.py`
(`INSTALLED_APPS`, SQLite in memory), a non-app package `common/` holding abstract bases, and
two to four apps, some with an `AppConfig` that sets another `label` (named by its dotted path in
`INSTALLED_APPS`, or found by Django's automatic `apps.py` discovery), whose models are in
`models.py` or split over a `models/` package.

Projects are mostly valid; each seed draws a few *injections*, each of which plants one known
kind of error of the family (names: fields.E001-E003; relations: E300-E312, `%(class)s` /
`%(app_label)s` / `+`, abstract bases in other modules, multi-table inheritance, proxies,
`default_related_name`, `related_query_name`, `auth.User` / `auth.Group` /
`settings.AUTH_USER_MODEL` with and without a custom user model, `to_field`; on_delete E320 /
E321; many-to-many E330-E340 and W340-W345; models.E005 / E006 / E025 / E026). The project's
docstring in settings lists the injections, so a disagreement can be traced to its cause.
"""

import argparse
import json
import os
import random
import shutil

APP_POOL = ["shop", "blog", "wiki", "crm", "forum", "media", "billing", "events"]
LABEL_POOL = ["store", "news", "kb", "sales", "board", "assets", "invoicing", "agenda"]
MODEL_POOL = [
    "Product", "Order", "Post", "Comment", "Tag", "Page", "Customer", "Invoice", "Topic",
    "Reply", "Photo", "Album", "Event", "Venue", "Ticket", "Note", "Category", "Author",
    "Article", "Review", "Item", "Vendor", "Payment", "Thread",
]
FIELD_POOL = ["title", "name", "code", "slug", "body", "count", "rank", "score", "label",
              "summary", "price", "size", "color", "notes", "rating", "status"]
SCALARS = [
    'models.CharField(max_length=50)',
    'models.IntegerField(default=0)',
    'models.TextField(blank=True)',
    'models.BooleanField(default=False)',
    'models.DecimalField(max_digits=8, decimal_places=2, default=0)',
    'models.DateField(null=True)',
    'models.SlugField()',
]
RELATED_POOL = ["items", "entries", "children", "members", "links", "owners", "things"]

INJECTIONS = [
    "bad_name", "double_fk", "shared_related_name", "reverse_field_clash",
    "target_field_like_model", "abstract_fixed_related_name", "set_null", "set_default",
    "missing_model", "missing_app", "to_field_not_unique", "to_field_missing",
    "bad_related_name", "bad_related_query_name", "m2m_ambiguous_through",
    "m2m_through_fields_wrong", "m2m_null", "m2m_validators", "fk_unique",
    "m2m_limit_choices_through", "m2m_self_related_name", "m2m_unique", "m2m_through_missing_fk",
    "m2m_table_clash", "mti_parent_clash", "mti_multiple_parents", "attname_clash",
    "property_accessor_clash", "two_primary_keys", "custom_user_unset", "auth_user_swapped",
    "proxy_clash", "default_related_name_clash", "same_model_name", "m2m_through_extra_fk",
    "unimported_module", "meta_app_label", "fk_to_abstract", "uninstalled_app", "silenced",
    "abstract_query_name", "hidden_with_query_name", "o2o_clash", "profile_clash",
    "relative_in_abstract", "on_delete_spelling", "constant_related_name", "library_clash",
    "named_like_auth", "abstract_bad_names", "db_default", "meta_inheritance",
    "mti_inherited_field_clash", "o2o_field_clash", "contrib_clash", "abstract_chain",
    "m2m_through_uninstalled", "m2m_self_through_three", "m2m_ambiguous_target",
    "m2m_through_fields_one", "m2m_table_clash_routers",
]

MANAGE = '''#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
'''


class App:
    def __init__(self, module, label, config):
        self.module = module
        self.label = label
        self.config = config  # None, "path" (named in INSTALLED_APPS) or "auto"
        self.split = False
        self.installed = True
        self.modules = ["models"]


class Model:
    def __init__(self, app, name, module, abstract=False, where=None):
        self.app = app
        self.name = name
        self.module = module  # module path relative to the app, or "common.abstract"
        self.where = where
        self.abstract = abstract
        self.bases = ["models.Model"]
        self.fields = []  # (name, code)
        self.meta = []
        self.extra = []  # raw lines in the class body
        self.proxy = False
        self.imports = set()
        self.unimported = False

    @property
    def ref(self):
        return "%s.%s" % (self.app.label, self.name)

    def has(self, name):
        return any(n == name for n, _ in self.fields)


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.n = 0

    def uniq(self, stem):
        self.n += 1
        return "%s%d" % (stem, self.n)

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def fresh_field(self, model, pool=FIELD_POOL):
        names = [n for n in pool if not self.taken(model, n)]
        if names and self.rng.random() < 0.8:
            return self.pick(names)
        return self.uniq("f")

    def taken(self, model, name):
        m = model
        while m is not None:
            if m.has(name) or m.has(name + "_id") or any(n + "_id" == name for n, _ in m.fields):
                return True
            m = getattr(m, "parent", None)
        return False

    def build(self):
        r = self.rng
        napps = r.randint(2, 4)
        modules = r.sample(APP_POOL, napps)
        self.apps = []
        for i, mod in enumerate(modules):
            label = mod
            config = None
            roll = r.random()
            if roll < 0.3:
                label = LABEL_POOL[APP_POOL.index(mod)]
                config = r.choice(["path", "auto"])
            elif roll < 0.45:
                config = r.choice(["path", "auto"])
            app = App(mod, label, config)
            if r.random() < 0.4:
                app.split = True
                app.modules = ["models.core", "models.extra"]
            self.apps.append(app)
        self.models = []
        names = r.sample(MODEL_POOL, min(len(MODEL_POOL), napps * 4))
        for app in self.apps:
            for _ in range(r.randint(2, 4)):
                name = names.pop()
                m = Model(app, name, r.choice(app.modules))
                for _ in range(r.randint(1, 3)):
                    m.fields.append((self.fresh_field(m), r.choice(SCALARS)))
                self.models.append(m)
        self.abstracts = []
        self.silenced = []
        self.contrib = set()
        self.routers = False
        self.user = None  # custom user model
        self.auth_user_model = None
        self.injections = sorted(r.sample(INJECTIONS, r.choice([0, 0, 0, 1, 1, 1, 2, 3])))
        if "custom_user_unset" in self.injections or "auth_user_swapped" in self.injections or r.random() < 0.2:
            self.add_custom_user(set_setting="custom_user_unset" not in self.injections)
        # Valid relations: default or unique reverse names.
        concretes = list(self.models)
        for m in concretes:
            for _ in range(r.choice([0, 1, 1, 2, 3])):
                self.add_valid_relation(m)
        if r.random() < 0.4:
            self.add_abstract_base(fixed=False)
        if r.random() < 0.25:
            self.add_mti(clash=False)
        if r.random() < 0.25:
            self.add_proxy(clash=False)
        if r.random() < 0.3:
            self.add_m2m_through(kind="plain")
        if r.random() < 0.2:
            self.add_self_m2m(related_name=False)
        for inj in self.injections:
            getattr(self, "inj_" + inj)()

    # --- helpers ---------------------------------------------------------------------------

    def concrete(self, exclude=()):
        return [m for m in self.models if not m.abstract and not m.proxy and m not in exclude
                and not m.unimported and m.app.installed]

    def target_expr(self, src, tgt):
        """An expression naming `tgt` from `src`'s module: a class, a lazy string, "self"."""
        r = self.rng
        if tgt is src and r.random() < 0.5:
            return '"self"'
        if tgt.app is src.app and r.random() < 0.5:
            if tgt.module == src.module and self.models.index(tgt) < self.models.index(src):
                return tgt.name
            return '"%s"' % tgt.name
        if (tgt.app is not src.app and tgt.module == tgt.app.modules[0] and tgt.app.installed
                and self.apps.index(tgt.app) < self.apps.index(src.app) and not tgt.unimported
                and tgt.where is None and tgt.name not in self.local_names(src)
                and r.random() < 0.3):
            # The class, imported from the other app's models (acyclic: earlier apps only).
            src.imports.add("from %s.models import %s" % (tgt.app.module, tgt.name))
            return tgt.name
        return '"%s"' % tgt.ref

    def local_names(self, src):
        return {m.name for m in self.models if m.app is src.app and m.module == src.module}

    def user_target(self, src):
        r = self.rng
        if self.user is not None:
            src.imports.add("from django.conf import settings")
            return "settings.AUTH_USER_MODEL"
        choice = r.choice(["str", "settings", "class"])
        if choice == "settings":
            src.imports.add("from django.conf import settings")
            return "settings.AUTH_USER_MODEL"
        if choice == "class":
            src.imports.add("from django.contrib.auth.models import User")
            return "User"
        return '"auth.User"'

    def fk(self, target, related_name=None, extra="", kind="ForeignKey", on_delete="models.CASCADE",
           related_query_name=None):
        args = [target]
        if kind != "ManyToManyField":
            args.append("on_delete=%s" % on_delete)
        if related_name is not None:
            args.append('related_name="%s"' % related_name)
        if related_query_name is not None:
            args.append('related_query_name="%s"' % related_query_name)
        if extra:
            args.append(extra)
        return "models.%s(%s)" % (kind, ", ".join(args))

    def add_valid_relation(self, m):
        r = self.rng
        kind = r.choice(["ForeignKey"] * 4 + ["OneToOneField", "ManyToManyField"])
        roll = r.random()
        if roll < 0.15:
            target = self.user_target(m)
            tname = "user"
        elif roll < 0.22:
            target = r.choice(['"auth.Group"', "Group"])
            if target == "Group":
                m.imports.add("from django.contrib.auth.models import Group")
            tname = "group"
        else:
            tgt = self.pick(self.concrete())
            target = self.target_expr(m, tgt)
            tname = tgt.name.lower()
        if r.random() < 0.85:
            tname = "to_" + tname  # a field named like the target invites E303 on cycles
        name = tname if not self.taken(m, tname) else self.uniq(tname)
        style = r.random()
        if style < 0.35:
            rn = "%s_%s" % (m.name.lower(), name)  # unique: model + field
        elif style < 0.5:
            rn = "+"
        elif style < 0.6:
            rn = "%(app_label)s_%(class)s_" + name
        else:
            rn = None
        if rn is None and kind == "OneToOneField" or (rn is None and any(
                t == target for _, t in getattr(m, "targets", []))):
            rn = "%s_%s" % (m.name.lower(), name)
        on_delete = "models.CASCADE"
        extra = ""
        if kind != "ManyToManyField":
            od = r.random()
            if od < 0.1:
                on_delete, extra = "models.SET_NULL", "null=True"
            elif od < 0.15:
                on_delete, extra = "models.SET_DEFAULT", "default=1"
            elif od < 0.25:
                on_delete = "models.PROTECT"
        if rn is None or rn == "+" or "%" in rn:
            m.targets = getattr(m, "targets", []) + [(name, target)]
        if rn is not None and rn == "+" and kind == "ManyToManyField":
            rn = "%s_%s_m2m" % (m.name.lower(), name)
        m.fields.append((name, self.fk(target, rn, extra, kind, on_delete)))

    def add_custom_user(self, set_setting):
        app = self.rng.choice(self.apps)
        u = Model(app, "Account", app.modules[0])
        u.bases = ["AbstractUser"]
        u.imports.add("from django.contrib.auth.models import AbstractUser")
        self.models.insert(0, u)
        self.user = u
        if set_setting:
            self.auth_user_model = u.ref

    def add_abstract_base(self, fixed):
        r = self.rng
        where = r.choice(["common", "app"])
        app = r.choice(self.apps)
        name = self.uniq("Base")
        base = Model(app, name, "base" if where == "app" else None, abstract=True, where=where)
        tgt = self.pick(self.concrete())
        if fixed:
            rn = self.pick(RELATED_POOL)
        else:
            rn = r.choice(["%(class)s_set_x", "%(app_label)s_%(class)s_related", "+"])
        target = '"%s"' % tgt.ref if r.random() < 0.7 else '"auth.User"'
        if target == '"auth.User"' and self.auth_user_model:
            target = "settings.AUTH_USER_MODEL"
            base.imports.add("from django.conf import settings")
        fname = self.uniq("link")
        base.fields.append((fname, self.fk(target, rn)))
        base.fields.append((self.uniq("stamp"), "models.DateTimeField(null=True)"))
        base.meta.append("abstract = True")
        self.abstracts.append(base)
        kids = r.sample(self.concrete(), min(2, len(self.concrete())))
        for k in kids:
            if k is self.user or getattr(k, "parent", None) is not None:
                continue
            if any(self.taken(k, f) for f, _ in base.fields):
                continue
            k.bases = [name]
            k.abstract_base = base
            k.fields_inherited = [f for f, _ in base.fields]
        return base

    def add_mti(self, clash):
        r = self.rng
        cands = [m for m in self.concrete() if m is not self.user and m.bases == ["models.Model"]]
        if not cands:
            return
        parent = r.choice(cands)
        child = Model(parent.app, self.uniq("Special"), parent.module)
        child.bases = [parent.name]
        child.parent = parent
        child.fields.append((self.uniq("extra"), r.choice(SCALARS)))
        self.models.insert(self.models.index(parent) + 1, child)
        if clash:
            # Another relation to the parent named like the parent link's reverse accessor.
            src = r.choice(self.concrete(exclude=(child, parent)) or [child])
            if src is child:
                return
            src.fields.append((self.uniq("to_parent"), self.fk(self.target_expr(src, parent),
                                                               child.name.lower())))

    def add_proxy(self, clash):
        r = self.rng
        cands = [m for m in self.concrete() if m is not self.user]
        base = r.choice(cands)
        proxy = Model(base.app, self.uniq("Proxy"), base.module)
        proxy.bases = [base.name]
        proxy.proxy = True
        proxy.meta.append("proxy = True")
        self.models.insert(self.models.index(base) + 1, proxy)
        src = r.choice(self.concrete())
        if clash:
            rn = self.pick(RELATED_POOL)
            src.fields.append((self.uniq("to_proxy"), self.fk('"%s"' % proxy.ref, rn)))
            src2 = r.choice(self.concrete())
            src2.fields.append((self.uniq("to_base"), self.fk('"%s"' % base.ref, rn)))
        else:
            src.fields.append((self.uniq("to_proxy"),
                               self.fk('"%s"' % proxy.ref, self.uniq("via_proxy"))))

    def add_m2m_through(self, kind):
        r = self.rng
        cands = [m for m in self.concrete() if m is not self.user]
        src = r.choice(cands)
        tgt = r.choice([m for m in self.concrete() if m is not src and m is not self.user] or [src])
        through = Model(src.app, self.uniq("Membership"), src.module)
        self.models.append(through)
        a, b = self.uniq("src"), self.uniq("dst")
        rel = lambda t: '"%s"' % t.ref  # noqa: E731
        through.fields.append((a, self.fk(rel(src), "+" if r.random() < 0.3 else None)))
        if kind != "missing_fk":
            through.fields.append((b, self.fk(rel(tgt), self.uniq("memberships"))))
        extra = 'through="%s"' % through.ref
        if kind == "ambiguous":
            through.fields.append((self.uniq("src"), self.fk(rel(src), self.uniq("alt"))))
        elif kind == "extra_fk":
            through.fields.append((self.uniq("src"), self.fk(rel(src), self.uniq("alt"))))
            extra += ', through_fields=("%s", "%s")' % (a, b)
        elif kind == "wrong_fields":
            extra += ', through_fields=("%s", "%s")' % (r.choice([a + "x", b]), a)
        elif kind == "plain" and r.random() < 0.5:
            extra += ', through_fields=("%s", "%s")' % (a, b)
        elif kind == "ambiguous_target":
            through.fields.append((self.uniq("dst"), self.fk(rel(tgt), self.uniq("alt"))))
        elif kind == "fields_one":
            extra += ', through_fields=("%s",)' % a
        elif kind == "limit":
            extra += ", limit_choices_to={\"pk__gt\": 0}"
        src.fields.append((self.uniq("members"), self.fk(rel(tgt), self.uniq("groups_of"), extra,
                                                        "ManyToManyField")))

    def add_self_m2m(self, related_name):
        m = self.rng.choice([m for m in self.concrete() if m is not self.user])
        rn = ' related_name="%s",' % self.uniq("peers_of") if related_name else ""
        sym = self.rng.choice(["", ", symmetrical=True"])
        m.fields.append((self.uniq("peers"), 'models.ManyToManyField("self",%s blank=True%s)'
                         % (rn, sym)))

    def other(self, m):
        return self.pick(self.concrete(exclude=(m, self.user)) or [m])

    # --- injections ------------------------------------------------------------------------

    def inj_bad_name(self):
        m = self.pick(self.concrete())
        name = self.rng.choice(["name_", "a__b", "pk", "value_", "x__y"])
        if not self.taken(m, name):
            m.fields.append((name, self.rng.choice(SCALARS)))

    def inj_double_fk(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        for _ in range(2):
            m.fields.append((self.uniq(t.name.lower()), self.fk(self.target_expr(m, t))))

    def inj_shared_related_name(self):
        r = self.rng
        rn = self.pick(RELATED_POOL)
        if r.random() < 0.4:
            target = lambda m: '"auth.User"' if not self.auth_user_model else "settings.AUTH_USER_MODEL"  # noqa: E731
        else:
            t = self.pick(self.concrete())
            target = lambda m: self.target_expr(m, t)  # noqa: E731
        for m in r.sample(self.concrete(), min(2, len(self.concrete()))):
            e = target(m)
            if e == "settings.AUTH_USER_MODEL":
                m.imports.add("from django.conf import settings")
            m.fields.append((self.uniq("rel"), self.fk(e, rn)))

    def inj_reverse_field_clash(self):
        m = self.pick(self.concrete())
        if self.rng.random() < 0.25:
            # A field of auth.Group (name, permissions).
            m.fields.append((self.uniq("team"), self.fk('"auth.Group"', self.rng.choice(
                ["name", "permissions", "+"]), related_query_name=self.rng.choice(
                [None, "name", "permissions"]))))
            return
        t = self.other(m)
        fname = ([n for n, _ in t.fields] or [self.uniq("f")])[0]
        which = self.rng.choice(["rn", "rqn"])
        if which == "rn":
            m.fields.append((self.uniq("rel"), self.fk(self.target_expr(m, t), fname)))
        else:
            m.fields.append((self.uniq("rel"), self.fk(self.target_expr(m, t), self.uniq("r"),
                                                       related_query_name=fname)))

    def inj_target_field_like_model(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        name = self.rng.choice([m.name.lower(), m.name.lower() + "_set"])
        if not self.taken(t, name):
            t.fields.append((name, "models.IntegerField(default=0)"))
        m.fields.append((self.uniq("ref"), self.fk(self.target_expr(m, t))))

    def inj_abstract_fixed_related_name(self):
        self.add_abstract_base(fixed=True)

    def inj_set_null(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        extra = self.rng.choice(["", "null=False", "blank=True"])
        m.fields.append((self.uniq("opt"), self.fk(self.target_expr(m, t), self.uniq("opt_of"),
                                                   extra, on_delete="models.SET_NULL")))

    def inj_set_default(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        extra = self.rng.choice(["", "null=True", "default=None"])
        m.fields.append((self.uniq("dflt"), self.fk(self.target_expr(m, t), self.uniq("dflt_of"),
                                                    extra, on_delete="models.SET_DEFAULT")))

    def inj_missing_model(self):
        m = self.pick(self.concrete())
        target = self.rng.choice(['"Missing"', '"%s.Ghost"' % m.app.label])
        m.fields.append((self.uniq("ghost"), self.fk(target, self.uniq("ghosts"))))

    def inj_missing_app(self):
        m = self.pick(self.concrete())
        target = self.rng.choice(['"nowhere.Thing"', '"%s.%s"' % (m.app.module + "x", m.name)])
        m.fields.append((self.uniq("lost"), self.fk(target, self.uniq("losts"))))

    def inj_to_field_not_unique(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        key = self.uniq("key")
        unique = self.rng.choice(["", ", unique=False"])
        t.fields.append((key, "models.CharField(max_length=20%s)" % unique))
        m.fields.append((self.uniq("by_key"), self.fk(self.target_expr(m, t), self.uniq("keyed"),
                                                      'to_field="%s"' % key)))

    def inj_to_field_missing(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        m.fields.append((self.uniq("by_key"), self.fk(self.target_expr(m, t), self.uniq("keyed"),
                                                      'to_field="%s"' % self.uniq("nokey"))))

    def inj_bad_related_name(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        rn = self.rng.choice(["my-items", "1st", "with space", "class"])
        m.fields.append((self.uniq("odd"), self.fk(self.target_expr(m, t), rn)))

    def inj_bad_related_query_name(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        rqn = self.rng.choice(["trailing_", "dou__ble"])
        on = self.rng.choice(["rqn", "rn"])
        if on == "rqn":
            m.fields.append((self.uniq("odd"), self.fk(self.target_expr(m, t), self.uniq("odds"),
                                                       related_query_name=rqn)))
        else:
            m.fields.append((self.uniq("odd"), self.fk(self.target_expr(m, t), rqn)))

    def inj_m2m_ambiguous_through(self):
        self.add_m2m_through("ambiguous")

    def inj_m2m_through_extra_fk(self):
        self.add_m2m_through("extra_fk")

    def inj_m2m_through_fields_wrong(self):
        self.add_m2m_through("wrong_fields")

    def inj_m2m_through_missing_fk(self):
        self.add_m2m_through("missing_fk")

    def inj_m2m_limit_choices_through(self):
        self.add_m2m_through("limit")

    def _m2m(self, extra):
        m = self.pick(self.concrete())
        t = self.other(m)
        m.fields.append((self.uniq("tags"), self.fk(self.target_expr(m, t), self.uniq("tagged"),
                                                    extra, "ManyToManyField")))

    def inj_m2m_null(self):
        self._m2m("null=True")

    def inj_m2m_validators(self):
        self._m2m("validators=[lambda v: None]")

    def inj_m2m_unique(self):
        self._m2m("unique=True")

    def inj_m2m_table_clash(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        other = self.other(t)
        table = "%s_%s" % (other.app.label, other.name.lower())
        m.fields.append((self.uniq("tags"), self.fk(self.target_expr(m, t), self.uniq("tagged"),
                                                    'db_table="%s"' % table, "ManyToManyField")))

    def inj_fk_unique(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        m.fields.append((self.uniq("solo"), self.fk(self.target_expr(m, t), self.uniq("solo_of"),
                                                    "unique=True")))

    def inj_m2m_self_related_name(self):
        self.add_self_m2m(related_name=True)

    def inj_mti_parent_clash(self):
        self.add_mti(clash=True)

    def inj_mti_multiple_parents(self):
        r = self.rng
        app = r.choice(self.apps)
        mod = app.modules[0]
        shared = r.choice(FIELD_POOL)
        parents = []
        for _ in range(2):
            p = Model(app, self.uniq("Root"), mod)
            pk = self.uniq("root_id")
            p.fields.append((pk, "models.AutoField(primary_key=True)"))
            p.fields.append((shared, r.choice(SCALARS)))
            parents.append(p)
            self.models.append(p)
        child = Model(app, self.uniq("Both"), mod)
        child.bases = [p.name for p in parents]
        child.parent = parents[0]
        self.models.append(child)

    def inj_attname_clash(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        name = self.uniq("owner")
        m.fields.append((name, self.fk(self.target_expr(m, t), self.uniq("owned"))))
        m.fields.append((name + "_id", "models.IntegerField(default=0)"))

    def inj_property_accessor_clash(self):
        m = self.pick(self.concrete())
        t = self.other(m)
        name = self.uniq("holder")
        m.fields.append((name, self.fk(self.target_expr(m, t), self.uniq("held"))))
        prop = ["", "@property", "def %s_id(self):" % name, "    return None"]
        # In the class that declares the relation, the field's descriptor replaces the property
        # (Django reports nothing); in a multi-table child the property survives: models.E025.
        if (m is not self.user and m.bases == ["models.Model"] and not m.proxy
                and self.rng.random() < 0.5):
            child = Model(m.app, self.uniq("Holds"), m.module)
            child.bases = [m.name]
            child.parent = m
            child.extra += prop
            self.models.insert(self.models.index(m) + 1, child)
        else:
            m.extra += prop

    def inj_two_primary_keys(self):
        m = self.pick(self.concrete(exclude=(self.user,)))
        if getattr(m, "parent", None) is not None or m.bases != ["models.Model"]:
            return
        m.fields.append((self.uniq("key_a"), "models.IntegerField(primary_key=True)"))
        m.fields.append((self.uniq("key_b"), "models.CharField(max_length=10, primary_key=True)"))

    def inj_custom_user_unset(self):
        pass  # the custom user model is added without AUTH_USER_MODEL (build)

    def inj_auth_user_swapped(self):
        m = self.pick(self.concrete(exclude=(self.user,)))
        m.fields.append((self.uniq("legacy_user"), self.fk('"auth.User"', self.uniq("legacy"))))

    def inj_proxy_clash(self):
        self.add_proxy(clash=True)

    def inj_default_related_name_clash(self):
        r = self.rng
        t = self.pick(self.concrete())
        drn = r.choice([self.pick(RELATED_POOL), "%(app_label)s_%(model_name)s_list",
                        "%(class)s_things"])
        for m in r.sample(self.concrete(exclude=(t,)), min(2, len(self.concrete(exclude=(t,))))):
            if any(l.startswith("default_related_name") for l in m.meta):
                continue
            m.meta.append('default_related_name = "%s"' % drn)
            m.fields.append((self.uniq("dr"), self.fk(self.target_expr(m, t))))

    def inj_same_model_name(self):
        if len(self.apps) < 2:
            return
        a, b = self.rng.sample(self.apps, 2)
        src = [m for m in self.concrete() if m.app is a and m is not self.user]
        if not src:
            return
        name = src[0].name
        if any(m.name == name for m in self.models if m.app is b):
            return
        twin = Model(b, name, b.modules[0])
        twin.fields.append((self.uniq("f"), "models.IntegerField(default=0)"))
        self.models.append(twin)
        t = self.pick(self.concrete(exclude=(src[0], twin)))
        for m in (src[0], twin):
            m.fields.append((self.uniq("shared"), self.fk('"%s"' % t.ref)))

    def inj_unimported_module(self):
        # A module in the models package that models/__init__.py does not import: Django never
        # sees its models (their clashes are not reported).
        app = self.rng.choice(self.apps)
        t = self.pick(self.concrete())
        ghost = Model(app, self.uniq("Draft"), "models.unused" if app.split else "drafts")
        ghost.unimported = True
        rn = self.pick(RELATED_POOL)
        ghost.fields.append((self.uniq("a"), self.fk('"%s"' % t.ref, rn)))
        ghost.fields.append((self.uniq("b"), self.fk('"%s"' % t.ref, rn)))
        ghost.fields.append(("bad_", "models.IntegerField(default=0)"))
        self.models.append(ghost)

    def inj_meta_app_label(self):
        # A model in a non-app module that declares an installed app's label.
        app = self.rng.choice(self.apps)
        m = Model(app, self.uniq("Foreign"), None, where="common_models")
        m.meta.append('app_label = "%s"' % app.label)
        t = self.pick(self.concrete(exclude=(m,)))
        rn = self.rng.choice([self.pick(RELATED_POOL), None])
        m.fields.append((self.uniq("to"), self.fk('"%s"' % t.ref, rn)))
        m.fields.append((self.uniq("to"), self.fk('"%s"' % t.ref, rn)))
        self.models.append(m)
        self.common_models = True

    def inj_fk_to_abstract(self):
        base = self.add_abstract_base(fixed=False)
        m = self.pick(self.concrete())
        m.fields.append((self.uniq("abs"), self.fk('"%s.%s"' % (base.app.label, base.name))))

    def inj_uninstalled_app(self):
        # An app with models that is not in INSTALLED_APPS.
        app = next((a for a in self.apps if a.module == "legacy"), None)
        if app is None:
            app = App("legacy", "legacy", None)
            app.installed = False
            self.apps.append(app)
        t = self.pick(self.concrete())
        m = Model(app, self.uniq("Old" + t.name), "models")
        rn = self.pick(RELATED_POOL)
        m.fields.append((self.uniq("x"), self.fk('"%s"' % t.ref, rn)))
        m.fields.append((self.uniq("y"), self.fk('"%s"' % t.ref, rn)))
        self.models.append(m)
        if self.rng.random() < 0.5:
            src = self.pick(self.concrete(exclude=(m,)))
            src.fields.append((self.uniq("old"), self.fk('"legacy.%s"' % m.name, self.uniq("olds"))))

    def inj_silenced(self):
        self.silenced = self.rng.sample(["fields.E304", "fields.E305", "fields.E303", "fields.E320"], 2)
        self.inj_shared_related_name()

    def inj_abstract_query_name(self):
        r = self.rng
        base = self.add_abstract_base(fixed=False)
        t = self.pick(self.concrete())
        rqn = r.choice(["%(class)s_q", "%(app_label)s_%(class)s_q", "fixed_q"])
        base.fields.append((self.uniq("qlink"), self.fk('"%s"' % t.ref, r.choice(["+", None, "%(class)s_r"]),
                                                         related_query_name=rqn)))

    def inj_hidden_with_query_name(self):
        t = self.pick(self.concrete())
        q = self.rng.choice(["shared_q", ([n for n, _ in t.fields] or ["shared_q"])[0]])
        for m in self.rng.sample(self.concrete(), min(2, len(self.concrete()))):
            m.fields.append((self.uniq("h"), self.fk(self.target_expr(m, t), "+", related_query_name=q)))

    def inj_o2o_clash(self):
        t = self.pick(self.concrete())
        srcs = [m for m in self.concrete(exclude=(t,))]
        for m in self.rng.sample(srcs, min(2, len(srcs))):
            m.fields.append((self.uniq("one"), self.fk(self.target_expr(m, t), kind="OneToOneField",
                                                       related_name=self.rng.choice([None, "profile"]))))

    def inj_profile_clash(self):
        for m in self.rng.sample(self.concrete(), min(2, len(self.concrete()))):
            m.fields.append((self.uniq("user"), self.fk(self.user_target(m), "profile",
                                                        kind=self.rng.choice(["OneToOneField", "ForeignKey"]))))

    def inj_relative_in_abstract(self):
        # A bare model name in an abstract base resolves in each concrete child's app.
        r = self.rng
        app = r.choice(self.apps)
        tname = r.choice([m.name for m in self.concrete() if m.app is app] or ["Nothing"])
        base = Model(app, self.uniq("Rel"), None, abstract=True, where="common")
        base.meta.append("abstract = True")
        base.fields.append((self.uniq("rel"), self.fk('"%s"' % tname, r.choice([None, "%(class)s_rel"]))))
        self.abstracts.append(base)
        for k in r.sample(self.concrete(), min(2, len(self.concrete()))):
            if k is self.user or k.bases != ["models.Model"] or getattr(k, "unimported", False):
                continue
            k.bases = [base.name]

    def inj_on_delete_spelling(self):
        # on_delete given positionally, or imported from django.db.models / .deletion.
        r = self.rng
        m = self.pick(self.concrete())
        t = self.other(m)
        what = r.choice(["SET_NULL", "SET_DEFAULT", "CASCADE"])
        spelling = r.choice(["positional", "models", "deletion"])
        extra = r.choice(["", "null=True", "default=1"])
        if spelling == "models":
            m.imports.add("from django.db.models import %s" % what)
            od = what
        elif spelling == "deletion":
            m.imports.add("from django.db.models.deletion import %s" % what)
            od = what
        else:
            od = "models." + what
        args = [self.target_expr(m, t)]
        if spelling == "positional":
            args.append(od)
        else:
            args.append("on_delete=" + od)
        args.append('related_name="%s"' % self.uniq("od"))
        if extra:
            args.append(extra)
        m.fields.append((self.uniq("od"), "models.ForeignKey(%s)" % ", ".join(args)))

    def inj_constant_related_name(self):
        # The reverse name through a module constant, shared by two relations.
        r = self.rng
        t = self.pick(self.concrete())
        const = self.uniq("RELATED").upper()
        value = self.pick(RELATED_POOL)
        for m in r.sample(self.concrete(exclude=(t,)), min(2, len(self.concrete(exclude=(t,))))):
            m.consts = getattr(m, "consts", []) + ['%s = "%s"' % (const, value)]
            m.fields.append((self.uniq("c"), "models.ForeignKey(%s, on_delete=models.CASCADE, "
                             "related_name=%s)" % (self.target_expr(m, t), const)))

    def inj_library_clash(self):
        # Reverse names on Django's own models that clash with their own relations' reverse
        # names (auth.Group.permissions: group_set / group; auth.Permission.content_type:
        # permission_set / permission; auth.User.groups: user_set / user).
        r = self.rng
        m = self.pick(self.concrete())
        target, names = r.choice([
            ('"auth.Permission"', ["group_set", "group", "user_set", "user", "codename"]),
            ('"contenttypes.ContentType"', ["permission_set", "permission", "model", "app_label"]),
            ('"auth.Group"', ["user_set", "user", "name"]),
        ])
        rn = r.choice(names)
        if r.random() < 0.5:
            m.fields.append((self.uniq("lib"), self.fk(target, rn)))
        else:
            m.fields.append((self.uniq("lib"), self.fk(target, self.uniq("libs"), related_query_name=rn)))

    def inj_named_like_auth(self):
        # A project model named User / Permission / Group: its default reverse names are
        # those of Django's own relations.
        r = self.rng
        app = r.choice([a for a in self.apps if a.installed])
        name, target, kind = r.choice([
            ("User", '"auth.Group"', "ManyToManyField"),
            ("User", '"auth.Permission"', "ManyToManyField"),
            ("Group", '"auth.Permission"', "ManyToManyField"),
            ("Permission", '"contenttypes.ContentType"', "ForeignKey"),
        ])
        if any(m.name == name and m.app is app for m in self.models):
            return
        m = Model(app, name, app.modules[0])
        m.fields.append((self.uniq("link"), self.fk(target, kind=kind)))
        self.models.append(m)

    def inj_abstract_bad_names(self):
        base = self.add_abstract_base(fixed=False)
        base.fields.append((self.rng.choice(["code_", "a__b", "pk"]), "models.IntegerField(default=0)"))

    def inj_db_default(self):
        # SET_DEFAULT with db_default only (Django >= 5.0; 4.2 rejects the keyword).
        m = self.pick(self.concrete())
        t = self.other(m)
        m.fields.append((self.uniq("dbd"), self.fk(self.target_expr(m, t), self.uniq("dbd_of"),
                                                   "db_default=1", on_delete="models.SET_DEFAULT")))

    def inj_meta_inheritance(self):
        # default_related_name in an abstract base's Meta, inherited (or not) by the children's
        # own `class Meta(Base.Meta)`.
        r = self.rng
        base = self.add_abstract_base(fixed=False)
        t = self.pick(self.concrete())
        base.meta.append('default_related_name = "%s"' % r.choice(
            ["%(class)s_items", "%(app_label)s_%(model_name)s", "shared_items"]))
        base.fields.append((self.uniq("dlink"), self.fk('"%s"' % t.ref)))
        for k in self.concrete():
            if k.bases == [base.name] and r.random() < 0.6:
                k.meta_base = base.name + ".Meta"
                k.meta.append(r.choice(["ordering = [\"pk\"]", "verbose_name = \"x\""]))

    def inj_mti_inherited_field_clash(self):
        # A reverse name on a multi-table child that clashes with a field it inherits.
        self.add_mti(clash=False)
        child = next((m for m in reversed(self.models) if getattr(m, "parent", None) is not None
                      and not m.bases[0].startswith("Root")), None)
        if child is None:
            return
        if not child.parent.fields:
            return
        fname = child.parent.fields[0][0]
        m = self.pick(self.concrete(exclude=(child,)))
        m.fields.append((self.uniq("to_child"), self.fk('"%s"' % child.ref, fname)))

    def inj_o2o_field_clash(self):
        # A one-to-one's default accessor is the model's name: a field so named on the target.
        m = self.pick(self.concrete())
        t = self.other(m)
        if not self.taken(t, m.name.lower()):
            t.fields.append((m.name.lower(), "models.IntegerField(default=0)"))
        m.fields.append((self.uniq("one"), self.fk(self.target_expr(m, t), kind="OneToOneField")))

    def inj_contrib_clash(self):
        # Reverse names that Django's contrib apps' own relations use: admin.LogEntry.user
        # (logentry_set / logentry on the user model), flatpages.FlatPage.sites and
        # redirects.Redirect.site (on sites.Site).
        r = self.rng
        m = self.pick(self.concrete())
        which = r.choice(["admin", "flatpages", "redirects"])
        if which == "admin":
            self.contrib |= {"django.contrib.admin", "django.contrib.messages",
                             "django.contrib.sessions"}
            target = self.user_target(m)
            names = ["logentry_set", "logentry", "entries"]
        else:
            self.contrib |= {"django.contrib.sites", "django.contrib.%s" % which}
            target = '"sites.Site"'
            names = ["%s_set" % which[:-1].replace("flatpage", "flatpage"), which[:-1], "domain"]
            if which == "flatpages":
                names = ["flatpage_set", "flatpage", "domain"]
            else:
                names = ["redirect_set", "redirect", "domain"]
        rn = r.choice(names)
        if r.random() < 0.6:
            m.fields.append((self.uniq("cx"), self.fk(target, rn)))
        else:
            m.fields.append((self.uniq("cx"), self.fk(target, self.uniq("cxs"), related_query_name=rn)))

    def inj_abstract_chain(self):
        # An abstract base that extends an abstract base of another module.
        r = self.rng
        first = self.add_abstract_base(fixed=r.random() < 0.5)
        app = r.choice([a for a in self.apps if a.installed])
        second = Model(app, self.uniq("Mid"), "base", abstract=True, where="app")
        second.bases = [first.name]
        second.meta.append("abstract = True")
        second.fields.append((self.uniq("mid"), "models.IntegerField(default=0)"))
        self.abstracts.append(second)
        for k in r.sample(self.concrete(), min(2, len(self.concrete()))):
            if k is self.user or k.bases != ["models.Model"]:
                continue
            k.bases = [second.name]

    def inj_m2m_through_uninstalled(self):
        # The through model lives in an app that is not installed (fields.E331).
        self.inj_uninstalled_app()
        legacy = self.models[-1]
        src = self.pick(self.concrete())
        t = self.other(src)
        legacy.fields.append((self.uniq("s"), self.fk('"%s"' % src.ref, "+")))
        legacy.fields.append((self.uniq("t"), self.fk('"%s"' % t.ref, "+")))
        src.fields.append((self.uniq("via_legacy"), self.fk('"%s"' % t.ref, self.uniq("legacy_of"),
                                                            'through="legacy.%s"' % legacy.name,
                                                            "ManyToManyField")))

    def inj_m2m_self_through_three(self):
        # A self many-to-many through a model with three keys to it (fields.E333 unless
        # through_fields says which two).
        r = self.rng
        m = self.pick([x for x in self.concrete() if x is not self.user])
        through = Model(m.app, self.uniq("Link"), m.module)
        self.models.append(through)
        names = [self.uniq("k") for _ in range(3)]
        for n in names:
            through.fields.append((n, self.fk('"%s"' % m.ref, "+")))
        extra = 'through="%s"' % through.ref
        if r.random() < 0.4:
            extra += ', through_fields=("%s", "%s")' % (names[0], names[1])
        m.fields.append((self.uniq("linked"), 'models.ManyToManyField("self", %s)' % extra))

    def inj_m2m_ambiguous_target(self):
        self.add_m2m_through("ambiguous_target")

    def inj_m2m_through_fields_one(self):
        self.add_m2m_through("fields_one")

    def inj_m2m_table_clash_routers(self):
        # With DATABASE_ROUTERS set, an intermediary table clash is a warning (fields.W344).
        self.routers = True
        self.inj_m2m_table_clash()

    # --- rendering ---------------------------------------------------------------------------

    def render(self, out):
        if os.path.exists(out):
            shutil.rmtree(out)
        files = {}
        files["manage.py"] = MANAGE
        files["proj/__init__.py"] = ""
        apps = []
        for app in self.apps:
            if not app.installed:
                continue
            if app.config == "path":
                apps.append("%s.apps.%sConfig" % (app.module, app.module.capitalize()))
            else:
                apps.append(app.module)
        settings = ['"""Generated by tests/oracle/djgen/gen.py --seed %d.' % self.seed,
                    "", "Injections: %s" % (", ".join(self.injections) or "none") + '"""',
                    'SECRET_KEY = "djgen-%d"' % self.seed,
                    "INSTALLED_APPS = ["]
        contrib = ["django.contrib.auth", "django.contrib.contenttypes"] + sorted(self.contrib)
        settings += ['    "%s",' % a for a in contrib + apps]
        settings += ["]",
                     'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}',
                     'DEFAULT_AUTO_FIELD = "django.db.models.AutoField"',
                     "USE_TZ = True"]
        if self.routers:
            settings.append('DATABASE_ROUTERS = ["proj.routers.Router"]')
            files["proj/routers.py"] = "class Router:\n    pass\n"
        if "django.contrib.sites" in self.contrib:
            settings.append("SITE_ID = 1")
        if self.silenced:
            settings.append("SILENCED_SYSTEM_CHECKS = %s" % json.dumps(self.silenced))
        if self.auth_user_model:
            settings.append('AUTH_USER_MODEL = "%s"' % self.auth_user_model)
        files["proj/settings.py"] = "\n".join(settings) + "\n"
        common = [m for m in self.abstracts if m.where == "common"]
        if common:
            files["common/__init__.py"] = ""
            files["common/abstract.py"] = self.render_module(common)
        foreign = [m for m in self.models if m.where == "common_models"]
        if foreign:
            files["common/__init__.py"] = ""
            files["common/extra.py"] = self.render_module(foreign)
        for app in self.apps:
            files["%s/__init__.py" % app.module] = ""
            if app.config:
                lines = ["from django.apps import AppConfig", "", "",
                         "class %sConfig(AppConfig):" % app.module.capitalize(),
                         '    name = "%s"' % app.module]
                if app.label != app.module:
                    lines.append('    label = "%s"' % app.label)
                files["%s/apps.py" % app.module] = "\n".join(lines) + "\n"
            base = [m for m in self.abstracts if m.where == "app" and m.app is app]
            if base:
                files["%s/base.py" % app.module] = self.render_module(base)
            mods = list(app.modules) + sorted({m.module for m in self.models if m.app is app and m.module
                                               and m.module not in app.modules})
            foreign = [m.name for m in self.models if m.app is app and m.where == "common_models"]
            for mod in mods:
                ms = [m for m in self.models if m.app is app and m.module == mod]
                path = "%s/%s.py" % (app.module, mod.replace(".", "/"))
                files[path] = self.render_module(ms)
                if mod == "models" and foreign:
                    files[path] = "from common.extra import %s  # noqa: F401\n" % ", ".join(foreign) + files[path]
            if app.split:
                lines = []
                if foreign:
                    lines.append("from common.extra import %s  # noqa: F401" % ", ".join(foreign))
                for mod in app.modules:
                    ms = [m.name for m in self.models if m.app is app and m.module == mod]
                    if ms:
                        lines.append("from .%s import %s  # noqa: F401" % (mod.split(".")[1], ", ".join(ms)))
                files["%s/models/__init__.py" % app.module] = "\n".join(lines) + ("\n" if lines else "")
        for path in sorted(files):
            full = os.path.join(out, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", newline="\n") as f:
                f.write(files[path])

    def render_module(self, models):
        imports = {"from django.db import models"}
        local = {m.name for m in models}
        for m in models:
            imports |= m.imports
            for b in m.bases:
                if b == "models.Model" or b in local or b == "AbstractUser":
                    continue
                base = next((a for a in self.abstracts if a.name == b), None)
                if base is not None:
                    src = "common.abstract" if base.where == "common" else "%s.base" % base.app.module
                    imports.add("from %s import %s" % (src, b))
                else:
                    parent = next(p for p in self.models if p.name == b and p.app is m.app)
                    imports.add("from %s.%s import %s" % (m.app.module, parent.module, b))
        lines = sorted(imports)
        consts = sorted({c for m in models for c in getattr(m, "consts", [])})
        if consts:
            lines += [""] + consts
        for m in models:
            lines += ["", "", "class %s(%s):" % (m.name, ", ".join(m.bases))]
            body = ["    %s = %s" % (n, c) for n, c in m.fields]
            body += ["    " + l if l else "" for l in m.extra]
            if m.meta:
                mb = getattr(m, "meta_base", None)
                body += ["", "    class Meta(%s):" % mb if mb else "    class Meta:"] + ["        " + l for l in m.meta]
            lines += body or ["    pass"]
        return "\n".join(lines) + "\n"


def generate(seed, out):
    g = Gen(seed)
    g.build()
    g.render(out)
    return g


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    generate(a.seed, a.out)


if __name__ == "__main__":
    main()
