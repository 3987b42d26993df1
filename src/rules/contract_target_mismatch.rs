//! DOT009 contract-target-mismatch: a re-declared contract relation points at a model other than
//! the one active for that role (e.g. `"oauth2_provider.AccessToken"` while ACCESS_TOKEN_MODEL is
//! swapped). DOT assigns instances of the active model to it: `ValueError: Cannot assign …` during
//! token issue or rotation, and migrations point at the wrong table (Django `fields.E301`).

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::edits;
use crate::models::DotModel;
use crate::models::{Analysis, Target};
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::Span;

/// A DOT009 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT009, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let (lib_settings_module, lib_settings_name) = ctx.contract.settings_object_parts();
    let mut out = Vec::new();
    for model in ctx.active_models() {
        for rel in ctx.relation_fields(model) {
            let Some((owner, member)) = model.redeclared(&rel.field) else {
                continue;
            };
            let Some(field) = ctx.field(&owner.module, &member) else {
                continue;
            };
            let Some(to) = field.to() else {
                continue;
            };
            let target = ctx.target(model, &owner.module, to);
            if ctx.target_is_active(&target, &rel.to) != Some(false) {
                continue;
            }
            let Some(role) = ctx.contract.role(&rel.to) else {
                continue;
            };
            let shown = match &target {
                Target::Label { label, model } => format!("{label}.{model}"),
                Target::Class(c) => c.info().name.clone(),
                Target::Role(r) => ctx
                    .contract
                    .role(r)
                    .map_or(r.clone(), |x| format!("the active {}", x.concrete)),
                Target::Unknown => "another model".to_string(),
            };
            let active = match ctx.active.get(&rel.to) {
                Some(crate::models::ActiveSpec::Model { label, model, .. }) => {
                    format!("{label}.{model}")
                }
                _ => role.default.clone(),
            };
            let replacement = edits::imported_name(&owner.module, &ctx.contract.settings_object)
                .map(|n| format!("{n}.{}", role.dict_key));
            let fix = Some(match &replacement {
                Some(r) => Fix {
                    applicability: Applicability::Unsafe,
                    message: format!("Point it at {r}"),
                    edits: vec![Edit::replace(to.span, r.clone())],
                },
                None => Fix {
                    applicability: Applicability::Display,
                    message: format!(
                        "Point it at {}.{}",
                        settings_object_name(ctx),
                        role.dict_key
                    ),
                    edits: Vec::new(),
                },
            });
            out.push(
                diagnostic(
                    ctx,
                    Severity::Error,
                    model,
                    &owner,
                    to.span,
                    format!(
                        "`{}.{}` points at {shown}, but the active {} is {active}",
                        owner.info().name,
                        rel.field,
                        role.concrete
                    ),
                )
                .help(format!(
                    "use {lib_settings_name}.{} (from {lib_settings_module} import {lib_settings_name})",
                    role.dict_key
                ))
                .note(super::breaks_note(
                    ctx.contract,
                    &rel.failing_operation,
                    Some("ValueError when DOT assigns an instance of the active model"),
                    None,
                    None,
                    &rel.evidence,
                ))
                .fix(fix),
            );
        }
    }
    out
}

/// The last part of the contract's settings object (`oauth2_settings`).
fn settings_object_name<'c>(ctx: &Analysis<'c>) -> &'c str {
    let object = ctx.contract.settings_object.as_str();
    object.rsplit('.').next().unwrap_or(object)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    fn rt(to: &str) -> String {
        with_models(&format!(
            "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\n\
class MyRefreshToken(AbstractRefreshToken):\n    access_token = models.OneToOneField({to}, on_delete=models.SET_NULL, null=True, blank=True, related_name='refresh_token')\n"
        ))
    }

    #[test]
    fn default_model_while_swapped_fires_with_fix() {
        let d = check(&rt("'oauth2_provider.AccessToken'"));
        assert_eq!(
            summary(&d),
            [("DOT009", 9, "'oauth2_provider.AccessToken'".to_string())]
        );
        assert_eq!(
            d[0].fix.as_ref().unwrap().edits[0].content,
            "oauth2_settings.ACCESS_TOKEN_MODEL"
        );
    }

    #[test]
    fn equivalent_spellings_are_silent() {
        for to in [
            "oauth2_settings.ACCESS_TOKEN_MODEL",
            "'app.MyAccessToken'",
            "'MyAccessToken'",
            "MyAccessToken",
        ] {
            assert!(check(&rt(to)).is_empty(), "{to}");
        }
        let wrong_role = check(&rt("oauth2_settings.REFRESH_TOKEN_MODEL"));
        assert_eq!(wrong_role.len(), 1);
    }
}
