//! DOT015 inactive-model-clashes: a concrete subclass of a DOT abstract model that no setting
//! makes active, but that keeps one of DOT's fixed reverse names (`refresh_token`,
//! `refreshed_access_token`, `access_token`) toward the same target as the active model. Both
//! claim the name: Django's `fields.E304`/`E305` reverse accessor clash at startup (seen in DOT
//! issue #634's log). The fixed names are the contract's `related_name`s.

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::models::{ActiveSpec, Analysis, DotModel};

use super::reverse_names::{Via, reverse_name};

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    if ctx.settings.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for model in ctx.models.iter().filter(|m| m.active == Some(false)) {
        let Some(ActiveSpec::Model {
            label,
            model: active_name,
            ..
        }) = ctx.active.get(&model.role.role)
        else {
            continue;
        };
        // DOT's default model only exists when its app is installed.
        if label == &ctx.contract.package && !ctx.apps.iter().any(|a| &a.label == label) {
            continue;
        }
        let active = ctx.active_models().find(|m| m.role.role == model.role.role);
        for rel in ctx.relation_fields(model) {
            let Some(fixed) = rel.related_name.as_deref() else {
                continue;
            };
            let Some((name, span, owner)) = claimed_name(ctx, model, &rel.field, fixed) else {
                continue;
            };
            if name != fixed {
                continue;
            }
            let active_keeps = match active {
                Some(a) => {
                    claimed_name(ctx, a, &rel.field, fixed).is_some_and(|(n, ..)| n == fixed)
                }
                None => true,
            };
            if !active_keeps {
                continue;
            }
            let target = ctx
                .contract
                .role(&rel.to)
                .map_or(rel.to.as_str(), |r| r.concrete.as_str());
            let mut d = super::diag(
                "DOT015",
                Severity::Error,
                &owner.module,
                span,
                format!(
                    "`{}` is not the active {} ({label}.{active_name} is), yet its `{}` keeps DOT's reverse name `{fixed}` on {target}, which the active model also claims",
                    model.name(), model.role.concrete, rel.field
                ),
            )
            .help(format!(
                "point {} at this model if it is meant to be active; otherwise make it abstract or give `{}` its own related_name",
                model.role.setting, rel.field
            ))
            .note("breaks startup: Django reports fields.E304/E305 (reverse accessor and query name clash) and manage.py check fails (DOT issue #634)")
            .fix(Some(Fix {
                applicability: Applicability::Display,
                message: "Activate, make abstract, or rename its reverse names".to_string(),
                edits: Vec::new(),
            }));
            if let Some(s) = ctx.activating_setting(model) {
                d = d.related(
                    s.module.file.clone(),
                    s.stmt_span,
                    format!("{} points elsewhere here", model.role.setting),
                );
            }
            out.push(d);
        }
    }
    out
}

/// The reverse name `model`'s relation field claims, and where to point at it: the
/// related_name value when re-declared, else the class name (the field is inherited from DOT).
fn claimed_name(
    ctx: &Analysis,
    model: &DotModel,
    field: &str,
    fixed: &str,
) -> Option<(String, crate::syntax::Span, crate::resolve::ClassRef)> {
    match model.redeclared(field) {
        None => Some((
            fixed.to_string(),
            model.class.info().name_span,
            model.class.clone(),
        )),
        Some((owner, member)) => {
            let decl = ctx.field(&owner.module, &member)?;
            let rn = reverse_name(ctx, model, &owner, &decl)?;
            let span = match &rn.via {
                Via::RelatedName(e) | Via::RelatedQueryName(e) => e.span,
                _ => decl.call.span,
            };
            Some((rn.query?, span, owner))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    const ACTIVE: &str = "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n";

    #[test]
    fn a_second_concrete_refresh_token_clashes() {
        let spec = with_models(&format!(
            "{ACTIVE}class LegacyRefreshToken(AbstractRefreshToken):\n    pass\n"
        ));
        let d: Vec<_> = check(&spec)
            .into_iter()
            .filter(|d| d.code == "DOT015")
            .collect();
        assert_eq!(
            summary(&d),
            [("DOT015", 10, "LegacyRefreshToken".to_string())]
        );
    }

    #[test]
    fn renamed_inactive_model_is_silent() {
        let spec = with_models(&format!(
            "{ACTIVE}class LegacyRefreshToken(AbstractRefreshToken):\n    access_token = models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, related_name='legacy_refresh_token')\n"
        ));
        assert!(check(&spec).iter().all(|d| d.code != "DOT015"));
    }
}
