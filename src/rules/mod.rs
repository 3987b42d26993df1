//! The rule registry and what rules share: building a diagnostic on a model with its evidence
//! (the setting that activated the model, the class the declaration was inherited from, the
//! assumptions made) and the failing DOT operation.

use std::sync::Arc;

use crate::contract::{Version, describe_range};
use crate::diagnostic::{Diagnostic, Severity};
use crate::models::{Analysis, DotModel};
use crate::project::SourceModule;
use crate::resolve::ClassRef;
use crate::syntax::Span;

pub(crate) mod contract;
mod contract_field_kind;
mod contract_field_removed;
mod contract_not_nullable;
mod contract_on_delete;
mod contract_target_mismatch;
mod custom_primary_key_name;
mod device_code_unique;
pub mod django;
mod id_token_reverse_name;
mod inactive_model_clashes;
mod meta_drops_parent_constraints;
mod missing_swappable_setting;
mod model_setting_in_dict;
mod refresh_token_reverse_name;
mod reverse_name_shadowed;
mod reverse_names;
mod stock_id_token_dependency;
mod swapped_app_migrates_after_dot;
mod token_models_swapped_apart;
mod unknown_swapped_model;
pub(crate) mod unresolved_settings;

/// A rule's identity: code, kebab name, default severity, one-line summary and its doc.
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
    pub check: Option<fn(&Analysis) -> Vec<Diagnostic>>,
}

macro_rules! tool_doc {
    ($code:literal) => {
        include_str!(concat!("../../rules/django-model-lint/", $code, ".md"))
    };
}

/// Rules reported only when selected explicitly (`--select DML100`), like ruff's RUF100.
pub const DEFAULT_OFF: &[&str] = &["DML100"];

macro_rules! django_doc {
    ($code:literal) => {
        include_str!(concat!("../../rules/django/", $code, ".md"))
    };
}

macro_rules! doc {
    ($code:literal) => {
        include_str!(concat!("../../rules/django-oauth-toolkit/", $code, ".md"))
    };
}

pub static RULES: &[RuleInfo] = &[
    RuleInfo {
        code: "DOT001",
        name: "refresh-token-reverse-name",
        severity: Severity::Error,
        summary: "active RefreshToken re-declares `access_token` without the `refresh_token` reverse query name",
        doc: doc!("DOT001"),
        check: Some(refresh_token_reverse_name::check),
    },
    RuleInfo {
        code: "DOT002",
        name: "id-token-reverse-name",
        severity: Severity::Error,
        summary: "active AccessToken re-declares `id_token` without the `access_token` reverse query name",
        doc: doc!("DOT002"),
        check: Some(id_token_reverse_name::check),
    },
    RuleInfo {
        code: "DOT003",
        name: "contract-on-delete",
        severity: Severity::Error,
        summary: "a contract relation is re-declared with another `on_delete`",
        doc: doc!("DOT003"),
        check: Some(contract_on_delete::check),
    },
    RuleInfo {
        code: "DOT004",
        name: "contract-not-nullable",
        severity: Severity::Error,
        summary: "a field DOT writes `None` to is not nullable",
        doc: doc!("DOT004"),
        check: Some(contract_not_nullable::check),
    },
    RuleInfo {
        code: "DOT005",
        name: "contract-field-removed",
        severity: Severity::Error,
        summary: "a field DOT uses by name is removed or shadowed",
        doc: doc!("DOT005"),
        check: Some(contract_field_removed::check),
    },
    RuleInfo {
        code: "DOT006",
        name: "contract-field-kind",
        severity: Severity::Error,
        summary: "a contract field is re-declared as another kind of field",
        doc: doc!("DOT006"),
        check: Some(contract_field_kind::check),
    },
    RuleInfo {
        code: "DOT007",
        name: "meta-drops-parent-constraints",
        severity: Severity::Warning,
        summary: "`class Meta` does not inherit the parent's Meta and loses its constraints",
        doc: doc!("DOT007"),
        check: Some(meta_drops_parent_constraints::check),
    },
    RuleInfo {
        code: "DOT008",
        name: "token-models-swapped-apart",
        severity: Severity::Error,
        summary: "AccessToken and RefreshToken are not swapped together into one app",
        doc: doc!("DOT008"),
        check: Some(token_models_swapped_apart::check),
    },
    RuleInfo {
        code: "DOT009",
        name: "contract-target-mismatch",
        severity: Severity::Error,
        summary: "a contract relation points at a model other than the active one",
        doc: doc!("DOT009"),
        check: Some(contract_target_mismatch::check),
    },
    RuleInfo {
        code: "DOT010",
        name: "reverse-name-shadowed",
        severity: Severity::Error,
        summary: "an attribute shadows a reverse name DOT relies on",
        doc: doc!("DOT010"),
        check: Some(reverse_name_shadowed::check),
    },
    RuleInfo {
        code: "DOT011",
        name: "custom-primary-key-name",
        severity: Severity::Error,
        summary: "a token model's primary key is not named `id` (DOT ≤ 3.3)",
        doc: doc!("DOT011"),
        check: Some(custom_primary_key_name::check),
    },
    RuleInfo {
        code: "DOT012",
        name: "device-code-unique",
        severity: Severity::Warning,
        summary: "DeviceGrant `device_code` declared with `unique=True`",
        doc: doc!("DOT012"),
        check: Some(device_code_unique::check),
    },
    RuleInfo {
        code: "DOT013",
        name: "model-setting-in-dict",
        severity: Severity::Error,
        summary: "a model setting is inside the `OAUTH2_PROVIDER` dict",
        doc: doc!("DOT013"),
        check: Some(model_setting_in_dict::check),
    },
    RuleInfo {
        code: "DOT014",
        name: "unknown-swapped-model",
        severity: Severity::Error,
        summary: "an `OAUTH2_PROVIDER_*_MODEL` setting does not name a suitable model",
        doc: doc!("DOT014"),
        check: Some(unknown_swapped_model::check),
    },
    RuleInfo {
        code: "DOT015",
        name: "inactive-model-clashes",
        severity: Severity::Error,
        summary: "an inactive DOT model keeps DOT's fixed reverse names and clashes with the active one",
        doc: doc!("DOT015"),
        check: Some(inactive_model_clashes::check),
    },
    RuleInfo {
        code: "DOT016",
        name: "missing-swappable-setting",
        severity: Severity::Error,
        summary: "a swapped model points at a DOT model whose `OAUTH2_PROVIDER_*_MODEL` setting is not defined (makemigrations fails)",
        doc: doc!("DOT016"),
        check: Some(missing_swappable_setting::check),
    },
    RuleInfo {
        code: "DOT017",
        name: "stock-id-token-dependency",
        severity: Severity::Error,
        summary: "a swapped AccessToken keeps DOT's IDToken, which DOT creates only in its 0004 migration (migrate fails)",
        doc: doc!("DOT017"),
        check: Some(stock_id_token_dependency::check),
    },
    RuleInfo {
        code: "DOT018",
        name: "swapped-app-migrates-after-dot",
        severity: Severity::Error,
        summary: "the app holding swapped models migrates after DOT's migrations that need it (migrate fails)",
        doc: doc!("DOT018"),
        check: Some(swapped_app_migrates_after_dot::check),
    },
    RuleInfo {
        code: "DJF001",
        name: "field-name-trailing-underscore",
        severity: Severity::Error,
        summary: "a field name ends with an underscore (fields.E001)",
        doc: django_doc!("DJF001"),
        check: Some(django::field_name_trailing_underscore::check),
    },
    RuleInfo {
        code: "DJF002",
        name: "field-name-double-underscore",
        severity: Severity::Error,
        summary: "a field name contains `__` (fields.E002)",
        doc: django_doc!("DJF002"),
        check: Some(django::field_name_double_underscore::check),
    },
    RuleInfo {
        code: "DJF003",
        name: "field-name-pk",
        severity: Severity::Error,
        summary: "a field is named `pk` (fields.E003)",
        doc: django_doc!("DJF003"),
        check: Some(django::field_name_pk::check),
    },
    RuleInfo {
        code: "DJF302",
        name: "reverse-accessor-field-clash",
        severity: Severity::Error,
        summary: "a reverse accessor clashes with a field of the target model (fields.E302)",
        doc: django_doc!("DJF302"),
        check: Some(django::reverse_accessor_field_clash::check),
    },
    RuleInfo {
        code: "DJF303",
        name: "reverse-query-name-field-clash",
        severity: Severity::Error,
        summary: "a reverse query name clashes with a field of the target model (fields.E303)",
        doc: django_doc!("DJF303"),
        check: Some(django::reverse_query_name_field_clash::check),
    },
    RuleInfo {
        code: "DJF304",
        name: "reverse-accessor-clash",
        severity: Severity::Error,
        summary: "a reverse accessor clashes with another relation's reverse accessor (fields.E304)",
        doc: django_doc!("DJF304"),
        check: Some(django::reverse_accessor_clash::check),
    },
    RuleInfo {
        code: "DJF305",
        name: "reverse-query-name-clash",
        severity: Severity::Error,
        summary: "a reverse query name clashes with another relation's reverse name (fields.E305)",
        doc: django_doc!("DJF305"),
        check: Some(django::reverse_query_name_clash::check),
    },
    RuleInfo {
        code: "DJF320",
        name: "set-null-not-nullable",
        severity: Severity::Error,
        summary: "`on_delete=SET_NULL` on a field that is not `null=True` (fields.E320)",
        doc: django_doc!("DJF320"),
        check: Some(django::set_null_not_nullable::check),
    },
    RuleInfo {
        code: "DJF321",
        name: "set-default-without-default",
        severity: Severity::Error,
        summary: "`on_delete=SET_DEFAULT` on a field without a default (fields.E321)",
        doc: django_doc!("DJF321"),
        check: Some(django::set_default_without_default::check),
    },
    RuleInfo {
        code: "DJF300",
        name: "relation-model-not-installed",
        severity: Severity::Error,
        summary: "a relation points at a model that is not installed or is abstract",
        doc: django_doc!("DJF300"),
        check: Some(django::relation_model_not_installed::check),
    },
    RuleInfo {
        code: "DJF301",
        name: "relation-to-swapped-model",
        severity: Severity::Error,
        summary: "a relation points at a model swapped out by its setting",
        doc: django_doc!("DJF301"),
        check: Some(django::relation_to_swapped_model::check),
    },
    RuleInfo {
        code: "DJF306",
        name: "invalid-related-name",
        severity: Severity::Error,
        summary: "related_name is not a valid Python identifier (nor ends with `+`)",
        doc: django_doc!("DJF306"),
        check: Some(django::invalid_related_name::check),
    },
    RuleInfo {
        code: "DJF307",
        name: "lazy-reference-missing",
        severity: Severity::Error,
        summary: "a lazy reference names a model or app that does not exist",
        doc: django_doc!("DJF307"),
        check: Some(django::lazy_reference_missing::check),
    },
    RuleInfo {
        code: "DJF308",
        name: "reverse-query-name-trailing-underscore",
        severity: Severity::Error,
        summary: "a reverse query name ends with an underscore",
        doc: django_doc!("DJF308"),
        check: Some(django::reverse_query_name_trailing_underscore::check),
    },
    RuleInfo {
        code: "DJF309",
        name: "reverse-query-name-double-underscore",
        severity: Severity::Error,
        summary: "a reverse query name contains `__`",
        doc: django_doc!("DJF309"),
        check: Some(django::reverse_query_name_double_underscore::check),
    },
    RuleInfo {
        code: "DJF310",
        name: "foreign-object-target-not-unique",
        severity: Severity::Error,
        summary: "no subset of a ForeignObject's target fields is unique",
        doc: django_doc!("DJF310"),
        check: Some(django::foreign_object_target_not_unique::check),
    },
    RuleInfo {
        code: "DJF311",
        name: "to-field-not-unique",
        severity: Severity::Error,
        summary: "a foreign key's target field is not unique",
        doc: django_doc!("DJF311"),
        check: Some(django::to_field_not_unique::check),
    },
    RuleInfo {
        code: "DJF312",
        name: "to-field-missing",
        severity: Severity::Error,
        summary: "a `to_field` names no field of the related model",
        doc: django_doc!("DJF312"),
        check: Some(django::to_field_missing::check),
    },
    RuleInfo {
        code: "DJM005",
        name: "parent-field-clash",
        severity: Severity::Error,
        summary: "fields of two multi-table parents clash",
        doc: django_doc!("DJM005"),
        check: Some(django::parent_field_clash::check),
    },
    RuleInfo {
        code: "DJM006",
        name: "field-name-clash",
        severity: Severity::Error,
        summary: "a field clashes with another field of the model or a parent (name or attname)",
        doc: django_doc!("DJM006"),
        check: Some(django::field_name_clash::check),
    },
    RuleInfo {
        code: "DJM025",
        name: "property-accessor-clash",
        severity: Severity::Error,
        summary: "a property clashes with an inherited relation's attname",
        doc: django_doc!("DJM025"),
        check: Some(django::property_accessor_clash::check),
    },
    RuleInfo {
        code: "DJM026",
        name: "multiple-primary-keys",
        severity: Severity::Error,
        summary: "more than one field has `primary_key=True`",
        doc: django_doc!("DJM026"),
        check: Some(django::multiple_primary_keys::check),
    },
    RuleInfo {
        code: "AUTH001",
        name: "user-groups-query-name",
        severity: Severity::Error,
        summary: "the active custom user model re-declares `groups` so that Group's reverse query name to it is not `user`",
        doc: crate::library::doc("AUTH001"),
        check: Some(contract::auth001),
    },
    RuleInfo {
        code: "AUTH002",
        name: "user-permissions-query-name",
        severity: Severity::Error,
        summary: "the active custom user model re-declares `user_permissions` so that Permission's reverse query name to it is not `user`",
        doc: crate::library::doc("AUTH002"),
        check: Some(contract::auth002),
    },
    RuleInfo {
        code: "AUTH003",
        name: "user-groups-accessor",
        severity: Severity::Warning,
        summary: "the active custom user model re-declares `groups` so that Group's reverse accessor is not `user_set`",
        doc: crate::library::doc("AUTH003"),
        check: Some(contract::auth003),
    },
    RuleInfo {
        code: "AUTH004",
        name: "user-is-active-field",
        severity: Severity::Error,
        summary: "the active custom user model has no `is_active` database field (password reset fails)",
        doc: crate::library::doc("AUTH004"),
        check: Some(contract::auth004),
    },
    RuleInfo {
        code: "AUTH005",
        name: "user-is-superuser-field",
        severity: Severity::Warning,
        summary: "the active custom user model has no `is_superuser` database field while ModelBackend's `with_perm` is used",
        doc: crate::library::doc("AUTH005"),
        check: Some(contract::auth005),
    },
    RuleInfo {
        code: "AUTH006",
        name: "user-email-field",
        severity: Severity::Warning,
        summary: "the field `EMAIL_FIELD` names (default `email`) is not a field of the active custom user model",
        doc: crate::library::doc("AUTH006"),
        check: Some(contract::auth006),
    },
    RuleInfo {
        code: "DRA001",
        name: "token-model-user-relation",
        severity: Severity::Error,
        summary: "the token model's `user` is not a OneToOneField with reverse accessor `auth_token` (logout leaves the token valid)",
        doc: crate::library::doc("DRA001"),
        check: Some(contract::dra001),
    },
    RuleInfo {
        code: "DRA002",
        name: "token-model-field",
        severity: Severity::Error,
        summary: "the token model lacks the field `user` or `key`",
        doc: crate::library::doc("DRA002"),
        check: Some(contract::dra002),
    },
    RuleInfo {
        code: "WAG001",
        name: "form-fields-related-name",
        severity: Severity::Error,
        summary: "a form field model's relation to its form page has related_name other than `form_fields`",
        doc: crate::library::doc("WAG001"),
        check: Some(contract::wag001),
    },
    RuleInfo {
        code: "WAG002",
        name: "renditions-related-name",
        severity: Severity::Error,
        summary: "the custom rendition model's `image` has related_name other than `renditions`",
        doc: crate::library::doc("WAG002"),
        check: Some(contract::wag002),
    },
    RuleInfo {
        code: "WAG003",
        name: "rendition-image-on-delete",
        severity: Severity::Warning,
        summary: "the custom rendition model's `image` is not `on_delete=CASCADE`",
        doc: crate::library::doc("WAG003"),
        check: Some(contract::wag003),
    },
    RuleInfo {
        code: "TAG001",
        name: "through-tag-related-name",
        severity: Severity::Error,
        summary: "a taggit through model's `tag` has no related_name (or hides it with `+`)",
        doc: crate::library::doc("TAG001"),
        check: Some(contract::tag001),
    },
    RuleInfo {
        code: "TAG002",
        name: "through-tag-query-name",
        severity: Severity::Error,
        summary: "a taggit through model's `tag` has a related_query_name other than its related_name",
        doc: crate::library::doc("TAG002"),
        check: Some(contract::tag002),
    },
    RuleInfo {
        code: "OSC001",
        name: "forked-relation-reverse-name",
        severity: Severity::Error,
        summary: "a forked Oscar model re-declares a relation with another reverse name than the one Oscar's code uses",
        doc: crate::library::doc("OSC001"),
        check: Some(contract::osc001),
    },
    RuleInfo {
        code: "DML001",
        name: "unresolved-settings",
        severity: Severity::Warning,
        summary: "which model is active for a role cannot be determined, so its checks did not run",
        doc: tool_doc!("DML001"),
        check: Some(unresolved_settings::check),
    },
    RuleInfo {
        code: "DML100",
        name: "unused-noqa",
        severity: Severity::Warning,
        summary: "a `# noqa` directive names a code that suppresses nothing here, or an unknown code",
        doc: tool_doc!("DML100"),
        check: None,
    },
    RuleInfo {
        code: "E902",
        name: "io-error",
        severity: Severity::Error,
        summary: "a file or directory cannot be read",
        doc: doc!("E902"),
        check: None,
    },
    RuleInfo {
        code: "E999",
        name: "syntax-error",
        severity: Severity::Error,
        summary: "a file cannot be parsed",
        doc: doc!("E999"),
        check: None,
    },
];

pub fn rule(code: &str) -> &'static RuleInfo {
    RULES.iter().find(|r| r.code == code).unwrap_or(&RULES[0])
}

/// Runs every rule over the analysed project.
pub fn run_all(ctx: &Analysis) -> Vec<Diagnostic> {
    RULES
        .iter()
        .filter_map(|r| r.check)
        .flat_map(|check| check(ctx))
        .collect()
}

/// A diagnostic located in `module`, with the rule's identity.
pub(crate) fn diag(
    code: &'static str,
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    let info = rule(code);
    Diagnostic::new(
        code,
        info.name,
        severity,
        module.file.clone(),
        span,
        message,
    )
}

/// A diagnostic about `model`, declared in `owner` (the model itself or a project base class),
/// carrying the evidence: the setting that makes the model active, the concrete model when the
/// declaration is inherited, and the analysis' assumptions.
pub(crate) fn model_diag(
    ctx: &Analysis,
    code: &'static str,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    let mut d = diag(code, severity, &owner.module, span, message);
    if !owner.same(&model.class) {
        d = d.related(
            model.class.module.file.clone(),
            model.class.info().name_span,
            format!(
                "`{}` inherits this declaration from `{}`",
                model.name(),
                owner.info().name
            ),
        );
    }
    if let Some(setting) = ctx.activating_setting(model) {
        d = d.related(
            setting.module.file.clone(),
            setting.stmt_span,
            format!(
                "`{}` is made the active {} model here",
                model.name(),
                model.role.concrete
            ),
        );
    }
    for note in ctx.context_notes(model) {
        d = d.note(note);
    }
    d
}

/// The note naming what fails at runtime, in which DOT versions, and the evidence.
pub(crate) fn breaks_note(
    operation: &str,
    failure: Option<&str>,
    since: Option<Version>,
    until: Option<Version>,
    evidence: &str,
) -> String {
    let what = match failure {
        Some(f) => format!("{operation}, which fails with {f}"),
        None => operation.to_string(),
    };
    let versions = match (since, until) {
        (None, None) => "every django-oauth-toolkit version".to_string(),
        _ => format!("django-oauth-toolkit {}", describe_range(since, until)),
    };
    // The evidence cites DOT's own files (`models.py:1290`), never the project's: say so.
    format!(
        "This breaks {what}, in {versions}. Evidence in django-oauth-toolkit's oauth2_provider package: {evidence}."
    )
}

#[cfg(test)]
pub(crate) mod testing {
    //! Runs the whole analysis on an in-memory project (`# -- path` separated files).
    use crate::diagnostic::Diagnostic;

    pub fn check(spec: &str) -> Vec<Diagnostic> {
        let (dir, project) = crate::project::fixture(spec);
        let root = project.root.clone();
        drop(project);
        let options = crate::Options::default();
        let result = crate::check_paths(&[root], &options).expect("check runs");
        drop(dir);
        result.diagnostics
    }

    /// `(code, line, text under the primary span)` of each diagnostic.
    pub fn summary(diags: &[Diagnostic]) -> Vec<(&'static str, u32, String)> {
        diags
            .iter()
            .map(|d| {
                (
                    d.code,
                    d.location().row,
                    crate::source::slice(&d.file.text, d.span).to_string(),
                )
            })
            .collect()
    }

    /// A settings module activating `app.MyAccessToken` / `app.MyRefreshToken` (and more).
    pub const SETTINGS: &str = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\
# -- proj/__init__.py\n\
# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'oauth2_provider', 'app']\n\
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'app.MyAccessToken'\n\
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'app.MyRefreshToken'\n\
OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'app.MyIDToken'\n\
OAUTH2_PROVIDER_APPLICATION_MODEL = 'oauth2_provider.Application'\n\
# -- requirements.txt\ndjango-oauth-toolkit==3.4.1\n\
# -- app/__init__.py\n";

    /// The three stock token models in `app/models.py`, followed by `extra` lines.
    pub fn with_models(models: &str) -> String {
        format!(
            "{SETTINGS}# -- app/models.py\nfrom django.db import models\n\
from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken, AbstractIDToken\n\
from oauth2_provider.settings import oauth2_settings\n{models}"
        )
    }
}
