//! DOT014 unknown-swapped-model: an `OAUTH2_PROVIDER_*_MODEL` value that is not
//! `app_label.ModelName`, names an app or model the project does not define, an abstract model,
//! a model that does not subclass the matching DOT abstract model, or one imported into the app
//! from a module outside every installed app. Django fails at startup (`models.E001` /
//! `models.E002`, `ImproperlyConfigured`, the `RuntimeError` of a model without an app), or DOT
//! runs on the wrong model.

use std::sync::Arc;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::models::{ActiveSpec, Analysis, is_abstract};
use crate::project::SourceModule;
use crate::resolve::Symbol;
use crate::rules::Rule;
use crate::settings::Value;
use crate::syntax::Span;

/// A DOT014 diagnostic located in `module`.
fn diagnostic(
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::diag(Rule::DOT014, severity, module, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_models = &ctx.contract.models_module;
    let Some(settings) = &ctx.settings else {
        return Vec::new();
    };
    // Whether an app missing from the list is really not installed: not when part of
    // `INSTALLED_APPS` could not be read (DML001 says so instead).
    let apps_known = matches!(
        settings.get("INSTALLED_APPS").map(|v| &v.value),
        Some(Value::List(_))
    ) && ctx.apps_unknown.is_none();
    let mut out = Vec::new();
    for role in &ctx.contract.roles {
        let Some(setting) = settings.get(&role.setting) else {
            continue;
        };
        let Value::Str(text) = &setting.value else {
            continue;
        };
        let span = setting.expr.as_ref().map_or(setting.stmt_span, |e| e.span);
        let problem = match ctx.active.get(&role.role) {
            Some(ActiveSpec::Unresolved { reason, .. }) => Some(reason.clone()),
            Some(ActiveSpec::Model { label, model, .. }) if apps_known => {
                problem_with(ctx, role, label, model)
            }
            _ => None,
        };
        let Some(problem) = problem else {
            continue;
        };
        out.push(
            diagnostic(Severity::Error, &setting.module, span, format!("{} = \"{text}\": {problem}", role.setting))
                .help(format!(
                    "point it at a concrete model (`app_label.ModelName`) that subclasses {lib_models}.{}",
                    role.abstract_class
                ))
                .note("This breaks startup: Django raises models.E001/E002 or ImproperlyConfigured, or DOT runs its code on the wrong model.")
                .fix(Some(Fix {
                    applicability: Applicability::Display,
                    message: "Name the intended model".to_string(),
                    edits: Vec::new(),
                })),
        );
    }
    out
}

fn problem_with(
    ctx: &Analysis,
    role: &crate::contract::Role,
    label: &str,
    model: &str,
) -> Option<String> {
    let lib_models = &ctx.contract.models_module;
    let lib_name = &ctx.contract.library;
    let Some(app) = ctx.apps.iter().find(|a| a.label == label) else {
        return Some(format!("no installed app has the label `{label}`"));
    };
    // DOT's own app, installed or vendored into the project: its model for the role.
    if label == ctx.contract.package {
        return (!model.eq_ignore_ascii_case(&role.concrete))
            .then(|| format!("{lib_name}'s {model} is not its {} model", role.concrete));
    }
    if !app.in_project {
        return None;
    }
    if ctx.models.iter().any(|m| {
        m.role.role == role.role
            && m.app_label.as_deref() == Some(label)
            && m.name().eq_ignore_ascii_case(model)
    }) {
        return None;
    }
    let models_module = ctx.project.module(&format!("{}.models", app.name))?;
    let Some(class_name) = models_module.index.model_name(model) else {
        return Some(format!(
            "app `{label}` ({}) defines no model named `{model}`",
            app.name
        ));
    };
    match ctx.resolver.resolve_name(&models_module, class_name) {
        Symbol::Class(c) if is_abstract(c.info()) => {
            Some(format!("`{class_name}` is an abstract model"))
        }
        Symbol::Class(c) => {
            let other = ctx.models.iter().find(|m| m.class.same(&c));
            Some(match other {
                Some(m) => format!(
                    "`{class_name}` subclasses {}, not {}",
                    m.role.abstract_class, role.abstract_class
                ),
                // A DOT subclass that is no model of the project: its module is in no installed
                // app and it declares no app_label, which Django refuses at import.
                None if ctx
                    .resolver
                    .derives_from(&c, &[&ctx.contract.abstract_qualname(role)]) =>
                {
                    format!(
                        "`{class_name}` comes from `{}`, which is in no installed app, and declares no Meta.app_label: Django refuses the model when it is imported",
                        c.module.name
                    )
                }
                None => format!(
                    "`{class_name}` does not subclass {lib_models}.{}",
                    role.abstract_class
                ),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, with_models};

    const MODELS: &str = "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n";

    fn dot014(spec: &str) -> Vec<String> {
        check(spec)
            .into_iter()
            .filter(|d| d.code == "DOT014")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn bad_values_fire_on_the_value() {
        let spec = with_models(MODELS);
        assert!(dot014(&spec).is_empty());
        let m = dot014(&spec.replace("'app.MyRefreshToken'", "'MyRefreshToken'"));
        assert!(m[0].contains("app_label.ModelName"), "{m:?}");
        let m = dot014(&spec.replace("'app.MyRefreshToken'", "'nope.MyRefreshToken'"));
        assert!(m[0].contains("no installed app"), "{m:?}");
        let m = dot014(&spec.replace("'app.MyRefreshToken'", "'app.Missing'"));
        assert!(m[0].contains("defines no model"), "{m:?}");
        let m = dot014(&spec.replace("'app.MyRefreshToken'", "'app.MyAccessToken'"));
        assert!(m[0].contains("subclasses AbstractAccessToken"), "{m:?}");
    }

    #[test]
    fn a_dot_subclass_from_outside_the_installed_apps_is_named_as_such() {
        let spec = format!(
            "{}from common.tokens import SharedRefreshToken\n\
# -- common/__init__.py\n\
# -- common/tokens.py\nfrom oauth2_provider.models import AbstractRefreshToken\n\
class SharedRefreshToken(AbstractRefreshToken):\n    pass\n",
            with_models(MODELS)
        );
        let m = dot014(&spec.replace("'app.MyRefreshToken'", "'app.SharedRefreshToken'"));
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].contains("comes from `common.tokens`, which is in no installed app"),
            "{m:?}"
        );
        // With `Meta.app_label = "app"`, Django registers it in `app`: nothing to report.
        let labelled = spec.replace(
            "class SharedRefreshToken(AbstractRefreshToken):\n    pass\n",
            "class SharedRefreshToken(AbstractRefreshToken):\n    class Meta:\n        app_label = 'app'\n",
        );
        assert!(
            dot014(&labelled.replace("'app.MyRefreshToken'", "'app.SharedRefreshToken'"))
                .is_empty()
        );
    }
}
