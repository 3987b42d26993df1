//! Django's own models (the contrib apps auth, contenttypes, admin, sites, redirects, flatpages,
//! sessions) as embedded data:
//! `rules/django/models.toml`, generated from the released Django source by
//! `tests/oracle/django_models.py`, parsed at first use.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::contract::{Version, in_range};

/// The data as JSON, converted from the TOML by `build.rs` (parsed about ten times faster).
const MODELS: &str = crate::embedded::DJANGO_MODELS_JSON;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// The Django versions the data was generated from.
    pub versions: Vec<Version>,
    #[serde(rename = "model")]
    pub models: Vec<BuiltinModel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinModel {
    /// The module that defines the class.
    pub module: String,
    /// Other modules' qualified names for the same class (re-exports).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub name: String,
    pub app_label: String,
    #[serde(rename = "abstract")]
    pub is_abstract: bool,
    /// Qualified names of the direct bases.
    pub bases: Vec<String>,
    pub evidence: String,
    pub since: Option<Version>,
    pub until: Option<Version>,
    /// The bases of the class's own `Meta`, as written (`AbstractUser.Meta`).
    #[serde(default)]
    pub meta_bases: Vec<String>,
    /// The attributes its own `Meta` declares (`abstract` included for abstract models).
    #[serde(default)]
    pub meta: Option<BTreeMap<String, toml::Value>>,
    #[serde(rename = "field", default)]
    pub fields: Vec<BuiltinField>,
    /// Class attributes that are not fields (they hide an inherited field of that name).
    #[serde(rename = "attribute", default)]
    pub attributes: Vec<BuiltinAttribute>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinField {
    pub name: String,
    /// The field class (`CharField`, `ManyToManyField`, …).
    pub kind: String,
    pub evidence: String,
    /// `app_label.Model` of a relation's target.
    pub to: Option<String>,
    /// The setting naming a relation's target, for a relation to a swappable model
    /// (`to=settings.AUTH_USER_MODEL`): the project's model, so `to` is absent.
    pub setting: Option<String>,
    pub related_name: Option<String>,
    pub related_query_name: Option<String>,
    pub symmetrical: Option<bool>,
    #[serde(default)]
    pub primary_key: bool,
    #[serde(default)]
    pub null: bool,
    #[serde(default)]
    pub unique: bool,
    pub since: Option<Version>,
    pub until: Option<Version>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinAttribute {
    pub name: String,
    pub evidence: String,
    pub since: Option<Version>,
    pub until: Option<Version>,
}

impl BuiltinModel {
    /// `django.contrib.auth.models.User` and its aliases.
    pub fn qualnames(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(format!("{}.{}", self.module, self.name)).chain(self.aliases.clone())
    }
    /// Whether `qualname` is one of [`Self::qualnames`] (compared in place: the graph asks for
    /// every base class of every model).
    pub fn has_qualname(&self, qualname: &str) -> bool {
        qualname
            .strip_prefix(self.module.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            == Some(self.name.as_str())
            || self.aliases.iter().any(|a| a == qualname)
    }
    /// The app package that registers the model (`django.contrib.auth`).
    pub fn app(&self) -> String {
        self.module.split('.').take(3).collect::<Vec<_>>().join(".")
    }
    pub fn exists_in(&self, v: Version) -> bool {
        in_range(v, self.since, self.until)
    }
    pub fn fields_in(&self, v: Version) -> impl Iterator<Item = &BuiltinField> {
        self.fields
            .iter()
            .filter(move |f| in_range(v, f.since, f.until))
    }
    pub fn attributes_in(&self, v: Version) -> impl Iterator<Item = &BuiltinAttribute> {
        self.attributes
            .iter()
            .filter(move |a| in_range(v, a.since, a.until))
    }
}

impl Data {
    /// The newest Django version described.
    pub fn newest(&self) -> Version {
        self.versions
            .iter()
            .copied()
            .max()
            .unwrap_or(Version(5, 2, 0))
    }
    /// The model whose class is importable as `qualname`, in Django `v`.
    pub fn by_qualname(&self, qualname: &str, v: Version) -> Option<&BuiltinModel> {
        self.models
            .iter()
            .find(|m| m.exists_in(v) && m.has_qualname(qualname))
    }
}

/// The embedded data. A unit test parses it, so this cannot fail in a released binary.
pub fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| match serde_json::from_str(MODELS) {
        Ok(d) => d,
        Err(e) => panic!("embedded rules/django/models.toml is invalid: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON the binary parses is the TOML's data.
    #[test]
    fn the_embedded_json_is_the_toml() {
        let text = include_str!("../../rules/django/models.toml");
        let from_toml = serde_json::to_value(text.parse::<toml::Table>().unwrap()).unwrap();
        let from_json: serde_json::Value = serde_json::from_str(MODELS).unwrap();
        assert_eq!(from_toml, from_json);
    }

    #[test]
    fn a_model_answers_to_its_qualnames_and_no_other() {
        for m in &data().models {
            for q in m.qualnames() {
                assert!(m.has_qualname(&q), "{q}");
                assert!(!m.has_qualname(&format!("{q}s")), "{q}s");
                assert!(!m.has_qualname(&format!("x{q}")), "x{q}");
            }
            assert!(!m.has_qualname(&m.name));
            assert!(!m.has_qualname(&format!("{}{}", m.module, m.name)));
        }
    }

    #[test]
    fn data_parses_and_names_django_fields() {
        let d = data();
        let v = d.newest();
        assert!(v >= Version(5, 2, 0));
        let mixin = d
            .by_qualname("django.contrib.auth.models.PermissionsMixin", v)
            .unwrap();
        let groups = mixin.fields_in(v).find(|f| f.name == "groups").unwrap();
        assert_eq!(groups.kind, "ManyToManyField");
        assert_eq!(groups.to.as_deref(), Some("auth.Group"));
        assert_eq!(groups.related_name.as_deref(), Some("user_set"));
        assert_eq!(groups.related_query_name.as_deref(), Some("user"));
        assert!(
            groups
                .evidence
                .starts_with("django/contrib/auth/models.py:")
        );
        // AbstractBaseUser is re-exported by django.contrib.auth.models.
        let base = d
            .by_qualname("django.contrib.auth.models.AbstractBaseUser", v)
            .unwrap();
        assert_eq!(base.module, "django.contrib.auth.base_user");
        // `is_active` is a plain class attribute there, a field only on AbstractUser.
        assert!(base.attributes_in(v).any(|a| a.name == "is_active"));
        assert!(!base.fields_in(v).any(|f| f.name == "is_active"));
        let user = d.by_qualname("django.contrib.auth.models.User", v).unwrap();
        assert_eq!(
            user.meta.as_ref().unwrap()["swappable"].as_str(),
            Some("AUTH_USER_MODEL")
        );
        assert_eq!(user.meta_bases, ["AbstractUser.Meta"]);
        assert_eq!(user.app(), "django.contrib.auth");
        let ct = d
            .by_qualname("django.contrib.contenttypes.models.ContentType", v)
            .unwrap();
        assert_eq!(ct.app_label, "contenttypes");
        // admin's LogEntry.user is described by its setting, not the model the dump resolved.
        let log = d
            .by_qualname("django.contrib.admin.models.LogEntry", v)
            .unwrap();
        let user = log.fields_in(v).find(|f| f.name == "user").unwrap();
        assert_eq!(user.setting.as_deref(), Some("AUTH_USER_MODEL"));
        assert_eq!(user.to, None);
        // sessions' key is the primary key: no automatic `id`.
        let base = d
            .by_qualname("django.contrib.sessions.models.AbstractBaseSession", v)
            .unwrap();
        assert!(
            base.fields_in(v)
                .any(|f| f.name == "session_key" && f.primary_key)
        );
        for label in ["admin", "sites", "redirects", "flatpages", "sessions"] {
            assert!(
                d.models
                    .iter()
                    .any(|m| m.app_label == label && !m.is_abstract)
            );
        }
        // Every relation names a model of the data, and every evidence a Django file.
        for m in &d.models {
            assert!(m.evidence.starts_with("django/"), "{}", m.evidence);
            for f in &m.fields {
                assert!(f.evidence.starts_with("django/"), "{}", f.evidence);
                // A relation names its target or the setting that does, never both.
                if f.kind.ends_with("ForeignKey")
                    || f.kind.ends_with("OneToOneField")
                    || f.kind.ends_with("ManyToManyField")
                {
                    assert!(f.to.is_some() != f.setting.is_some(), "{}", f.evidence);
                }
                if let Some(to) = &f.to {
                    let (label, name) = to.split_once('.').unwrap();
                    assert!(
                        d.models
                            .iter()
                            .any(|t| t.app_label == label && t.name == name),
                        "{to}"
                    );
                }
            }
        }
    }

    #[test]
    fn version_bounds_filter_entries() {
        let m = BuiltinModel {
            module: "django.contrib.x.models".into(),
            aliases: vec![],
            name: "X".into(),
            app_label: "x".into(),
            is_abstract: false,
            bases: vec![],
            evidence: String::new(),
            since: Some(Version(5, 0, 0)),
            until: None,
            meta_bases: vec![],
            meta: None,
            fields: vec![BuiltinField {
                name: "old".into(),
                kind: "CharField".into(),
                evidence: String::new(),
                to: None,
                setting: None,
                related_name: None,
                related_query_name: None,
                symmetrical: None,
                primary_key: false,
                null: false,
                unique: false,
                since: None,
                until: Some(Version(5, 0, 99)),
            }],
            attributes: vec![],
        };
        assert!(!m.exists_in(Version(4, 2, 0)));
        assert!(m.exists_in(Version(5, 2, 0)));
        assert_eq!(m.fields_in(Version(5, 0, 3)).count(), 1);
        assert_eq!(m.fields_in(Version(5, 2, 0)).count(), 0);
    }
}
