//! `ManyToManyField._check_table_uniqueness` (django/db/models/fields/related.py:1683-1736 in
//! Django 4.2.30, :1754-1807 in 5.2.19; the same in both): a many-to-many field's intermediary
//! table (`m2m_db_table()`: the through model's `db_table`, else `db_table=`, else
//! `<owner's db_table>_<field name>`) is the `db_table` of another managed model of
//! `apps.get_models(include_auto_created=True)` (the auto-created intermediary models included)
//! with another concrete model: fields.E340, or fields.W344 (with Django's hint) when
//! `settings.DATABASE_ROUTERS` is set, since the tables may live in different databases.
//!
//! Trust: the registry must be fully known, so the check stays silent when part of
//! `INSTALLED_APPS` cannot be read, when a registered model's `db_table` or `managed` cannot be
//! evaluated or it is not fully seen, when a registered model has a many-to-many field of a class
//! other than Django's own (it may name its table otherwise), when an installed app's models are
//! not visible (a library) and the table name begins with its label (or `django_`, the prefix
//! contrib apps use), when more than one model has the table and they are not all models of one module (Django
//! names the last one it registered, known only within a module), and for a table name longer than 30 characters (a backend may truncate it:
//! `truncate_name`, Oracle's limit is 30).

use crate::diagnostic::Diagnostic;
use crate::django::{Field, FieldOrigin, Graph, Lit, Model, ModelId, RelKind, Swapped, Target};
use crate::models::Analysis;
use crate::settings::Value;

use super::{checked, field_site, object};

const M2M_CLASSES: &[&str] = &[
    "django.db.models.ManyToManyField",
    "django.db.models.fields.related.ManyToManyField",
];

/// No backend truncates a name this short (`connection.ops.max_name_length()`: Oracle 30,
/// PostgreSQL 63, MySQL 64, SQLite none).
const SAFE_NAME_LENGTH: usize = 30;

/// A registered table: the model (or the auto-created intermediary model of a field).
struct Table {
    name: String,
    model: ModelId,
    /// The many-to-many field whose auto-created intermediary model this is.
    auto_field: Option<String>,
}

pub(crate) fn check(ctx: &Analysis, code: crate::rules::Rule, id: &'static str) -> Vec<Diagnostic> {
    let Some(dj) = super::context(ctx) else {
        return Vec::new();
    };
    if dj.is_silenced(id) {
        return Vec::new();
    }
    let inputs = dj.graph.inputs();
    let Some(settings) = inputs.settings else {
        return Vec::new();
    };
    if inputs.apps.unknown.is_some() {
        return Vec::new();
    }
    // `if settings.DATABASE_ROUTERS:` decides between the error and the warning.
    let routers = match settings.get("DATABASE_ROUTERS").map(|v| &v.value) {
        None if settings.maybe_set_elsewhere().is_some() => return Vec::new(),
        None | Some(Value::None) => false,
        Some(Value::List(items)) if items.iter().all(|i| !matches!(i, Value::Unknown(_))) => {
            !items.is_empty()
        }
        Some(Value::List(items)) if items.iter().any(|i| !matches!(i, Value::Unknown(_))) => true,
        _ => return Vec::new(),
    };
    if (id == "fields.W344") != routers {
        return Vec::new();
    }
    let graph = dj.graph.get();
    let Some(tables) = registry(ctx, graph) else {
        return Vec::new();
    };
    // Labels of installed apps whose models the tool does not see.
    let unseen: Vec<String> = inputs
        .apps
        .known
        .iter()
        .filter(|a| {
            !a.in_project
                && !graph
                    .models
                    .iter()
                    .any(|m| m.app_label.as_deref() == Some(a.label.as_str()))
        })
        .map(|a| a.label.clone())
        .collect();
    let mut out = Vec::new();
    for (mi, model) in graph.models.iter().enumerate() {
        let mi = ModelId(mi);
        if !checked(model) {
            continue;
        }
        for field in &model.fields {
            let Some((table, through)) = m2m_table(ctx, graph, mi, field) else {
                continue;
            };
            if table.len() > SAFE_NAME_LENGTH
                || (!unseen.is_empty() && table.starts_with("django_"))
                || unseen.iter().any(|l| table.starts_with(&format!("{l}_")))
            {
                continue;
            }
            // `model != self.remote_field.through`, and another concrete model.
            let clashing: Vec<&Table> = tables
                .iter()
                .filter(|t| t.name == table)
                .filter(|t| match &through {
                    Through::Model(th) => t.auto_field.is_some() || t.model != *th,
                    Through::Auto => {
                        !(t.model == mi && t.auto_field.as_deref() == Some(&field.name))
                    }
                })
                .collect();
            let Some(other) = last_registered(graph, &clashing) else {
                continue;
            };
            if let (Through::Model(th), None) = (&through, &other.auto_field)
                && graph.concrete(other.model) == graph.concrete(*th)
            {
                continue;
            }
            let other_model = graph.model(other.model);
            let Some(label) = other_model.label() else {
                continue;
            };
            let clashing_obj = match &other.auto_field {
                Some(f) => format!("{label}.{f}"),
                None => label,
            };
            let message = format!(
                "The field's intermediary table '{table}' clashes with the table name of '{clashing_obj}'."
            );
            let (hint, fix) = if routers {
                (
                    format!(
                        "You have configured settings.DATABASE_ROUTERS. Verify that the table of '{clashing_obj}' is correctly routed to a separate database."
                    ),
                    " If they share a database, set db_table= on the field (or on the through model) to a name of its own.",
                )
            } else {
                (
                    "Set db_table= on the field (or on the through model's Meta) to a name of its own."
                        .to_string(),
                    "",
                )
            };
            // A field of a library model (`auth.User.groups`) is reported where the project
            // makes it clash: the other model, or the other field.
            let other_site = || match &other.auto_field {
                Some(f) => other_model
                    .field(f)
                    .and_then(|f| field_site(other_model, f)),
                None => other_model
                    .class()
                    .map(|c| (c.module.clone(), c.info().name_span)),
            };
            let site = match model.class() {
                Some(_) => field_site(model, field),
                None => other_site(),
            };
            let Some(site) = site else {
                continue;
            };
            let Some(mut d) = super::django_diag(
                dj,
                code,
                id,
                site,
                object(model, &field.name),
                message,
                format!("{hint}{fix}"),
            ) else {
                continue;
            };
            if routers {
                d.severity = crate::diagnostic::Severity::Warning;
            }
            d = d.note(
                "Two models would read and write one table: `migrate` fails creating it a second time, or, with a database router sending them to separate databases, the data is split in ways that are hard to follow.",
            );
            if let Some(note) = super::inherited_note(graph, mi, field) {
                d = d.note(note);
            }
            out.push(d);
        }
    }
    out
}

/// The table Django's `registered_tables` dict keeps for a name several registered models share:
/// the last one registered. Known only when they are all models (not auto-created ones) of
/// one project module: Django registers them in the order the module defines them (a proxy
/// after its concrete model, djgen seed 1518).
fn last_registered<'t>(graph: &Graph, clashing: &[&'t Table]) -> Option<&'t Table> {
    match clashing {
        [] => None,
        [one] => Some(one),
        _ => {
            let mut classes = Vec::new();
            for t in clashing {
                if t.auto_field.is_some() {
                    return None;
                }
                classes.push((*t, graph.model(t.model).class()?));
            }
            let module = &classes[0].1.module.name;
            if classes.iter().any(|(_, c)| &c.module.name != module) {
                return None;
            }
            classes
                .into_iter()
                .max_by_key(|(_, c)| c.info().name_span.start)
                .map(|(t, _)| t)
        }
    }
}

enum Through {
    Model(ModelId),
    Auto,
}

/// The field's intermediary table, when it is a managed one Django compares: Django's own
/// many-to-many field, all arguments seen, with literal `db_table` / resolved `through`.
fn m2m_table(
    ctx: &Analysis,
    graph: &Graph,
    mi: ModelId,
    field: &Field,
) -> Option<(String, Through)> {
    let rel = field.relation.as_ref()?;
    if rel.kind != RelKind::ManyToMany {
        return None;
    }
    if !django_m2m(field) {
        return None;
    }
    match &rel.through {
        Some(Target::Model(t)) => {
            let through = graph.model(*t);
            if through.installed != Some(true) || through.is_abstract || !through.complete {
                return None;
            }
            if managed(through)? {
                Some((db_table(graph, *t)?, Through::Model(*t)))
            } else {
                None
            }
        }
        Some(_) => None,
        None => {
            // The auto-created model is managed when either side is.
            let Target::Model(to) = rel.target else {
                return None;
            };
            if !(managed(graph.model(mi))? || managed(graph.model(to))?) {
                return None;
            }
            Some((auto_m2m_table(ctx, graph, mi, field)?, Through::Auto))
        }
    }
}

/// Whether `field` is Django's own `ManyToManyField` (a call whose arguments are all seen, or
/// a field of Django's own models).
fn django_m2m(field: &Field) -> bool {
    match &field.origin {
        FieldOrigin::Project { call, callee, .. } => {
            let crate::syntax::ExprKind::Call { args, keywords, .. } = &call.kind else {
                return false;
            };
            if keywords.iter().any(|k| k.arg.is_none()) || args.len() > 1 {
                return false;
            }
            callee.as_deref().is_some_and(|q| M2M_CLASSES.contains(&q))
        }
        FieldOrigin::Builtin { .. } => field.kind == "ManyToManyField",
        _ => false,
    }
}

/// Every table of `apps.get_models(include_auto_created=True)` that is managed; `None` when one
/// cannot be told.
fn registry(ctx: &Analysis, graph: &Graph) -> Option<Vec<Table>> {
    let mut out = Vec::new();
    for (i, m) in graph.models.iter().enumerate() {
        let id = ModelId(i);
        if m.is_abstract || m.installed == Some(false) || matches!(m.swapped, Swapped::For(_)) {
            continue;
        }
        if m.installed != Some(true) || m.swapped != Swapped::No || !m.complete {
            return None;
        }
        if managed(m)? {
            out.push(Table {
                name: db_table(graph, id)?,
                model: id,
                auto_field: None,
            });
        }
        for f in &m.fields {
            let Some(rel) = &f.relation else {
                continue;
            };
            if rel.kind != RelKind::ManyToMany || rel.through.is_some() {
                continue;
            }
            if !django_m2m(f) {
                return None;
            }
            let Target::Model(to) = rel.target else {
                return None;
            };
            if !(managed(m)? || managed(graph.model(to))?) {
                continue;
            }
            out.push(Table {
                name: auto_m2m_table(ctx, graph, id, f)?,
                model: id,
                auto_field: Some(f.name.clone()),
            });
        }
    }
    Some(out)
}

/// `Meta.managed` (default true); `None` when it cannot be evaluated.
fn managed(m: &Model) -> Option<bool> {
    match m.meta.get("managed").map(|a| &a.value) {
        None => Some(true),
        Some(Lit::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// `_meta.db_table`: `Meta.db_table`, else `<app_label>_<model_name>` (a proxy has its concrete
/// model's). Untruncated: callers compare only names no backend truncates.
fn db_table(graph: &Graph, id: ModelId) -> Option<String> {
    let m = graph.model(graph.concrete(id));
    match m.meta.get("db_table").map(|a| &a.value) {
        None => Some(format!("{}_{}", m.app_label.as_deref()?, m.model_name())),
        Some(Lit::Str(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// The table of a field's auto-created intermediary model: `db_table=`, else
/// [`auto_table`].
fn auto_m2m_table(ctx: &Analysis, graph: &Graph, owner: ModelId, field: &Field) -> Option<String> {
    let FieldOrigin::Project { class, call, .. } = &field.origin else {
        return auto_table(graph, owner, &field.name);
    };
    match call
        .keyword("db_table")
        .map(|k| Lit::eval(&ctx.resolver, &class.module, &k.value))
    {
        None | Some(Lit::None) => auto_table(graph, owner, &field.name),
        Some(Lit::Str(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// `"%s_%s" % (strip_quotes(opts.db_table), field name)`.
fn auto_table(graph: &Graph, owner: ModelId, field: &str) -> Option<String> {
    let table = db_table(graph, owner)?;
    let stripped = table
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(&table);
    Some(format!("{stripped}_{field}"))
}
