//! The rule registry and what rules share: building a diagnostic on a model with its evidence
//! (the setting that activated the model, the class the declaration was inherited from, the
//! assumptions made) and the failing DOT operation.

use std::sync::Arc;

use crate::contract::{Contract, Version, describe_range};
use crate::diagnostic::{Diagnostic, Severity};
use crate::models::{Analysis, DotModel};
use crate::project::SourceModule;
use crate::resolve::ClassRef;
use crate::syntax::Span;

pub use crate::codes::{DEFAULT_OFF, Rule};

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
    pub rule: Rule,
    pub severity: Severity,
    pub summary: &'static str,
    pub check: Option<fn(&Analysis) -> Vec<Diagnostic>>,
}

impl RuleInfo {
    /// The rule's code, e.g. `DOT001`.
    pub fn code(&self) -> &'static str {
        self.rule.code()
    }
    /// The rule's kebab name.
    pub fn name(&self) -> &'static str {
        self.rule.name()
    }
    /// The rule's documentation (`rules/<folder>/<CODE>.md`, embedded).
    pub fn doc(&self) -> &'static str {
        self.embedded_doc().2
    }
    /// Where the documentation lives, from the repository root (`rules/<folder>/<CODE>.md`).
    pub fn doc_path(&self) -> &'static str {
        self.embedded_doc().1
    }
    fn embedded_doc(&self) -> &'static (&'static str, &'static str, &'static str) {
        &crate::embedded::DOCS[doc_index(self.rule.code())]
    }
}

/// The index of `code`'s document in the embedded documents (`DOCS.len()` when it has none,
/// which the assertion below rules out for every rule).
const fn doc_index(code: &str) -> usize {
    let docs = crate::embedded::DOCS;
    let mut i = 0;
    while i < docs.len() {
        if same(docs[i].0, code) {
            return i;
        }
        i += 1;
    }
    i
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        rule: Rule::DOT001,
        severity: Severity::Error,
        summary: "active RefreshToken re-declares `access_token` without the `refresh_token` reverse query name",
        check: Some(refresh_token_reverse_name::check),
    },
    RuleInfo {
        rule: Rule::DOT002,
        severity: Severity::Error,
        summary: "active AccessToken re-declares `id_token` without the `access_token` reverse query name",
        check: Some(id_token_reverse_name::check),
    },
    RuleInfo {
        rule: Rule::DOT003,
        severity: Severity::Error,
        summary: "a contract relation is re-declared with another `on_delete`",
        check: Some(contract_on_delete::check),
    },
    RuleInfo {
        rule: Rule::DOT004,
        severity: Severity::Error,
        summary: "a field DOT writes `None` to is not nullable",
        check: Some(contract_not_nullable::check),
    },
    RuleInfo {
        rule: Rule::DOT005,
        severity: Severity::Error,
        summary: "a field DOT uses by name is removed or shadowed",
        check: Some(contract_field_removed::check),
    },
    RuleInfo {
        rule: Rule::DOT006,
        severity: Severity::Error,
        summary: "a contract field is re-declared as another kind of field",
        check: Some(contract_field_kind::check),
    },
    RuleInfo {
        rule: Rule::DOT007,
        severity: Severity::Warning,
        summary: "`class Meta` does not inherit the parent's Meta and loses its constraints",
        check: Some(meta_drops_parent_constraints::check),
    },
    RuleInfo {
        rule: Rule::DOT008,
        severity: Severity::Error,
        summary: "AccessToken and RefreshToken are not swapped together into one app",
        check: Some(token_models_swapped_apart::check),
    },
    RuleInfo {
        rule: Rule::DOT009,
        severity: Severity::Error,
        summary: "a contract relation points at a model other than the active one",
        check: Some(contract_target_mismatch::check),
    },
    RuleInfo {
        rule: Rule::DOT010,
        severity: Severity::Error,
        summary: "an attribute shadows a reverse name DOT relies on",
        check: Some(reverse_name_shadowed::check),
    },
    RuleInfo {
        rule: Rule::DOT011,
        severity: Severity::Error,
        summary: "a token model's primary key is not named `id` (DOT ≤ 3.3)",
        check: Some(custom_primary_key_name::check),
    },
    RuleInfo {
        rule: Rule::DOT012,
        severity: Severity::Warning,
        summary: "DeviceGrant `device_code` declared with `unique=True`",
        check: Some(device_code_unique::check),
    },
    RuleInfo {
        rule: Rule::DOT013,
        severity: Severity::Error,
        summary: "a model setting is inside the `OAUTH2_PROVIDER` dict",
        check: Some(model_setting_in_dict::check),
    },
    RuleInfo {
        rule: Rule::DOT014,
        severity: Severity::Error,
        summary: "an `OAUTH2_PROVIDER_*_MODEL` setting does not name a suitable model",
        check: Some(unknown_swapped_model::check),
    },
    RuleInfo {
        rule: Rule::DOT015,
        severity: Severity::Error,
        summary: "an inactive DOT model keeps DOT's fixed reverse names and clashes with the active one",
        check: Some(inactive_model_clashes::check),
    },
    RuleInfo {
        rule: Rule::DOT016,
        severity: Severity::Error,
        summary: "a swapped model points at a DOT model whose `OAUTH2_PROVIDER_*_MODEL` setting is not defined (makemigrations fails)",
        check: Some(missing_swappable_setting::check),
    },
    RuleInfo {
        rule: Rule::DOT017,
        severity: Severity::Error,
        summary: "a swapped AccessToken keeps DOT's IDToken, which DOT creates only in its 0004 migration (migrate fails)",
        check: Some(stock_id_token_dependency::check),
    },
    RuleInfo {
        rule: Rule::DOT018,
        severity: Severity::Error,
        summary: "the app holding swapped models migrates after DOT's migrations that need it (migrate fails)",
        check: Some(swapped_app_migrates_after_dot::check),
    },
    RuleInfo {
        rule: Rule::DJF001,
        severity: Severity::Error,
        summary: "a field name ends with an underscore (fields.E001)",
        check: Some(django::field_name_trailing_underscore::check),
    },
    RuleInfo {
        rule: Rule::DJF002,
        severity: Severity::Error,
        summary: "a field name contains `__` (fields.E002)",
        check: Some(django::field_name_double_underscore::check),
    },
    RuleInfo {
        rule: Rule::DJF003,
        severity: Severity::Error,
        summary: "a field is named `pk` (fields.E003)",
        check: Some(django::field_name_pk::check),
    },
    RuleInfo {
        rule: Rule::DJF302,
        severity: Severity::Error,
        summary: "a reverse accessor clashes with a field of the target model (fields.E302)",
        check: Some(django::reverse_accessor_field_clash::check),
    },
    RuleInfo {
        rule: Rule::DJF303,
        severity: Severity::Error,
        summary: "a reverse query name clashes with a field of the target model (fields.E303)",
        check: Some(django::reverse_query_name_field_clash::check),
    },
    RuleInfo {
        rule: Rule::DJF304,
        severity: Severity::Error,
        summary: "a reverse accessor clashes with another relation's reverse accessor (fields.E304)",
        check: Some(django::reverse_accessor_clash::check),
    },
    RuleInfo {
        rule: Rule::DJF305,
        severity: Severity::Error,
        summary: "a reverse query name clashes with another relation's reverse name (fields.E305)",
        check: Some(django::reverse_query_name_clash::check),
    },
    RuleInfo {
        rule: Rule::DJF320,
        severity: Severity::Error,
        summary: "`on_delete=SET_NULL` on a field that is not `null=True` (fields.E320)",
        check: Some(django::set_null_not_nullable::check),
    },
    RuleInfo {
        rule: Rule::DJF321,
        severity: Severity::Error,
        summary: "`on_delete=SET_DEFAULT` on a field without a default (fields.E321)",
        check: Some(django::set_default_without_default::check),
    },
    RuleInfo {
        rule: Rule::DJF300,
        severity: Severity::Error,
        summary: "a relation points at a model that is not installed or is abstract",
        check: Some(django::relation_model_not_installed::check),
    },
    RuleInfo {
        rule: Rule::DJF301,
        severity: Severity::Error,
        summary: "a relation points at a model swapped out by its setting",
        check: Some(django::relation_to_swapped_model::check),
    },
    RuleInfo {
        rule: Rule::DJF306,
        severity: Severity::Error,
        summary: "related_name is not a valid Python identifier (nor ends with `+`)",
        check: Some(django::invalid_related_name::check),
    },
    RuleInfo {
        rule: Rule::DJF307,
        severity: Severity::Error,
        summary: "a lazy reference names a model or app that does not exist",
        check: Some(django::lazy_reference_missing::check),
    },
    RuleInfo {
        rule: Rule::DJF308,
        severity: Severity::Error,
        summary: "a reverse query name ends with an underscore",
        check: Some(django::reverse_query_name_trailing_underscore::check),
    },
    RuleInfo {
        rule: Rule::DJF309,
        severity: Severity::Error,
        summary: "a reverse query name contains `__`",
        check: Some(django::reverse_query_name_double_underscore::check),
    },
    RuleInfo {
        rule: Rule::DJF310,
        severity: Severity::Error,
        summary: "no subset of a ForeignObject's target fields is unique",
        check: Some(django::foreign_object_target_not_unique::check),
    },
    RuleInfo {
        rule: Rule::DJF311,
        severity: Severity::Error,
        summary: "a foreign key's target field is not unique",
        check: Some(django::to_field_not_unique::check),
    },
    RuleInfo {
        rule: Rule::DJF312,
        severity: Severity::Error,
        summary: "a `to_field` names no field of the related model",
        check: Some(django::to_field_missing::check),
    },
    RuleInfo {
        rule: Rule::DJM005,
        severity: Severity::Error,
        summary: "fields of two multi-table parents clash",
        check: Some(django::parent_field_clash::check),
    },
    RuleInfo {
        rule: Rule::DJM006,
        severity: Severity::Error,
        summary: "a field clashes with another field of the model or a parent (name or attname)",
        check: Some(django::field_name_clash::check),
    },
    RuleInfo {
        rule: Rule::DJM025,
        severity: Severity::Error,
        summary: "a property clashes with an inherited relation's attname",
        check: Some(django::property_accessor_clash::check),
    },
    RuleInfo {
        rule: Rule::DJM026,
        severity: Severity::Error,
        summary: "more than one field has `primary_key=True`",
        check: Some(django::multiple_primary_keys::check),
    },
    RuleInfo {
        rule: Rule::DJF330,
        severity: Severity::Error,
        summary: "a `ManyToManyField` is `unique=True` (fields.E330)",
        check: Some(django::m2m_unique::check),
    },
    RuleInfo {
        rule: Rule::DJF331,
        severity: Severity::Error,
        summary: "a `ManyToManyField`'s `through` model is not an installed model (fields.E331)",
        check: Some(django::m2m_through_not_installed::check),
    },
    RuleInfo {
        rule: Rule::DJF333,
        severity: Severity::Error,
        summary: "the through model of a relation to self has more than two foreign keys to it and no `through_fields` (fields.E333)",
        check: Some(django::m2m_through_self_ambiguous::check),
    },
    RuleInfo {
        rule: Rule::DJF334,
        severity: Severity::Error,
        summary: "the through model has more than one foreign key from the source model and no `through_fields` (fields.E334)",
        check: Some(django::m2m_through_ambiguous_source::check),
    },
    RuleInfo {
        rule: Rule::DJF335,
        severity: Severity::Error,
        summary: "the through model has more than one foreign key to the target model and no `through_fields` (fields.E335)",
        check: Some(django::m2m_through_ambiguous_target::check),
    },
    RuleInfo {
        rule: Rule::DJF336,
        severity: Severity::Error,
        summary: "the through model has no foreign key to the source or to the target model (fields.E336)",
        check: Some(django::m2m_through_missing_foreign_key::check),
    },
    RuleInfo {
        rule: Rule::DJF337,
        severity: Severity::Error,
        summary: "`through_fields` does not name two link fields (fields.E337)",
        check: Some(django::m2m_through_fields_not_pair::check),
    },
    RuleInfo {
        rule: Rule::DJF338,
        severity: Severity::Error,
        summary: "`through_fields` names a field the through model lacks (fields.E338)",
        check: Some(django::m2m_through_fields_unknown_field::check),
    },
    RuleInfo {
        rule: Rule::DJF339,
        severity: Severity::Error,
        summary: "a `through_fields` field is not a foreign key to the right model (fields.E339)",
        check: Some(django::m2m_through_fields_not_foreign_key::check),
    },
    RuleInfo {
        rule: Rule::DJF340,
        severity: Severity::Error,
        summary: "a `ManyToManyField`'s intermediary table has the name of another model's table (fields.E340)",
        check: Some(django::m2m_table_clash::check),
    },
    RuleInfo {
        rule: Rule::DJF340W,
        severity: Severity::Warning,
        summary: "`null` on a `ManyToManyField` has no effect (fields.W340)",
        check: Some(django::m2m_null::check),
    },
    RuleInfo {
        rule: Rule::DJF341,
        severity: Severity::Warning,
        summary: "`validators` on a `ManyToManyField` never run (fields.W341)",
        check: Some(django::m2m_validators::check),
    },
    RuleInfo {
        rule: Rule::DJF342,
        severity: Severity::Warning,
        summary: "a `ForeignKey` with `unique=True` is a `OneToOneField` (fields.W342)",
        check: Some(django::foreign_key_unique::check),
    },
    RuleInfo {
        rule: Rule::DJF344,
        severity: Severity::Warning,
        summary: "a `ManyToManyField`'s intermediary table has the name of another model's table, with `DATABASE_ROUTERS` set (fields.W344)",
        check: Some(django::m2m_table_clash_routed::check),
    },
    RuleInfo {
        rule: Rule::DJF345,
        severity: Severity::Warning,
        summary: "`related_name` on a symmetrical `ManyToManyField` has no effect (fields.W345)",
        check: Some(django::m2m_symmetrical_related_name::check),
    },
    RuleInfo {
        rule: Rule::DJF346,
        severity: Severity::Warning,
        summary: "`db_comment` on a `ManyToManyField` has no effect (fields.W346)",
        check: Some(django::m2m_db_comment::check),
    },
    RuleInfo {
        rule: Rule::AUTH001,
        severity: Severity::Error,
        summary: "the active custom user model re-declares `groups` so that Group's reverse query name to it is not `user`",
        check: Some(contract::auth001),
    },
    RuleInfo {
        rule: Rule::AUTH002,
        severity: Severity::Error,
        summary: "the active custom user model re-declares `user_permissions` so that Permission's reverse query name to it is not `user`",
        check: Some(contract::auth002),
    },
    RuleInfo {
        rule: Rule::AUTH003,
        severity: Severity::Warning,
        summary: "the active custom user model re-declares `groups` so that Group's reverse accessor is not `user_set`",
        check: Some(contract::auth003),
    },
    RuleInfo {
        rule: Rule::AUTH004,
        severity: Severity::Error,
        summary: "the active custom user model has no `is_active` database field (password reset fails)",
        check: Some(contract::auth004),
    },
    RuleInfo {
        rule: Rule::AUTH005,
        severity: Severity::Warning,
        summary: "the active custom user model has no `is_superuser` database field while ModelBackend's `with_perm` is used",
        check: Some(contract::auth005),
    },
    RuleInfo {
        rule: Rule::AUTH006,
        severity: Severity::Warning,
        summary: "the field `EMAIL_FIELD` names (default `email`) is not a field of the active custom user model",
        check: Some(contract::auth006),
    },
    RuleInfo {
        rule: Rule::DRA001,
        severity: Severity::Error,
        summary: "the token model's `user` is not a OneToOneField with reverse accessor `auth_token` (logout leaves the token valid)",
        check: Some(contract::dra001),
    },
    RuleInfo {
        rule: Rule::DRA002,
        severity: Severity::Error,
        summary: "the token model lacks the field `user` or `key`",
        check: Some(contract::dra002),
    },
    RuleInfo {
        rule: Rule::WAG001,
        severity: Severity::Error,
        summary: "a form field model's relation to its form page has related_name other than `form_fields`",
        check: Some(contract::wag001),
    },
    RuleInfo {
        rule: Rule::WAG002,
        severity: Severity::Error,
        summary: "the custom rendition model's `image` has related_name other than `renditions`",
        check: Some(contract::wag002),
    },
    RuleInfo {
        rule: Rule::WAG003,
        severity: Severity::Warning,
        summary: "the custom rendition model's `image` is not `on_delete=CASCADE`",
        check: Some(contract::wag003),
    },
    RuleInfo {
        rule: Rule::TAG001,
        severity: Severity::Error,
        summary: "a custom tag through model's `tag` has no related_name (or hides it with `+`)",
        check: Some(contract::tag001),
    },
    RuleInfo {
        rule: Rule::TAG002,
        severity: Severity::Error,
        summary: "a custom tag through model's `tag` has a related_query_name other than its related_name",
        check: Some(contract::tag002),
    },
    RuleInfo {
        rule: Rule::OSC001,
        severity: Severity::Error,
        summary: "a model of a forked library app re-declares a relation with another reverse name than the one the library's code uses",
        check: Some(contract::osc001),
    },
    RuleInfo {
        rule: Rule::DML001,
        severity: Severity::Warning,
        summary: "which model is active for a role cannot be determined, so its checks did not run",
        check: Some(unresolved_settings::check),
    },
    RuleInfo {
        rule: Rule::DML100,
        severity: Severity::Warning,
        summary: "a `# noqa` directive names a code that suppresses nothing here, or an unknown code",
        check: None,
    },
    RuleInfo {
        rule: Rule::E902,
        severity: Severity::Error,
        summary: "a file or directory cannot be read",
        check: None,
    },
    RuleInfo {
        rule: Rule::E999,
        severity: Severity::Error,
        summary: "a file cannot be parsed",
        check: None,
    },
];

// `RULES` lists every rule once, in `Rule`'s order (`Rule::info` indexes it), and every rule
// has its document under `rules/`.
const _: () = {
    assert!(RULES.len() == Rule::ALL.len());
    let mut i = 0;
    while i < RULES.len() {
        assert!(RULES[i].rule as usize == i);
        assert!(doc_index(RULES[i].rule.code()) < crate::embedded::DOCS.len());
        i += 1;
    }
};

impl Rule {
    /// The rule's registration: severity, summary, doc and check.
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }
}

/// Runs every rule over the analysed project.
pub fn run_all(ctx: &Analysis) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // The model graph is built first: its build runs on the worker pool, and a worker waiting
    // in it could take up a rule that asks for the graph (a re-entrant initialisation
    // deadlocks). Every rule that reads Django's models needs it.
    if let Some(dj) = ctx.django {
        let _ = dj.graph.get();
    }
    // Side by side (a rule only reads the analysis); the order stays `RULES`'.
    let each: Vec<Vec<Diagnostic>> = RULES
        .par_iter()
        .filter_map(|r| r.check)
        .map(|check| check(ctx))
        .collect();
    each.into_iter().flatten().collect()
}

/// A diagnostic located in `module`, with the rule's identity.
pub(crate) fn diag(
    rule: Rule,
    severity: Severity,
    module: &Arc<SourceModule>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(rule, severity, module.file.clone(), span, message)
}

/// A diagnostic about `model`, declared in `owner` (the model itself or a project base class),
/// carrying the evidence: the setting that makes the model active, the concrete model when the
/// declaration is inherited, and the analysis' assumptions.
pub(crate) fn model_diag(
    ctx: &Analysis,
    rule: Rule,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    let mut d = diag(rule, severity, &owner.module, span, message);
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

/// The note naming what fails at runtime, in which versions of the contract's library, and the evidence.
pub(crate) fn breaks_note(
    contract: &Contract,
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
        (None, None) => format!("every {} version", contract.library),
        _ => format!("{} {}", contract.library, describe_range(since, until)),
    };
    // The evidence cites DOT's own files (`models.py:1290`), never the project's: say so.
    format!(
        "This breaks {what}, in {versions}. Evidence in {}'s {} package: {evidence}.",
        contract.library, contract.package
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
        let options = crate::config::Options::default();
        let result = crate::commands::check::check_paths(&[root], &options).expect("check runs");
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
