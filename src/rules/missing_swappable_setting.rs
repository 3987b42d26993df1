//! DOT016 missing-swappable-setting: an active custom model points at a swappable DOT model
//! (every token model at `oauth2_settings.APPLICATION_MODEL`) whose top-level
//! `OAUTH2_PROVIDER_*_MODEL` setting is not defined. DOT itself reads the default through
//! `oauth2_settings`, so `manage.py check` and the runtime pass; but Django's migration
//! autodetector resolves a swappable dependency with `getattr(settings, NAME)`
//! (`MigrationAutodetector._build_migration_list`), so `makemigrations` raises
//! `AttributeError: 'Settings' object has no attribute 'OAUTH2_PROVIDER_APPLICATION_MODEL'`
//! (DOT issues #240, #1017, #980; oracle: every DOT version).
//!
//! Not reported here: an AccessToken / RefreshToken setting missing while the other one is
//! swapped (DOT008: the remedy is to swap both, not DOT's default), and the IDToken setting
//! missing while the AccessToken is swapped (DOT017: the remedy is to swap the IDToken too).
//! When part of the settings cannot be read (a star import from outside the project,
//! `globals()` / `exec`), the setting may be defined there: silent.

use std::collections::BTreeMap;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::edits;
use crate::models::{ActiveSpec, Analysis, DotModel, Target};
use crate::resolve::ClassRef;
use crate::rules::Rule;
use crate::syntax::{ExprKind, Span, Stmt};

/// A DOT016 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT016, severity, model, owner, span, message)
}

/// A place that needs a setting: the model, the class that declares (or inherits) the
/// relation, the relation's field name and the span to point at.
struct Need<'a> {
    model: &'a DotModel,
    owner: ClassRef,
    field: &'static str,
    span: Span,
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let Some(settings) = ctx.settings.as_ref().filter(|_| ctx.settings_known()) else {
        return Vec::new();
    };
    if settings_may_hide(ctx) {
        return Vec::new();
    }
    let mut needs: BTreeMap<&'static str, Vec<Need>> = BTreeMap::new();
    for model in ctx.active_models() {
        for rel in ctx.relation_fields(model) {
            let Some(target) = ctx.contract.role(&rel.to) else {
                continue;
            };
            if settings.get(&target.setting).is_some() || left_to_other_rules(ctx, &target.role) {
                continue;
            }
            let Some((owner, span)) = relation_site(ctx, model, rel.field.as_str(), &rel.to) else {
                continue;
            };
            needs
                .entry(target.setting.as_str())
                .or_default()
                .push(Need {
                    model,
                    owner,
                    field: rel.field.as_str(),
                    span,
                });
        }
    }
    needs
        .into_iter()
        .filter_map(|(setting, needs)| missing_setting(ctx, settings, setting, &needs))
        .collect()
}

fn missing_setting(
    ctx: &Analysis,
    settings: &crate::settings::Settings,
    setting: &str,
    needs: &[Need],
) -> Option<Diagnostic> {
    let (_, lib_settings_name) = ctx.contract.settings_object_parts();
    let lib_name = &ctx.contract.library;
    let role = ctx.contract.roles.iter().find(|r| r.setting == setting)?;
    let first = needs.first()?;
    let module = ctx.project.module(&settings.module)?;
    let text = &module.file.text;
    let line = format!("{setting} = {}", edits::quoted(text, &role.default));
    let (anchor, at) = insertion_point(&module.syntax.body, text, &ctx.contract.settings_dict);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let content = if at as usize == text.len() && !text.is_empty() && !text.ends_with('\n') {
        format!("{newline}{line}{newline}")
    } else {
        format!("{line}{newline}")
    };
    // django-configurations reads class attributes, not module-level names: show the line only.
    let applicability = if settings.choice.is_some() {
        Applicability::Display
    } else {
        Applicability::Safe
    };
    let mut d = diagnostic(ctx, Severity::Error,
        first.model,
        &first.owner,
        first.span,
        format!(
            "`{}.{}` points at {lib_name}'s swappable {} model, but the settings do not define {setting}",
            first.model.name(),
            first.field,
            role.concrete
        ),
    )
    .help(format!("add `{line}` (DOT's default) to the settings"))
    .related(
        module.file.clone(),
        anchor,
        format!("{setting} is not defined in this settings module"),
    );
    for other in &needs[1..] {
        d = d.related(
            other.owner.module.file.clone(),
            other.span,
            format!("`{}.{}` needs it too", other.model.name(), other.field),
        );
    }
    Some(
        d.note(format!(
            "This breaks makemigrations in every {lib_name} version: Django's migration autodetector resolves the swappable dependency with getattr(settings, \"{setting}\") and raises AttributeError (DOT issues #240, #1017, #980). manage.py check and DOT's own code pass, because DOT reads its default through {lib_settings_name}."
        ))
        .fix(Some(Fix {
            applicability,
            message: format!("Add `{line}` to the settings"),
            edits: vec![Edit::insert(at, content).in_file(module.file.clone())],
        })),
    )
}

/// Whether a missing setting for `role` is another rule's finding, with another remedy.
fn left_to_other_rules(ctx: &Analysis, role: &str) -> bool {
    let swapped = |r: &str| {
        matches!(ctx.active.get(r), Some(ActiveSpec::Model { label, setting: Some(_), .. })
            if label != &ctx.contract.package)
    };
    match role {
        "access_token" => swapped("refresh_token"),
        "refresh_token" => swapped("access_token"),
        "id_token" => swapped("access_token"),
        _ => false,
    }
}

/// Where `model`'s relation `field` to the role `to` is declared: a re-declaration in the
/// project (its `to` argument) when it still targets DOT's swappable model, else the model's
/// class line (inherited from DOT's abstract model). `None` when the project re-declared the
/// field to point elsewhere, or removed it.
pub(super) fn relation_site(
    ctx: &Analysis,
    model: &DotModel,
    field: &str,
    to: &str,
) -> Option<(ClassRef, Span)> {
    let Some((owner, member)) = model.redeclared(field) else {
        return Some((model.class.clone(), model.class.info().name_span));
    };
    let decl = ctx.field(&owner.module, &member)?;
    let to_expr = decl.to()?;
    let concrete = &ctx.contract.role(to)?.concrete;
    let swappable = match ctx.target(model, &owner.module, to_expr) {
        Target::Role(r) => r == to,
        Target::Label { label, model: m } => {
            label == ctx.contract.package && m.eq_ignore_ascii_case(concrete)
        }
        _ => false,
    };
    swappable.then(|| (owner.clone(), to_expr.span))
}

/// After the settings module's last top-level `OAUTH2_PROVIDER_*_MODEL` assignment (the span
/// to show, and the offset of the next line), else at the end of the file.
fn insertion_point(body: &[Stmt], text: &str, prefix: &str) -> (Span, u32) {
    let last = body
        .iter()
        .filter_map(|s| match s {
            Stmt::Assign { targets, span, .. } => targets
                .iter()
                .any(|t| {
                    matches!(&t.kind, ExprKind::Name(n)
                        if n.strip_prefix(prefix).is_some_and(|r| r.starts_with('_')) && n.ends_with("_MODEL"))
                })
                .then_some(*span),
            _ => None,
        })
        .next_back();
    match last {
        Some(span) => {
            let end = span.end as usize;
            let next_line = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
            (span, next_line as u32)
        }
        None => {
            let first = body
                .first()
                .map_or(Span::new(0, 0), crate::settings::stmt_span);
            (first, text.len() as u32)
        }
    }
}

/// Whether the settings modules hold something that may define names the evaluator cannot
/// see: `globals()` / `locals()` / `vars()` / `exec`, or a star import of a module outside the
/// project (the evaluator's own record of it). A setting absent from what was read may then be
/// defined all the same.
pub(super) fn settings_may_hide(ctx: &Analysis) -> bool {
    *ctx.settings_may_hide
        .get_or_init(|| scan_settings_may_hide(ctx))
}

fn scan_settings_may_hide(ctx: &Analysis) -> bool {
    let Some(settings) = &ctx.settings else {
        return true;
    };
    let mut modules: Vec<_> = settings.values.values().map(|v| v.module.clone()).collect();
    modules.extend(ctx.project.module(&settings.module));
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    modules.dedup_by(|a, b| a.name == b.name);
    modules.iter().any(|m| {
        let text = &m.file.text;
        if ["globals()", "locals()", "vars()", "exec("]
            .iter()
            .any(|n| text.contains(n))
        {
            return true;
        }
        false
    }) || settings.maybe_set_elsewhere().is_some()
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::rules::testing::{check, summary, with_models};

    const MODELS: &str = "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n";

    /// The shared settings without their Application line.
    fn without_application(models: &str) -> String {
        with_models(models).replace(
            "OAUTH2_PROVIDER_APPLICATION_MODEL = 'oauth2_provider.Application'\n",
            "",
        )
    }

    fn dot016(spec: &str) -> Vec<crate::diagnostic::Diagnostic> {
        check(spec)
            .into_iter()
            .filter(|d| d.code == "DOT016")
            .collect()
    }

    #[test]
    fn missing_application_setting_fires_once_on_the_first_model() {
        let d = dot016(&without_application(MODELS));
        assert_eq!(summary(&d), [("DOT016", 4, "MyAccessToken".to_string())]);
        // The other two models are related; the settings module too.
        assert_eq!(d[0].related.len(), 4);
        let fix = d[0].fix.as_ref().unwrap();
        assert_eq!(fix.applicability, Applicability::Safe);
        assert_eq!(
            fix.edits[0].content,
            "OAUTH2_PROVIDER_APPLICATION_MODEL = 'oauth2_provider.Application'\n"
        );
    }

    #[test]
    fn a_defined_setting_or_a_hidden_one_is_silent() {
        assert!(dot016(&with_models(MODELS)).is_empty());
        let hidden = without_application(MODELS).replace(
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n",
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\nfrom local_settings import *\n",
        );
        assert!(dot016(&hidden).is_empty());
    }

    #[test]
    fn a_redeclared_relation_to_another_model_needs_no_setting() {
        let models = "class MyApplication(models.Model):\n    pass\n\
class MyAccessToken(AbstractAccessToken):\n    application = models.ForeignKey(MyApplication, on_delete=models.CASCADE, null=True)\n\
class MyIDToken(AbstractIDToken):\n    application = models.ForeignKey(MyApplication, on_delete=models.CASCADE, null=True)\n\
class MyRefreshToken(AbstractRefreshToken):\n    application = models.ForeignKey(oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE)\n";
        let d = dot016(&without_application(models));
        assert_eq!(
            summary(&d),
            [(
                "DOT016",
                11,
                "oauth2_settings.APPLICATION_MODEL".to_string()
            )]
        );
    }
}
