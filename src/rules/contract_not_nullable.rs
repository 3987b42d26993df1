//! DOT004 contract-not-nullable: a field DOT writes `None` to, or creates rows without, is
//! declared without `null=True` (explicitly `null=False`, or by omitting it in a re-declaration).
//!
//! `RefreshToken.revoke()` sets `self.access_token = None` and saves (3.4.1 models.py:865): with
//! a NOT NULL column every refresh rotation raises `IntegrityError` and the token endpoint
//! returns 500. The fields and their failures are data: relations with `null = true` and the
//! `[[nullable]]` entries of contract.toml.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::edits;
use crate::models::Analysis;
use crate::models::DotModel;
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::Span;

/// A DOT004 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT004, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let lib_package = &ctx.contract.package;
    let mut out = Vec::new();
    for model in ctx.active_models() {
        let relation_fields = ctx.relation_fields(model).filter(|r| r.null).map(|r| {
            (
                r.field.as_str(),
                r.null_failure.as_deref().unwrap_or(""),
                r.null_evidence.as_deref().unwrap_or(&r.evidence),
            )
        });
        let plain_fields = ctx
            .contract
            .nullable
            .iter()
            .filter(|n| n.role == model.role.role)
            .map(|n| (n.field.as_str(), n.failure.as_str(), n.evidence.as_str()));
        for (name, failure, evidence) in relation_fields.chain(plain_fields) {
            let Some((owner, member)) = model.redeclared(name) else {
                continue;
            };
            let Some(field) = ctx.field(&owner.module, &member) else {
                continue;
            };
            let text = &owner.module.file.text;
            let null_kw = field.keyword("null");
            let (span, message, edits) = match null_kw {
                Some(kw) => match ctx.bool_value(&owner.module, &kw.value) {
                    Some(false) => {
                        let mut e = vec![Edit::replace(kw.value.span, "True")];
                        if field.keyword("blank").is_none() {
                            e.extend(edits::append_argument(text, &field.call, "blank=True"));
                        }
                        (
                            kw.value.span,
                            format!(
                                "`{}.{name}` is declared null=False, but {lib_name} stores None in it",
                                owner.info().name
                            ),
                            e,
                        )
                    }
                    _ => continue,
                },
                None => {
                    let arg = if field.keyword("blank").is_some() {
                        "null=True"
                    } else {
                        "null=True, blank=True"
                    };
                    (
                        field.call.span,
                        format!(
                            "`{}.{name}` is re-declared without null=True, but {lib_name} stores None in it",
                            owner.info().name
                        ),
                        edits::append_argument(text, &field.call, arg)
                            .into_iter()
                            .collect(),
                    )
                }
            };
            let fix = (!edits.is_empty()).then(|| Fix {
                applicability: Applicability::Unsafe,
                message: "Make the field nullable (then run makemigrations)".to_string(),
                edits,
            });
            out.push(
                diagnostic(ctx, Severity::Error, model, &owner, span, message)
                    .help("add null=True, blank=True")
                    .note(format!(
                        "This breaks: {failure}, in every {lib_name} version. Evidence in {lib_name}'s {lib_package} package: {evidence}."
                    ))
                    .fix(fix),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    const OTHERS: &str = "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\n";

    #[test]
    fn the_circulating_fix_is_dot004_and_dot003() {
        let spec = with_models(&format!(
            "{OTHERS}class MyRefreshToken(AbstractRefreshToken):\n    access_token = models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.CASCADE, related_name=\"refresh_token\")\n"
        ));
        let d = check(&spec);
        let codes: Vec<_> = summary(&d).into_iter().map(|(c, l, _)| (c, l)).collect();
        assert_eq!(codes, [("DOT004", 9), ("DOT003", 9)]);
        let fix = d[0].fix.as_ref().unwrap();
        assert_eq!(fix.edits[0].content, ", null=True, blank=True");
    }

    #[test]
    fn explicit_null_false_is_flagged_on_the_value() {
        let spec = with_models(&format!(
            "{OTHERS}class MyRefreshToken(AbstractRefreshToken):\n    revoked = models.DateTimeField(null=False)\n"
        ));
        let d = check(&spec);
        assert_eq!(summary(&d), [("DOT004", 9, "False".to_string())]);
    }

    #[test]
    fn nullable_redeclaration_is_silent() {
        let spec = with_models(
            "class MyAccessToken(AbstractAccessToken):\n    user = models.ForeignKey('auth.User', on_delete=models.CASCADE, null=True, blank=True)\nclass MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n",
        );
        assert!(check(&spec).is_empty());
    }
}
