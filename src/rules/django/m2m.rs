//! Django's many-to-many checks on the model graph: `ManyToManyField._check_unique`,
//! `_check_ignored_options` and `_check_relationship_model` (django/db/models/fields/related.py
//! :1379-1681 in Django 4.2.30, :1453-1752 in 5.2.19; the same checks in both), and
//! `ForeignKey._check_unique` (fields.W342, :1016-1031 / :1077-1094).
//!
//! - fields.E330: `unique=True` (or `primary_key=True`, `Field.unique` is either) on an M2M;
//! - fields.W340: an M2M is given `null=` (any value: Django tests `"null" in kwargs`);
//! - fields.W341: an M2M is given a non-empty `validators=`;
//! - fields.W342: a `ForeignKey` is `unique=True` (or `primary_key=True`);
//! - fields.W345: a symmetrical M2M (`symmetrical=True`, or `to="self"` without `symmetrical=`)
//!   has a `related_name`;
//! - fields.W346: an M2M has a `db_comment`;
//! - fields.E331: the `through` model is not among `apps.get_models()` (an abstract model passed
//!   as a class or named by a string, or a string naming a model of an app that is not
//!   installed);
//! - fields.E333: the through model of a relation to self has more than two foreign keys to it
//!   and no `through_fields` (reported on the through model);
//! - fields.E334 / E335: more than one foreign key from the source / to the target, no
//!   `through_fields`;
//! - fields.E336: no foreign key to the source or to the target, `through_fields` or not
//!   (reported on the through model);
//! - fields.E337: `through_fields` does not name two link fields;
//! - fields.E338: a `through_fields` name is not a field of the through model;
//! - fields.E339: it is one, but not a foreign key to the source (first) / target (second).
//!
//! fields.W343 (`limit_choices_to` with a through model) and fields.E332 no longer exist in
//! Django 4.2 or 5.2; fields.E347 (a composite primary key, 5.2 only) needs
//! `CompositePrimaryKey`, which the graph does not model: not reported.
//!
//! Trust: only fields whose class is Django's own `ManyToManyField` / `ForeignKey` (a subclass
//! may override a check), in a call whose arguments are all seen (at most `to` positional, no
//! `*args` / `**kwargs`), with literal values. The through-model checks need the through model
//! and the relation's target resolved in the graph, the through model's fields all known
//! (`complete`, every relation among them resolved) and, for E338, no reverse relation that
//! could carry the name; otherwise they stay silent.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::django::{Field, FieldOrigin, Graph, Lit, ModelId, RelKind, Swapped, Target};
use crate::models::Analysis;
use crate::project::SourceModule;
use crate::syntax::{Expr, ExprKind, Span};

use super::{Context, field_site, object};

const M2M_CLASSES: &[&str] = &[
    "django.db.models.ManyToManyField",
    "django.db.models.fields.related.ManyToManyField",
];
const FK_CLASSES: &[&str] = &[
    "django.db.models.ForeignKey",
    "django.db.models.fields.related.ForeignKey",
];

/// Private fields: not in `_meta.fields`.
const PRIVATE_FIELDS: &[&str] = &["GenericRelation", "GenericForeignKey"];

/// One message Django reports.
#[derive(Clone)]
pub(crate) struct Finding {
    id: &'static str,
    message: String,
    /// Django's hint, if it gives one.
    hint: Option<String>,
    /// Where to report it (the field; the through model's class for E333 / E336).
    site: (Arc<SourceModule>, Span),
    /// The object Django names.
    object: String,
}

/// The diagnostics of the check `id` (code `code`) on every field Django checks.
pub(crate) fn check(ctx: &Analysis, code: crate::rules::Rule, id: &'static str) -> Vec<Diagnostic> {
    let Some(dj) = super::context(ctx) else {
        return Vec::new();
    };
    if dj.is_silenced(id) {
        return Vec::new();
    }
    let graph = dj.graph.get();
    // Every check of this module reads the same findings: computed once, on the first.
    let all = dj.m2m.get_or_init(|| {
        super::checked_fields(graph)
            .flat_map(|(mi, _, fi, field)| {
                findings(ctx, graph, mi, field)
                    .into_iter()
                    .map(move |f| (mi, fi, f))
            })
            .collect()
    });
    let mut out = Vec::new();
    for (mi, fi, f) in all {
        if f.id != id {
            continue;
        }
        let field = &graph.model(*mi).fields[*fi];
        if let Some(d) = diagnostic(dj, graph, code, *mi, field, f.clone()) {
            out.push(d);
        }
    }
    out
}

fn diagnostic(
    dj: &Context,
    graph: &Graph,
    code: crate::rules::Rule,
    mi: ModelId,
    field: &Field,
    f: Finding,
) -> Option<Diagnostic> {
    let (why, fix) = explain(f.id);
    let help = match f.hint {
        Some(h) => format!("{h} {fix}"),
        None => fix.to_string(),
    };
    let mut d = super::django_diag(dj, code, f.id, f.site, f.object, f.message, help)?;
    if f.id.starts_with("fields.W") {
        d.severity = Severity::Warning;
    }
    d = d.note(why);
    if let Some(note) = super::inherited_note(graph, mi, field) {
        d = d.note(note);
    }
    Some(d)
}

/// Why each finding matters, and its fix.
fn explain(id: &str) -> (&'static str, &'static str) {
    match id {
        "fields.E330" => (
            "Django refuses to start: a many-to-many relation has no column that could be unique.",
            "Remove unique=True; to allow each pair once, Django's intermediary table is already unique on the pair.",
        ),
        "fields.W340" => (
            "A many-to-many relation is stored in its own table: there is no column to make nullable, so `null` is ignored.",
            "Remove the null argument.",
        ),
        "fields.W341" => (
            "Validators run on a field's value; a many-to-many relation has none to validate, so they never run.",
            "Remove validators; validate the relation in a form's or model's clean() instead.",
        ),
        "fields.W342" => (
            "A unique foreign key is a one-to-one relation, but Django's reverse accessor still returns a manager (`obj.x_set.get()`), not the object.",
            "Use models.OneToOneField instead.",
        ),
        "fields.W345" => (
            "A symmetrical relation has no reverse side: the related_name is never used.",
            "Remove related_name, or set symmetrical=False.",
        ),
        "fields.W346" => (
            "A many-to-many relation has no column of its own to carry the comment.",
            "Remove db_comment; comment the through model's columns instead.",
        ),
        "fields.E331" => (
            "Django refuses to start: the intermediary model must be a concrete, installed model.",
            "Make the through model concrete and add its app to INSTALLED_APPS.",
        ),
        "fields.E333" | "fields.E334" | "fields.E335" => (
            "Django refuses to start: it cannot tell which foreign keys of the through model link the two sides.",
            "Add through_fields=(\"<field to the source>\", \"<field to the target>\").",
        ),
        "fields.E336" => (
            "Django refuses to start: the through model must link both sides of the relation.",
            "Add the missing ForeignKey to the through model.",
        ),
        "fields.E337" | "fields.E338" | "fields.E339" => (
            "Django refuses to start: through_fields must name the through model's foreign key to the source model, then the one to the target model.",
            "Name the two foreign keys of the through model, source first.",
        ),
        _ => ("", ""),
    }
}

/// The messages Django reports on `field` of the model `mi`.
fn findings(ctx: &Analysis, graph: &Graph, mi: ModelId, field: &Field) -> Vec<Finding> {
    let mut out = Vec::new();
    let FieldOrigin::Project {
        class,
        call,
        callee,
        ..
    } = &field.origin
    else {
        return out;
    };
    let ExprKind::Call { args, keywords, .. } = &call.kind else {
        return out;
    };
    // `to` (and a ForeignKey's `on_delete`) positional; the rest by keyword.
    if keywords.iter().any(|k| k.arg.is_none())
        || args.len() > 2
        || args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
    {
        return out;
    }
    let module = &class.module;
    let Some(callee) = callee.clone() else {
        return out;
    };
    let model = graph.model(mi);
    let Some(site) = field_site(model, field) else {
        return out;
    };
    let kw = |name: &str| {
        call.keyword(name)
            .map(|k| Lit::eval(&ctx.resolver, module, &k.value))
    };
    // `Field.unique` is `_unique or primary_key`: `Some(true)` / `Some(false)`, `None` unknown.
    let unique = || match (kw("unique"), kw("primary_key")) {
        (Some(Lit::Bool(true)), _) | (_, Some(Lit::Bool(true))) => Some(true),
        (None | Some(Lit::Bool(false)), None | Some(Lit::Bool(false))) => Some(false),
        _ => None,
    };
    let finding = |id, message: &str, hint: Option<&str>| Finding {
        id,
        message: message.to_string(),
        hint: hint.map(str::to_string),
        site: site.clone(),
        object: object(model, &field.name),
    };
    if FK_CLASSES.contains(&callee.as_str()) {
        if unique() == Some(true) {
            out.push(finding(
                "fields.W342",
                "Setting unique=True on a ForeignKey has the same effect as using a OneToOneField.",
                Some("ForeignKey(unique=True) is usually better served by a OneToOneField."),
            ));
        }
        return out;
    }
    if !M2M_CLASSES.contains(&callee.as_str()) || args.len() > 1 {
        return out;
    }
    let Some(rel) = &field.relation else {
        return out;
    };
    if unique() == Some(true) {
        out.push(finding(
            "fields.E330",
            "ManyToManyFields cannot be unique.",
            None,
        ));
    }
    if call.keyword("null").is_some() {
        out.push(finding(
            "fields.W340",
            "null has no effect on ManyToManyField.",
            None,
        ));
    }
    if let Some(Lit::List(items)) = kw("validators")
        && !items.is_empty()
    {
        out.push(finding(
            "fields.W341",
            "ManyToManyField does not support validators.",
            None,
        ));
    }
    // `symmetrical` defaults to `to == "self"` (the string as written).
    let to = args
        .first()
        .or_else(|| call.keyword("to").map(|k| &k.value));
    let symmetrical = match kw("symmetrical") {
        Some(Lit::Bool(b)) => Some(b),
        None | Some(Lit::None) => {
            to.map(|e| Lit::eval(&ctx.resolver, module, e) == Lit::Str("self".to_string()))
        }
        _ => None,
    };
    let related_name = match kw("related_name") {
        None | Some(Lit::None) => Some(false),
        Some(Lit::Str(s)) => Some(!s.is_empty()),
        _ => None,
    };
    if symmetrical == Some(true) && related_name == Some(true) {
        out.push(finding(
            "fields.W345",
            "related_name has no effect on ManyToManyField with a symmetrical relationship, e.g. to \"self\".",
            None,
        ));
    }
    if let Some(Lit::Str(s)) = kw("db_comment")
        && !s.is_empty()
    {
        out.push(finding(
            "fields.W346",
            "db_comment has no effect on ManyToManyField.",
            None,
        ));
    }
    let Some(through) = &rel.through else {
        return out;
    };
    let through_expr = call.keyword("through").map(|k| &k.value);
    let through_fields = call.keyword("through_fields").map(|k| &k.value);
    through_checks(
        ctx,
        graph,
        mi,
        field,
        through,
        through_expr,
        through_fields,
        &finding,
        &mut out,
    );
    out
}

/// `_check_relationship_model`.
#[allow(clippy::too_many_arguments)]
fn through_checks(
    ctx: &Analysis,
    graph: &Graph,
    mi: ModelId,
    field: &Field,
    through: &Target,
    through_expr: Option<&Expr>,
    through_fields: Option<&Expr>,
    finding: &dyn Fn(&'static str, &str, Option<&str>) -> Finding,
    out: &mut Vec<Finding>,
) {
    let Some(rel) = &field.relation else {
        return;
    };
    let Some(module) = field_module(field) else {
        return;
    };
    let model = graph.model(mi);
    let this = object(model, &field.name);
    // `through=` as a class is `through._meta`; as a string that never resolves, the string.
    let through_is_string =
        through_expr.is_some_and(|e| Lit::eval(&ctx.resolver, module, e).as_str().is_some());
    let qualified = match through {
        Target::Model(t) => {
            let m = graph.model(*t);
            match &m.app_label {
                Some(l) => format!("{l}.{}", m.name),
                None => return,
            }
        }
        Target::Label { .. } | Target::Unknown(_) => {
            match through_expr.map(|e| Lit::eval(&ctx.resolver, module, e)) {
                Some(Lit::Str(s)) => s,
                _ => return,
            }
        }
    };
    // Whether the through model is among `apps.get_models()`: `Some(false)` certainly not.
    let installed = match through {
        Target::Model(t) => {
            let m = graph.model(*t);
            if m.is_abstract && !through_is_string {
                Some(false)
            } else if m.is_abstract {
                // A string naming an abstract model: `lookup` skips those, so not here.
                None
            } else if m.installed == Some(true) && m.swapped == Swapped::No && m.complete {
                Some(true)
            } else {
                None
            }
        }
        // A string naming a model of an app that is certainly not installed never resolves.
        Target::Label { label, .. } if through_is_string && label_not_installed(ctx, label) => {
            Some(false)
        }
        // A string naming an abstract model: abstract models are never registered, so the
        // reference never resolves. (A focused graph loads the modules that mention the name.)
        Target::Label { label, model }
            if through_is_string && names_only_abstract(ctx, graph, label, model) =>
        {
            Some(false)
        }
        _ => None,
    };
    let through_id = match through {
        Target::Model(t) => Some(*t),
        _ => None,
    };
    match installed {
        Some(false) => out.push(finding(
            "fields.E331",
            &format!(
                "Field specifies a many-to-many relation through model '{qualified}', which has not been installed."
            ),
            None,
        )),
        Some(true) => {
            if let Some(t) = through_id {
                let missing = through_fields_missing(ctx, module, through_fields);
                link_counts(graph, mi, rel, t, &this, missing, finding, out);
            }
        }
        None => {}
    }
    // Validate `through_fields` (whether the through model is installed or not).
    let Some(tf) = through_fields else {
        return;
    };
    let Lit::List(items) = Lit::eval(&ctx.resolver, module, tf) else {
        return;
    };
    let name = |i: usize| -> Option<Option<&str>> {
        match items.get(i) {
            None => Some(None),
            Some(Lit::Str(s)) if s.is_empty() => Some(None),
            Some(Lit::Str(s)) => Some(Some(s.as_str())),
            Some(Lit::None) | Some(Lit::Bool(false)) => Some(None),
            _ => None,
        }
    };
    let (Some(first), Some(second)) = (name(0), name(1)) else {
        return;
    };
    let (Some(first), Some(second)) = (first, second) else {
        // Fewer than two names, or a falsy one.
        out.push(finding(
            "fields.E337",
            &format!(
                "Field specifies 'through_fields' but does not provide the names of the two link fields that should be used for the relation through model '{qualified}'."
            ),
            Some("Make sure you specify 'through_fields' as through_fields=('field1', 'field2')"),
        ));
        return;
    };
    let (Some(t), Target::Model(to)) = (through_id, &rel.target) else {
        return;
    };
    // An abstract model's relations keep their `to` unresolved (a string) in Django, and a
    // target of an app that is not installed is never resolved: Django compares strings there.
    if !fields_known(graph, t)
        || graph.model(t).is_abstract
        || graph.model(*to).installed != Some(true)
    {
        return;
    }
    let through_model = graph.model(t);
    let fields = meta_fields(graph, t);
    for (field_name, related) in [(first, mi), (second, *to)] {
        let related_name = graph.model(related).name.clone();
        let possible: Vec<&str> = fields
            .iter()
            .filter(|f| points_at(f, related))
            .map(|f| f.name.as_str())
            .collect();
        let hint = (!possible.is_empty()).then(|| {
            format!(
                "Did you mean one of the following foreign keys to '{related_name}': {}?",
                possible.join(", ")
            )
        });
        match forward_field(graph, t, field_name) {
            Lookup::Found(f) => {
                if !points_at(f, related) {
                    out.push(finding(
                        "fields.E339",
                        &format!(
                            "'{}.{field_name}' is not a foreign key to '{related_name}'.",
                            through_model.name
                        ),
                        hint.as_deref(),
                    ));
                }
            }
            Lookup::Missing => out.push(finding(
                "fields.E338",
                &format!("The intermediary model '{qualified}' has no field '{field_name}'."),
                hint.as_deref(),
            )),
            Lookup::Unsure => {}
        }
    }
}

/// E333-E336: the foreign keys of the through model `t` to the source `mi` and the target.
/// E333-E335 only without `through_fields` (`through_fields_missing`: `Some(true)`); E336
/// whatever `through_fields` says.
#[allow(clippy::too_many_arguments)]
fn link_counts(
    graph: &Graph,
    mi: ModelId,
    rel: &crate::django::Relation,
    t: ModelId,
    this: &str,
    through_fields_missing: Option<bool>,
    finding: &dyn Fn(&'static str, &str, Option<&str>) -> Finding,
    out: &mut Vec<Finding>,
) {
    let Target::Model(to) = rel.target else {
        return;
    };
    let to_model = graph.model(to);
    if to_model.installed != Some(true) || to_model.is_abstract || to_model.swapped != Swapped::No {
        return;
    }
    if !fields_known(graph, t) {
        return;
    }
    let through_model = graph.model(t);
    let Some(class) = through_model.class() else {
        return;
    };
    let through_site = (class.module.clone(), class.info().name_span);
    let through_label = match through_model.label() {
        Some(l) => l,
        None => return,
    };
    let fields = meta_fields(graph, t);
    let seen = |m: ModelId| fields.iter().filter(|f| points_at(f, m)).count();
    let from_name = &graph.model(mi).name;
    let on_through = |id, message: String, hint: Option<&str>| Finding {
        site: through_site.clone(),
        object: through_label.clone(),
        ..finding(id, &message, hint)
    };
    let ambiguous_reported = through_fields_missing == Some(true);
    if mi == to {
        if ambiguous_reported && seen(mi) > 2 {
            out.push(on_through(
                "fields.E333",
                format!(
                    "The model is used as an intermediate model by '{this}', but it has more than two foreign keys to '{from_name}', which is ambiguous. You must specify which two foreign keys Django should use via the through_fields keyword argument."
                ),
                Some("Use through_fields to specify which two foreign keys Django should use."),
            ));
        }
        return;
    }
    let (from, to_n) = (seen(mi), seen(to));
    let hint = format!(
        "If you want to create a recursive relationship, use ManyToManyField(\"self\", through=\"{}\").",
        through_model.name
    );
    if ambiguous_reported && from > 1 {
        out.push(finding(
            "fields.E334",
            &format!(
                "The model is used as an intermediate model by '{this}', but it has more than one foreign key from '{from_name}', which is ambiguous. You must specify which foreign key Django should use via the through_fields keyword argument."
            ),
            Some(&hint),
        ));
    }
    if ambiguous_reported && to_n > 1 {
        out.push(finding(
            "fields.E335",
            &format!(
                "The model is used as an intermediate model by '{this}', but it has more than one foreign key to '{}', which is ambiguous. You must specify which foreign key Django should use via the through_fields keyword argument.",
                to_model.name
            ),
            Some(&hint),
        ));
    }
    if from == 0 || to_n == 0 {
        out.push(on_through(
            "fields.E336",
            format!(
                "The model is used as an intermediate model by '{this}', but it does not have a foreign key to '{from_name}' or '{}'.",
                to_model.name
            ),
            None,
        ));
    }
}

/// Whether `through_fields` is absent or falsy: `Some(true)`; given: `Some(false)`; `None`
/// unknown.
fn through_fields_missing(
    ctx: &Analysis,
    module: &Arc<SourceModule>,
    through_fields: Option<&Expr>,
) -> Option<bool> {
    let Some(e) = through_fields else {
        return Some(true);
    };
    match Lit::eval(&ctx.resolver, module, e) {
        Lit::None => Some(true),
        Lit::List(items) => Some(items.is_empty()),
        Lit::Str(s) => Some(s.is_empty()),
        _ => None,
    }
}

fn field_module(field: &Field) -> Option<&Arc<SourceModule>> {
    match &field.origin {
        FieldOrigin::Project { class, .. } => Some(&class.module),
        _ => None,
    }
}

/// Whether `label.model` names an abstract model of an installed app of the project, and no
/// other model.
fn names_only_abstract(ctx: &Analysis, graph: &Graph, label: &str, model: &str) -> bool {
    let Some(dj) = super::context(ctx) else {
        return false;
    };
    let inputs = dj.graph.inputs();
    let in_project = inputs
        .apps
        .known
        .iter()
        .any(|a| a.label == label && a.in_project);
    let named: Vec<_> = graph
        .models
        .iter()
        .filter(|m| m.app_label.as_deref() == Some(label) && m.name.eq_ignore_ascii_case(model))
        .collect();
    inputs.apps.unknown.is_none()
        && in_project
        && !named.is_empty()
        && named.iter().all(|m| m.is_abstract && m.complete)
}

/// Whether the app label is certainly not an installed app's.
fn label_not_installed(ctx: &Analysis, label: &str) -> bool {
    super::context(ctx).is_some_and(|dj| {
        let inputs = dj.graph.inputs();
        inputs.settings.is_some()
            && inputs.apps.unknown.is_none()
            && !inputs.apps.known.iter().any(|a| a.label == label)
    })
}

/// Whether every field of `t` (with its multi-table parents) is known: the models are fully
/// seen, and every relation among their fields names its target. A target naming no model of
/// the graph (`Target::Label`: an abstract model, or one of an app the tool does not see) is
/// known not to be the source or the target, which the graph holds (`lookup` would have found
/// them); only a target the tool cannot evaluate is unknown.
fn fields_known(graph: &Graph, t: ModelId) -> bool {
    let concrete = graph.concrete(t);
    let lineage_ok = graph.fields_with_parents(concrete).iter().all(|(m, f)| {
        graph.model(*m).complete
            && f.relation
                .as_ref()
                .is_none_or(|r| !matches!(r.target, Target::Unknown(_)))
    });
    lineage_ok && graph.model(t).complete && graph.model(concrete).complete
}

/// `through._meta.fields`: concrete fields, the multi-table parents' included; not many-to-many
/// and not private fields.
fn meta_fields(graph: &Graph, t: ModelId) -> Vec<&Field> {
    let mut fields: Vec<(ModelId, &Field)> = graph.fields_with_parents(graph.concrete(t));
    // Parents' fields come first in `_meta.fields`.
    fields.reverse();
    let mut out: Vec<&Field> = Vec::new();
    let mut by_model: Vec<ModelId> = Vec::new();
    for (m, _) in &fields {
        if !by_model.contains(m) {
            by_model.push(*m);
        }
    }
    for m in by_model {
        out.extend(graph.model(m).fields.iter().filter(|f| {
            !PRIVATE_FIELDS.contains(&f.kind.as_str())
                && f.relation
                    .as_ref()
                    .is_none_or(|r| r.kind != RelKind::ManyToMany)
        }));
    }
    out
}

/// Whether a field's `remote_field.model` is `m` (the model itself: a proxy or a parent is
/// another model).
fn points_at(f: &Field, m: ModelId) -> bool {
    f.relation
        .as_ref()
        .is_some_and(|r| r.target == Target::Model(m))
}

enum Lookup<'g> {
    Found(&'g Field),
    Missing,
    Unsure,
}

/// `through._meta.get_field(name)`: a forward field by name or `attname` (`<fk>_id`), else a
/// reverse relation by its query name.
fn forward_field<'g>(graph: &'g Graph, t: ModelId, name: &str) -> Lookup<'g> {
    let concrete = graph.concrete(t);
    let all = graph.fields_with_parents(concrete);
    if let Some((_, f)) = all.iter().find(|(_, f)| f.name == name) {
        return Lookup::Found(f);
    }
    if let Some(base) = name.strip_suffix("_id")
        && let Some((_, f)) = all.iter().find(|(_, f)| {
            f.name == base
                && f.relation
                    .as_ref()
                    .is_some_and(|r| matches!(r.kind, RelKind::ForeignKey | RelKind::OneToOne))
        })
    {
        return Lookup::Found(f);
    }
    // A reverse relation's name (its query name) is a field name too.
    for e in graph.reverse_relations(concrete) {
        match e.names.query.known() {
            Some(q) if q != name => {}
            _ => return Lookup::Unsure,
        }
        if !e.certain {
            return Lookup::Unsure;
        }
    }
    Lookup::Missing
}

#[cfg(test)]
pub(super) mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::testing::{check, summary};

    /// A project with `blog` (and `extra` files, `# -- path` separated) installed.
    pub(crate) fn project(models: &str, extra: &str) -> String {
        format!(
            "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog']\n\
# -- blog/__init__.py\n\
# -- blog/models.py\nfrom django.db import models\n{models}{extra}"
        )
    }

    /// `(code, line)` of each diagnostic with the code `code`.
    pub(crate) fn hits(d: &[Diagnostic], code: &str) -> Vec<u32> {
        summary(d)
            .into_iter()
            .filter(|(c, _, _)| *c == code)
            .map(|(_, l, _)| l)
            .collect()
    }

    /// The through-model checks read fields copied from an abstract base in another module,
    /// and stay silent where the through model is a library's the tool cannot see.
    #[test]
    fn through_fields_come_from_abstract_bases_and_unseen_models_are_silent() {
        let models = "from blog.base import LinkBase\n\
class Tag(models.Model):\n    name = models.CharField(max_length=9)\n\
class Post(models.Model):\n    tags = models.ManyToManyField(Tag, through='Link', related_name='posts')\n\
class Link(LinkBase):\n    other_post = models.ForeignKey(Post, models.CASCADE, related_name='+')\n";
        let base = "\n# -- blog/base.py\nfrom django.db import models\n\
class LinkBase(models.Model):\n    post = models.ForeignKey('blog.Post', models.CASCADE, related_name='+')\n    tag = models.ForeignKey('blog.Tag', models.CASCADE, related_name='+')\n    class Meta:\n        abstract = True\n";
        let d = check(&project(models, base));
        // Two keys from Post: one inherited, one own.
        assert_eq!(hits(&d, "DJF334"), [6], "{d:#?}");
        assert!(hits(&d, "DJF336").is_empty(), "{d:#?}");
        // A through model deriving from a library model the tool cannot see: its fields are
        // unknown.
        let unseen = models.replace(
            "class Link(LinkBase):",
            "from somelib.models import Linked\nclass Link(LinkBase, Linked):",
        );
        let d = check(&project(&unseen, base));
        assert!(d.iter().all(|d| d.django.is_none()), "{d:#?}");
    }

    /// `**kwargs`, positional options, a subclass of ManyToManyField, and a `null` computed at
    /// run time: not judged.
    #[test]
    fn calls_the_tool_cannot_read_are_silent() {
        let models = "class Tag(models.Model):\n    pass\n\
class SortedM2M(models.ManyToManyField):\n    pass\n\
OPTS = {'null': True}\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, **OPTS)\n    b = SortedM2M(Tag, null=True, related_name='b')\n    c = models.ManyToManyField(Tag, unique=flag(), related_name='c')\n    d = models.ManyToManyField(Tag, validators=VALIDATORS, related_name='d')\n    e = models.ManyToManyField(Tag, null=True, related_name='e')\n";
        let d = check(&project(models, ""));
        // Only `e`, read in full, is reported.
        let got: Vec<_> = d
            .iter()
            .filter_map(|d| d.django.as_ref())
            .map(|c| c.object.as_str())
            .collect();
        assert_eq!(got, ["blog.Post.e"], "{d:#?}");
    }

    /// Warnings carry the warning severity and Django's ID; errors the error severity.
    #[test]
    fn severities_follow_django() {
        let models = "class Tag(models.Model):\n    pass\n\
class Post(models.Model):\n    a = models.ManyToManyField(Tag, null=True, unique=True)\n";
        let d = check(&project(models, ""));
        let by = |code: &str| d.iter().find(|d| d.code == code).unwrap();
        assert_eq!(by("DJF340W").severity, crate::diagnostic::Severity::Warning);
        assert_eq!(by("DJF340W").django.as_ref().unwrap().id, "fields.W340");
        assert_eq!(by("DJF330").severity, crate::diagnostic::Severity::Error);
        assert_eq!(by("DJF330").django.as_ref().unwrap().object, "blog.Post.a");
    }
}
