//! DOT008 token-models-swapped-apart: AccessToken and RefreshToken reference each other, so
//! they must be swapped together, into one app (3.4.1 docs/advanced_topics.rst:112-120; DOT
//! issues #487, #634, #871). Only one swapped: `migrate` fails (`Related model … cannot be
//! resolved`, circular dependency) — error. Both swapped into different apps: DOT 3.4.1's check
//! W011 and migration ordering trouble — warning.

use std::sync::Arc;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::models::{ActiveSpec, Analysis};
use crate::project::SourceModule;
use crate::rules::Rule;
use crate::syntax::Span;

/// A DOT008 diagnostic located in `module`.
fn diagnostic(
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::diag(Rule::DOT008, severity, module, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let (Some(at_role), Some(rt_role)) = (
        ctx.contract.role("access_token"),
        ctx.contract.role("refresh_token"),
    ) else {
        return Vec::new();
    };
    // Whether a model is swapped is unknown when its setting could not be evaluated (DML001).
    if ["access_token", "refresh_token"]
        .iter()
        .any(|r| matches!(ctx.active.get(*r), Some(ActiveSpec::Unresolved { .. })))
    {
        return Vec::new();
    }
    let swapped = |role: &str| match ctx.active.get(role) {
        Some(ActiveSpec::Model {
            label,
            setting: Some(s),
            ..
        }) if label != &ctx.contract.package => Some((label.clone(), s.clone())),
        _ => None,
    };
    let display = |msg: &str| {
        Some(Fix {
            applicability: Applicability::Display,
            message: msg.to_string(),
            edits: Vec::new(),
        })
    };
    let note = format!(
        "This breaks makemigrations and migrate: AccessToken and RefreshToken reference each other (DOT issues #487, #634, #871; docs/advanced_topics.rst:112-120 and check {}.W011 in {} 3.4.1).",
        ctx.contract.package, ctx.contract.library
    );
    match (swapped("access_token"), swapped("refresh_token")) {
        (Some((label, s)), None) | (None, Some((label, s))) => {
            let (set, unset) = if swapped("access_token").is_some() {
                (at_role, rt_role)
            } else {
                (rt_role, at_role)
            };
            vec![diagnostic(Severity::Error, &s.module, s.stmt_span, format!(
                "`{}` is swapped to app `{label}` but `{}` is not: {} and {} must be swapped together",
                set.setting, unset.setting, at_role.concrete, rt_role.concrete
            ))
            .help(format!("also set {} to a `{label}.…` model subclassing {}", unset.setting, unset.abstract_class))
            .note(note)
            .fix(display("Swap both token models into one app"))]
        }
        (Some((at_label, at_s)), Some((rt_label, rt_s))) if at_label != rt_label => {
            vec![diagnostic(Severity::Warning, &rt_s.module, rt_s.stmt_span, format!(
                "{} is swapped into app `{rt_label}` but {} into app `{at_label}`; they must live in one app",
                rt_role.concrete, at_role.concrete
            ))
            .related(at_s.module.file.clone(), at_s.stmt_span, format!("{} is swapped into `{at_label}` here", at_role.concrete))
            .help("move both models into one app and point both settings at it")
            .note(note)
            .fix(display("Swap both token models into one app"))]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing::{check, with_models};

    const MODELS: &str = "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n";

    #[test]
    fn only_one_swapped_is_an_error_on_its_setting() {
        let spec = with_models(MODELS).replace(
            "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'app.MyRefreshToken'\n",
            "",
        );
        let d: Vec<_> = check(&spec)
            .into_iter()
            .filter(|d| d.code == "DOT008")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
        assert!(d[0].file.path.ends_with("proj/settings.py"));
        assert_eq!(d[0].location().row, 2);
    }

    #[test]
    fn both_in_one_app_is_silent() {
        assert!(
            check(&with_models(MODELS))
                .iter()
                .all(|d| d.code != "DOT008")
        );
    }
}
