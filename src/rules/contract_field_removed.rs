//! DOT005 contract-field-removed: a field DOT reads or writes by name is removed (`name = None`)
//! or shadowed by something that is not a field (a method, a property, a plain value) in an
//! active model. DOT's `create()` / `filter()` calls then raise `TypeError`, `FieldError` or
//! `AttributeError` (dot-contract.md §3.7). The per-role, per-version field lists are data
//! (`[[fields_used]]`).

use crate::contract::in_range;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::index::MemberKind;
use crate::models::Analysis;
use crate::syntax::ExprKind;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
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
                let what = match &member.kind {
                    MemberKind::Value { value, .. } if value.kind == ExprKind::NoneLit => "removed",
                    MemberKind::Value { .. } if ctx.field(&owner.module, &member).is_some() => {
                        continue;
                    }
                    MemberKind::Value { .. } => "shadowed by a plain class attribute",
                    MemberKind::Function { is_property: true } => "shadowed by a property",
                    MemberKind::Function { .. } => "shadowed by a method",
                    MemberKind::Class => "shadowed by a nested class",
                };
                out.push(
                    super::model_diag(
                        ctx,
                        "DOT005",
                        Severity::Error,
                        model,
                        &owner,
                        member.name_span,
                        format!(
                            "field `{name}` of {} is {what} in `{}`, but django-oauth-toolkit uses it by name",
                            model.role.abstract_class,
                            owner.info().name
                        ),
                    )
                    .help(if what == "removed" {
                        format!("delete `{name} = None` to keep DOT's field")
                    } else {
                        format!("rename the attribute and keep DOT's `{name}` field")
                    })
                    .note(super::breaks_note(
                        "token issue, validation, revocation, clear_expired() or the admin, wherever the field is used",
                        None,
                        used.since,
                        used.until,
                        &used.evidence,
                    ))
                    .fix(Some(Fix {
                        applicability: Applicability::Display,
                        message: format!("Restore the `{name}` field"),
                        edits: Vec::new(),
                    })),
                );
            }
        }
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
