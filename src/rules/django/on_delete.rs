//! `ForeignKey._check_on_delete` (django/db/models/fields/related.py:990-1014, Django 4.2.30;
//! the same in 5.2.19): `on_delete=SET_NULL` on a field that is not `null=True`
//! (fields.E320), else `on_delete=SET_DEFAULT` on a field without a default (fields.E321).
//!
//! Only fields whose class is Django's own `ForeignKey` / `OneToOneField` are judged (a
//! subclass may set `null` or a default itself), and only calls whose arguments are all seen
//! (no `*args` / `**kwargs`) and whose `null` is a literal.

use crate::diagnostic::Diagnostic;
use crate::django::{FieldOrigin, Lit, ModelId};
use crate::models::Analysis;
use crate::rules::Rule;
use crate::syntax::ExprKind;

const FIELD_CLASSES: &[&str] = &[
    "django.db.models.ForeignKey",
    "django.db.models.OneToOneField",
    "django.db.models.fields.related.ForeignKey",
    "django.db.models.fields.related.OneToOneField",
];

fn is_rule(qualname: &str, rule: &str) -> bool {
    qualname
        .strip_prefix("django.db.models.")
        .is_some_and(|rest| rest == rule || rest.strip_prefix("deletion.") == Some(rule))
}

pub(crate) fn check(ctx: &Analysis, code: Rule, id: &'static str) -> Vec<Diagnostic> {
    let Some(dj) = super::context(ctx) else {
        return Vec::new();
    };
    if dj.is_silenced(id) {
        return Vec::new();
    }
    let graph = dj.graph.get();
    let mut out = Vec::new();
    for (i, model) in graph.models.iter().enumerate() {
        if !super::checked(model) || model.class().is_none() {
            continue;
        }
        for field in &model.fields {
            let FieldOrigin::Project {
                class,
                call,
                callee,
                ..
            } = &field.origin
            else {
                continue;
            };
            if !callee
                .as_deref()
                .is_some_and(|q| FIELD_CLASSES.contains(&q))
            {
                continue;
            }
            let ExprKind::Call { args, keywords, .. } = &call.kind else {
                continue;
            };
            let module = &class.module;
            if keywords.iter().any(|k| k.arg.is_none())
                || args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
            {
                continue;
            }
            let Some(on_delete) = args
                .get(1)
                .or_else(|| call.keyword("on_delete").map(|k| &k.value))
            else {
                continue;
            };
            let Some(rule) = ctx.resolver.resolve_expr(module, on_delete).qualname() else {
                continue;
            };
            let (found, message, hint) = if is_rule(&rule, "SET_NULL") {
                match call
                    .keyword("null")
                    .map(|k| Lit::eval(&ctx.resolver, module, &k.value))
                {
                    None | Some(Lit::Bool(false)) => {}
                    _ => continue,
                }
                (
                    "fields.E320",
                    "Field specifies on_delete=SET_NULL, but cannot be null.",
                    "Set null=True argument on the field, or change the on_delete rule.",
                )
            } else if is_rule(&rule, "SET_DEFAULT") {
                if call.keyword("default").is_some() {
                    continue;
                }
                (
                    "fields.E321",
                    "Field specifies on_delete=SET_DEFAULT, but has no default value.",
                    "Set a default value, or change the on_delete rule.",
                )
            } else {
                continue;
            };
            if found != id {
                continue;
            }
            let Some(site) = super::field_site(model, field) else {
                continue;
            };
            let Some(mut d) = super::django_diag(
                dj,
                code,
                id,
                site,
                super::object(model, &field.name),
                message.to_string(),
                hint.to_string(),
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
    use super::is_rule;

    #[test]
    fn a_deletion_rule_is_named_from_django_models_or_its_deletion_module() {
        assert!(is_rule("django.db.models.SET_NULL", "SET_NULL"));
        assert!(is_rule("django.db.models.deletion.SET_NULL", "SET_NULL"));
        assert!(!is_rule("django.db.models.deletion.CASCADE", "SET_NULL"));
        assert!(!is_rule("django.db.models.SET_NULLS", "SET_NULL"));
        assert!(!is_rule("django.db.models.fields.SET_NULL", "SET_NULL"));
        assert!(!is_rule("app.django.db.models.SET_NULL", "SET_NULL"));
        assert!(!is_rule("SET_NULL", "SET_NULL"));
    }
}
