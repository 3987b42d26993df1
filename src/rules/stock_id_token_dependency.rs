//! DOT017 stock-id-token-dependency: the AccessToken is swapped into a project app but the
//! IDToken stays DOT's own. The custom AccessToken's `id_token` then points at
//! `oauth2_provider.IDToken`, and the migration `makemigrations` writes depends on
//! `swappable_dependency(settings.OAUTH2_PROVIDER_ID_TOKEN_MODEL)`, which Django always resolves
//! to `("oauth2_provider", "__first__")`; but DOT creates IDToken only in
//! `0004_auto_20200902_2022`. `migrate` on a fresh database fails with "Related model
//! 'oauth2_provider.idtoken' cannot be resolved" (oracle: 1.7.1, 2.4.0, 3.4.1), and DOT's
//! documented `run_before = [("oauth2_provider", "0001_initial")]` is a CircularDependencyError.
//! Without the setting at all, `makemigrations` fails first (AttributeError, DOT #240).
//!
//! A project whose migration creating the AccessToken already depends on DOT's 0004 (or a later
//! DOT migration) is not reported; unreadable migrations or settings: silent.

use std::sync::Arc;

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::migrations::{self, AppMigrations, Dep};
use crate::models::{ActiveSpec, Analysis};
use crate::project::SourceModule;
use crate::rules::Rule;
use crate::syntax::Span;

/// A DOT017 diagnostic located in `module`.
fn diagnostic(
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::diag(Rule::DOT017, severity, module, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    if !ctx.settings_known() || super::missing_swappable_setting::settings_may_hide(ctx) {
        return Vec::new();
    }
    let package = &ctx.contract.package;
    let Some(ActiveSpec::Model {
        label,
        model,
        setting: Some(at_setting),
    }) = ctx.active.get("access_token")
    else {
        return Vec::new();
    };
    if label == package {
        return Vec::new();
    }
    let Some(ActiveSpec::Model {
        label: id_label,
        setting: id_setting,
        ..
    }) = ctx.active.get("id_token")
    else {
        return Vec::new();
    };
    let Some(id_role) = ctx.contract.role("id_token") else {
        return Vec::new();
    };
    if id_label != package || id_role.since.is_some_and(|s| ctx.dot_version < s) {
        return Vec::new();
    }
    // The AccessToken must still point at the IDToken (`id_token = None` removes it: DOT005).
    let Some(at_model) = ctx.active_models().find(|m| m.role.role == "access_token") else {
        return Vec::new();
    };
    if super::missing_swappable_setting::relation_site(ctx, at_model, "id_token", "id_token")
        .is_none()
    {
        return Vec::new();
    }
    let Some(app) = ctx.apps.iter().find(|a| &a.label == label && a.in_project) else {
        return Vec::new();
    };
    let Some(creating) = ctx.contract.migrations.creates.get("id_token") else {
        return Vec::new();
    };
    let needed = migrations::number(creating).unwrap_or(0);
    let app_migrations = migrations::app_migrations(ctx.project, &app.name);
    let mut stale_dependency = None;
    match &app_migrations {
        AppMigrations::Unreadable => return Vec::new(),
        AppMigrations::Absent => {}
        AppMigrations::Read(_) => {
            for m in app_migrations.creating(model) {
                let pinned = m.dependencies.iter().any(|e| {
                    matches!(&e.dep, Dep::Node { app, name }
                        if app == package && migrations::number(name).is_some_and(|n| n >= needed))
                });
                if pinned {
                    return Vec::new();
                }
                stale_dependency = stale_dependency.or_else(|| {
                    m.dependencies
                        .iter()
                        .find(|e| match &e.dep {
                            Dep::Swappable(s) => s == &id_role.setting,
                            Dep::Node { app, .. } => app == package,
                        })
                        .map(|e| (m.file.clone(), e.span, m.name.clone()))
                });
            }
        }
    }
    let application_here = matches!(ctx.active.get("application"),
        Some(ActiveSpec::Model { label: l, .. }) if l == label);
    let pin = format!("(\"{package}\", \"{creating}\")");
    let mut d = diagnostic(Severity::Error,
        &at_setting.module,
        at_setting.stmt_span,
        format!(
            "{} is swapped into `{label}` but the {} stays {lib_name}'s own, which DOT creates only in its migration {creating}",
            ctx.contract.role("access_token").map_or("AccessToken", |r| r.concrete.as_str()),
            id_role.concrete
        ),
    )
    .help(format!(
        "swap the {} too: `class {}({}): pass` in `{label}` and {} = \"{label}.{}\"",
        id_role.concrete, id_role.concrete, id_role.abstract_class, id_role.setting, id_role.concrete
    ));
    if let Some(s) = id_setting {
        d = d.related(
            s.module.file.clone(),
            s.stmt_span,
            format!("the {} stays DOT's own here", id_role.concrete),
        );
    }
    if let Some((file, span, name)) = stale_dependency {
        d = d.related(
            file,
            span,
            format!("`{label}.{name}` creates the {} with this dependency, which does not create the {} yet", model, id_role.concrete),
        );
    }
    let failure = if id_setting.is_some() {
        format!(
            "This breaks migrate on a fresh database in every {lib_name} version: the migration makemigrations writes for `{label}` depends on swappable_dependency(settings.{}), which Django resolves to (\"{package}\", \"__first__\"), so \"Related model '{package}.idtoken' cannot be resolved\" (oracle: 1.7.1, 2.4.0, 3.4.1; {}).",
            id_role.setting, ctx.contract.migrations.creates_evidence
        )
    } else {
        format!(
            "This breaks makemigrations in every {lib_name} version ({} is not defined: AttributeError, DOT #240); defining it as DOT's default only moves the failure to migrate, whose generated dependency (\"{package}\", \"__first__\") comes before DOT creates the IDToken (oracle: 1.7.1, 2.4.0, 3.4.1).",
            id_role.setting
        )
    };
    let remedies = if application_here {
        format!(
            "The Application is swapped into `{label}` too, so only swapping the IDToken works: with the dependency pinned to {pin}, DOT's 0001_initial still runs before `{label}`'s Application exists. DOT's documented run_before = [(\"{package}\", \"0001_initial\")] is a CircularDependencyError."
        )
    } else {
        format!(
            "Swapping the IDToken too works in every version (oracle: 1.7.1, 2.4.0, 3.4.1). So does replacing the generated swappable_dependency(settings.{}) with {pin} in `{label}`'s initial migration (oracle: 1.7.1, 2.4.0, 3.4.1). DOT's documented run_before = [(\"{package}\", \"0001_initial\")] is a CircularDependencyError in every version.",
            id_role.setting
        )
    };
    vec![d.note(failure).note(remedies).fix(Some(Fix {
        applicability: Applicability::Display,
        message: format!("Swap the {} into `{label}` too", id_role.concrete),
        edits: Vec::new(),
    }))]
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    const MODELS: &str = "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyRefreshToken(AbstractRefreshToken):\n    pass\n";

    fn dot017(spec: &str) -> Vec<(&'static str, u32, String)> {
        let d: Vec<_> = check(spec)
            .into_iter()
            .filter(|d| d.code == "DOT017")
            .collect();
        summary(&d)
    }

    fn stock_id(models: &str) -> String {
        with_models(models).replace(
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n",
            "OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'oauth2_provider.IDToken'\n",
        )
    }

    #[test]
    fn stock_id_token_fires_on_the_access_token_setting() {
        assert_eq!(
            dot017(&stock_id(MODELS)),
            [(
                "DOT017",
                2,
                "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'app.MyAccessToken'".to_string()
            )]
        );
    }

    #[test]
    fn a_migration_pinned_to_dot_0004_is_silent_and_a_generated_one_fires() {
        let migration = |dep: &str| {
            format!(
                "{}# -- app/migrations/__init__.py\n# -- app/migrations/0001_initial.py\nfrom django.conf import settings\nfrom django.db import migrations\nclass Migration(migrations.Migration):\n    dependencies = [{dep}]\n    operations = [migrations.CreateModel(name='MyAccessToken', fields=[])]\n",
                stock_id(MODELS)
            )
        };
        assert!(dot017(&migration("('oauth2_provider', '0004_auto_20200902_2022')")).is_empty());
        assert_eq!(
            dot017(&migration(
                "migrations.swappable_dependency(settings.OAUTH2_PROVIDER_ID_TOKEN_MODEL)"
            ))
            .len(),
            1
        );
        // A dependency the tool cannot read: silent.
        assert!(dot017(&migration("DEPS")).is_empty());
    }

    #[test]
    fn a_swapped_id_token_is_silent() {
        let models = format!("{MODELS}class MyIDToken(AbstractIDToken):\n    pass\n");
        assert!(dot017(&with_models(&models)).is_empty());
    }
}
