//! Library contracts as data: `rules/<library>/contract.toml`, embedded in the binary.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::codes::Rule;

/// A release number, compared numerically (`3.10.0` > `3.4.1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u32, pub u32, pub u32);

impl Version {
    /// Parses `3`, `3.4` or `3.4.1` (a trailing pre-release or local part is ignored).
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.').map(|p| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        });
        let major = parts.next()??;
        let minor = parts.next().flatten().unwrap_or(0);
        let patch = parts.next().flatten().unwrap_or(0);
        Some(Version(major, minor, patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Version::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("bad version `{s}`")))
    }
}

/// `since` / `until` bounds, both inclusive; absent means unbounded.
pub fn in_range(v: Version, since: Option<Version>, until: Option<Version>) -> bool {
    since.is_none_or(|s| v >= s) && until.is_none_or(|u| v <= u)
}

/// Human wording of a version range, e.g. "≥ 2.3.0" or "all versions".
pub fn describe_range(since: Option<Version>, until: Option<Version>) -> String {
    let short = |v: Version| {
        if v.2 >= 99 {
            format!("{}.{}", v.0, v.1)
        } else {
            v.to_string()
        }
    };
    match (since, until) {
        (None, None) => "all versions".to_string(),
        (Some(s), None) => format!("≥ {}", short(s)),
        (None, Some(u)) => format!("≤ {}", short(u)),
        (Some(s), Some(u)) => format!("{} – {}", short(s), short(u)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub library: String,
    /// The library's short name in messages, also its rule codes' prefix (`DOT`).
    pub short_name: String,
    pub package: String,
    pub models_module: String,
    pub settings_object: String,
    pub settings_dict: String,
    /// Bytes whose presence makes a file worth parsing for this library (the prefilter's seeds):
    /// its package and its settings' prefix.
    pub mentions: Vec<String>,
    pub newest: Version,
    pub docs_url: String,
    pub roles: Vec<Role>,
    pub relations: Vec<Relation>,
    pub nullable: Vec<Nullable>,
    pub fields_used: Vec<FieldsUsed>,
    pub field_classes: Vec<FieldClass>,
    pub primary_key: PrimaryKey,
    pub device_code: DeviceCode,
    pub migrations: MigrationFacts,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub role: String,
    #[serde(rename = "abstract")]
    pub abstract_class: String,
    pub concrete: String,
    pub setting: String,
    pub dict_key: String,
    pub default: String,
    pub since: Option<Version>,
    #[serde(default)]
    pub meta_constraints: bool,
    /// DOT013's severity for this role's setting inside the `OAUTH2_PROVIDER` dict.
    #[serde(default = "error")]
    pub dict_severity: String,
    pub evidence: String,
}

/// A rule code in the data, which must name one of our rules.
fn rule_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Rule>, D::Error> {
    let code = String::deserialize(d)?;
    Rule::from_code(&code)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown rule `{code}`")))
}

fn error() -> String {
    "error".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    pub severity: String,
    pub effect: String,
    pub since: Option<Version>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub role: String,
    pub field: String,
    pub kind: String,
    pub to: String,
    pub on_delete: String,
    #[serde(default)]
    pub null: bool,
    /// DOT's fixed `related_name` for this relation (not a `%(class)s` pattern).
    pub related_name: Option<String>,
    pub reverse_query_name: Option<String>,
    pub reverse_since: Option<Version>,
    /// The rule that checks this relation's reverse names (`rule = "DOT001"`).
    #[serde(default, deserialize_with = "rule_code")]
    pub rule: Option<Rule>,
    pub failing_operation: String,
    pub failure: Option<String>,
    pub evidence: String,
    pub null_failure: Option<String>,
    pub null_evidence: Option<String>,
    #[serde(default)]
    pub on_delete_effects: BTreeMap<String, Effect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nullable {
    pub role: String,
    pub field: String,
    pub failure: String,
    pub evidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldsUsed {
    pub role: String,
    pub names: Vec<String>,
    pub since: Option<Version>,
    pub until: Option<Version>,
    /// The DOT operation that fails first without the field, when known.
    pub operation: Option<String>,
    /// Its error (`{name}` stands for the field), when known.
    pub failure: Option<String>,
    pub evidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldClass {
    pub role: String,
    pub field: String,
    pub class: String,
    pub since: Option<Version>,
    pub until: Option<Version>,
    pub severity: String,
    pub effect: String,
    pub evidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrimaryKey {
    pub roles: Vec<String>,
    pub until: Version,
    pub effect: String,
    pub evidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceCode {
    pub role: String,
    pub field: String,
    pub since: Version,
    pub effect: String,
    pub evidence: String,
}

/// How DOT's own migrations order against an app holding swapped models (DOT016–DOT018).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationFacts {
    /// Role → the DOT migration that creates its stock model.
    pub creates: BTreeMap<String, String>,
    pub creates_evidence: String,
    pub after_initial: String,
    pub renders_state: String,
    pub renders_state_since: Version,
    pub renders_state_evidence: String,
    /// Role → a DOT migration that depends on the app holding that role's swapped model.
    pub depends_on_swapped: BTreeMap<String, String>,
    pub depends_on_swapped_since: Version,
    pub depends_on_swapped_evidence: String,
}

impl Contract {
    pub fn role(&self, role: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.role == role)
    }
    pub fn role_by_abstract(&self, class: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.abstract_class == class)
    }
    pub fn relations_of(&self, role: &str) -> impl Iterator<Item = &Relation> {
        self.relations.iter().filter(move |r| r.role == role)
    }
    pub fn relation(&self, role: &str, field: &str) -> Option<&Relation> {
        self.relations
            .iter()
            .find(|r| r.role == role && r.field == field)
    }
    /// The settings object's module and name (`oauth2_provider.settings`, `oauth2_settings`).
    pub fn settings_object_parts(&self) -> (&str, &str) {
        self.settings_object
            .rsplit_once('.')
            .unwrap_or(("", self.settings_object.as_str()))
    }
    /// Qualified name of an abstract model, e.g. `oauth2_provider.models.AbstractRefreshToken`.
    pub fn abstract_qualname(&self, role: &Role) -> String {
        format!("{}.{}", self.models_module, role.abstract_class)
    }
    /// The name `qualname` gives in the library's models module (`AccessToken` for
    /// `oauth2_provider.models.AccessToken`); `None` for a name elsewhere.
    pub fn in_models_module<'q>(&self, qualname: &'q str) -> Option<&'q str> {
        qualname
            .strip_prefix(self.models_module.as_str())?
            .strip_prefix('.')
    }
}

/// The embedded library contracts (`rules/<library>/contract.toml`, listed by `build.rs`) of
/// this schema, parsed once, in path order; the generic ones (`schema = 2`, read by
/// `crate::library`) are skipped. A unit test checks that every embedded contract of this
/// schema parses, so none is dropped in a released binary.
pub fn all() -> &'static [Contract] {
    static CONTRACTS: OnceLock<Vec<Contract>> = OnceLock::new();
    CONTRACTS.get_or_init(|| {
        crate::embedded::swappable_contracts()
            .filter_map(|(path, _)| {
                let (_, json) = crate::embedded::CONTRACTS_JSON
                    .iter()
                    .find(|(p, ..)| p == path)?;
                serde_json::from_str(json).ok()
            })
            .collect()
    })
}

/// The contract whose roles are swappable models, bound by the model analysis
/// (`models::Analysis` holds one contract; the first embedded one of this schema).
pub fn swappable_models() -> &'static Contract {
    match all().first() {
        Some(c) => c,
        None => panic!("no embedded contract.toml parses"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_in_the_library_models_module_is_its_last_part() {
        let c = swappable_models();
        let name = format!("{}.AccessToken", c.models_module);
        assert_eq!(c.in_models_module(&name), Some("AccessToken"));
        assert_eq!(c.in_models_module(&format!("{}x.A", c.models_module)), None);
        assert_eq!(c.in_models_module(&c.models_module), None);
        assert_eq!(c.in_models_module("app.models.AccessToken"), None);
    }

    #[test]
    fn embedded_contract_parses_and_is_consistent() {
        for (path, text) in crate::embedded::swappable_contracts() {
            if let Err(e) = toml::from_str::<Contract>(text) {
                panic!("{path} is invalid: {e}");
            }
        }
        // Every embedded contract is of this schema or a generic one, which `all()` skips.
        assert_eq!(
            all().len() + crate::embedded::CONTRACT_CODES.len(),
            crate::embedded::CONTRACTS.len()
        );
        let c = swappable_models();
        assert_eq!(c.library, "django-oauth-toolkit");
        assert_eq!(c.roles.len(), 6);
        for rel in &c.relations {
            assert!(c.role(&rel.role).is_some(), "{}", rel.role);
            assert!(c.role(&rel.to).is_some(), "{}", rel.to);
            for key in rel.on_delete_effects.keys() {
                assert!(
                    [
                        "CASCADE",
                        "PROTECT",
                        "RESTRICT",
                        "SET_NULL",
                        "SET_DEFAULT",
                        "DO_NOTHING"
                    ]
                    .contains(&key.as_str())
                );
            }
        }
        let rt = c.relation("refresh_token", "access_token").unwrap();
        assert_eq!(rt.reverse_query_name.as_deref(), Some("refresh_token"));
        assert_eq!(rt.rule, Some(Rule::DOT001));
        let bad = crate::embedded::swappable_contracts()
            .next()
            .unwrap()
            .1
            .replacen("rule = \"DOT001\"", "rule = \"DOT01\"", 1);
        let err = toml::from_str::<Contract>(&bad).unwrap_err().to_string();
        assert!(err.contains("unknown rule `DOT01`"), "{err}");
        assert_eq!(c.newest, Version(3, 4, 1));
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(Version::parse("3.10").unwrap() > Version::parse("3.4.1").unwrap());
        assert_eq!(Version::parse("2.4.0rc1"), Some(Version(2, 4, 0)));
        assert_eq!(Version::parse("x"), None);
        assert!(in_range(Version(2, 3, 0), Version::parse("2.3.0"), None));
        assert!(!in_range(Version(3, 4, 0), None, Version::parse("3.3.99")));
        assert_eq!(describe_range(None, Version::parse("3.3.99")), "≤ 3.3");
    }
}
