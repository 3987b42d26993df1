//! DOT005 contract-field-removed: a field DOT reads or writes by name is removed (`name = None`)
//! or shadowed by something that is known not to be a field (a method, a property, a nested class,
//! a literal, or a name bound to one of those) in an active model. DOT's `create()` / `filter()`
//! calls then raise `TypeError`, `FieldError` or `AttributeError` (dot-contract.md §3.7). The
//! per-role, per-version field lists are data (`[[fields_used]]`).
//!
//! A call the tool cannot resolve to a non-field is not a shadowing: `prevent_search(models.
//! CharField(...))` (a project helper that returns the field it wraps), `ListCharField(...)` from a
//! third-party package, a factory function. Those stay silent: only what is known is reported.

use std::sync::Arc;

use crate::contract::{FieldsUsed, Version, in_range};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::index::{Binding, Member, MemberKind};
use crate::models::{Analysis, DotModel};
use crate::project::SourceModule;
use crate::resolve::ClassRef;
use crate::resolve::Symbol;
use crate::rules::Rule;
use crate::syntax::Span;
use crate::syntax::{Expr, ExprKind};

/// A DOT005 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT005, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let mut out = Vec::new();
    for model in ctx.active_models() {
        for used in ctx
            .contract
            .fields_used
            .iter()
            .filter(|f| f.role == model.role.role)
        {
            if !in_range(ctx.dot_version, used.since, used.until) {
                continue;
            }
            for name in &used.names {
                let Some((owner, member)) = model.redeclared(name) else {
                    continue;
                };
                let Some(what) = not_a_field(ctx, &owner.module, &member) else {
                    continue;
                };
                let failures = known_failures(ctx, model, used, name, what);
                let message = match failures.first() {
                    Some(f) => format!(
                        "field `{name}` of {} is {what} in `{}`, so {} fails with {}",
                        model.role.abstract_class,
                        owner.info().name,
                        f.operation,
                        f.failure
                    ),
                    None => format!(
                        "field `{name}` of {} is {what} in `{}`, but {lib_name} uses it by name",
                        model.role.abstract_class,
                        owner.info().name
                    ),
                };
                let mut d = diagnostic(
                    ctx,
                    Severity::Error,
                    model,
                    &owner,
                    member.name_span,
                    message,
                )
                .help(if what == REMOVED {
                    format!("delete `{name} = None` to keep DOT's field")
                } else {
                    format!("rename the attribute and keep DOT's `{name}` field")
                })
                .fix(Some(Fix {
                    applicability: Applicability::Display,
                    message: format!("Restore the `{name}` field"),
                    edits: Vec::new(),
                }));
                if failures.is_empty() {
                    d = d.note(super::breaks_note(ctx.contract,
                        "token issue, validation, revocation, clear_expired() or the admin, wherever the field is used",
                        None,
                        used.since,
                        used.until,
                        &used.evidence,
                    ));
                }
                for f in &failures {
                    d = d.note(super::breaks_note(
                        ctx.contract,
                        &f.operation,
                        Some(&f.failure),
                        f.since,
                        f.until,
                        &f.evidence,
                    ));
                }
                out.push(d);
            }
        }
    }
    out
}

const REMOVED: &str = "removed";
const PROPERTY: &str = "shadowed by a property";

/// What `member` is when it is known not to be a field, in the words of the message; `None` when
/// it is a field or may be one (an unresolved call, a name the tool cannot follow).
fn not_a_field(
    ctx: &Analysis,
    module: &Arc<SourceModule>,
    member: &Member,
) -> Option<&'static str> {
    match &member.kind {
        MemberKind::Function { is_property: true } => Some(PROPERTY),
        MemberKind::Function { .. } => Some("shadowed by a method"),
        MemberKind::Class => Some("shadowed by a nested class"),
        MemberKind::Value { value, .. } => value_not_a_field(ctx, module, value),
    }
}

fn value_not_a_field(
    ctx: &Analysis,
    module: &Arc<SourceModule>,
    value: &Expr,
) -> Option<&'static str> {
    // A name bound at module level to a function becomes a method of the class.
    if let ExprKind::Name(n) = &value.kind
        && matches!(module.index.bindings.get(n), Some(Binding::Function(_)))
    {
        return Some("shadowed by a method");
    }
    let (value_module, value) = ctx.resolver.value_of(module, value);
    match &value.kind {
        ExprKind::NoneLit => Some(REMOVED),
        ExprKind::Str(_)
        | ExprKind::Int(_)
        | ExprKind::Bool(_)
        | ExprKind::List(_)
        | ExprKind::Tuple(_)
        | ExprKind::Dict(_) => Some("shadowed by a plain value"),
        // `property(getter)`: the builtin, unless the module binds the name to something else.
        ExprKind::Call { func, .. }
            if matches!(&func.kind, ExprKind::Name(n) if n == "property")
                && matches!(
                    ctx.resolver.resolve_expr(&value_module, func),
                    Symbol::Unknown
                )
                && !value_module.index.bindings.contains_key("property") =>
        {
            Some(PROPERTY)
        }
        // Any other call may return a field (a helper wrapping one, a third-party field
        // class); names, attributes and other expressions may be anything.
        _ => None,
    }
}

/// A failure DOT meets when a field is gone, as the contract knows it.
struct Failure {
    operation: String,
    failure: String,
    since: Option<Version>,
    until: Option<Version>,
    evidence: String,
}

/// The concrete failures DOT's code meets when `name` is not a field, where the contract knows
/// them: the model constructor DOT calls with the field as a keyword (token issue), and a relation
/// whose reverse query name DOT filters on (`refresh_token__isnull`, `access_token__isnull` in
/// `clear_expired()`).
fn known_failures(
    ctx: &Analysis,
    model: &DotModel,
    used: &FieldsUsed,
    name: &str,
    what: &str,
) -> Vec<Failure> {
    let mut out = Vec::new();
    if let (Some(operation), Some(failure)) = (&used.operation, &used.failure) {
        // Django hands a keyword that names a property to the property's setter.
        let failure = if what == PROPERTY {
            format!(
                "AttributeError (the `{name}=` keyword reaches the property, which cannot be set)"
            )
        } else {
            failure.replace("{name}", name)
        };
        out.push(Failure {
            operation: operation.clone(),
            failure,
            since: used.since,
            until: used.until,
            evidence: used.evidence.clone(),
        });
    }
    if let Some(rel) = ctx.contract.relation(&model.role.role, name)
        && rel.reverse_query_name.is_some()
        && in_range(ctx.dot_version, rel.reverse_since, None)
        && let Some(failure) = &rel.failure
    {
        out.push(Failure {
            operation: rel.failing_operation.clone(),
            failure: failure.clone(),
            since: rel.reverse_since,
            until: None,
            evidence: rel.evidence.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    #[test]
    fn removal_and_shadowing_fire_on_the_name() {
        let spec = with_models(
            "class MyAccessToken(AbstractAccessToken):\n    scope = None\n    @property\n    def expires(self):\n        return None\n\
class MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n",
        );
        let d = check(&spec);
        assert_eq!(
            summary(&d),
            [
                ("DOT005", 5, "scope".to_string()),
                ("DOT005", 7, "expires".to_string())
            ]
        );
        assert!(d[1].message.contains("property"));
    }

    #[test]
    fn known_failures_are_named() {
        let spec = with_models(
            "class MyAccessToken(AbstractAccessToken):\n    id_token = None\n    @property\n    def expires(self):\n        return None\n\
class MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n",
        );
        let d = check(&spec);
        assert_eq!(d.len(), 2);
        assert!(
            d[0].message.ends_with(
                "so every token issue fails with TypeError (unexpected keyword argument 'id_token' to the AccessToken model)"
            ),
            "{}",
            d[0].message
        );
        assert!(
            d[0].notes.iter().any(|n| n.contains(
                "FieldError: Cannot resolve keyword 'access_token' into field"
            )),
            "{:?}",
            d[0].notes
        );
        assert!(d[1].message.contains("AttributeError"), "{}", d[1].message);
        // Before 2.3.0 clear_expired() has no ID-token step: only the token issue is named.
        let old = check(&spec.replace("==3.4.1", "==2.2.0"));
        assert!(old[0].notes.iter().all(|n| !n.contains("FieldError")));
    }

    #[test]
    fn values_known_not_to_be_fields_fire() {
        let spec = with_models(
            "DEFAULT_SCOPE = 'read'\nNOTHING = None\ndef compute_expiry(self):\n    return None\n\
class MyAccessToken(AbstractAccessToken):\n    scope = DEFAULT_SCOPE\n    expires = compute_expiry\n    application = NOTHING\n    user = property(lambda self: None)\n    class source_refresh_token:\n        pass\n\
class MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n",
        );
        let d = check(&spec);
        let got: Vec<_> = summary(&d).into_iter().map(|(_, _, t)| t).collect();
        assert_eq!(
            got,
            [
                "scope",
                "expires",
                "application",
                "user",
                "source_refresh_token"
            ]
        );
        assert!(d[0].message.contains("plain value"));
        assert!(d[1].message.contains("method"));
        assert!(d[2].message.contains("removed"));
        assert!(d[3].message.contains("property"));
        assert!(d[4].message.contains("nested class"));
    }

    #[test]
    fn calls_that_may_return_a_field_are_silent() {
        let spec = with_models(
            "from django_mysql.models import ListCharField\nfrom .fields import make_token_field\n\
def prevent_search(field):\n    field.prevent_search = True\n    return field\n\
class MyAccessToken(AbstractAccessToken):\n    scope = prevent_search(models.TextField(blank=True))\n    \
expires = ListCharField(base_field=models.CharField(max_length=10), size=2, max_length=30)\n    token = make_token_field()\n    user = SOMETHING_UNKNOWN\n\
class MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n\
# -- app/fields.py\nfrom django.db import models\ndef make_token_field():\n    return models.CharField(max_length=255)\n",
        );
        assert_eq!(summary(&check(&spec)), []);
    }

    #[test]
    fn version_gated_fields() {
        let spec = with_models(
            "class MyAccessToken(AbstractAccessToken):\n    resource = None\nclass MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n",
        );
        assert_eq!(check(&spec).len(), 1);
        assert!(check(&spec.replace("==3.4.1", "==3.3.0")).is_empty());
    }

    #[test]
    fn extra_fields_and_other_attributes_are_fine() {
        let spec = with_models(
            "class MyAccessToken(AbstractAccessToken):\n    note = models.TextField()\n    def describe(self):\n        return ''\n\
class MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n",
        );
        assert!(check(&spec).is_empty());
    }
}
