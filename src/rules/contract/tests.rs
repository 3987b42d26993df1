//! The contract rules on in-memory multi-file projects: each fires, and stays silent where
//! the tool cannot be sure (an unresolved relation, an app list partly unknown, the library not
//! used).

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::testing::{check, summary};

/// A project with `settings` (appended to INSTALLED_APPS = apps) and `accounts/models.py`.
fn project(apps: &str, settings: &str, models: &str) -> String {
    format!(
        "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', {apps}'accounts']\n{settings}\n\
# -- accounts/__init__.py\n\
# -- accounts/models.py\nfrom django.db import models\n{models}"
    )
}

/// `(code, line, text under the primary span)` of the diagnostics of `codes`.
fn hits(d: &[Diagnostic], prefix: &str) -> Vec<(&'static str, u32, String)> {
    summary(d)
        .into_iter()
        .filter(|(c, _, _)| c.starts_with(prefix))
        .collect()
}

fn severity_of(d: &[Diagnostic], code: &str) -> Severity {
    d.iter().find(|d| d.code == code).expect(code).severity
}

const QA_USER: &str = "from django.contrib.auth.models import AbstractUser
class User(AbstractUser):
    groups = models.ManyToManyField(
        'auth.Group',
        related_name='custom_user_groups',
        blank=True,
    )
    user_permissions = models.ManyToManyField('auth.Permission', related_name='custom_user_permissions', blank=True)
";

#[test]
fn auth_renamed_groups_and_permissions_fire() {
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", QA_USER));
    let got = hits(&d, "AUTH");
    assert_eq!(
        got,
        [
            ("AUTH001", 6, "'custom_user_groups'".to_string()),
            ("AUTH003", 6, "'custom_user_groups'".to_string()),
            ("AUTH002", 9, "'custom_user_permissions'".to_string()),
        ],
        "{d:#?}"
    );
    assert_eq!(severity_of(&d, "AUTH001"), Severity::Error);
    // No consumer installed: U3 is a warning.
    assert_eq!(severity_of(&d, "AUTH003"), Severity::Warning);
    let a1 = d.iter().find(|d| d.code == "AUTH001").unwrap();
    assert!(
        a1.message.contains("`custom_user_groups`, not `user`"),
        "{}",
        a1.message
    );
    let help = a1.help.as_deref().unwrap();
    assert!(
        help.contains("AUTH_USER_MODEL") && help.contains("Do not rename"),
        "{help}"
    );
}

#[test]
fn auth_a_consumer_raises_severity_and_is_named() {
    let d = check(&project(
        "'wagtail.admin', 'wagtail', ",
        "AUTH_USER_MODEL = 'accounts.User'",
        QA_USER,
    ));
    assert_eq!(severity_of(&d, "AUTH003"), Severity::Error);
    let a3 = d.iter().find(|d| d.code == "AUTH003").unwrap();
    assert!(a3.message.contains("assign role"), "{}", a3.message);
    let a1 = d.iter().find(|d| d.code == "AUTH001").unwrap();
    assert!(a1.message.contains("non-superuser"), "{}", a1.message);
    assert!(
        a1.notes.iter().any(|n| n.contains("wagtail is used here")),
        "{:#?}",
        a1.notes
    );
}

#[test]
fn auth_silent_cases() {
    // No AUTH_USER_MODEL: the model is not the active user model (Django reports E304 instead).
    let d = check(&project("", "", QA_USER));
    assert!(hits(&d, "AUTH").is_empty(), "{d:#?}");
    // related_query_name="user" keeps U1/U2; U3 (the accessor) still fires.
    let rqn = QA_USER.replace(
        "related_name='custom_user_groups',",
        "related_name='custom_user_groups', related_query_name='user',",
    );
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", &rqn));
    let codes: Vec<_> = hits(&d, "AUTH").into_iter().map(|h| h.0).collect();
    assert_eq!(codes, ["AUTH003", "AUTH002"], "{d:#?}");
    // Inherited fields keep Django's names.
    let plain = "from django.contrib.auth.models import AbstractUser\nclass User(AbstractUser):\n    pass\n";
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", plain));
    assert!(hits(&d, "AUTH").is_empty(), "{d:#?}");
    // A target the tool cannot resolve: silent.
    let unknown = QA_USER.replace("'auth.Group',", "group_model(),");
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", &unknown));
    let codes: Vec<_> = hits(&d, "AUTH").into_iter().map(|h| h.0).collect();
    assert_eq!(codes, ["AUTH002"], "{d:#?}");
    // A related_name the tool cannot evaluate: silent.
    let dynamic = QA_USER.replace("'custom_user_groups'", "NAME");
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", &dynamic));
    let codes: Vec<_> = hits(&d, "AUTH").into_iter().map(|h| h.0).collect();
    assert_eq!(codes, ["AUTH002"], "{d:#?}");
}

#[test]
fn auth_app_list_partly_unknown_is_silent() {
    // `accounts` is not among the known entries and the list has an unknown part: the model may
    // not be registered at all.
    let spec = format!(
        "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes'] + plugins()\nAUTH_USER_MODEL = 'accounts.User'\n\
# -- accounts/__init__.py\n\
# -- accounts/models.py\nfrom django.db import models\n{QA_USER}"
    );
    let d = check(&spec);
    assert!(hits(&d, "AUTH").is_empty(), "{d:#?}");
}

const BASE_USER: &str = "from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import PermissionsMixin
class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    USERNAME_FIELD = 'email'
";

#[test]
fn auth_db_fields() {
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", BASE_USER));
    assert_eq!(
        hits(&d, "AUTH"),
        [("AUTH004", 4, "User".to_string())],
        "{d:#?}"
    );
    let a4 = &d.iter().find(|d| d.code == "AUTH004").unwrap();
    assert!(a4.message.contains("`is_active`"), "{}", a4.message);
    // A class attribute is not a column.
    let attr = format!("{BASE_USER}    is_active = True\n");
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", &attr));
    assert_eq!(hits(&d, "AUTH").len(), 1, "{d:#?}");
    let field = format!("{BASE_USER}    is_active = models.BooleanField(default=True)\n");
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", &field));
    assert!(hits(&d, "AUTH").is_empty(), "{d:#?}");
    // Without PermissionsMixin: no is_superuser while ModelBackend is the default backend;
    // EMAIL_FIELD names a field that does not exist.
    let bare = "from django.contrib.auth.base_user import AbstractBaseUser\nclass User(AbstractBaseUser):\n    login = models.CharField(max_length=9, unique=True)\n    is_active = models.BooleanField(default=True)\n    USERNAME_FIELD = 'login'\n";
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", bare));
    let got: Vec<_> = hits(&d, "AUTH").into_iter().map(|h| h.0).collect();
    assert_eq!(got, ["AUTH005", "AUTH006"], "{d:#?}");
    assert_eq!(severity_of(&d, "AUTH005"), Severity::Warning);
    // The field replaced on purpose by a property of the model (pretix's `is_superuser`):
    // AUTH005 is silent, AUTH006 still fires.
    let replaced =
        format!("{bare}    @property\n    def is_superuser(self):\n        return False\n");
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", &replaced));
    let got: Vec<_> = hits(&d, "AUTH").into_iter().map(|h| h.0).collect();
    assert_eq!(got, ["AUTH006"], "{d:#?}");
    // Another backend only: with_perm is not ModelBackend's; EMAIL_FIELD names `login`.
    let named = format!("{bare}    EMAIL_FIELD = 'login'\n");
    let d = check(&project(
        "",
        "AUTH_USER_MODEL = 'accounts.User'\nAUTHENTICATION_BACKENDS = ['accounts.backends.Backend']",
        &named,
    ));
    assert!(hits(&d, "AUTH").is_empty(), "{d:#?}");
    // A base the tool cannot see may declare the fields: silent.
    let unseen = "from somewhere import Base\nclass User(Base):\n    pass\n";
    let d = check(&project("", "AUTH_USER_MODEL = 'accounts.User'", unseen));
    assert!(hits(&d, "AUTH").is_empty(), "{d:#?}");
}

fn token(model: &str, settings: &str, apps: &str) -> String {
    project(
        apps,
        settings,
        &format!(
            "from django.conf import settings\nclass MyToken(models.Model):\n    key = models.CharField(max_length=40, primary_key=True)\n{model}"
        ),
    )
}

const DRA: &str = "REST_AUTH = {'TOKEN_MODEL': 'accounts.models.MyToken', 'SESSION_LOGIN': False}";
const DRA_APPS: &str = "'rest_framework', 'dj_rest_auth', ";

#[test]
fn dra_token_user_relation() {
    let fk = "    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='auth_token')\n";
    let d = check(&token(fk, DRA, DRA_APPS));
    assert_eq!(hits(&d, "DRA").len(), 1, "{d:#?}");
    let h = &hits(&d, "DRA")[0];
    assert_eq!((h.0, h.1), ("DRA001", 5));
    assert!(h.2.starts_with("models.ForeignKey("), "{h:?}");
    let d1 = d.iter().find(|d| d.code == "DRA001").unwrap();
    let help = d1.help.as_deref().unwrap();
    assert!(
        help.contains(
            "remove \"rest_framework.authtoken\" from INSTALLED_APPS instead of renaming"
        ),
        "{help}"
    );
    let renamed = "    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='my_token')\n";
    let d = check(&token(renamed, DRA, DRA_APPS));
    assert_eq!(
        hits(&d, "DRA"),
        [("DRA001", 5, "'my_token'".to_string())],
        "{d:#?}"
    );
    // The legacy top-level setting: read by dj-rest-auth 2.x only (7.2.0 ignores it).
    let legacy = token(
        renamed,
        "REST_AUTH_TOKEN_MODEL = 'accounts.models.MyToken'",
        DRA_APPS,
    );
    assert!(hits(&check(&legacy), "DRA").is_empty());
    let d = check(&format!(
        "{legacy}# -- requirements.txt\ndj-rest-auth==2.2.8\n"
    ));
    assert_eq!(hits(&d, "DRA").len(), 1, "{d:#?}");
    let right = "    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='auth_token')\n";
    let d = check(&token(right, DRA, DRA_APPS));
    assert!(hits(&d, "DRA").is_empty(), "{d:#?}");
    // The library not used (not installed, not pinned, not imported): silent.
    let d = check(&token(renamed, DRA, ""));
    assert!(hits(&d, "DRA").is_empty(), "{d:#?}");
}

#[test]
fn dra_token_fields() {
    let spec = project(
        DRA_APPS,
        DRA,
        "class MyToken(models.Model):\n    token = models.CharField(max_length=40)\n",
    );
    let d = check(&spec);
    let got: Vec<_> = hits(&d, "DRA").into_iter().map(|h| (h.0, h.1)).collect();
    assert_eq!(got, [("DRA002", 2), ("DRA002", 2)], "{d:#?}");
    assert!(d.iter().any(|d| d.message.contains("`key`")));
}

fn wagtail(models: &str) -> String {
    project(
        "'wagtail.contrib.forms', 'wagtail.images', 'wagtail', 'modelcluster', 'taggit', ",
        "WAGTAILIMAGES_IMAGE_MODEL = 'accounts.CustomImage'",
        models,
    )
}

const FORM: &str = "from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
class FormPage(AbstractEmailForm):
    pass
class FormField(AbstractFormField):
    page = ParentalKey(
        FormPage,
        on_delete=models.CASCADE,
        related_name='fields',
    )
";

#[test]
fn wagtail_form_fields() {
    let d = check(&wagtail(FORM));
    assert_eq!(
        hits(&d, "WAG"),
        [("WAG001", 10, "'fields'".to_string())],
        "{d:#?}"
    );
    let w = d.iter().find(|d| d.code == "WAG001").unwrap();
    assert!(
        w.message.contains("`fields`, not `form_fields`"),
        "{}",
        w.message
    );
    let right = FORM.replace("'fields'", "'form_fields'");
    assert!(hits(&check(&wagtail(&right)), "WAG").is_empty());
    // A string target in the same module.
    let by_name = FORM.replace("        FormPage,", "        'FormPage',");
    assert_eq!(hits(&check(&wagtail(&by_name)), "WAG").len(), 1);
    // A page that overrides get_form_fields() reads its own relation: silent.
    let custom = FORM.replace(
        "class FormPage(AbstractEmailForm):\n    pass\n",
        "class FormPage(AbstractEmailForm):\n    def get_form_fields(self):\n        return self.fields.all()\n",
    );
    assert!(hits(&check(&wagtail(&custom)), "WAG").is_empty());
    // A target the tool cannot resolve: silent.
    let unknown = FORM.replace("        FormPage,", "        'otherapp.FormPage',");
    assert!(hits(&check(&wagtail(&unknown)), "WAG").is_empty());
}

const RENDITION: &str = "from wagtail.images.models import AbstractImage, AbstractRendition, Image
class CustomImage(AbstractImage):
    pass
class CustomRendition(AbstractRendition):
    image = models.ForeignKey(
        CustomImage,
        on_delete=models.PROTECT,
        related_name='rendition_set',
    )
";

#[test]
fn wagtail_renditions() {
    let d = check(&wagtail(RENDITION));
    assert_eq!(
        hits(&d, "WAG"),
        [
            ("WAG003", 8, "models.PROTECT".to_string()),
            ("WAG002", 9, "'rendition_set'".to_string()),
        ],
        "{d:#?}"
    );
    assert_eq!(severity_of(&d, "WAG003"), Severity::Warning);
    let w3 = d.iter().find(|d| d.code == "WAG003").unwrap();
    assert!(w3.message.contains("ProtectedError"), "{}", w3.message);
    let right = RENDITION
        .replace("'rendition_set'", "'renditions'")
        .replace("PROTECT", "CASCADE");
    assert!(hits(&check(&wagtail(&right)), "WAG").is_empty());
    // An abstract subclass is not the rendition model.
    let abstract_ = format!("{RENDITION}    class Meta:\n        abstract = True\n");
    assert!(hits(&check(&wagtail(&abstract_)), "WAG").is_empty());
}

fn taggit(models: &str) -> String {
    project("'taggit', ", "", models)
}

const THROUGH: &str = "from taggit.models import GenericTaggedItemBase, TagBase
class MyTag(TagBase):
    pass
class TaggedThing(GenericTaggedItemBase):
    tag = models.ForeignKey(
        MyTag,
        on_delete=models.CASCADE,
        related_name='items',
        related_query_name='item',
    )
";

#[test]
fn taggit_through_tag() {
    let d = check(&taggit(THROUGH));
    assert_eq!(
        hits(&d, "TAG"),
        [("TAG002", 10, "'item'".to_string())],
        "{d:#?}"
    );
    let none = THROUGH
        .replace("        related_name='items',\n", "")
        .replace("        related_query_name='item',\n", "");
    let d = check(&taggit(&none));
    assert_eq!(hits(&d, "TAG").len(), 1, "{d:#?}");
    assert_eq!((hits(&d, "TAG")[0].0, hits(&d, "TAG")[0].1), ("TAG001", 6));
    let plus = THROUGH
        .replace("'items'", "'+'")
        .replace("        related_query_name='item',\n", "");
    // `+` was measured harmless (tests/oracle/README.md, ok_tag_related_name_plus).
    assert!(hits(&check(&taggit(&plus)), "TAG").is_empty());
    let none_value = THROUGH
        .replace("'items'", "None")
        .replace("        related_query_name='item',\n", "");
    assert_eq!(hits(&check(&taggit(&none_value)), "TAG")[0].2, "None");
    let right = THROUGH.replace("        related_query_name='item',\n", "");
    assert!(hits(&check(&taggit(&right)), "TAG").is_empty());
    // The docs' pattern, with the same pattern as query name: equal once interpolated.
    let pattern = THROUGH
        .replace("'items'", "'%(app_label)s_%(class)s_items'")
        .replace("'item'", "'%(app_label)s_%(class)s_items'");
    assert!(hits(&check(&taggit(&pattern)), "TAG").is_empty());
}

#[test]
fn taggit_through_argument_binds_a_plain_model() {
    let plain = "from taggit.managers import TaggableManager
from taggit.models import Tag
class Thing(models.Model):
    tags = TaggableManager(through='Link')
class Link(models.Model):
    content_object = models.ForeignKey(Thing, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
";
    let d = check(&taggit(plain));
    assert_eq!(hits(&d, "TAG").len(), 1, "{d:#?}");
    assert_eq!(hits(&d, "TAG")[0].1, 8);
}

fn oscar(models: &str) -> String {
    project(
        "'oscar.config.Shop', 'oscar.apps.catalogue.apps.CatalogueConfig', ",
        "",
        models,
    )
}

#[test]
fn oscar_forked_relation() {
    let fork = "from oscar.apps.partner.abstract_models import AbstractStockRecord
class StockRecord(AbstractStockRecord):
    product = models.ForeignKey(
        'catalogue.Product',
        on_delete=models.CASCADE,
        related_name='stock_records',
    )
";
    let d = check(&oscar(fork));
    assert_eq!(
        hits(&d, "OSC"),
        [("OSC001", 7, "'stock_records'".to_string())],
        "{d:#?}"
    );
    let o = d.iter().find(|d| d.code == "OSC001").unwrap();
    assert!(
        o.notes
            .iter()
            .any(|n| n.contains("apps/partner/abstract_models.py:103")),
        "{:#?}",
        o.notes
    );
    // No related_name: the default `stockrecord_set` / `stockrecord` is not `stockrecords`.
    let d = check(&oscar(
        &fork.replace("        related_name='stock_records',\n", ""),
    ));
    assert_eq!(hits(&d, "OSC").len(), 1, "{d:#?}");
    assert!(
        hits(
            &check(&oscar(&fork.replace("stock_records", "stockrecords"))),
            "OSC"
        )
        .is_empty()
    );
    // Oscar not used at all (not installed, not pinned): the class does not even derive.
    let d = check(&project(
        "",
        "",
        "class StockRecord(models.Model):\n    product = models.ForeignKey('x.Product', on_delete=models.CASCADE, related_name='s')\n",
    ));
    assert!(hits(&d, "OSC").is_empty(), "{d:#?}");
}

/// With part of INSTALLED_APPS unreadable and the model module not importing oscar itself (its
/// base comes through a project module), a pin and the base's name in the module's text say the
/// project uses oscar; without the pin, silent.
#[test]
fn a_pin_and_a_named_base_count_when_the_app_list_is_partly_unknown() {
    let fork = "from shop.bases import AbstractStockRecord
class StockRecord(AbstractStockRecord):
    product = models.ForeignKey('catalogue.Product', on_delete=models.CASCADE, related_name='s')
";
    let spec = format!(
        "{}# -- shop/__init__.py\n# -- shop/bases.py\nfrom oscar.apps.partner.abstract_models import AbstractStockRecord\n",
        project("", "INSTALLED_APPS += plugins()", fork)
    );
    assert!(hits(&check(&spec), "OSC").is_empty());
    let pinned = format!("{spec}# -- requirements.txt\ndjango-oscar==3.2.4\n");
    let d = check(&pinned);
    assert_eq!(hits(&d, "OSC").len(), 1, "{d:#?}");
}

#[test]
fn a_declaration_inherited_from_a_project_base_is_reported_where_written() {
    let spec = format!(
        "{}# -- accounts/base.py\nfrom django.contrib.auth.models import AbstractUser\nfrom django.db import models\nclass Base(AbstractUser):\n    groups = models.ManyToManyField('auth.Group', related_name='members', blank=True)\n    class Meta:\n        abstract = True\n",
        project(
            "",
            "AUTH_USER_MODEL = 'accounts.User'",
            "from .base import Base\nclass User(Base):\n    pass\n"
        )
    );
    let d = check(&spec);
    let a1 = d.iter().find(|d| d.code == "AUTH001").expect("AUTH001");
    assert!(
        a1.file.path.ends_with("accounts/base.py"),
        "{:?}",
        a1.file.path
    );
    assert_eq!(a1.location().row, 4);
    assert!(
        a1.related
            .iter()
            .any(|r| r.message.contains("`User` inherits this declaration")),
        "{:#?}",
        a1.related
    );
    assert!(
        a1.related.iter().any(|r| r.message.contains("set here")),
        "{:#?}",
        a1.related
    );
}

/// With part of INSTALLED_APPS unreadable, the library's app may be there: a pin says the
/// project uses it. Without the pin, silent.
#[test]
fn a_pin_counts_when_the_app_list_is_partly_unknown() {
    let renamed = "    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='my_token')\n";
    let spec = token(renamed, &format!("{DRA}\nINSTALLED_APPS += plugins()"), "");
    assert!(hits(&check(&spec), "DRA").is_empty());
    let pinned = format!("{spec}# -- requirements.txt\ndj-rest-auth==7.2.0\n");
    let d = check(&pinned);
    assert_eq!(hits(&d, "DRA").len(), 1, "{d:#?}");
    let d1 = d.iter().find(|d| d.code == "DRA001").unwrap();
    assert!(
        d1.notes
            .iter()
            .any(|n| n.contains("dj-rest-auth 7.2.0 (pinned in requirements.txt)")),
        "{:#?}",
        d1.notes
    );
}
