//! `Field._check_field_name` (django/db/models/fields/__init__.py:271-301, Django 4.2.30; the
//! same in 5.2.19): a name ending with `_` (fields.E001), else one containing `__`
//! (fields.E002), else `pk` (fields.E003). One check, three IDs: the first that applies wins.

use crate::diagnostic::Diagnostic;
use crate::django::{FieldOrigin, ModelId};
use crate::models::Analysis;
use crate::rules::Rule;

/// Which of the three a name violates, if any, with Django's message.
pub(crate) fn violation(name: &str) -> Option<(&'static str, &'static str)> {
    if name.ends_with('_') {
        Some((
            "fields.E001",
            "Field names must not end with an underscore.",
        ))
    } else if name.contains("__") {
        Some(("fields.E002", "Field names must not contain \"__\"."))
    } else if name == "pk" {
        Some((
            "fields.E003",
            "'pk' is a reserved word that cannot be used as a field name.",
        ))
    } else {
        None
    }
}

/// The diagnostics of `id` (one of the three) on every model Django checks: each concrete
/// model's local fields, those copied from abstract parents included (Django checks each copy).
pub(crate) fn check(ctx: &Analysis, rule: Rule, id: &'static str) -> Vec<Diagnostic> {
    let Some(dj) = super::context(ctx) else {
        return Vec::new();
    };
    let graph = dj.graph.get();
    let mut out = Vec::new();
    for (i, model) in graph.models.iter().enumerate() {
        if !super::checked(model) || model.class().is_none() {
            continue;
        }
        for field in &model.fields {
            if !matches!(field.origin, FieldOrigin::Project { .. }) {
                continue;
            }
            let Some((found, message)) = violation(&field.name) else {
                continue;
            };
            if found != id {
                continue;
            }
            let Some(site) = super::field_site(model, field) else {
                continue;
            };
            let hint = match id {
                "fields.E003" => format!(
                    "rename the field: `pk` always means the primary key in lookups, so Django refuses `{}`.",
                    field.name
                ),
                _ => format!(
                    "rename the field: `__` separates lookups (`{}__exact`), so Django refuses names that end with `_` or contain `__`.",
                    field.name.trim_end_matches('_')
                ),
            };
            let Some(mut d) = super::django_diag(
                dj,
                rule,
                id,
                site,
                super::object(model, &field.name),
                message.to_string(),
                hint,
            ) else {
                continue;
            };
            if let Some(note) = super::inherited_note(graph, ModelId(i), field) {
                d = d.note(note);
            }
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::violation;

    #[test]
    fn the_first_violation_wins_as_in_django() {
        assert_eq!(violation("a__b_").map(|v| v.0), Some("fields.E001"));
        assert_eq!(violation("a__b").map(|v| v.0), Some("fields.E002"));
        assert_eq!(violation("pk").map(|v| v.0), Some("fields.E003"));
        assert_eq!(violation("_private").map(|v| v.0), None);
        assert_eq!(violation("pk_id"), None);
    }
}
