//! DOT011 custom-primary-key-name: an active token model whose primary key is a field not named
//! `id`. DOT ≤ 3.3 addresses rows by `id`: `batch_delete` (`values_list("id")`, clear_expired
//! 1.7–3.3), `RefreshToken.revoke` (`get(id=…)`, ≤ 3.3), rotation (`get(id=…)`, ≤ 2.4). Fixed by
//! PR #1446 (3.0.0) and PR #1593 (3.4.0): silent on DOT ≥ 3.4. Roles and bounds are data
//! (`[primary_key]`).

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::models::Analysis;
use crate::models::DotModel;
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::Span;

/// A DOT011 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT011, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let pk = &ctx.contract.primary_key;
    if ctx.dot_version > pk.until {
        return Vec::new();
    }
    let mut out = Vec::new();
    for model in ctx
        .active_models()
        .filter(|m| pk.roles.contains(&m.role.role))
    {
        let mut seen = Vec::new();
        for class in &model.chain {
            for member in &class.info().members {
                if member.name == "id" || seen.contains(&member.name) {
                    continue;
                }
                seen.push(member.name.clone());
                let Some(field) = ctx.field(&class.module, member) else {
                    continue;
                };
                let Some(kw) = field.keyword("primary_key") else {
                    continue;
                };
                if ctx.bool_value(&class.module, &kw.value) != Some(true) {
                    continue;
                }
                out.push(
                    diagnostic(ctx, Severity::Error,
                        model,
                        class,
                        kw.value.span,
                        format!(
                            "`{}.{}` is the primary key, but {lib_name} {} looks token rows up by a field named `id`",
                            class.info().name, member.name, ctx.dot_version
                        ),
                    )
                    .help(format!("upgrade {lib_name} to 3.4 or later, or keep the primary key named `id`"))
                    .note(super::breaks_note(ctx.contract, &pk.effect, None, None, Some(pk.until), &pk.evidence))
                    .fix(Some(Fix {
                        applicability: Applicability::Display,
                        message: "Upgrade DOT to ≥ 3.4 or keep `id`".to_string(),
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
    fn custom_pk_fires_on_old_dot_only() {
        let spec = with_models(
            "import uuid\nclass MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\n\
class MyRefreshToken(AbstractRefreshToken):\n    id = None\n    token_uuid = models.UUIDField(primary_key=True, default=uuid.uuid4)\n",
        );
        assert!(check(&spec).is_empty());
        let old = spec.replace("==3.4.1", "==2.4.0");
        assert_eq!(summary(&check(&old)), [("DOT011", 11, "True".to_string())]);
        let uuid_id = old.replace("    id = None\n    token_uuid", "    id");
        assert!(check(&uuid_id).is_empty());
    }
}
