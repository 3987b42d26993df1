//! `RelatedField._check_relation_model_exists` and `_check_referencing_to_swapped_model`
//! (django/db/models/fields/related.py:385-430, Django 5.2.19; the same in 4.2.30), and the
//! field errors of `django.core.checks.model_checks._check_lazy_references` (model_checks.py:
//! 149-159): a relation to a model Django does not register.
//!
//! - fields.E300: the target is not among `apps.get_models()`: a string naming no installed
//!   model, or an abstract model (by class or by string). Django names the target as written
//!   (the string, or the class's `object_name`).
//! - fields.E307: the lazy operation that resolves the target never ran (the model key
//!   `app_label.modelname` was never registered). Reported on the field, and, for a
//!   many-to-many field without `through`, on the `to` field of the auto-created intermediary
//!   model (`<Model>_<field>.<target model name>`), which waits for the same model.
//! - fields.E301: the target is a model swapped out by its setting (`auth.User` while
//!   `AUTH_USER_MODEL` names another model).
//!
//! A `GenericRelation` is a private field, which `Model._check_fields` does not check: it gets
//! E307 only.
//!
//! Trust: the target must be certainly missing. A string whose app label is an installed app
//! of the project counts as missing only when no class of that name (in any case) is among the
//! modules read and the name is not one a library may generate from a model of the app
//! (`HistoricalPost`); a label of no installed app only when the whole `INSTALLED_APPS` is
//! known and holds no library app other than Django's own (a library's AppConfig may set any
//! label). A library app the tool cannot see, a target that is an expression, a setting:
//! silence.

use crate::diagnostic::Diagnostic;
use crate::django::{
    Field, FieldOrigin, Graph, Model, ModelId, ModelSource, RelKind, Swapped, Target, TargetVia,
};
use crate::models::Analysis;
use crate::rules::Rule;

use super::{Context, field_site, object};

/// One finding on a relation field: the check ID, the object Django names, the message.
pub(crate) struct Finding {
    pub id: &'static str,
    pub object: String,
    pub message: String,
    pub hint: String,
}

pub(crate) fn check(ctx: &Analysis, code: Rule, id: &'static str) -> Vec<Diagnostic> {
    super::each_checked_field(ctx, id, |dj, graph, mi, model, field| {
        findings(dj, ctx, graph, model, field)
            .into_iter()
            .filter(|f| f.id == id)
            .filter_map(|f| diagnostic(dj, graph, code, mi, field, f))
            .collect::<Vec<_>>()
    })
}

fn diagnostic(
    dj: &Context,
    graph: &Graph,
    code: Rule,
    mi: ModelId,
    field: &Field,
    f: Finding,
) -> Option<Diagnostic> {
    let model = graph.model(mi);
    let site = field_site(model, field)?;
    let mut d = super::django_diag(dj, code, f.id, site, f.object, f.message, f.hint)?;
    if let Some(note) = super::inherited_note(graph, mi, field) {
        d = d.note(note);
    }
    Some(d)
}

/// Why a lazy reference `app_label.modelname` never resolves, as `app_model_error` words it;
/// `None` when the tool cannot be sure it does not.
fn missing_reason(
    dj: &Context,
    ctx: &Analysis,
    graph: &Graph,
    label: &str,
    model: &str,
) -> Option<String> {
    let inputs = dj.graph.inputs();
    inputs.settings?;
    match inputs.apps.known.iter().find(|a| a.label == label) {
        Some(app) => {
            // Only a project app's models are all visible; a class of that name the graph does
            // not hold as a concrete model (an unresolved base, a module not read) may be one.
            if !app.in_project
                || class_named(dj, ctx, graph, label, model)
                || generated_from(graph, label, model)
            {
                return None;
            }
            Some(format!(
                "app '{label}' doesn't provide model '{}'",
                model.to_lowercase()
            ))
        }
        // The tool guesses a library app's label from its name (its AppConfig may set
        // another, as `wagtail.admin` sets `wagtailadmin`): only Django's own apps, whose
        // labels are their names' last part, leave no doubt.
        None if inputs.apps.unknown.is_none()
            && inputs
                .apps
                .known
                .iter()
                .all(|a| a.in_project || a.name.starts_with("django.contrib.")) =>
        {
            Some(format!("app '{label}' isn't installed"))
        }
        None => None,
    }
}

/// Whether `name` may be a model a library generates from a model of the app at import time,
/// named after it (django-simple-history's `HistoricalPost`, django-parler's
/// `PostTranslation`, the auto-created `Post_tags`): the source holds no class for it.
fn generated_from(graph: &Graph, label: &str, name: &str) -> bool {
    let name = name.to_lowercase();
    graph.models.iter().any(|m| {
        m.app_label.as_deref() == Some(label)
            && name != m.model_name()
            && name.contains(&m.model_name())
    })
}

/// Whether some class named `name` (any case) is in a module the tool read and is not an
/// abstract model of the graph nor a fully known model of another app than `label`, or (a run
/// focused on a few files) in a models module left unread: it may be the model a reference names.
fn class_named(dj: &Context, ctx: &Analysis, graph: &Graph, label: &str, name: &str) -> bool {
    let read = ctx.project.loaded_modules().iter().any(|m| {
        m.index.classes.iter().enumerate().any(|(index, c)| {
            if !c.name.eq_ignore_ascii_case(name) {
                return false;
            }
            let class = crate::resolve::ClassRef {
                module: m.clone(),
                index,
            };
            // `crm.Ticket` is not the `Ticket` a bare name in an abstract base means once the
            // field is copied into a model of `events` (Django resolves it in the child's app).
            !graph.of_class(&class).is_some_and(|id| {
                let m = graph.model(id);
                m.is_abstract || (m.complete && m.app_label.as_deref().is_some_and(|l| l != label))
            })
        })
    });
    if read {
        return true;
    }
    // The focused graph parses only the candidates that mention the name as written; Django
    // compares model names ignoring case.
    let Some(focus) = &dj.graph.inputs().focus else {
        return false;
    };
    let needle = format!("class {}", name.to_lowercase());
    focus.candidates.iter().any(|(_, path)| {
        ctx.project.source_text(path).is_none_or(|text| {
            let text = text.to_lowercase();
            text.match_indices(&needle).any(|(at, _)| {
                !text[at + needle.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
    })
}

/// The E300 / E301 / E307 findings on one field of a model Django checks.
pub(crate) fn findings(
    dj: &Context,
    ctx: &Analysis,
    graph: &Graph,
    model: &Model,
    field: &Field,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if matches!(
        field.origin,
        FieldOrigin::ParentLink | FieldOrigin::AutoPrimaryKey
    ) {
        return out;
    }
    let Some(rel) = &field.relation else {
        return out;
    };
    // Named only where there is a finding (most relations point at a registered model).
    let field_object = || object(model, &field.name);
    // A GenericRelation is a private field, which `Model._check_fields` does not check: no
    // E300 / E301; its lazy reference still waits (E307).
    let private = rel.kind == RelKind::GenericRelation;
    // What Django waits for (`app_label`, `modelname`) and names in E300, when certainly missing.
    let (written, key_label, key_model, reason) = match (&rel.target, &rel.via) {
        // A string naming one of Django's own models whose app is not installed: Django
        // registers no such model, and the reference waits like one naming no model.
        (Target::Model(t), TargetVia::Str(written))
            if matches!(graph.model(*t).source, ModelSource::Builtin(_))
                && graph.model(*t).installed == Some(false) =>
        {
            let target = graph.model(*t);
            let Some(label) = target.app_label.clone() else {
                return out;
            };
            let Some(reason) = missing_reason(dj, ctx, graph, &label, &target.name) else {
                return out;
            };
            (written.clone(), label, target.model_name(), reason)
        }
        (Target::Model(t), via) => {
            let target = graph.model(*t);
            if let Swapped::For(setting_value) = &target.swapped {
                if private {
                    return out;
                }
                let Some(label) = target.label() else {
                    return out;
                };
                let setting = target
                    .meta
                    .get("swappable")
                    .and_then(|a| a.value.as_str())
                    .unwrap_or("AUTH_USER_MODEL")
                    .to_string();
                out.push(Finding {
                    id: "fields.E301",
                    object: field_object(),
                    message: format!(
                        "Field defines a relation with the model '{label}', which has been swapped out."
                    ),
                    hint: format!(
                        "Update the relation to point at 'settings.{setting}': {setting} names `{setting_value}`, so Django does not register `{label}` and the relation has no table to point at."
                    ),
                });
                return out;
            }
            if !target.is_abstract || target.installed != Some(true) {
                return out;
            }
            let Some(label) = target.app_label.clone() else {
                return out;
            };
            let written = match via {
                TargetVia::Class => target.name.clone(),
                TargetVia::Str(s) => s.clone(),
                _ => return out,
            };
            let reason = format!(
                "app '{label}' doesn't provide model '{}'",
                target.model_name()
            );
            (written, label, target.model_name(), reason)
        }
        (Target::Label { label, model: name }, TargetVia::Str(written)) => {
            let Some(reason) = missing_reason(dj, ctx, graph, label, name) else {
                return out;
            };
            (written.clone(), label.clone(), name.to_lowercase(), reason)
        }
        _ => return out,
    };
    if !private {
        out.push(Finding {
        id: "fields.E300",
        object: field_object(),
        message: format!(
            "Field defines a relation with model '{written}', which is either not installed, or is abstract."
        ),
        hint: "Point the relation at a concrete model of an installed app (or add its app to INSTALLED_APPS): Django registers no such model, so the relation has no table to point at.".to_string(),
    });
    }
    let key = format!("{key_label}.{key_model}");
    let hint = format!(
        "Correct the reference, or add the app that defines `{key}` to INSTALLED_APPS: Django resolves the relation lazily and the model never comes."
    );
    let field_object = field_object();
    out.push(Finding {
        id: "fields.E307",
        object: field_object.clone(),
        message: format!(
            "The field {field_object} was declared with a lazy reference to '{key}', but {reason}."
        ),
        hint: hint.clone(),
    });
    // The auto-created intermediary model's `to` field waits for the same model
    // (`create_many_to_many_intermediary_model`, fields/related.py:1285-1336).
    let auto_through = match &field.origin {
        FieldOrigin::Project { call, .. } => {
            call.keyword("through").is_none() && !has_star_kwargs(call)
        }
        FieldOrigin::Builtin { .. } => true,
        _ => false,
    };
    if rel.kind == RelKind::ManyToMany && auto_through {
        let Some(app) = &model.app_label else {
            return out;
        };
        let from = model.model_name();
        let to = if key_model == from {
            format!("to_{key_model}")
        } else {
            key_model.clone()
        };
        let through_field = format!("{app}.{}_{}.{to}", model.name, field.name);
        out.push(Finding {
            id: "fields.E307",
            object: through_field.clone(),
            message: format!(
                "The field {through_field} was declared with a lazy reference to '{key}', but {reason}."
            ),
            hint,
        });
    }
    out
}

fn has_star_kwargs(call: &crate::syntax::Expr) -> bool {
    match &call.kind {
        crate::syntax::ExprKind::Call { keywords, args, .. } => {
            keywords.iter().any(|k| k.arg.is_none())
                || args
                    .iter()
                    .any(|a| matches!(a.kind, crate::syntax::ExprKind::Starred(_)))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary};

    fn project(apps: &str, models: &str) -> String {
        format!(
            "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog'{apps}]\n\
# -- blog/__init__.py\n# -- blog/models.py\nfrom django.db import models\n{models}\
# -- other/__init__.py\n# -- other/models.py\nfrom django.db import models\nclass Thing(models.Model):\n    pass\n"
        )
    }

    fn codes(spec: &str) -> Vec<(&'static str, u32)> {
        summary(&check(spec))
            .into_iter()
            .map(|(c, l, _)| (c, l))
            .filter(|(c, _)| ["DJF300", "DJF301", "DJF307"].contains(c))
            .collect()
    }

    #[test]
    fn a_missing_model_of_a_project_app_and_an_app_not_installed() {
        let models = "class Post(models.Model):\n    a = models.ForeignKey('blog.Missing', models.CASCADE, related_name='+')\n    b = models.ForeignKey('other.Thing', models.CASCADE, related_name='+')\n";
        let d = check(&project("", models));
        let got: Vec<_> = d
            .iter()
            .filter_map(|d| d.django.as_ref().map(|c| (c.id, c.object.clone())))
            .collect();
        assert!(
            got.contains(&("fields.E300", "blog.Post.a".into())),
            "{got:?}"
        );
        assert!(
            got.contains(&("fields.E307", "blog.Post.b".into())),
            "{got:?}"
        );
        let e307: Vec<_> = d
            .iter()
            .filter(|d| d.code == "DJF307")
            .map(|d| d.message.clone())
            .collect();
        assert!(
            e307.iter()
                .any(|m| m.ends_with("but app 'other' isn't installed.")),
            "{e307:?}"
        );
        assert!(
            e307.iter()
                .any(|m| m.ends_with("but app 'blog' doesn't provide model 'missing'.")),
            "{e307:?}"
        );
    }

    #[test]
    fn a_bare_name_in_an_abstract_base_resolves_in_the_childs_app() {
        // `"Thing"` written in an abstract base outside any app means `blog.Thing` once copied
        // into `blog.Post` (djgen seed 299): `other.Thing` does not make it exist.
        let spec = format!(
            "{}# -- common/__init__.py\n# -- common/abstract.py\nfrom django.db import models\n\
class Base(models.Model):\n    t = models.ForeignKey('Thing', models.CASCADE, related_name='+')\n    class Meta:\n        abstract = True\n",
            project(
                ", 'other'",
                "from common.abstract import Base\nclass Post(Base):\n    pass\n"
            )
        );
        let got: Vec<_> = check(&spec)
            .iter()
            .filter_map(|d| d.django.as_ref().map(|c| (c.id, c.object.clone())))
            .collect();
        assert!(
            got.contains(&("fields.E300", "blog.Post.t".into())),
            "{got:?}"
        );
        assert!(
            got.contains(&("fields.E307", "blog.Post.t".into())),
            "{got:?}"
        );
    }

    #[test]
    fn unknown_apps_and_unseen_classes_are_silent() {
        let models = "class Post(models.Model):\n    b = models.ForeignKey('other.Thing', models.CASCADE, related_name='+')\n";
        // Part of INSTALLED_APPS cannot be read: `other` may be among it.
        assert_eq!(codes(&project(", *plugins()", models)), []);
        // A class named as the target whose base the tool cannot resolve may be that model.
        let models = "from somewhere import Base\nclass Tag(Base):\n    pass\nclass Post(models.Model):\n    t = models.ForeignKey('blog.Tag', models.CASCADE, related_name='+')\n";
        assert_eq!(codes(&project("", models)), []);
        // A library app the tool cannot see.
        let models = "class Post(models.Model):\n    t = models.ForeignKey('taggit.Tag', models.CASCADE, related_name='+')\n";
        assert_eq!(codes(&project(", 'taggit'", models)), []);
    }

    #[test]
    fn library_labels_and_generated_models_are_not_judged() {
        // A library app's label is a guess (`wagtail.admin` is `wagtailadmin`): silent.
        let models = "class Post(models.Model):\n    b = models.ForeignKey('wagtailadmin.Admin', models.CASCADE, related_name='+')\n";
        assert_eq!(codes(&project(", 'wagtail.admin'", models)), []);
        // Without a library app the label is certainly not installed.
        assert_eq!(codes(&project("", models)), [("DJF300", 3), ("DJF307", 3)]);
        // `HistoricalPost` may be generated from `Post` (django-simple-history).
        let models = "class Post(models.Model):\n    pass\nclass Log(models.Model):\n    h = models.ForeignKey('blog.HistoricalPost', models.CASCADE, related_name='+')\n";
        assert_eq!(codes(&project("", models)), []);
    }

    #[test]
    fn abstract_targets_and_the_auto_through_model() {
        let models = "class Base(models.Model):\n    class Meta:\n        abstract = True\nclass Post(models.Model):\n    a = models.ForeignKey(Base, models.CASCADE, related_name='+')\n    tags = models.ManyToManyField('Tag')\n";
        let d = check(&project("", models));
        let got: Vec<_> = d
            .iter()
            .filter_map(|d| d.django.as_ref().map(|c| (c.id, c.object.clone())))
            .collect();
        assert_eq!(
            got,
            [
                ("fields.E300", "blog.Post.a".to_string()),
                ("fields.E307", "blog.Post.a".to_string()),
                ("fields.E300", "blog.Post.tags".to_string()),
                ("fields.E307", "blog.Post.tags".to_string()),
                ("fields.E307", "blog.Post_tags.tag".to_string()),
            ]
        );
        assert!(d[0].message.contains("model 'Base'"), "{}", d[0].message);
    }

    #[test]
    fn a_relation_to_a_swapped_out_model() {
        let spec = project("", "class Post(models.Model):\n    a = models.ForeignKey('auth.User', models.CASCADE, related_name='+')\n")
            .replace("'blog']", "'blog']\nAUTH_USER_MODEL = 'blog.Member'")
            + "# -- blog/users.py\n";
        let spec = spec.replace(
            "class Post(",
            "from django.contrib.auth.models import AbstractUser\nclass Member(AbstractUser):\n    pass\nclass Post(",
        );
        assert_eq!(codes(&spec), [("DJF301", 6)]);
    }
}
