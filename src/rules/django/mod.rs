//! Django's own model system checks (`fields.*` → `DJF`, `models.*` → `DJM`), anticipated from
//! source on the model graph (`crate::django`), before the project can import.
//!
//! Each rule reports what Django's `manage.py check` would report, on the object Django names
//! (`app_label.Model.field`), with Django's message; its primary location is the field's
//! definition (for a field copied from a library's abstract model, the class statement of the
//! model that inherits it). Every diagnostic carries the check ID (`fields.E304`), shown as
//! `django_check` in JSON and SARIF.
//!
//! Codes: `DJF` + the number of `fields.Ennn` / `fields.Wnnn`, `DJM` + the number of
//! `models.Ennn` / `models.Wnnn`. Where Django has an Error and a Warning with the same number
//! (`fields.E340` / `fields.W340`), the Error keeps the plain code (`DJF340`) and the Warning
//! takes a `W` suffix (`DJF340W`), so `--select DJF340` selects both.
//!
//! Trust: a rule reports only what Django certainly reports. Django checks the models that
//! `apps.get_models()` returns: installed, concrete, not swapped out. A model whose app is not
//! certainly installed, whose bases the tool cannot all see (`complete` false), or whose names
//! cannot be evaluated, is not checked; a clash needs both relations `certain`.
//! `SILENCED_SYSTEM_CHECKS` (from the settings) silences by Django's ID; when it cannot be
//! read, every Django check is treated as silenced.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::django::{Field, FieldOrigin, Graph, LazyGraph, Model, ModelId, Swapped};
use crate::models::Analysis;
use crate::project::SourceModule;
use crate::rules::Rule;
use crate::settings::{Settings, Value};
use crate::syntax::Span;

pub(crate) mod field_name_clash;
pub(crate) mod field_name_double_underscore;
pub(crate) mod field_name_pk;
pub(crate) mod field_name_trailing_underscore;
pub(crate) mod foreign_key_unique;
pub(crate) mod foreign_object_target_not_unique;
pub(crate) mod invalid_related_name;
pub(crate) mod lazy_reference_missing;
pub(crate) mod m2m_db_comment;
pub(crate) mod m2m_null;
pub(crate) mod m2m_symmetrical_related_name;
pub(crate) mod m2m_table_clash;
pub(crate) mod m2m_table_clash_routed;
pub(crate) mod m2m_through_ambiguous_source;
pub(crate) mod m2m_through_ambiguous_target;
pub(crate) mod m2m_through_fields_not_foreign_key;
pub(crate) mod m2m_through_fields_not_pair;
pub(crate) mod m2m_through_fields_unknown_field;
pub(crate) mod m2m_through_missing_foreign_key;
pub(crate) mod m2m_through_not_installed;
pub(crate) mod m2m_through_self_ambiguous;
pub(crate) mod m2m_unique;
pub(crate) mod m2m_validators;
pub(crate) mod multiple_primary_keys;
pub(crate) mod parent_field_clash;
pub(crate) mod property_accessor_clash;
pub(crate) mod relation_model_not_installed;
pub(crate) mod relation_to_swapped_model;
pub(crate) mod reverse_accessor_clash;
pub(crate) mod reverse_accessor_field_clash;
pub(crate) mod reverse_query_name_clash;
pub(crate) mod reverse_query_name_double_underscore;
pub(crate) mod reverse_query_name_field_clash;
pub(crate) mod reverse_query_name_trailing_underscore;
pub(crate) mod set_default_without_default;
pub(crate) mod set_null_not_nullable;
pub(crate) mod to_field_missing;
pub(crate) mod to_field_not_unique;

mod clashes;
mod field_names;
mod m2m;
mod m2m_table;
mod model_checks;
mod on_delete;
mod related_name_checks;
mod relation_targets;
mod to_fields;

/// What the Django checks run on: the project's model graph and the silenced check IDs.
pub struct Context<'p> {
    pub graph: LazyGraph<'p>,
    /// `SILENCED_SYSTEM_CHECKS`; `None` when it cannot be read (every check may be silenced).
    pub silenced: Option<Vec<String>>,
    /// The many-to-many module's findings, shared by its checks (see [`m2m::check`]).
    pub(crate) m2m: std::sync::OnceLock<Vec<(crate::django::ModelId, usize, m2m::Finding)>>,
    /// The field-name clashes of every checked model (models.E005 and E006 come from one pass,
    /// see [`model_checks::check`]): the model, the field Django names (its index in the
    /// model's fields; `None`: the model), the check ID and the message.
    pub(crate) field_name_clashes: std::sync::OnceLock<Vec<model_checks::FieldNameClash>>,
    /// Whether the project uses each contract library (see `library::Env::uses_known`).
    pub(crate) library_uses: std::sync::OnceLock<Vec<std::sync::OnceLock<bool>>>,
}

impl Context<'_> {
    pub fn is_silenced(&self, id: &str) -> bool {
        self.silenced
            .as_ref()
            .is_none_or(|list| list.iter().any(|s| s == id))
    }
}

/// `SILENCED_SYSTEM_CHECKS` as far as it can be read: absent is empty (unknown when a library's
/// base settings are star-imported); a value, or an entry, that cannot be evaluated makes the
/// whole list unknown.
pub fn silenced_checks(settings: &Settings) -> Option<Vec<String>> {
    let Some(v) = settings.get("SILENCED_SYSTEM_CHECKS") else {
        // Unset here, but a library's base settings (star-imported) may set it.
        return settings.maybe_set_elsewhere().is_none().then(Vec::new);
    };
    match &v.value {
        Value::List(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        Value::None => Some(Vec::new()),
        _ => None,
    }
}

/// The Django context of an analysis, when Django checks run for the project.
pub(crate) fn context<'a>(ctx: &'a Analysis) -> Option<&'a Context<'a>> {
    ctx.django
}

/// Whether Django checks `model`'s fields, certainly: it is among `apps.get_models()`
/// (installed, concrete, not swapped out) and the tool sees all of it.
pub(crate) fn checked(model: &Model) -> bool {
    model.installed == Some(true)
        && !model.is_abstract
        && model.swapped == Swapped::No
        && model.complete
        && model.app_label.is_some()
}

/// `app_label.Model.field`, as Django names a field in its check output.
pub(crate) fn object(model: &Model, field: &str) -> String {
    format!(
        "{}.{}.{}",
        model.app_label.as_deref().unwrap_or("?"),
        model.name,
        field
    )
}

/// Where a field of `model` is defined in the project: its name in the class that declares it
/// (the model or an abstract parent), else (a field copied from a library's abstract model, or
/// one Django adds) the model's class name.
pub(crate) fn field_site(model: &Model, field: &Field) -> Option<(Arc<SourceModule>, Span)> {
    match &field.origin {
        FieldOrigin::Project {
            class, name_span, ..
        } => Some((class.module.clone(), *name_span)),
        _ => model
            .class()
            .map(|c| (c.module.clone(), c.info().name_span)),
    }
}

/// For Django's check `id`, unless the settings silence it: every field of every model Django
/// checks whose class the project declares, given to `f` with its model; what `f` reports.
pub(crate) fn each_checked_field<I: IntoIterator<Item = Diagnostic>>(
    ctx: &Analysis,
    id: &str,
    mut f: impl FnMut(&Context, &Graph, ModelId, &Model, &Field) -> I,
) -> Vec<Diagnostic> {
    let Some(dj) = context(ctx) else {
        return Vec::new();
    };
    if dj.is_silenced(id) {
        return Vec::new();
    }
    let graph = dj.graph.get();
    let mut out = Vec::new();
    for (mi, model, _, field) in checked_fields(graph) {
        out.extend(f(dj, graph, mi, model, field));
    }
    out
}

/// The fields Django checks, in the graph's order: each with its model and its index there.
pub(crate) fn checked_fields(
    graph: &Graph,
) -> impl Iterator<Item = (ModelId, &Model, usize, &Field)> {
    graph
        .models
        .iter()
        .enumerate()
        .filter(|(_, model)| checked(model) && model.class().is_some())
        .flat_map(|(mi, model)| {
            model
                .fields
                .iter()
                .enumerate()
                .map(move |(fi, field)| (ModelId(mi), model, fi, field))
        })
}

/// The diagnostic of Django's check `id` on `field` of model `mi`, at the field's definition,
/// with a note naming the abstract parent it is copied from; `None` when silenced or when the
/// field has no place in the project.
#[allow(clippy::too_many_arguments)]
pub(crate) fn field_diag(
    dj: &Context,
    graph: &Graph,
    rule: Rule,
    id: &'static str,
    mi: ModelId,
    field: &Field,
    message: String,
    hint: String,
) -> Option<Diagnostic> {
    let model = graph.model(mi);
    let site = field_site(model, field)?;
    let d = django_diag(
        dj,
        rule,
        id,
        site,
        object(model, &field.name),
        message,
        hint,
    )?;
    Some(match inherited_note(graph, mi, field) {
        Some(note) => d.note(note),
        None => d,
    })
}

/// A diagnostic of a Django check, unless the settings silence it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn django_diag(
    ctx: &Context,
    rule: Rule,
    id: &'static str,
    site: (Arc<SourceModule>, Span),
    object: String,
    message: String,
    hint: String,
) -> Option<Diagnostic> {
    if ctx.is_silenced(id) {
        return None;
    }
    let (module, span) = site;
    Some(
        super::diag(
            rule,
            Severity::Error,
            &module,
            span,
            format!("{object}: ({id}) {message}"),
        )
        .help(hint)
        .django_check(id, object),
    )
}

/// Notes a diagnostic about a field defined elsewhere than the model it is reported for: the
/// model inherits it.
pub(crate) fn inherited_note(graph: &Graph, id: ModelId, field: &Field) -> Option<String> {
    let model = graph.model(id);
    match &field.origin {
        FieldOrigin::Project { class, .. } if model.class().is_some_and(|c| !c.same(class)) => {
            Some(format!(
                "`{}` inherits `{}` from the abstract model `{}`.",
                model.name,
                field.name,
                class.info().name
            ))
        }
        FieldOrigin::Builtin { model: m, .. } => Some(format!(
            "`{}` inherits `{}` from Django's `{}.{}`.",
            model.name, field.name, m.module, m.name
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary};

    const PROJECT: &str = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog']\n";

    fn project(settings: &str, models: &str) -> String {
        format!(
            "{PROJECT}{settings}\n# -- blog/__init__.py\n# -- blog/models.py\nfrom django.db import models\n{models}"
        )
    }

    const CLASH: &str = "class Post(models.Model):\n    a = models.ForeignKey('auth.User', models.CASCADE, related_name='posts')\n    b = models.ForeignKey('auth.User', models.CASCADE, related_name='posts')  # noqa: DJF304\n";

    #[test]
    fn noqa_and_silenced_system_checks_suppress() {
        let d = check(&project("", CLASH));
        let got: Vec<_> = summary(&d).into_iter().map(|(c, l, _)| (c, l)).collect();
        // Line 4 (`b`) keeps its DJF305; its DJF304 is under noqa.
        assert_eq!(got, [("DJF304", 3), ("DJF305", 3), ("DJF305", 4)], "{d:#?}");
        assert_eq!(d[0].django.as_ref().unwrap().object, "blog.Post.a");
        let d = check(&project("SILENCED_SYSTEM_CHECKS = ['fields.E305']", CLASH));
        let got: Vec<_> = summary(&d).into_iter().map(|(c, l, _)| (c, l)).collect();
        assert_eq!(got, [("DJF304", 3)]);
        // A list the tool cannot read may silence anything: every Django check is silent.
        let d = check(&project("SILENCED_SYSTEM_CHECKS = get_silenced()", CLASH));
        assert!(d.iter().all(|d| d.django.is_none()), "{d:#?}");
    }

    #[test]
    fn an_app_list_with_unknown_entries_keeps_the_known_ones_checked() {
        let d = check(&project("INSTALLED_APPS += plugins()", CLASH));
        assert!(d.iter().any(|d| d.code == "DJF304"), "{d:#?}");
    }

    /// A custom user model beside `auth.User` clashes only when AUTH_USER_MODEL does not name
    /// it; settings that star-import a library's base settings may set it there: unknown, silent.
    #[test]
    fn a_swappable_setting_a_library_base_may_set_is_unknown() {
        let user = "from django.contrib.auth.models import AbstractUser\nclass User(AbstractUser):\n    pass\n";
        let d = check(&project("", user));
        assert!(d.iter().any(|d| d.code == "DJF304"), "{d:#?}");
        // (SILENCED_SYSTEM_CHECKS set here, so that only AUTH_USER_MODEL is unknown.)
        let d = check(&project(
            "from somelib.settings.base import *\nSILENCED_SYSTEM_CHECKS = []",
            user,
        ));
        assert!(d.iter().all(|d| d.django.is_none()), "{d:#?}");
        // SILENCED_SYSTEM_CHECKS unset: the library's base may set it too.
        let d = check(&project(
            "from somelib.settings.base import *\nAUTH_USER_MODEL = 'auth.User'",
            user,
        ));
        assert!(d.iter().all(|d| d.django.is_none()), "{d:#?}");
        let d = check(&project(
            "from somelib.settings.base import *\nAUTH_USER_MODEL = 'blog.User'",
            user,
        ));
        assert!(d.iter().all(|d| d.django.is_none()), "{d:#?}");
    }
}
