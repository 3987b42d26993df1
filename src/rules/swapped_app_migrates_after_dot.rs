//! DOT018 swapped-app-migrates-after-dot: `migrate` applies apps in the order of their labels
//! (Django's `MigrationExecutor.migration_plan` walks the sorted leaf nodes) unless a
//! dependency says otherwise. DOT's own models point at the swapped models through the
//! settings, so a DOT migration that needs them fails when the swapped app's label sorts after
//! `oauth2_provider` and nothing orders that app first (issues #634, #1221):
//!
//! * `0001_initial` creates the stock Grant / AccessToken / RefreshToken with a foreign key to
//!   a swapped Application (DOT's docs: `run_before = [("oauth2_provider", "0001_initial")]`);
//! * `0004_auto_20200902_2022` adds the stock AccessToken's `id_token` to a swapped IDToken
//!   ("Related model '<app>.idtoken' cannot be resolved"; oracle: 1.7.1, 2.4.0, 3.4.1);
//! * from 2.0.0, `0006_alter_application_client_secret` (a RunPython) renders the migration
//!   state: any swapped model not migrated yet is a lazy-reference ValueError (oracle: 2.4.0).
//!   From 3.0.0, `0011_refreshtoken_token_family` / `0012_add_token_checksum` depend on the app
//!   of the swapped RefreshToken / AccessToken, which puts that app's initial migration first.
//!
//! Reported at the app's initial migration when it has one, else at the first setting that
//! swaps a model into the app. An app whose migrations already `run_before` a DOT migration
//! early enough is not reported; unreadable migrations or settings: silent.

use std::sync::Arc;

use std::collections::BTreeMap;

use crate::contract::Version;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::migrations::{self, AppMigrations, Dep};
use crate::models::{ActiveSpec, Analysis};
use crate::project::SourceModule;
use crate::rules::Rule;
use crate::settings::SettingValue;
use crate::syntax::Span;

/// A DOT018 diagnostic located in `module`.
fn diagnostic(
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::diag(Rule::DOT018, severity, module, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    if !ctx.settings_known() || super::missing_swappable_setting::settings_may_hide(ctx) {
        return Vec::new();
    }
    let package = ctx.contract.package.as_str();
    let facts = &ctx.contract.migrations;
    // App label → (role → its setting), for the roles DOT's migrations create stock models of.
    let mut apps: BTreeMap<&str, BTreeMap<&str, &SettingValue>> = BTreeMap::new();
    for (role, spec) in &ctx.active {
        match spec {
            ActiveSpec::Model {
                label,
                setting: Some(s),
                ..
            } if label != package && facts.creates.contains_key(role) => {
                apps.entry(label).or_default().insert(role, s);
            }
            ActiveSpec::Unresolved { .. } if facts.creates.contains_key(role) => {
                return Vec::new();
            }
            _ => {}
        }
    }
    let stock = |role: &str| !apps.values().any(|roles| roles.contains_key(role));
    let mut out = Vec::new();
    for (label, roles) in &apps {
        // Apps sorting before DOT's migrate first (their dependencies on DOT's 0001 included).
        if *label <= package {
            continue;
        }
        // An app that migrates first and points at a model of this one depends on it, which
        // migrates this one early too (`dot008_different_apps`).
        let pulled_early = apps.iter().any(|(other, other_roles)| {
            *other <= package
                && other_roles.keys().any(|r| {
                    ctx.contract
                        .relations_of(r)
                        .any(|rel| roles.contains_key(rel.to.as_str()))
                })
        });
        if pulled_early {
            continue;
        }
        let Some(needed_by) = needed_by(ctx, roles, &stock) else {
            continue;
        };
        let Some(app) = ctx.apps.iter().find(|a| &a.label == label && a.in_project) else {
            continue;
        };
        let app_migrations = migrations::app_migrations(ctx.project, &app.name);
        let initial = match &app_migrations {
            AppMigrations::Unreadable => continue,
            AppMigrations::Absent => None,
            AppMigrations::Read(all) => {
                let limit = migrations::number(&needed_by.0).unwrap_or(0);
                let ordered = all.iter().any(|m| {
                    m.run_before.iter().any(|e| {
                        matches!(&e.dep, Dep::Node { app, name }
                        if app == package && migrations::number(name).is_some_and(|n| n <= limit))
                    })
                });
                if ordered {
                    continue;
                }
                all.iter().find(|m| migrations::number(&m.name) == Some(1))
            }
        };
        let run_before = if needed_by.0.starts_with("0001") {
            needed_by.0.clone()
        } else {
            facts.after_initial.clone()
        };
        let remedy = format!("run_before = [(\"{package}\", \"{run_before}\")]");
        let message = format!(
            "app `{label}` holds swapped {} models and migrates after `{package}` (labels sort so), but DOT's migration {} needs it first",
            roles
                .keys()
                .map(|r| role_name(ctx, r))
                .collect::<Vec<_>>()
                .join(" / "),
            needed_by.0
        );
        let first_setting = roles
            .values()
            .min_by_key(|s| (s.module.file.path.clone(), s.stmt_span.start))
            .copied();
        let mut d = match (initial, first_setting) {
            (Some(m), _) => Diagnostic::new(
                Rule::DOT018,
                Severity::Error,
                m.file.clone(),
                m.class_span,
                message,
            ),
            (None, Some(s)) => diagnostic(Severity::Error, &s.module, s.stmt_span, message),
            (None, None) => continue,
        };
        if initial.is_some()
            && let Some(s) = first_setting
        {
            d = d.related(
                s.module.file.clone(),
                s.stmt_span,
                format!("a model is swapped into `{label}` here"),
            );
        }
        d = d
            .help(format!(
                "add `{remedy}` to `{label}`'s initial migration{}",
                if initial.is_none() {
                    " once makemigrations has written it"
                } else {
                    ""
                }
            ))
            .note(format!(
                "This breaks migrate on a fresh database in {lib_name} {}: {} (issues #634, #1221).",
                needed_by.2, needed_by.1
            ))
            .note(format!(
                "DOT's documented run_before = [(\"{package}\", \"0001_initial\")] is a CircularDependencyError whenever `{label}`'s migration depends on DOT's 0001_initial (a foreign key to DOT's Application). {remedy} puts it right after the DOT migrations it depends on (oracle: 1.7.1, 2.4.0, 3.4.1); it cannot work while it depends on (\"{package}\", \"0004_auto_20200902_2022\") (a stock IDToken, DOT017): swap the IDToken too."
            ))
            .fix(Some(Fix {
                applicability: Applicability::Display,
                message: format!("Add {remedy} to `{label}`'s initial migration"),
                edits: Vec::new(),
            }));
        out.push(d);
    }
    out
}

/// The earliest DOT migration that needs the app holding `roles`, why, and in which versions;
/// `None` when DOT's migrations never need it before it has run.
fn needed_by(
    ctx: &Analysis,
    roles: &BTreeMap<&str, &SettingValue>,
    stock: &dyn Fn(&str) -> bool,
) -> Option<(String, String, String)> {
    let lib_package = &ctx.contract.package;
    let facts = &ctx.contract.migrations;
    let created = |role: &str| facts.creates.get(role).cloned().unwrap_or_default();
    let holds = |role: &str| roles.contains_key(role);
    if holds("application")
        && ["grant", "access_token", "refresh_token"]
            .iter()
            .any(|r| stock(r))
    {
        return Some((
            created("grant"),
            "it creates DOT's own Grant / AccessToken / RefreshToken with a foreign key to the swapped Application".to_string(),
            "every version".to_string(),
        ));
    }
    if holds("id_token") && stock("access_token") {
        return Some((
            created("id_token"),
            "it adds DOT's own AccessToken.id_token, a foreign key to the swapped IDToken: \"Related model '<app>.idtoken' cannot be resolved\" (oracle: 1.7.1, 2.4.0, 3.4.1)".to_string(),
            "every version".to_string(),
        ));
    }
    let since = facts.renders_state_since;
    if ctx.dot_version < since {
        return None;
    }
    let until: Option<Version> = if facts.depends_on_swapped.keys().any(|r| holds(r.as_str())) {
        if ctx.dot_version >= facts.depends_on_swapped_since {
            return None;
        }
        Some(facts.depends_on_swapped_since)
    } else {
        None
    };
    Some((
        facts.renders_state.clone(),
        format!(
            "it runs Python code, which renders the migration state while DOT's models already point at the swapped models: \"ValueError: The field {lib_package}.… was declared with a lazy reference to '<app>.…', but app '<app>' isn't installed\" (oracle: 2.4.0; {})",
            facts.renders_state_evidence
        ),
        match until {
            Some(u) => format!(
                "≥ {since} and < {u} (from {u}, {} depend on the swapped RefreshToken's / AccessToken's app: {})",
                facts
                    .depends_on_swapped
                    .values()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" / "),
                facts.depends_on_swapped_evidence
            ),
            None => format!("≥ {since}"),
        },
    ))
}

fn role_name<'a>(ctx: &'a Analysis, role: &'a str) -> &'a str {
    ctx.contract
        .role(role)
        .map_or(role, |r| r.concrete.as_str())
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary};

    fn dot018(spec: &str) -> Vec<(&'static str, u32, String)> {
        let d: Vec<_> = check(spec)
            .into_iter()
            .filter(|d| d.code == "DOT018")
            .collect();
        summary(&d)
    }

    fn project(label: &str, pin: &str, migration: &str) -> String {
        format!(
            "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'oauth2_provider', '{label}']\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = '{label}.AT'\nOAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = '{label}.RT'\n\
OAUTH2_PROVIDER_ID_TOKEN_MODEL = '{label}.IDT'\nOAUTH2_PROVIDER_APPLICATION_MODEL = 'oauth2_provider.Application'\n\
# -- requirements.txt\ndjango-oauth-toolkit=={pin}\n# -- {label}/__init__.py\n\
# -- {label}/models.py\nfrom oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken, AbstractIDToken\n\
class AT(AbstractAccessToken):\n    pass\nclass RT(AbstractRefreshToken):\n    pass\nclass IDT(AbstractIDToken):\n    pass\n{migration}"
        )
    }

    #[test]
    fn a_late_label_fires_on_dot_2_only() {
        assert_eq!(
            dot018(&project("tokens", "2.4.0", "")),
            [(
                "DOT018",
                2,
                "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.AT'".to_string()
            )]
        );
        assert!(dot018(&project("tokens", "3.4.1", "")).is_empty());
        assert!(dot018(&project("tokens", "1.7.1", "")).is_empty());
        assert!(dot018(&project("oauth", "2.4.0", "")).is_empty());
    }

    #[test]
    fn a_late_app_that_an_early_one_depends_on_is_silent() {
        let spec = project("refresh", "2.4.0", "")
            .replace("'refresh']", "'refresh', 'access']")
            .replace("= 'refresh.AT'", "= 'access.AT'")
            .replace("class AT(AbstractAccessToken):\n    pass\n", "")
            + "# -- access/__init__.py\n# -- access/models.py\nfrom oauth2_provider.models import AbstractAccessToken\nclass AT(AbstractAccessToken):\n    pass\n";
        assert!(dot018(&spec).is_empty());
    }

    #[test]
    fn run_before_in_the_initial_migration_is_silent() {
        let migration = |run_before: &str| {
            format!(
                "# -- tokens/migrations/__init__.py\n# -- tokens/migrations/0001_initial.py\nfrom django.db import migrations\nclass Migration(migrations.Migration):\n    run_before = [{run_before}]\n    dependencies = [('oauth2_provider', '0001_initial')]\n"
            )
        };
        assert!(
            dot018(&project(
                "tokens",
                "2.4.0",
                &migration("('oauth2_provider', '0002_auto_20190406_1805')")
            ))
            .is_empty()
        );
        // Too late a run_before: reported at the initial migration.
        let late = dot018(&project(
            "tokens",
            "2.4.0",
            &migration("('oauth2_provider', '0010_application_allowed_origins')"),
        ));
        assert_eq!(late.len(), 1);
        assert!(late[0].2.starts_with("class Migration"));
    }

    #[test]
    fn an_id_token_alone_in_a_late_app_fires_in_every_version() {
        let spec = project("openid", "1.7.1", "")
            .replace("OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'openid.AT'\n", "")
            .replace("OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'openid.RT'\n", "")
            .replace("class AT(AbstractAccessToken):\n    pass\nclass RT(AbstractRefreshToken):\n    pass\n", "");
        assert_eq!(dot018(&spec).len(), 1);
    }
}
