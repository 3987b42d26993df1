//! DML001 unresolved-settings: the project holds concrete subclasses of DOT's abstract models
//! (or its settings name custom DOT models), but which model is active for a role cannot be
//! told, because a setting, `INSTALLED_APPS` or the settings module itself could not be
//! evaluated. The contract rules need the active model, so they stay silent for that role; this
//! diagnostic says so, once per project, at the line the tool could not evaluate, instead of
//! letting the run end in "All checks passed!".

use std::sync::Arc;

use crate::contract::Role;
use crate::diagnostic::{Diagnostic, Severity};
use crate::models::{ActiveSpec, Analysis, DotModel};
use crate::project::SourceModule;
use crate::rules::Rule;
use crate::settings::Value;
use crate::syntax::Span;

/// A DML001 diagnostic located in `module`.
fn diagnostic(
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::diag(Rule::DML001, severity, module, span, message)
}

/// One thing the tool could not tell, and the roles it leaves unchecked.
pub(crate) struct Unchecked<'a> {
    pub roles: Vec<&'static Role>,
    pub reason: String,
    /// Where the value that could not be evaluated is set (or the entry point that names the
    /// settings).
    pub at: Option<(Arc<SourceModule>, Span)>,
    /// The custom models whose checks did not run.
    pub models: Vec<&'a DotModel>,
    /// Modules or classes that could be the settings.
    pub candidates: Vec<String>,
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let unchecked = unchecked(ctx);
    let Some(first) = unchecked.first() else {
        return Vec::new();
    };
    let roles: Vec<&str> = unchecked
        .iter()
        .flat_map(|u| u.roles.iter().map(|r| r.concrete.as_str()))
        .collect();
    let (module, span) = match first.at.clone().or_else(|| {
        first
            .models
            .first()
            .map(|m| (m.class.module.clone(), m.class.info().name_span))
    }) {
        Some(at) => at,
        None => return Vec::new(),
    };
    let mut d = diagnostic(Severity::Warning,
        &module,
        span,
        format!(
            "the active {} model{} cannot be determined: {}",
            join(&roles),
            if roles.len() == 1 { "" } else { "s" },
            first.reason
        ),
    )
    .help(
        "name the settings module with `--settings <module>`, or `settings = \"<module>\"` under `[tool.django-model-lint]` in pyproject.toml",
    );
    for other in &unchecked[1..] {
        if let Some((m, s)) = &other.at {
            d = d.related(
                m.file.clone(),
                *s,
                format!("also not evaluated: {}", other.reason),
            );
        }
    }
    let models: Vec<String> = unchecked
        .iter()
        .flat_map(|u| &u.models)
        .map(|m| format!("`{}`", m.name()))
        .collect();
    d = d.note(if models.is_empty() {
        "The tool cannot tell whether the models these settings name are correct, so it reports nothing about them.".to_string()
    } else {
        format!(
            "The contract rules did not run on {}, since whether Django uses {} is unknown.",
            join_owned(&models),
            if models.len() == 1 { "it" } else { "them" }
        )
    });
    let candidates: Vec<&String> = unchecked.iter().flat_map(|u| &u.candidates).collect();
    if !candidates.is_empty() {
        let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
        d = d.note(format!("The candidates are {}.", join_owned(&list)));
    }
    vec![d]
}

/// What could not be checked in the project, most specific first; empty when every unknown
/// part is one that cannot change a verdict.
pub(crate) fn unchecked<'a>(ctx: &'a Analysis) -> Vec<Unchecked<'a>> {
    let mut out: Vec<Unchecked<'a>> = Vec::new();
    let models_of = |role: &Role| -> Vec<&'a DotModel> {
        ctx.models
            .iter()
            .filter(|m| m.role.role == role.role && m.active.is_none())
            .collect()
    };
    // The settings as a whole could not be told: every role with custom models is unknown.
    if let Some(unclear) = &ctx.unclear {
        let roles: Vec<&'static Role> = ctx
            .contract
            .roles
            .iter()
            .filter(|r| !models_of(r).is_empty())
            .collect();
        if !roles.is_empty() {
            out.push(Unchecked {
                models: roles.iter().flat_map(|r| models_of(r)).collect(),
                roles,
                reason: unclear.reason.clone(),
                at: unclear.origin.as_ref().map(|o| (o.module.clone(), o.span)),
                candidates: unclear.candidates.clone(),
            });
        }
        return out;
    }
    // A model setting whose value could not be evaluated.
    for role in &ctx.contract.roles {
        let Some(ActiveSpec::Unresolved { reason, setting }) = ctx.active.get(&role.role) else {
            continue;
        };
        // A string that is not `app_label.ModelName` was read: DOT014 reports it.
        if setting
            .as_ref()
            .is_some_and(|s| matches!(s.value, Value::Str(_)))
        {
            continue;
        }
        let models = models_of(role);
        if models.is_empty() {
            continue;
        }
        out.push(Unchecked {
            roles: vec![role],
            reason: format!("{} could not be evaluated ({reason})", role.setting),
            at: setting.as_ref().map(|s| (s.module.clone(), s.stmt_span)),
            models,
            candidates: Vec::new(),
        });
    }
    // A setting names a custom model of an app that is not among the INSTALLED_APPS entries
    // that could be read, and no model of the project answers it.
    if let Some((why, apps_setting)) = &ctx.apps_unknown {
        for role in &ctx.contract.roles {
            let Some(ActiveSpec::Model {
                label,
                model,
                setting: Some(_),
            }) = ctx.active.get(&role.role)
            else {
                continue;
            };
            let known = label == &ctx.contract.package
                || ctx.apps.iter().any(|a| &a.label == label)
                || ctx
                    .models
                    .iter()
                    .any(|m| m.active == Some(true) && m.role.role == role.role);
            if known {
                continue;
            }
            out.push(Unchecked {
                roles: vec![role],
                reason: format!(
                    "{} names `{label}.{model}`, and the app `{label}` is not among the INSTALLED_APPS entries that could be read ({why})",
                    role.setting
                ),
                at: Some((apps_setting.module.clone(), apps_setting.stmt_span)),
                models: Vec::new(),
                candidates: Vec::new(),
            });
        }
    }
    out
}

/// One line per unknown, for the report's closing lines.
pub(crate) fn summary_lines(ctx: &Analysis) -> Vec<(std::path::PathBuf, String)> {
    let mut out: Vec<(std::path::PathBuf, String)> = unchecked(ctx)
        .iter()
        .map(|u| {
            let roles: Vec<&str> = u.roles.iter().map(|r| r.concrete.as_str()).collect();
            let line = format!(
                "the {} model{} ({})",
                join(&roles),
                if roles.len() == 1 { "" } else { "s" },
                u.reason
            );
            (ctx.project.root.clone(), line)
        })
        .collect();
    if let Some(reason) = ctx.django_unchecked {
        out.push((
            ctx.project.root.clone(),
            format!("Django's model checks and the library contracts ({reason}; name it with --settings)"),
        ));
    }
    out
}

fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn join_owned(items: &[String]) -> String {
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    join(&refs)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary};

    const MODELS: &str = "# -- app/models.py\nfrom django.db import models\n\
from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken, AbstractIDToken\n\
from oauth2_provider.settings import oauth2_settings\n\
class MyAccessToken(AbstractAccessToken):\n    pass\n\
class MyRefreshToken(AbstractRefreshToken):\n    access_token = models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name='my_refresh')\n\
class MyIDToken(AbstractIDToken):\n    pass\n\
# -- app/__init__.py\n# -- requirements.txt\ndjango-oauth-toolkit==3.4.1\n";

    fn project(settings: &str) -> String {
        format!(
            "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n# -- proj/settings.py\n{settings}{MODELS}"
        )
    }

    #[test]
    fn a_setting_that_cannot_be_evaluated_is_reported_once_at_its_line() {
        let diags = check(&project(
            "import os\nINSTALLED_APPS = ['oauth2_provider', 'app']\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'app.MyAccessToken'\n\
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = os.environ['RT_MODEL']\n\
OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\nOAUTH2_PROVIDER_APPLICATION_MODEL = 'oauth2_provider.Application'\n",
        ));
        let s = summary(&diags);
        assert_eq!(
            s,
            [(
                "DML001",
                4,
                "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = os.environ['RT_MODEL']".to_string()
            )],
            "{diags:#?}"
        );
        assert!(
            diags[0].message.contains("RefreshToken"),
            "{}",
            diags[0].message
        );
        assert!(
            diags[0]
                .notes
                .iter()
                .any(|n| n.contains("`MyRefreshToken`"))
        );
    }

    #[test]
    fn one_unknown_part_of_installed_apps_keeps_the_known_and_the_bug_is_found() {
        let diags = check(&project(
            "from proj.plugins import PLUGINS\nINSTALLED_APPS = ['oauth2_provider', 'app']\nINSTALLED_APPS += PLUGINS\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'app.MyAccessToken'\n\
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'app.MyRefreshToken'\n\
OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\nOAUTH2_PROVIDER_APPLICATION_MODEL = 'oauth2_provider.Application'\n# -- proj/plugins.py\nPLUGINS = load()\n",
        ));
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["DOT001"], "{diags:#?}");
    }

    #[test]
    fn an_app_only_among_the_unknown_entries_is_assumed_installed_under_its_label() {
        let diags = check(&project(
            "INSTALLED_APPS = ['oauth2_provider'] + get_plugins()\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'app.MyAccessToken'\n\
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'app.MyRefreshToken'\n\
OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\nOAUTH2_PROVIDER_APPLICATION_MODEL = 'oauth2_provider.Application'\n",
        ));
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["DOT001"], "{diags:#?}");
        assert!(
            diags[0]
                .notes
                .iter()
                .any(|n| n.contains("assumed to be installed")),
            "{:?}",
            diags[0].notes
        );
        // The app of a setting is missing from what could be read, and the project has no
        // such model: DOT014 cannot say it is unknown; DML001 says what was not checked.
        let diags = check(&project(
            "INSTALLED_APPS = ['oauth2_provider', 'app'] + get_plugins()\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'plugin.AccessToken'\n\
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'plugin.RefreshToken'\n\
OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'plugin.IDToken'\n",
        ));
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert!(!codes.contains(&"DOT014"), "{diags:#?}");
        assert!(codes.contains(&"DML001"), "{diags:#?}");
    }

    #[test]
    fn nothing_is_reported_when_no_custom_model_depends_on_the_unknown() {
        let diags = check(
            "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n# -- proj/settings.py\nimport os\nINSTALLED_APPS = ['oauth2_provider'] + PLUGINS\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = os.environ['X']\n",
        );
        assert!(diags.is_empty(), "{diags:#?}");
    }

    #[test]
    fn settings_whose_name_is_built_at_run_time_are_reported_at_the_entry_point() {
        let diags = check(&format!(
            "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.' + os.environ['MODE'])\n\
# -- proj/__init__.py\n# -- proj/settings/__init__.py\n\
# -- proj/settings/dev.py\nINSTALLED_APPS = ['oauth2_provider', 'app']\n\
# -- proj/settings/prod.py\nINSTALLED_APPS = ['oauth2_provider', 'app']\n{MODELS}"
        ));
        let s = summary(&diags);
        assert_eq!(s.len(), 1, "{diags:#?}");
        assert_eq!(s[0].0, "DML001");
        assert_eq!(s[0].1, 2);
        assert!(
            diags[0]
                .notes
                .iter()
                .any(|n| n.contains("`proj.settings.dev`") && n.contains("`proj.settings.prod`")),
            "{:?}",
            diags[0].notes
        );
    }

    #[test]
    fn settings_over_a_library_base_star_import_still_find_the_bug() {
        // The test-settings template of a plugin ecosystem: a library's base settings, then
        // the plugin's apps appended.
        let diags = check(&project(
            "from somelib.project_template.settings.base import *\n\
INSTALLED_APPS += ['oauth2_provider', 'app']\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'app.MyAccessToken'\n\
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'app.MyRefreshToken'\n\
OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n",
        ));
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["DOT001"], "{diags:#?}");
        // A role the project's settings do not set may be set by the library's base: unknown.
        let diags = check(&project(
            "from somelib.project_template.settings.base import *\n\
INSTALLED_APPS += ['oauth2_provider', 'app']\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'app.MyAccessToken'\n\
OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n",
        ));
        let s = summary(&diags);
        assert_eq!(s.len(), 1, "{diags:#?}");
        assert_eq!((s[0].0, s[0].1), ("DML001", 1));
        assert!(
            diags[0].message.contains("RefreshToken"),
            "{}",
            diags[0].message
        );
    }
}
