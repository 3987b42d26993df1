//! `RelatedField._check_clashes` (django/db/models/fields/related.py:226-352, Django 4.2.30;
//! the same in 5.2.19), on the model graph. For a relation field `field_name` of a model
//! Django checks, pointing at `rel_opts` (a resolved model):
//!
//! - fields.E302: its reverse accessor (unless hidden) equals the name of a field of the target
//!   (`rel_opts.fields + rel_opts.many_to_many`, multi-table parents' included);
//! - fields.E303: its reverse query name equals such a field's name (hidden or not);
//! - fields.E304: its reverse accessor (unless hidden) equals the reverse accessor of another
//!   relation to the target (`rel_opts.related_objects`: hidden ones only when many-to-many);
//! - fields.E305: its reverse query name equals another such relation's reverse *accessor*
//!   (Django compares `clash_field.get_accessor_name() == rel_query_name`).
//!
//! Both sides of a clash are reported, as Django reports them. A field of a library model
//! (`auth.User.groups`) is reported at the project field it clashes with.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::django::{Field, FieldOrigin, Graph, Model, ModelId, Name, RelKind, Swapped, Target};
use crate::models::Analysis;
use crate::project::SourceModule;
use crate::rules::Rule;
use crate::syntax::Span;

use super::{Context, checked, field_site, object};

/// Field classes that are not in `_meta.fields` / `_meta.many_to_many` (private fields).
const PRIVATE_FIELDS: &[&str] = &["GenericRelation", "GenericForeignKey"];

pub(crate) fn check(ctx: &Analysis, rule: Rule, id: &'static str) -> Vec<Diagnostic> {
    let Some(dj) = super::context(ctx) else {
        return Vec::new();
    };
    if dj.is_silenced(id) {
        return Vec::new();
    }
    let graph = dj.graph.get();
    let mut out = Vec::new();
    for (mi, model) in graph.models.iter().enumerate() {
        if !checked(model) {
            continue;
        }
        for (fi, field) in model.fields.iter().enumerate() {
            for c in clashes_of(graph, ModelId(mi), fi, field, id) {
                if let Some(d) = diagnostic(dj, graph, rule, ModelId(mi), field, &c) {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// One clash Django reports on a field.
struct Clash<'g> {
    id: &'static str,
    message: String,
    hint: String,
    /// The other side: a field of the target, or another relation's field.
    other_model: ModelId,
    other: &'g Field,
}

fn clashes_of<'g>(
    graph: &'g Graph,
    mi: ModelId,
    fi: usize,
    field: &'g Field,
    want: &str,
) -> Vec<Clash<'g>> {
    let mut out = Vec::new();
    let Some(rel) = &field.relation else {
        return out;
    };
    // A GenericRelation is a private field: `Model._check_fields` checks only local and
    // many-to-many fields, so Django never runs its clash checks (measured on 4.2 and 5.2).
    // Its reverse relation still counts on the other side (`related_objects`).
    if rel.kind == RelKind::GenericRelation {
        return out;
    }
    let (Target::Model(t), Some(names)) = (&rel.target, &rel.names) else {
        return out;
    };
    let (Some(hidden), Some(query)) = (names.hidden, names.query.known()) else {
        return out;
    };
    let accessor = match &names.accessor {
        None => None,
        Some(Name::Known(a)) => Some(a.as_str()),
        Some(Name::Unknown) => return out,
    };
    // Only the checks asked for (the messages are built for a clash only).
    let (field_side, relation_side) = match want {
        "fields.E302" | "fields.E303" => (true, false),
        "fields.E304" | "fields.E305" => (false, true),
        _ => return out,
    };
    let target = graph.model(*t);
    if target.installed != Some(true) || target.swapped != Swapped::No || !target.complete {
        return out;
    }
    let (Some(_), Some(_)) = (&target.app_label, &graph.model(mi).app_label) else {
        return out;
    };
    // The relation itself must certainly be registered.
    let mine = graph.reverse_entry(*t, mi, fi);
    if !mine.is_some_and(|e| e.certain) {
        return out;
    }
    let rel_label = || target.label().unwrap_or_default();
    let field_name = || {
        format!(
            "{}.{}",
            graph.model(mi).label().unwrap_or_default(),
            field.name
        )
    };
    let object_name = &target.name;
    if field_side {
        for (pm, clash_field) in graph.fields_with_parents(*t) {
            if PRIVATE_FIELDS.contains(&clash_field.kind.as_str()) {
                continue;
            }
            let e302 =
                want == "fields.E302" && !hidden && accessor == Some(clash_field.name.as_str());
            let e303 = want == "fields.E303" && clash_field.name == query;
            if !(e302 || e303) {
                continue;
            }
            let field_name = field_name();
            let clash_name = format!("{}.{}", rel_label(), clash_field.name);
            let hint = format!(
                "Rename field '{clash_name}', or add/change a related_name argument to the definition for field '{field_name}'."
            );
            if e302 {
                out.push(Clash {
                    id: "fields.E302",
                    message: format!(
                        "Reverse accessor '{object_name}.{}' for '{field_name}' clashes with field name '{clash_name}'.",
                        clash_field.name
                    ),
                    hint,
                    other_model: pm,
                    other: clash_field,
                });
            } else {
                out.push(Clash {
                    id: "fields.E303",
                    message: format!(
                        "Reverse query name for '{field_name}' clashes with field name '{clash_name}'."
                    ),
                    hint,
                    other_model: pm,
                    other: clash_field,
                });
            }
        }
    }
    if relation_side {
        for e in graph.clash_candidates(*t) {
            if e.model == mi && e.field == fi {
                continue;
            }
            let other_accessor = match &e.names.accessor {
                None => continue,
                Some(Name::Known(a)) => a.as_str(),
                Some(Name::Unknown) => continue,
            };
            if !e.certain {
                continue;
            }
            let e304 = want == "fields.E304" && !hidden && accessor == Some(other_accessor);
            let e305 = want == "fields.E305" && other_accessor == query;
            if !(e304 || e305) {
                continue;
            }
            let other = graph.entry_field(e);
            let Some(other_label) = graph.model(e.model).label() else {
                continue;
            };
            let field_name = field_name();
            let clash_name = format!("{other_label}.{}", other.name);
            let hint = format!(
                "Add or change a related_name argument to the definition for '{field_name}' or '{clash_name}'."
            );
            if e304 {
                out.push(Clash {
                    id: "fields.E304",
                    message: format!(
                        "Reverse accessor '{object_name}.{other_accessor}' for '{field_name}' clashes with reverse accessor for '{clash_name}'."
                    ),
                    hint,
                    other_model: e.model,
                    other,
                });
            } else {
                out.push(Clash {
                    id: "fields.E305",
                    message: format!(
                        "Reverse query name for '{field_name}' clashes with reverse query name for '{clash_name}'."
                    ),
                    hint,
                    other_model: e.model,
                    other,
                });
            }
        }
    }
    out
}

fn diagnostic(
    dj: &Context,
    graph: &Graph,
    rule: Rule,
    mi: ModelId,
    field: &Field,
    clash: &Clash,
) -> Option<Diagnostic> {
    let model = graph.model(mi);
    let other_model = graph.model(clash.other_model);
    // A library model's field is reported where the project's side of the clash is.
    let (site, library_side) = match (field_site(model, field), model.class()) {
        (Some(site), Some(_)) => (site, false),
        _ => (field_site(other_model, clash.other)?, true),
    };
    let mut hint = clash.hint.clone();
    if let Some(remedy) = swappable_remedy(graph, mi, field, clash) {
        hint = remedy;
    }
    let mut d = super::django_diag(
        dj,
        rule,
        clash.id,
        site,
        object(model, &field.name),
        clash.message.clone(),
        hint,
    )?;
    if library_side {
        d = d.note(format!(
            "Django reports this on `{}`, a field of its own model {}; the clash comes from `{}` here.",
            object(model, &field.name),
            model.label().unwrap_or_default(),
            object(other_model, &clash.other.name),
        ));
    } else if let Some(note) = super::inherited_note(graph, mi, field) {
        d = d.note(note);
    }
    if let Some((module, span)) = other_site(graph, clash, &d) {
        d = d.related(
            module.file.clone(),
            span,
            format!(
                "`{}` is defined here",
                object(other_model, &clash.other.name)
            ),
        );
    }
    Some(d)
}

/// The other side's definition, when it is in the project and elsewhere than the diagnostic.
fn other_site(graph: &Graph, clash: &Clash, d: &Diagnostic) -> Option<(Arc<SourceModule>, Span)> {
    let (module, span) = field_site(graph.model(clash.other_model), clash.other)?;
    (module.file.path != d.file.path || span != d.span).then_some((module, span))
}

/// A concrete copy of a swappable model (a custom user model deriving from `AbstractUser`,
/// beside `auth.User`) clashes with the model it was meant to replace: the remedy is the
/// swappable setting, not a new related_name (which breaks code querying the stock name,
/// such as `User.objects.with_perm()` through `Group`'s `user`).
fn swappable_remedy(graph: &Graph, mi: ModelId, field: &Field, clash: &Clash) -> Option<String> {
    if !matches!(clash.id, "fields.E304" | "fields.E305") {
        return None;
    }
    let same_declaration = match (&field.origin, &clash.other.origin) {
        (FieldOrigin::Builtin { field: a, .. }, FieldOrigin::Builtin { field: b, .. }) => {
            std::ptr::eq(*a, *b)
        }
        (
            FieldOrigin::Project {
                class: a,
                name_span: sa,
                ..
            },
            FieldOrigin::Project {
                class: b,
                name_span: sb,
                ..
            },
        ) => a.same(b) && sa == sb,
        _ => false,
    };
    if !same_declaration {
        return None;
    }
    let swappable_of = |m: &Model| {
        m.meta
            .get("swappable")
            .and_then(|a| a.value.as_str().map(str::to_string))
    };
    let (stock, custom) = (graph.model(mi), graph.model(clash.other_model));
    let (setting, stock, custom) = match (swappable_of(stock), swappable_of(custom)) {
        (Some(s), None) => (s, stock, custom),
        (None, Some(s)) => (s, custom, stock),
        _ => return None,
    };
    Some(format!(
        "set {setting} = \"{}\" in the settings rather than renaming: Django then swaps {} out and the clash disappears, while a new related_name on `{}` would break the code that queries the stock reverse name",
        custom.label()?,
        stock.label()?,
        field.name,
    ))
}
