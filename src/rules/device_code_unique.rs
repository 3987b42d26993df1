//! DOT012 device-code-unique: a swapped DeviceGrant declares `device_code` with `unique=True`.
//! From 3.4.0 the abstract Meta already has `UniqueConstraint(fields=["device_code"])`; a second
//! unique index breaks `migrate` on Oracle and strict MySQL (3.4.1 docs/settings.rst:
//! "Do not add unique=True to the field in your swapped model"). Inferred, not reproducible on
//! SQLite.

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::edits;
use crate::models::Analysis;
use crate::models::DotModel;
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::Span;

/// A DOT012 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT012, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let dc = &ctx.contract.device_code;
    if ctx.dot_version < dc.since {
        return Vec::new();
    }
    let mut out = Vec::new();
    for model in ctx.active_models().filter(|m| m.role.role == dc.role) {
        let Some((owner, member)) = model.redeclared(&dc.field) else {
            continue;
        };
        let Some(field) = ctx.field(&owner.module, &member) else {
            continue;
        };
        let Some(kw) = field.keyword("unique") else {
            continue;
        };
        if ctx.bool_value(&owner.module, &kw.value) != Some(true) {
            continue;
        }
        let fix =
            edits::remove_keyword(&owner.module.file.text, &field.call, kw.span).map(|e| Fix {
                applicability: Applicability::Unsafe,
                message: "Remove unique=True (then run makemigrations)".to_string(),
                edits: vec![e],
            });
        out.push(
            diagnostic(ctx, Severity::Warning,
                model,
                &owner,
                kw.value.span,
                format!(
                    "`{}.{}` is declared unique=True, duplicating the UniqueConstraint of AbstractDeviceGrant.Meta",
                    owner.info().name, dc.field
                ),
            )
            .help("remove unique=True")
            .note(format!("This breaks migrate on Oracle and strict MySQL, in {lib_name} ≥ {1}: {0}. Evidence in {lib_name}: {2}. This is inferred; SQLite cannot reproduce it.", dc.effect, dc.since, dc.evidence))
            .fix(fix),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    #[test]
    fn unique_device_code_is_flagged_and_removable() {
        let spec = with_models(
            "from oauth2_provider.models import AbstractDeviceGrant\nclass MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n\
class MyDeviceGrant(AbstractDeviceGrant):\n    device_code = models.CharField(max_length=100, unique=True)\n",
        )
        .replace("OAUTH2_PROVIDER_ID_TOKEN_MODEL", "OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = 'app.MyDeviceGrant'\nOAUTH2_PROVIDER_ID_TOKEN_MODEL");
        let d = check(&spec);
        assert_eq!(summary(&d), [("DOT012", 12, "True".to_string())]);
        assert_eq!(d[0].fix.as_ref().unwrap().edits[0].content, "");
        assert!(check(&spec.replace("==3.4.1", "==3.3.0")).is_empty());
    }
}
