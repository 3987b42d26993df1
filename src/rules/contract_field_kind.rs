//! DOT006 contract-field-kind: a contract field re-declared as another kind of field.
//! `access_token` / `source_refresh_token` / `id_token` as ForeignKey or ManyToManyField instead
//! of OneToOneField (warning: DOT assumes 1:1, e.g. `get(source_refresh_token_id=…)` raises
//! `MultipleObjectsReturned`); `token_checksum` that is not a `TokenChecksumField` and
//! `client_secret` that is not a `ClientSecretField` (severity per version, from the
//! `[[field_classes]]` data).

use crate::contract::in_range;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::index::{Binding, ImportTarget};
use crate::models::Analysis;
use crate::models::DotModel;
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::ExprKind;
use crate::syntax::Span;

/// A DOT006 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT006, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_models = &ctx.contract.models_module;
    let lib_name = &ctx.contract.library;
    let mut out = Vec::new();
    for model in ctx.active_models() {
        for rel in ctx
            .relation_fields(model)
            .filter(|r| r.kind == "OneToOneField")
        {
            let Some((owner, member)) = model.redeclared(&rel.field) else {
                continue;
            };
            let Some(field) = ctx.field(&owner.module, &member) else {
                continue;
            };
            if !matches!(field.kind.as_str(), "ForeignKey" | "ManyToManyField") {
                continue;
            }
            let fix = one_to_one_spelling(&owner.module, &field.func).map(|(span, text)| Fix {
                applicability: Applicability::Unsafe,
                message: "Declare it as a OneToOneField (then run makemigrations)".to_string(),
                edits: vec![Edit::replace(span, text)],
            });
            out.push(
                diagnostic(ctx, Severity::Warning,
                    model,
                    &owner,
                    field.func.span,
                    format!(
                        "`{}.{}` is a {}, but {lib_name} declares it a OneToOneField and assumes one row per {}",
                        owner.info().name,
                        rel.field,
                        field.kind,
                        ctx.contract.role(&rel.to).map_or("target", |r| r.concrete.as_str())
                    ),
                )
                .help("use models.OneToOneField")
                .note(super::breaks_note(ctx.contract,
                    &rel.failing_operation,
                    Some("1:1 lookups such as get(source_refresh_token_id=…) raise MultipleObjectsReturned once two rows share a target"),
                    None,
                    None,
                    &rel.evidence,
                ))
                .fix(fix),
            );
        }
        for fc in ctx
            .contract
            .field_classes
            .iter()
            .filter(|f| f.role == model.role.role)
        {
            if !in_range(ctx.dot_version, fc.since, fc.until) {
                continue;
            }
            let Some((owner, member)) = model.redeclared(&fc.field) else {
                continue;
            };
            let Some(field) = ctx.field(&owner.module, &member) else {
                continue;
            };
            if field.kind == fc.class {
                continue;
            }
            out.push(
                diagnostic(
                    ctx,
                    Severity::parse(&fc.severity),
                    model,
                    &owner,
                    field.func.span,
                    format!(
                        "`{}.{}` is a {}, not {lib_name}'s {}",
                        owner.info().name,
                        fc.field,
                        field.kind,
                        fc.class
                    ),
                )
                .help(format!("declare it with {lib_models}.{}", fc.class))
                .note(super::breaks_note(
                    ctx.contract,
                    &fc.effect,
                    None,
                    fc.since,
                    fc.until,
                    &fc.evidence,
                ))
                .fix(Some(Fix {
                    applicability: Applicability::Display,
                    message: format!("Use {}", fc.class),
                    edits: Vec::new(),
                })),
            );
        }
    }
    out
}

/// How to write `OneToOneField` in place of the field class expression.
fn one_to_one_spelling(
    module: &std::sync::Arc<crate::project::SourceModule>,
    func: &crate::syntax::Expr,
) -> Option<(crate::syntax::Span, String)> {
    match &func.kind {
        ExprKind::Attribute { value, .. } => {
            Some((func.span, format!("{}.OneToOneField", value.dotted()?)))
        }
        ExprKind::Name(_) => module.index.bindings.iter().find_map(|(local, b)| match b {
            Binding::Import(ImportTarget::Member { module: m, name }, _)
                if m.starts_with("django.db.models") && name == "OneToOneField" =>
            {
                Some((func.span, local.clone()))
            }
            _ => None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing::{check, summary, with_models};

    #[test]
    fn foreign_key_instead_of_one_to_one_is_a_warning_with_fix() {
        let spec = with_models(
            "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\n\
class MyRefreshToken(AbstractRefreshToken):\n    access_token = models.ForeignKey(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name='refresh_token')\n",
        );
        let d = check(&spec);
        assert_eq!(
            summary(&d),
            [("DOT006", 9, "models.ForeignKey".to_string())]
        );
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(
            d[0].fix.as_ref().unwrap().edits[0].content,
            "models.OneToOneField"
        );
    }

    #[test]
    fn token_checksum_must_keep_its_class() {
        let spec = with_models(
            "from oauth2_provider.models import TokenChecksumField\n\
class MyAccessToken(AbstractAccessToken):\n    token_checksum = models.CharField(max_length=64, unique=True)\n\
class MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    token_checksum = TokenChecksumField(max_length=64)\n",
        );
        let d = check(&spec);
        assert_eq!(summary(&d), [("DOT006", 6, "models.CharField".to_string())]);
        assert_eq!(d[0].severity, Severity::Error);
        assert!(check(&spec.replace("==3.4.1", "==2.4.0")).is_empty());
    }
}
