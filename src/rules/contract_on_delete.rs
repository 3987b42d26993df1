//! DOT003 contract-on-delete: a contract relation re-declared with an `on_delete` DOT does not
//! expect. The per-field, per-value effects and severities are data (`on_delete_effects` in
//! contract.toml, from dot-contract.md §3.1, §3.3, §3.4): e.g. CASCADE on
//! `RefreshToken.access_token` is a warning (revoked tombstones are hard-deleted), PROTECT an
//! error (`ProtectedError` on rotation and revocation).

use crate::contract::Version;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::edits;
use crate::models::Analysis;
use crate::models::DotModel;
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::Span;

/// A DOT003 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT003, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let mut out = Vec::new();
    for model in ctx.active_models() {
        for rel in ctx.relation_fields(model) {
            if rel.on_delete_effects.is_empty() {
                continue;
            }
            let Some((owner, member)) = model.redeclared(&rel.field) else {
                continue;
            };
            let Some(field) = ctx.field(&owner.module, &member) else {
                continue;
            };
            let Some(kw) = field.keyword("on_delete") else {
                continue;
            };
            let Some(value) = ctx.on_delete_name(&owner.module, &kw.value) else {
                continue;
            };
            let Some(effect) = rel.on_delete_effects.get(&value) else {
                continue;
            };
            if !crate::contract::in_range(ctx.dot_version, effect.since, None) {
                continue;
            }
            let severity = Severity::parse(&effect.severity);
            let expected = &rel.on_delete;
            let fix = edits::django_models_name(&owner.module, expected).map(|name| Fix {
                applicability: Applicability::Unsafe,
                message: format!("Use on_delete={name} as {lib_name} does"),
                edits: vec![Edit::replace(kw.value.span, name)],
            });
            let help_name = edits::django_models_name(&owner.module, expected)
                .unwrap_or_else(|| format!("models.{expected}"));
            out.push(
                diagnostic(
                    ctx,
                    severity,
                    model,
                    &owner,
                    kw.value.span,
                    format!(
                        "`{}.{}` uses on_delete={value}; {lib_name} declares it {expected}",
                        owner.info().name,
                        rel.field
                    ),
                )
                .help(format!("use on_delete={help_name}"))
                .note(format!("With {value}, {}.", effect.effect))
                .note(super::breaks_note(
                    ctx.contract,
                    &rel.failing_operation,
                    None,
                    None::<Version>,
                    None,
                    &rel.evidence,
                ))
                .fix(fix),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing::{check, summary, with_models};

    fn rt(on_delete: &str) -> String {
        with_models(&format!(
            "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\n\
class MyRefreshToken(AbstractRefreshToken):\n    access_token = models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete={on_delete}, null=True, blank=True, related_name='refresh_token')\n"
        ))
    }

    #[test]
    fn cascade_is_a_warning_protect_an_error_set_null_silent() {
        let d = check(&rt("models.CASCADE"));
        assert_eq!(summary(&d), [("DOT003", 9, "models.CASCADE".to_string())]);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(
            d[0].fix.as_ref().unwrap().edits[0].content,
            "models.SET_NULL"
        );
        let d = check(&rt("models.PROTECT"));
        assert_eq!(d[0].severity, Severity::Error);
        assert!(check(&rt("models.SET_NULL")).is_empty());
    }

    #[test]
    fn directly_imported_handlers_resolve() {
        let spec = rt("CASCADE").replace(
            "from django.db import models\n",
            "from django.db import models\nfrom django.db.models import CASCADE, SET_NULL\n",
        );
        let d = check(&spec);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].fix.as_ref().unwrap().edits[0].content, "SET_NULL");
    }

    #[test]
    fn source_refresh_token_cascade_is_an_error() {
        let spec = with_models(
            "class MyAccessToken(AbstractAccessToken):\n    source_refresh_token = models.OneToOneField(oauth2_settings.REFRESH_TOKEN_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name='refreshed_access_token')\n\
class MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n",
        );
        let d = check(&spec);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code, d[0].severity), ("DOT003", Severity::Error));
    }
}
