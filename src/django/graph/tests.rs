//! The graph on small in-memory projects. Every Django behaviour asserted here was checked with
//! the real Django (4.2.30 and 5.2.19) by `tests/oracle/django_names.py`.

use super::*;
use crate::django::Name;
use crate::project::fixture;

const SETTINGS: &str = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\n";

/// The graph of a project: `settings` lines, then the other files; `modules` are the
/// candidate modules.
fn graph(settings: &str, files: &str, modules: &[&str]) -> (tempfile::TempDir, Graph) {
    let (dir, project) = fixture(&format!("{SETTINGS}{settings}\n{files}"));
    let (settings, apps) = settings_and_apps(&project);
    let modules = modules
        .iter()
        .map(|m| project.module(m).expect("module"))
        .collect();
    let g = Graph::build(&Inputs {
        project: &project,
        settings: Some(&settings),
        apps: &apps,
        modules,
        django: Version(5, 2, 0),
        focus: None,
    });
    (dir, g)
}

/// The project's settings (found as `manage.py` names them) and installed apps.
fn settings_and_apps(
    project: &crate::project::Project,
) -> (crate::settings::Settings, crate::settings::Apps) {
    let discovery = crate::settings::find_settings_module(project, None, true, true);
    let settings = discovery
        .as_ref()
        .and_then(|d| crate::settings::load_settings(project, d))
        .expect("settings");
    let apps = crate::settings::installed_apps(project, &settings);
    (settings, apps)
}

const APPS: &str =
    "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog', 'shop']";

fn id(g: &Graph, label: &str, name: &str) -> ModelId {
    g.by_label(label, name)
        .or_else(|| {
            g.models
                .iter()
                .position(|m| m.name == name && m.app_label.as_deref() == Some(label))
                .map(ModelId)
        })
        .unwrap_or_else(|| panic!("no model {label}.{name}"))
}

/// `(accessor, query)` of a model's field.
fn names(g: &Graph, model: ModelId, field: &str) -> (Option<String>, Option<String>) {
    let f = g.model(model).field(field).expect("field");
    let n = f.relation.as_ref().unwrap().names.as_ref().unwrap();
    (
        n.accessor
            .as_ref()
            .and_then(|a| a.known().map(str::to_string)),
        n.query.known().map(str::to_string),
    )
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

/// `(model.field, accessor, query)` of every relation pointing at `target`.
fn table(g: &Graph, target: ModelId) -> Vec<(String, Option<String>, Option<String>)> {
    let mut rows: Vec<_> = g
        .reverse_relations(target)
        .iter()
        .map(|e| {
            (
                format!("{}.{}", g.model(e.model).name, g.entry_field(e).name),
                e.names
                    .accessor
                    .as_ref()
                    .and_then(|a| a.known().map(str::to_string)),
                e.names.query.known().map(str::to_string),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn class_placeholder_in_an_abstract_base_of_another_module_names_each_child() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/base.py\nfrom django.db import models\n\
         class Authored(models.Model):\n    author = models.ForeignKey('auth.User', on_delete=models.CASCADE, related_name='%(app_label)s_%(class)s_set', related_query_name='%(class)ss')\n    class Meta:\n        abstract = True\n\
         # -- blog/models.py\nfrom .base import Authored\n\
         class Post(Authored):\n    pass\n\
         # -- shop/__init__.py\n\
         # -- shop/models.py\nfrom blog.base import Authored\n\
         class Review(Authored):\n    pass\n",
        &["blog.models", "shop.models"],
    );
    let post = id(&g, "blog", "Post");
    let review = id(&g, "shop", "Review");
    assert_eq!(names(&g, post, "author"), (s("blog_post_set"), s("posts")));
    assert_eq!(
        names(&g, review, "author"),
        (s("shop_review_set"), s("reviews"))
    );
    // The abstract base has no reverse names of its own.
    let base = g
        .models
        .iter()
        .find(|m| m.name == "Authored")
        .expect("abstract base");
    assert!(base.is_abstract);
    assert!(base.fields[0].relation.as_ref().unwrap().names.is_none());
    let user = id(&g, "auth", "User");
    assert_eq!(
        table(&g, user),
        [
            ("Post.author".into(), s("blog_post_set"), s("posts")),
            ("Review.author".into(), s("shop_review_set"), s("reviews")),
        ]
    );
}

#[test]
fn default_names_by_kind_and_related_query_name_diverging() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.db import models\n\
         class Author(models.Model):\n    pass\n\
         class BlogPost(models.Model):\n    fk = models.ForeignKey(Author, models.CASCADE)\n    o2o = models.OneToOneField('Author', models.CASCADE, related_name='+')\n    m2m = models.ManyToManyField('blog.Author', related_name='tagged')\n    rq = models.ForeignKey(Author, models.CASCADE, related_name='written', related_query_name='writer')\n    hidden_m2m = models.ManyToManyField(Author, related_name='+')\n\
         class Profile(models.Model):\n    author = models.OneToOneField(Author, models.CASCADE)\n",
        &["blog.models"],
    );
    let post = id(&g, "blog", "BlogPost");
    assert_eq!(names(&g, post, "fk"), (s("blogpost_set"), s("blogpost")));
    assert_eq!(names(&g, post, "o2o"), (s("+"), s("+")));
    assert_eq!(names(&g, post, "m2m"), (s("tagged"), s("tagged")));
    assert_eq!(names(&g, post, "rq"), (s("written"), s("writer")));
    let profile = id(&g, "blog", "Profile");
    assert_eq!(names(&g, profile, "author"), (s("profile"), s("profile")));
    // A bare "Author" is in the model's own app; a class and "blog.Author" are the same.
    let author = id(&g, "blog", "Author");
    for f in ["fk", "o2o", "m2m", "rq"] {
        let rel = g.model(post).field(f).unwrap().relation.as_ref().unwrap();
        assert_eq!(rel.target, Target::Model(author), "{f}");
    }
    // Django compares hidden relations only when many-to-many.
    let candidates: Vec<String> = g
        .clash_candidates(author)
        .iter()
        .map(|e| g.entry_field(e).name.clone())
        .collect();
    assert_eq!(
        names(&g, post, "hidden_m2m"),
        (
            s("_blog_blogpost_hidden_m2m_+"),
            s("_blog_blogpost_hidden_m2m_+")
        )
    );
    assert!(!candidates.contains(&"o2o".to_string()));
    assert!(candidates.contains(&"hidden_m2m".to_string()));
    assert_eq!(g.reverse_relations(author).len(), 6);
    assert_eq!(candidates.len(), 5);
}

#[test]
fn default_related_name_follows_meta_inheritance() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.db import models\n\
         class Tag(models.Model):\n    pass\n\
         class Base(models.Model):\n    tag = models.ForeignKey(Tag, models.CASCADE)\n    class Meta:\n        abstract = True\n        default_related_name = '%(model_name)s_items'\n        ordering = ['tag']\n\
         class NoMeta(Base):\n    pass\n\
         class OwnMeta(Base):\n    class Meta:\n        verbose_name = 'x'\n\
         class SubMeta(Base):\n    class Meta(Base.Meta):\n        verbose_name = 'x'\n\
         class Named(Base):\n    tag = models.ForeignKey(Tag, models.CASCADE, related_name='named')\n",
        &["blog.models"],
    );
    let no_meta = id(&g, "blog", "NoMeta");
    assert!(!g.model(no_meta).is_abstract, "abstract is never inherited");
    assert_eq!(
        names(&g, no_meta, "tag"),
        (s("nometa_items"), s("nometa_items"))
    );
    let own = id(&g, "blog", "OwnMeta");
    assert_eq!(names(&g, own, "tag"), (s("ownmeta_set"), s("ownmeta")));
    assert!(g.model(own).meta.get("ordering").is_none());
    let sub = id(&g, "blog", "SubMeta");
    assert_eq!(
        names(&g, sub, "tag"),
        (s("submeta_items"), s("submeta_items"))
    );
    assert!(g.model(sub).meta.get("ordering").is_some());
    assert!(g.model(sub).meta.get("abstract").is_none());
    let named = id(&g, "blog", "Named");
    assert_eq!(names(&g, named, "tag"), (s("named"), s("named")));
    // The re-declared field replaced the inherited one, once.
    assert_eq!(
        g.model(named)
            .fields
            .iter()
            .filter(|f| f.name == "tag")
            .count(),
        1
    );
}

#[test]
fn symmetrical_self_many_to_many_has_no_accessor() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.db import models\n\
         class Person(models.Model):\n    friends = models.ManyToManyField('self')\n    follows = models.ManyToManyField('self', symmetrical=False)\n    peers = models.ManyToManyField('Person', related_name='peer_of')\n",
        &["blog.models"],
    );
    let p = id(&g, "blog", "Person");
    let friends = g
        .model(p)
        .field("friends")
        .unwrap()
        .relation
        .as_ref()
        .unwrap();
    let n = friends.names.as_ref().unwrap();
    assert_eq!(n.accessor, None);
    assert_eq!(n.query, Name::Known("friends_rel_+".into()));
    assert_eq!(n.hidden, Some(true));
    assert_eq!(names(&g, p, "follows"), (s("person_set"), s("person")));
    // `to="Person"` is not symmetrical by default (only "self" is).
    assert_eq!(names(&g, p, "peers"), (s("peer_of"), s("peer_of")));
}

#[test]
fn a_custom_user_swaps_auth_user_out_and_keeps_the_mixin_names() {
    let files = "# -- accounts/__init__.py\n\
         # -- accounts/models.py\nfrom django.conf import settings\nfrom django.contrib.auth.models import AbstractUser\nfrom django.db import models\n\
         class User(AbstractUser):\n    groups = models.ManyToManyField('auth.Group', related_name='custom_user_groups', blank=True)\n    first_name = None\n\
         class Note(models.Model):\n    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)\n";
    let apps =
        "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'accounts']\n";
    let (_d, g) = graph(
        &format!("{apps}AUTH_USER_MODEL = 'accounts.User'\n"),
        files,
        &["accounts.models"],
    );
    let auth_user = g.of_qualname("django.contrib.auth.models.User").unwrap();
    assert_eq!(
        g.model(auth_user).swapped,
        Swapped::For("accounts.User".into())
    );
    let mine = id(&g, "accounts", "User");
    assert_eq!(g.model(mine).swapped, Swapped::No);
    let m = g.model(mine);
    // AbstractUser's fields, PermissionsMixin's and AbstractBaseUser's, minus first_name.
    for f in [
        "username",
        "password",
        "last_login",
        "is_superuser",
        "user_permissions",
        "is_active",
    ] {
        assert!(m.field(f).is_some(), "{f}");
    }
    assert!(m.field("first_name").is_none());
    let mut all: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
    all.sort();
    assert_eq!(
        all,
        [
            "date_joined",
            "email",
            "groups",
            "id",
            "is_active",
            "is_staff",
            "is_superuser",
            "last_login",
            "last_name",
            "password",
            "user_permissions",
            "username"
        ]
    );
    assert_eq!(m.removed, ["first_name"]);
    assert_eq!(
        names(&g, mine, "groups"),
        (s("custom_user_groups"), s("custom_user_groups"))
    );
    assert_eq!(
        names(&g, mine, "user_permissions"),
        (s("user_set"), s("user"))
    );
    // Only the active user model's relations point at Group; auth.User's are swapped out.
    let group = g.of_qualname("django.contrib.auth.models.Group").unwrap();
    assert_eq!(
        table(&g, group),
        [(
            "User.groups".into(),
            s("custom_user_groups"),
            s("custom_user_groups")
        )]
    );
    assert!(g.reverse_relations(group).iter().all(|e| e.certain));
    // settings.AUTH_USER_MODEL resolves through the setting.
    let note = id(&g, "accounts", "Note");
    let owner = g
        .model(note)
        .field("owner")
        .unwrap()
        .relation
        .as_ref()
        .unwrap();
    assert_eq!(owner.target, Target::Model(mine));
    assert_eq!(owner.via, TargetVia::Setting("AUTH_USER_MODEL".into()));
}

#[test]
fn without_the_setting_auth_user_model_is_auth_user() {
    let (_d, g) = graph(
        "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog']",
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.conf import settings\nfrom django.db import models\n\
         class Note(models.Model):\n    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)\n",
        &["blog.models"],
    );
    let user = g.of_qualname("django.contrib.auth.models.User").unwrap();
    assert_eq!(g.model(user).swapped, Swapped::No);
    let note = id(&g, "blog", "Note");
    let owner = g
        .model(note)
        .field("owner")
        .unwrap()
        .relation
        .as_ref()
        .unwrap();
    assert_eq!(owner.target, Target::Model(user));
    // auth.User's own relations point at Group, with Django's names.
    let group = g.of_qualname("django.contrib.auth.models.Group").unwrap();
    assert_eq!(
        table(&g, group),
        [("User.groups".into(), s("user_set"), s("user"))]
    );
    assert_eq!(
        table(&g, user),
        [("Note.owner".into(), s("note_set"), s("note"))]
    );
    // Permission has both auth.User's and Group's relations.
    let perm = g
        .of_qualname("django.contrib.auth.models.Permission")
        .unwrap();
    assert_eq!(
        table(&g, perm),
        [
            ("Group.permissions".into(), s("group_set"), s("group")),
            ("User.user_permissions".into(), s("user_set"), s("user")),
        ]
    );
}

#[test]
fn multi_table_children_get_a_parent_link_and_inherit_reverse_relations() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.db import models\n\
         class Place(models.Model):\n    class Meta:\n        ordering = ['pk']\n\
         class Restaurant(Place):\n    pass\n\
         class Visit(models.Model):\n    place = models.ForeignKey(Place, models.CASCADE)\n\
         class PlaceProxy(Place):\n    class Meta:\n        proxy = True\n\
         class Tip(models.Model):\n    place = models.ForeignKey(PlaceProxy, models.CASCADE)\n",
        &["blog.models"],
    );
    let place = id(&g, "blog", "Place");
    let restaurant = id(&g, "blog", "Restaurant");
    assert_eq!(g.model(restaurant).parents, [place]);
    assert_eq!(
        names(&g, restaurant, "place_ptr"),
        (s("restaurant"), s("restaurant"))
    );
    // ordering comes from the concrete parent.
    assert!(matches!(
        g.model(restaurant).meta.get("ordering").map(|a| &a.origin),
        Some(MetaOrigin::Parent(p)) if *p == place
    ));
    // A relation to a proxy belongs to the concrete model; no ptr on the proxy.
    assert_eq!(
        table(&g, place),
        [
            (
                "Restaurant.place_ptr".into(),
                s("restaurant"),
                s("restaurant")
            ),
            ("Tip.place".into(), s("tip_set"), s("tip")),
            ("Visit.place".into(), s("visit_set"), s("visit")),
        ]
    );
    assert!(
        g.model(id(&g, "blog", "PlaceProxy"))
            .field("place_ptr")
            .is_none()
    );
    // The child sees the parent's reverse relations, parent links aside.
    assert_eq!(
        table(&g, restaurant),
        [
            ("Tip.place".into(), s("tip_set"), s("tip")),
            ("Visit.place".into(), s("visit_set"), s("visit")),
        ]
    );
}

#[test]
fn app_label_comes_from_meta_inherited_or_the_installed_app() {
    let (_d, g) = graph(
        "INSTALLED_APPS = ['django.contrib.auth', 'blog.apps.BlogConfig', 'shop']",
        "# -- blog/__init__.py\n\
         # -- blog/apps.py\nfrom django.apps import AppConfig\nclass BlogConfig(AppConfig):\n    name = 'blog'\n    label = 'weblog'\n\
         # -- blog/models.py\nfrom django.db import models\n\
         class Base(models.Model):\n    class Meta:\n        abstract = True\n        app_label = 'shop'\n\
         class Post(models.Model):\n    tag = models.ForeignKey('Item', models.CASCADE)\n\
         class Moved(Base):\n    pass\n\
         # -- loose/__init__.py\n\
         # -- loose/models.py\nfrom django.db import models\nclass Orphan(models.Model):\n    pass\n",
        &["blog.models", "loose.models"],
    );
    let post = g.models.iter().find(|m| m.name == "Post").unwrap();
    assert_eq!(post.app_label.as_deref(), Some("weblog"));
    assert_eq!(post.installed, Some(true));
    // A bare name is looked up in the model's app, which has no Item.
    assert_eq!(
        post.field("tag").unwrap().relation.as_ref().unwrap().target,
        Target::Label {
            label: "weblog".into(),
            model: "Item".into()
        }
    );
    let moved = g.models.iter().find(|m| m.name == "Moved").unwrap();
    assert_eq!(moved.app_label.as_deref(), Some("shop"));
    let orphan = g.models.iter().find(|m| m.name == "Orphan").unwrap();
    assert_eq!(orphan.installed, Some(false));
}

#[test]
fn a_model_on_an_unknown_base_is_incomplete_and_unknown_names_stay_unknown() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.db import models\nfrom wagtail.models import Page\nfrom .names import dynamic\n\
         class Article(Page):\n    pass\n\
         class Post(models.Model):\n    page = models.ForeignKey(Article, models.CASCADE, related_name=dynamic())\n",
        &["blog.models"],
    );
    let article = id(&g, "blog", "Article");
    assert!(!g.model(article).complete);
    let post = id(&g, "blog", "Post");
    let n = g
        .model(post)
        .field("page")
        .unwrap()
        .relation
        .as_ref()
        .unwrap()
        .names
        .clone()
        .unwrap();
    assert_eq!(n.query, Name::Unknown);
    assert_eq!(n.hidden, None);
    assert!(g.reverse_relations(article).iter().all(|e| !e.certain));
}

#[test]
fn generic_relations_are_hidden_unless_they_have_a_query_name() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation\n\
         from django.contrib.contenttypes.models import ContentType\nfrom django.db import models\n\
         class Tagged(models.Model):\n    content_type = models.ForeignKey(ContentType, models.CASCADE)\n    object_id = models.PositiveIntegerField()\n    obj = GenericForeignKey()\n\
         class Post(models.Model):\n    tags = GenericRelation(Tagged)\n    named = GenericRelation(Tagged, related_query_name='%(class)s_post')\n",
        &["blog.models"],
    );
    let post = id(&g, "blog", "Post");
    assert_eq!(names(&g, post, "tags"), (s("+"), s("+")));
    assert_eq!(names(&g, post, "named"), (s("post_post"), s("post_post")));
    let tagged = id(&g, "blog", "Tagged");
    assert!(g.model(tagged).field("obj").unwrap().relation.is_none());
    let candidates: Vec<String> = g
        .clash_candidates(tagged)
        .iter()
        .map(|e| g.entry_field(e).name.clone())
        .collect();
    assert_eq!(candidates, ["named"]);
    let ct = g
        .of_qualname("django.contrib.contenttypes.models.ContentType")
        .unwrap();
    assert!(table(&g, ct).contains(&("Tagged.content_type".into(), s("tagged_set"), s("tagged"))));
}

#[test]
fn managers_choices_and_field_classes_are_not_models() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.db import models\n\
         class PostManager(models.Manager):\n    pass\n\
         class Status(models.TextChoices):\n    DRAFT = 'd'\n\
         class Slug(models.CharField):\n    pass\n\
         class Mixin:\n    slug = None\n\
         class Base(models.Model):\n    slug = Slug(max_length=5)\n    class Meta:\n        abstract = True\n\
         class Post(Mixin, Base):\n    objects = PostManager()\n    status = models.CharField(choices=Status.choices)\n",
        &["blog.models"],
    );
    let names: Vec<&str> = g.models.iter().map(|m| m.name.as_str()).collect();
    for not_model in ["PostManager", "Status", "Slug", "Mixin"] {
        assert!(!names.contains(&not_model), "{not_model}");
    }
    let post = g.model(id(&g, "blog", "Post"));
    // A project field class is a field of its Django ancestor's kind; a non-model mixin's
    // attribute earlier in the MRO hides the abstract parent's field.
    assert!(post.field("status").is_some());
    assert!(post.field("objects").is_none());
    assert!(post.field("slug").is_none());
    let base = g.models.iter().find(|m| m.name == "Base").unwrap();
    assert_eq!(base.field("slug").unwrap().kind, "CharField");
}

#[test]
fn the_lazy_graph_is_built_on_first_use() {
    let (_d, project) = fixture("# -- a/models.py\nx = 1\n");
    let apps = Apps::default();
    let lazy = LazyGraph::new(Inputs {
        project: &project,
        settings: None,
        apps: &apps,
        modules: vec![project.module("a.models").unwrap()],
        django: Version(4, 2, 0),
        focus: None,
    });
    assert!(!lazy.is_built());
    let user = lazy
        .get()
        .of_qualname("django.contrib.auth.models.User")
        .unwrap();
    assert!(lazy.is_built());
    // Without settings, whether it is installed or swapped cannot be told.
    assert_eq!(lazy.get().model(user).installed, None);
    assert!(matches!(
        lazy.get().model(user).swapped,
        Swapped::Unknown(_)
    ));
}

#[test]
fn contrib_models_follow_the_user_setting_and_their_own_primary_keys() {
    let (_d, g) = graph(
        "INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', \
         'django.contrib.contenttypes', 'django.contrib.sessions', 'django.contrib.sites', \
         'django.contrib.flatpages', 'accounts']\nAUTH_USER_MODEL = 'accounts.User'",
        "# -- accounts/__init__.py\n\
         # -- accounts/models.py\nfrom django.contrib.auth.models import AbstractUser\n\
         from django.contrib.sessions.base_session import AbstractBaseSession\n\
         class User(AbstractUser):\n    pass\n\
         class Visit(AbstractBaseSession):\n    pass\n",
        &["accounts.models"],
    );
    let mine = id(&g, "accounts", "User");
    // admin's LogEntry.user is `settings.AUTH_USER_MODEL`: the custom user model.
    let log = g
        .of_qualname("django.contrib.admin.models.LogEntry")
        .unwrap();
    assert_eq!(g.model(log).installed, Some(true));
    let user = g
        .model(log)
        .field("user")
        .unwrap()
        .relation
        .as_ref()
        .unwrap();
    assert_eq!(user.target, Target::Model(mine));
    assert_eq!(user.via, TargetVia::Setting("AUTH_USER_MODEL".into()));
    assert!(table(&g, mine).contains(&("LogEntry.user".into(), s("logentry_set"), s("logentry"))));
    // flatpages' many-to-many to Site; redirects is not installed.
    let site = g.of_qualname("django.contrib.sites.models.Site").unwrap();
    assert_eq!(
        table(&g, site),
        [("FlatPage.sites".into(), s("flatpage_set"), s("flatpage"))]
    );
    let redirect = g
        .of_qualname("django.contrib.redirects.models.Redirect")
        .unwrap();
    assert_eq!(g.model(redirect).installed, Some(false));
    // A session model's key is `session_key`: no automatic `id`, in Django's and in a copy.
    let session = g
        .of_qualname("django.contrib.sessions.models.Session")
        .unwrap();
    for m in [session, id(&g, "accounts", "Visit")] {
        assert!(g.model(m).field("id").is_none());
        assert!(g.model(m).field("session_key").is_some());
    }
    // db_table comes from the data.
    assert_eq!(
        g.model(session).meta.get("db_table").map(|a| &a.value),
        Some(&Lit::Str("django_session".into()))
    );
}

/// A focused build adds modules round by round to the same builder: the graph of the rounds is
/// the graph of all the modules at once (models, relations, reverse names, reverse table).
#[test]
fn a_graph_built_in_rounds_is_the_graph_built_at_once() {
    let (_dir, project) = fixture(&format!(
        "{SETTINGS}{APPS}\n\
         # -- blog/__init__.py\n\
         # -- blog/base.py\nfrom django.db import models\n\
         class Authored(models.Model):\n    author = models.ForeignKey('auth.User', on_delete=models.CASCADE, related_name='%(app_label)s_%(class)s_set')\n    class Meta:\n        abstract = True\n\
         # -- blog/models.py\nfrom django.db import models\nfrom .base import Authored\n\
         class Post(Authored):\n    pass\n\
         class Place(models.Model):\n    pass\n\
         # -- shop/__init__.py\n\
         # -- shop/models.py\nfrom django.db import models\nfrom blog.base import Authored\n\
         class Review(Authored):\n    post = models.ForeignKey('blog.Post', on_delete=models.CASCADE)\n\
         class Restaurant(Authored, models.Model):\n    place = models.OneToOneField('blog.Place', on_delete=models.CASCADE, related_name='post')\n"
    ));
    let (settings, apps) = settings_and_apps(&project);
    let blog = project.module("blog.models").expect("blog");
    let shop = project.module("shop.models").expect("shop");
    let inputs = Inputs {
        project: &project,
        settings: Some(&settings),
        apps: &apps,
        modules: vec![blog.clone(), shop.clone()],
        django: Version(5, 2, 0),
        focus: None,
    };
    let at_once = Graph::build_from(&inputs, &inputs.modules);
    let mut builder = Builder::new(&inputs);
    builder.visit_modules(&[blog]);
    let first = builder.graph_so_far();
    builder.visit_modules(&[shop]);
    let in_rounds = builder.into_graph();
    assert!(first.models.len() < at_once.models.len());
    assert_eq!(
        format!("{:?}", in_rounds.models),
        format!("{:?}", at_once.models)
    );
    assert_eq!(
        format!("{:?}", in_rounds.reverse),
        format!("{:?}", at_once.reverse)
    );
    let mut a: Vec<_> = in_rounds.by_class.iter().collect();
    let mut b: Vec<_> = at_once.by_class.iter().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn a_project_field_keeps_what_its_callee_resolves_to() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/fields.py\nfrom django.db import models\n\
         class Slug(models.CharField):\n    pass\n\
         # -- blog/models.py\nfrom django.db import models\nfrom django.db.models import ForeignKey as FK\n\
         from .fields import Slug\n\
         class Tag(models.Model):\n    pass\n\
         class Post(models.Model):\n    tag = FK(Tag, on_delete=models.CASCADE)\n    \
         title = models.CharField(max_length=5)\n    slug = Slug(max_length=5)\n",
        &["blog.models"],
    );
    let post = g.model(id(&g, "blog", "Post"));
    let callee = |name: &str| match &post.field(name).expect(name).origin {
        FieldOrigin::Project { callee, .. } => callee.clone(),
        other => panic!("{other:?}"),
    };
    // Through the import's alias, to Django's class; a project field class by its own name.
    assert_eq!(
        callee("tag").as_deref(),
        Some("django.db.models.ForeignKey")
    );
    assert_eq!(
        callee("title").as_deref(),
        Some("django.db.models.CharField")
    );
    assert_eq!(callee("slug").as_deref(), Some("blog.fields.Slug"));
    assert!(matches!(
        post.field("id").map(|f| &f.origin),
        Some(FieldOrigin::AutoPrimaryKey)
    ));
}

#[test]
fn a_relation_s_reverse_entry_is_the_one_its_target_lists() {
    let (_d, g) = graph(
        APPS,
        "# -- blog/__init__.py\n\
         # -- blog/models.py\nfrom django.db import models\n\
         class Place(models.Model):\n    pass\n\
         class Restaurant(Place):\n    pass\n\
         class PlaceProxy(Place):\n    class Meta:\n        proxy = True\n\
         class Visit(models.Model):\n    place = models.ForeignKey(Place, models.CASCADE)\n    \
         shop = models.ForeignKey(Restaurant, models.CASCADE, related_name='visits')\n\
         class Tip(models.Model):\n    place = models.ForeignKey(PlaceProxy, models.CASCADE)\n",
        &["blog.models"],
    );
    let mut checked = 0;
    for (mi, model) in g.models.iter().enumerate() {
        for (fi, field) in model.fields.iter().enumerate() {
            let Some(Relation {
                target: Target::Model(t),
                ..
            }) = &field.relation
            else {
                continue;
            };
            let listed = g
                .reverse_relations(*t)
                .into_iter()
                .find(|e| e.model == ModelId(mi) && e.field == fi);
            let direct = g.reverse_entry(*t, ModelId(mi), fi);
            assert!(
                match (listed, direct) {
                    (Some(a), Some(b)) => std::ptr::eq(a, b),
                    (None, None) => true,
                    _ => false,
                },
                "{}.{}",
                model.name,
                field.name
            );
            checked += usize::from(direct.is_some());
        }
    }
    // Visit.place, Visit.shop, Tip.place (through the proxy), Restaurant.place_ptr.
    assert!(checked >= 4, "{checked}");
}
