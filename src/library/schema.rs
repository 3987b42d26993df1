//! The generic contract schema (`rules/<library>/contract.toml`, `schema = 2`): what a library
//! assumes about models the project writes for it, as views over the project's models.
//!
//! A contract names **roles** (the models the library's code uses: bound by a setting naming a
//! model, by subclassing one of the library's classes, or by being passed as `through=`), and
//! **items** about them, each with its rule code, the library versions that have it
//! (`since` / `until`), the operation that fails, and the evidence (`file:line` in the released
//! library). The extensions `library-contracts.md` §3 proposes are here: `reverse_accessor`
//! beside `reverse_query_name`, `declared_by = "user"`, `related_name_required`,
//! `query_name_equals_related_name`, `kind_required`, settings as `app_label.Model` or as a
//! dotted class path, settings inside a dict, `consumers`, and `db_fields`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::contract::Version;
use crate::diagnostic::Severity;

/// One library's contract.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibraryContract {
    /// Always 2 (DOT's own `contract.toml` is the first, DOT-shaped schema).
    pub schema: u32,
    /// The library as users know it (shown in messages).
    pub library: String,
    /// Distribution names whose pin says the project uses the library (and which version).
    #[serde(default)]
    pub distributions: Vec<String>,
    /// Import packages: a model module importing from one of them uses the library.
    #[serde(default)]
    pub packages: Vec<String>,
    /// `INSTALLED_APPS` entries (or AppConfig paths) meaning the library is installed.
    #[serde(default)]
    pub apps: Vec<String>,
    /// Entry prefixes meaning the same (`wagtail.`, `oscar.apps.`).
    #[serde(default)]
    pub app_prefixes: Vec<String>,
    /// The contract holds in every project where a role binds (Django's own contract: a custom
    /// user model is reason enough).
    #[serde(default)]
    pub always_used: bool,
    /// Settings of which one must be set for any role to bind (a contract whose roles are all
    /// bound by settings): a project setting none is not concerned, and the items are not read.
    #[serde(default)]
    pub gate_settings: Vec<String>,
    /// The newest release read; assumed when no pin says otherwise.
    pub newest: Version,
    pub docs_url: String,
    /// Field classes of the library (or its dependencies) that are relations the tool cannot see
    /// through: qualified name → the Django field they subclass (`ForeignKey`).
    #[serde(default)]
    pub field_classes: BTreeMap<String, String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub relations: Vec<RelationItem>,
    #[serde(default)]
    pub db_fields: Vec<DbFieldItem>,
}

/// What [`crate::library::Env::uses`] reads of a contract, to tell whether a project uses the
/// library: the fields of [`LibraryContract`] of the same names, and of each role what binds it.
/// `build.rs` embeds it as its own JSON, so that a project using none of the libraries does not
/// parse their items (django-oscar's contract alone was an eighth of a small project's
/// instructions). A unit test checks it against the whole contract.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractHead {
    #[serde(default)]
    pub distributions: Vec<String>,
    #[serde(default)]
    pub packages: Vec<String>,
    #[serde(default)]
    pub apps: Vec<String>,
    #[serde(default)]
    pub app_prefixes: Vec<String>,
    #[serde(default)]
    pub always_used: bool,
    #[serde(default)]
    pub gate_settings: Vec<String>,
    #[serde(default)]
    pub roles: Vec<RoleHead>,
}

/// What binds a role ([`Role`]'s fields of the same names).
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RoleHead {
    #[serde(default)]
    pub subclass_of: Vec<String>,
    #[serde(default)]
    pub through_of: Vec<String>,
    /// The setting's top-level name and its older names ([`SettingRef`]'s `name`, `legacy`).
    #[serde(default)]
    pub settings: Vec<String>,
}

/// A model the library's code uses, and how the project's model for it is found.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub role: String,
    /// Every concrete, installed project model deriving from one of these classes.
    #[serde(default)]
    pub subclass_of: Vec<String>,
    /// The model passed as `through=` to a call of one of these (in a model's class body).
    #[serde(default)]
    pub through_of: Vec<String>,
    /// The model a setting names.
    pub setting: Option<SettingRef>,
    pub evidence: String,
}

/// How a setting names a model.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum SettingFormat {
    /// `"app_label.Model"` (Django's swappable settings).
    #[serde(rename = "app_label.Model")]
    Label,
    /// `"package.module.Class"` (imported by the library, not looked up by app label).
    #[serde(rename = "dotted_class_path")]
    DottedPath,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingRef {
    /// The top-level setting (`AUTH_USER_MODEL`, or the dict `REST_AUTH`).
    pub name: String,
    /// The key inside the dict `name` is (`TOKEN_MODEL`).
    pub dict_key: Option<String>,
    /// Older top-level settings read when the dict does not have the key.
    #[serde(default)]
    pub legacy: Vec<String>,
    /// The last library version reading `legacy` (a pin must show it is in use).
    pub legacy_until: Option<Version>,
    pub format: SettingFormat,
    /// The library's default, for messages.
    pub default: Option<String>,
    pub evidence: String,
}

/// Who writes the relation.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DeclaredBy {
    /// The library's abstract model declares it: only a re-declaration in the project is read.
    #[default]
    Library,
    /// The library declares no such field: the user's declaration is read.
    User,
}

/// A library that consumes the contract: when installed, its failure is named and the
/// severity raised.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    /// The library as users know it.
    pub package: String,
    /// Its distribution name (a pin counts as installed).
    pub distribution: Option<String>,
    /// `INSTALLED_APPS` entries meaning it is installed.
    #[serde(default)]
    pub apps: Vec<String>,
    /// Counts in every project (Django's own code is the consumer).
    #[serde(default)]
    pub always: bool,
    pub operation: String,
    pub failure: String,
    pub evidence: String,
    pub since: Option<Version>,
    /// The severity when it is installed.
    pub severity: String,
}

/// What a relation of a role must look like: reverse names, `related_name_required`,
/// `query_name_equals_related_name`, `kind_required` or `on_delete`, each read by its rule
/// file. `kind_required` may come with reverse names: the kind is judged first, the names only
/// on a declaration of the right kind (one diagnostic per mistake).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationItem {
    pub code: String,
    pub role: String,
    /// The field's name; absent: every relation of the model to a `to_subclass_of` model.
    pub field: Option<String>,
    #[serde(default)]
    pub to_subclass_of: Vec<String>,
    /// Methods through which the library reaches the reverse name: a target model (or a
    /// project base of it) that defines one reads its own name, and the item does not apply
    /// (wagtail documents overriding `get_form_fields`).
    #[serde(default)]
    pub unless_target_defines: Vec<String>,
    /// The models the relation must point at for the item to apply (`app_label.Model`).
    #[serde(default)]
    pub to_labels: Vec<String>,
    #[serde(default)]
    pub declared_by: DeclaredBy,
    /// The related_name the library writes (for the remedy).
    pub related_name: Option<String>,
    pub reverse_accessor: Option<String>,
    pub reverse_query_name: Option<String>,
    #[serde(default)]
    pub related_name_required: bool,
    #[serde(default)]
    pub query_name_equals_related_name: bool,
    /// The Django field class required (`OneToOneField`).
    pub kind_required: Option<String>,
    /// The on_delete the library needs (`CASCADE`), and what each other one does.
    pub on_delete: Option<String>,
    #[serde(default)]
    pub on_delete_effects: BTreeMap<String, String>,
    pub severity: String,
    pub operation: String,
    pub failure: Option<String>,
    pub evidence: String,
    pub since: Option<Version>,
    pub until: Option<Version>,
    /// The remedy (with the traps the library's users fall into).
    pub help: Option<String>,
    #[serde(default)]
    pub consumers: Vec<Consumer>,
    /// Whether the library's own code fails (`operation`); false when only consumers do
    /// (Django's own code never reads `group.user_set`).
    #[serde(default = "yes")]
    pub library_fails: bool,
}

fn yes() -> bool {
    true
}

/// Fields that must be database columns of a role's model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbFieldItem {
    pub code: String,
    pub role: String,
    /// Fixed field names.
    #[serde(default)]
    pub fields: Vec<String>,
    /// The field a class attribute of the model names (`EMAIL_FIELD`), with its default.
    pub named_by: Option<NamedBy>,
    /// Applies only when this setting (a list) contains the value (default: the library's).
    pub when_setting_contains: Option<WhenSetting>,
    /// The item is silent when a project class of the model binds the name itself as something
    /// other than a field (a property, a method, a value): the project replaced the field on
    /// purpose (pretix's `is_superuser` property), and the failing operation is one it does not
    /// use. Not for items whose operation the library itself runs (password reset).
    #[serde(default)]
    pub unless_replaced: bool,
    pub severity: String,
    pub operation: String,
    pub failure: Option<String>,
    pub evidence: String,
    pub since: Option<Version>,
    pub until: Option<Version>,
    pub help: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedBy {
    pub attribute: String,
    pub default: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhenSetting {
    pub setting: String,
    pub value: String,
    /// Whether the setting's default (when unset) contains the value.
    pub default_contains: bool,
}

/// `"error"` / `"warning"`.
pub fn severity(s: &str) -> Severity {
    Severity::parse(s)
}

impl LibraryContract {
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.role == name)
    }
}
