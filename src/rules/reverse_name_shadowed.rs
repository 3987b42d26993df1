//! DOT010 reverse-name-shadowed: an active AccessToken defines its own attribute named
//! `refresh_token` (field, property, method), or an active IDToken one named `access_token`.
//! A field clashes with the reverse accessor (Django `fields.E302`/`E303` at startup); a method
//! or property is silently replaced by the reverse descriptor. The tempting "fix" of renaming
//! DOT's related_name then breaks `clear_expired()` (DOT001/DOT002). The names are the contract's
//! `reverse_query_name`s.

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::index::MemberKind;
use crate::models::Analysis;
use crate::models::DotModel;
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::Span;

/// A DOT010 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT010, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let lib_package = &ctx.contract.package;
    let mut out = Vec::new();
    for rel in &ctx.contract.relations {
        let Some(name) = rel.reverse_query_name.as_deref() else {
            continue;
        };
        let Some(source) = ctx.contract.role(&rel.role) else {
            continue;
        };
        for model in ctx.active_models().filter(|m| m.role.role == rel.to) {
            let Some((owner, member)) = model.attribute(name) else {
                continue;
            };
            let what = match member.kind {
                MemberKind::Function { is_property: true } => "a property",
                MemberKind::Function { .. } => "a method",
                MemberKind::Class => "a nested class",
                MemberKind::Value { .. } if ctx.field(&owner.module, &member).is_some() => {
                    "a field"
                }
                MemberKind::Value { .. } => "a class attribute",
            };
            // A field clashes (fields.E302/E303) and breaks OIDC token issue (oracle, 1.7.1–3.4.1);
            // anything else is silently replaced by Django's reverse descriptor: the project's own
            // attribute is lost, DOT is unaffected.
            let severity = if what == "a field" {
                Severity::Error
            } else {
                Severity::Warning
            };
            out.push(
                diagnostic(ctx, severity,
                    model,
                    &owner,
                    member.name_span,
                    format!(
                        "`{}` defines {what} named `{name}`, the reverse name of {}.{} that {lib_name} queries",
                        owner.info().name, source.concrete, rel.field
                    ),
                )
                .help(format!("rename this attribute; never rename DOT's related_name `{name}`"))
                .note(if severity == Severity::Error {
                    format!(
                        "This breaks startup (Django fields.E302/E303) and OIDC token issue (ValueError when DOT creates the ID token). Renaming DOT's related_name instead breaks {} (evidence in {lib_name}'s {lib_package} package: {}).",
                        rel.failing_operation, rel.evidence
                    )
                } else {
                    format!(
                        "Django silently replaces this {what} with the reverse accessor (no system check reports it), so the project's own code using it breaks. Renaming DOT's related_name instead breaks {} (evidence in {lib_name}'s {lib_package} package: {}).",
                        rel.failing_operation, rel.evidence
                    )
                })
                .fix(Some(Fix {
                    applicability: Applicability::Display,
                    message: format!("Rename `{name}`"),
                    edits: Vec::new(),
                })),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    #[test]
    fn property_named_refresh_token_on_the_access_token() {
        let spec = with_models(
            "class MyAccessToken(AbstractAccessToken):\n    @property\n    def refresh_token(self):\n        return None\n\
class MyIDToken(AbstractIDToken):\n    access_token = models.CharField(max_length=10)\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n",
        );
        let d = check(&spec);
        assert_eq!(
            summary(&d),
            [
                ("DOT010", 6, "refresh_token".to_string()),
                ("DOT010", 9, "access_token".to_string())
            ]
        );
        assert!(d[1].message.contains("a field"));
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Warning);
        assert_eq!(d[1].severity, crate::diagnostic::Severity::Error);
    }
}
