//! DOT015 inactive-model-clashes: a concrete subclass of a DOT abstract model that no setting
//! makes active, but that keeps one of DOT's fixed reverse names (`refresh_token`,
//! `refreshed_access_token`, `access_token`) on the same target model as the active model. Both
//! claim the name: Django's `fields.E304`/`E305` reverse accessor clash at startup (seen in DOT
//! issue #634's log). The fixed names are the contract's `related_name`s.
//!
//! A clash needs the same name on the *same* model, so each relation's target is resolved (DOT's
//! inherited `oauth2_settings.X_MODEL`, a class, an `"app.Model"` string, a setting): an inactive
//! model whose relation points at another model clashes with nothing. Nor does a model whose
//! `Meta.swappable` names a setting that points at another model: Django swaps it out, and a
//! swapped-out model contributes no reverse relations. A target or setting the tool cannot
//! evaluate is not known to clash, and stays silent.

use std::sync::Arc;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::models::{ActiveSpec, Analysis, DotModel, Target};
use crate::resolve::ClassRef;
use crate::settings::Value;
use crate::syntax::Span;

use super::reverse_names::{Via, reverse_name};
use crate::project::SourceModule;
use crate::rules::Rule;

/// A DOT015 diagnostic located in `module`.
fn diagnostic(
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::diag(Rule::DOT015, severity, module, span, message)
}

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
        if swapped_out(ctx, model) != Some(false) {
            continue;
        }
        let active = ctx.active_models().find(|m| m.role.role == model.role.role);
        for rel in ctx.relation_fields(model) {
            let Some(fixed) = rel.related_name.as_deref() else {
                continue;
            };
            let Some(claim) = claim(ctx, model, &rel.field, &rel.to, fixed) else {
                continue;
            };
            if claim.name != fixed {
                continue;
            }
            // The active model's claim: a custom model's, else DOT's default model's, whose
            // field points at `oauth2_settings.<ROLE>_MODEL` with the fixed name.
            let active_target = match active {
                Some(a) => match claim_of_active(ctx, a, &rel.field, &rel.to, fixed) {
                    Some(t) => t,
                    None => continue,
                },
                None => Target::Role(rel.to.clone()),
            };
            // A clash needs the same target model; unknown targets are not known to clash.
            let (Some(mine), Some(theirs)) =
                (model_of(ctx, &claim.target), model_of(ctx, &active_target))
            else {
                continue;
            };
            if !same_model(&mine, &theirs) {
                continue;
            }
            let (span, owner) = (claim.span, claim.owner);
            let target = ctx
                .contract
                .role(&rel.to)
                .map_or(rel.to.as_str(), |r| r.concrete.as_str());
            let mut d = diagnostic(Severity::Error,
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
            .note("This breaks startup: Django reports fields.E304/E305 (reverse accessor and query name clash), and manage.py check fails (DOT issue #634).")
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

/// What a model's relation field claims: its reverse query name, on which target, and where to
/// point at it (the related_name value when re-declared, else the class name: the field is
/// inherited from DOT).
struct Claim {
    name: String,
    target: Target,
    span: Span,
    owner: ClassRef,
}

fn claim(
    ctx: &Analysis,
    model: &DotModel,
    field: &str,
    to_role: &str,
    fixed: &str,
) -> Option<Claim> {
    match model.redeclared(field) {
        None => Some(Claim {
            name: fixed.to_string(),
            target: Target::Role(to_role.to_string()),
            span: model.class.info().name_span,
            owner: model.class.clone(),
        }),
        Some((owner, member)) => {
            let decl = ctx.field(&owner.module, &member)?;
            let rn = reverse_name(ctx, model, &owner, &decl)?;
            let span = match &rn.via {
                Via::RelatedName(e) | Via::RelatedQueryName(e) => e.span,
                _ => decl.call.span,
            };
            let target = decl
                .to()
                .map_or(Target::Unknown, |to| ctx.target(model, &owner.module, to));
            Some(Claim {
                name: rn.query?,
                target,
                span,
                owner,
            })
        }
    }
}

/// The target on which the active model claims DOT's fixed name; `None` when it does not claim
/// it (or it cannot be told).
fn claim_of_active(
    ctx: &Analysis,
    active: &DotModel,
    field: &str,
    to_role: &str,
    fixed: &str,
) -> Option<Target> {
    let c = claim(ctx, active, field, to_role, fixed)?;
    (c.name == fixed).then_some(c.target)
}

/// `(app_label, ModelName)` of a relation target, when it can be told.
fn model_of(ctx: &Analysis, target: &Target) -> Option<(String, String)> {
    match target {
        Target::Role(role) => match ctx.active.get(role)? {
            ActiveSpec::Model { label, model, .. } => Some((label.clone(), model.clone())),
            _ => None,
        },
        Target::Label { label, model } => Some((label.clone(), model.clone())),
        Target::Class(c) => Some((ctx.app_label_of(c)?, c.info().name.clone())),
        Target::Unknown => None,
    }
}

fn same_model(a: &(String, String), b: &(String, String)) -> bool {
    a.0 == b.0 && a.1.eq_ignore_ascii_case(&b.1)
}

/// Whether Django swaps `model` out: its `Meta.swappable` names a setting that points at another
/// model. `Some(false)`: it is live; `None`: the setting cannot be evaluated.
fn swapped_out(ctx: &Analysis, model: &DotModel) -> Option<bool> {
    let Some((owner, meta)) = model.effective_meta() else {
        return Some(false);
    };
    let Some(expr) = meta.attrs.get("swappable") else {
        return Some(false);
    };
    let setting = ctx.resolver.string_value(&owner.module, expr)?;
    // Django: `getattr(settings, swappable, None)`; an absent or empty setting swaps nothing.
    let Some(value) = ctx.settings.as_ref()?.get(&setting) else {
        return Some(false);
    };
    let Value::Str(text) = &value.value else {
        return None;
    };
    if text.is_empty() {
        return Some(false);
    }
    let (label, name) = text.split_once('.')?;
    let own_label = model.app_label.as_deref()?;
    Some(!(label == own_label && name.eq_ignore_ascii_case(model.name())))
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

    fn dot015(models: &str) -> Vec<(&'static str, u32, String)> {
        let d: Vec<_> = check(&with_models(&format!("{ACTIVE}{models}")))
            .into_iter()
            .filter(|d| d.code == "DOT015")
            .collect();
        summary(&d)
    }

    #[test]
    fn a_relation_to_another_model_does_not_clash() {
        // The archive's refresh token keeps the fixed name, but on the archive's access token.
        let archive = "class ArchivedAccessToken(AbstractAccessToken):\n    \
source_refresh_token = models.OneToOneField('app.ArchivedRefreshToken', models.SET_NULL, blank=True, null=True, related_name='refreshed_access_token')\n    \
id_token = models.OneToOneField('app.ArchivedIDToken', models.CASCADE, blank=True, null=True, related_name='access_token')\n\
class ArchivedIDToken(AbstractIDToken):\n    pass\n\
class ArchivedRefreshToken(AbstractRefreshToken):\n    \
access_token = models.OneToOneField(ArchivedAccessToken, models.SET_NULL, blank=True, null=True, related_name='refresh_token')\n";
        assert_eq!(dot015(archive), []);
        // Pointed at the active access token (by its label), the same name clashes.
        let clashing = archive.replace(
            "OneToOneField(ArchivedAccessToken,",
            "OneToOneField('app.MyAccessToken',",
        );
        assert_eq!(
            dot015(&clashing),
            [("DOT015", 16, "'refresh_token'".to_string())]
        );
    }

    #[test]
    fn a_swapped_out_model_clashes_with_nothing() {
        let swappable = "class VendorRefreshToken(AbstractRefreshToken):\n    class Meta(AbstractRefreshToken.Meta):\n        swappable = 'OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL'\n";
        // The setting names app.MyRefreshToken: Django swaps the vendor's model out.
        assert_eq!(dot015(swappable), []);
        // A swappable setting the project does not define swaps nothing: the model is live.
        let unset = swappable.replace(
            "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL",
            "VENDOR_REFRESH_TOKEN_MODEL",
        );
        assert_eq!(
            dot015(&unset),
            [("DOT015", 10, "VendorRefreshToken".to_string())]
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
