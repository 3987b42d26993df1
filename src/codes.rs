//! Every rule's identity, typed: one `Rule` variant per code, named as the code, with its
//! kebab name. A mistyped code is a compile error (`Rule::DOT01`); codes from users (`--select`,
//! `# noqa`, the contract's `rule = "DOT001"`) are parsed with [`Rule::from_code`]. The rest of a
//! rule's registration (severity, summary, doc, check) is its `RULES` entry in `rules/mod.rs`,
//! which a compile-time assertion keeps in this order.
//!
//! This file imports nothing, so that `diagnostic` can build every diagnostic from a `Rule`.

/// Declares the rules: `CODE = "kebab-name",` each.
macro_rules! rules {
    ($($code:ident = $name:literal,)*) => {
        /// One variant per rule code.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($code,)*
        }

        impl Rule {
            /// Every rule, in declaration order (the order of `RULES`).
            pub const ALL: &'static [Rule] = &[$(Rule::$code,)*];

            /// The rule's code, e.g. `DOT001`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Rule::$code => stringify!($code),)*
                }
            }

            /// The rule's kebab name, which reads as "allow <name>".
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$code => $name,)*
                }
            }
        }
    };
}

rules! {
    DOT001 = "refresh-token-reverse-name",
    DOT002 = "id-token-reverse-name",
    DOT003 = "contract-on-delete",
    DOT004 = "contract-not-nullable",
    DOT005 = "contract-field-removed",
    DOT006 = "contract-field-kind",
    DOT007 = "meta-drops-parent-constraints",
    DOT008 = "token-models-swapped-apart",
    DOT009 = "contract-target-mismatch",
    DOT010 = "reverse-name-shadowed",
    DOT011 = "custom-primary-key-name",
    DOT012 = "device-code-unique",
    DOT013 = "model-setting-in-dict",
    DOT014 = "unknown-swapped-model",
    DOT015 = "inactive-model-clashes",
    DOT016 = "missing-swappable-setting",
    DOT017 = "stock-id-token-dependency",
    DOT018 = "swapped-app-migrates-after-dot",
    DJF001 = "field-name-trailing-underscore",
    DJF002 = "field-name-double-underscore",
    DJF003 = "field-name-pk",
    DJF302 = "reverse-accessor-field-clash",
    DJF303 = "reverse-query-name-field-clash",
    DJF304 = "reverse-accessor-clash",
    DJF305 = "reverse-query-name-clash",
    DJF320 = "set-null-not-nullable",
    DJF321 = "set-default-without-default",
    DJF300 = "relation-model-not-installed",
    DJF301 = "relation-to-swapped-model",
    DJF306 = "invalid-related-name",
    DJF307 = "lazy-reference-missing",
    DJF308 = "reverse-query-name-trailing-underscore",
    DJF309 = "reverse-query-name-double-underscore",
    DJF310 = "foreign-object-target-not-unique",
    DJF311 = "to-field-not-unique",
    DJF312 = "to-field-missing",
    DJM005 = "parent-field-clash",
    DJM006 = "field-name-clash",
    DJM025 = "property-accessor-clash",
    DJM026 = "multiple-primary-keys",
    DJF330 = "many-to-many-unique",
    DJF331 = "many-to-many-through-not-installed",
    DJF333 = "many-to-many-through-self-ambiguous",
    DJF334 = "many-to-many-through-ambiguous-source",
    DJF335 = "many-to-many-through-ambiguous-target",
    DJF336 = "many-to-many-through-missing-foreign-key",
    DJF337 = "many-to-many-through-fields-not-pair",
    DJF338 = "many-to-many-through-fields-unknown-field",
    DJF339 = "many-to-many-through-fields-not-foreign-key",
    DJF340 = "many-to-many-table-clash",
    DJF340W = "many-to-many-null",
    DJF341 = "many-to-many-validators",
    DJF342 = "foreign-key-unique",
    DJF344 = "many-to-many-table-clash-routed",
    DJF345 = "many-to-many-symmetrical-related-name",
    DJF346 = "many-to-many-db-comment",
    AUTH001 = "user-groups-query-name",
    AUTH002 = "user-permissions-query-name",
    AUTH003 = "user-groups-accessor",
    AUTH004 = "user-is-active-field",
    AUTH005 = "user-is-superuser-field",
    AUTH006 = "user-email-field",
    DRA001 = "token-model-user-relation",
    DRA002 = "token-model-field",
    WAG001 = "form-fields-related-name",
    WAG002 = "renditions-related-name",
    WAG003 = "rendition-image-on-delete",
    TAG001 = "through-tag-related-name",
    TAG002 = "through-tag-query-name",
    OSC001 = "forked-relation-reverse-name",
    DML001 = "unresolved-settings",
    DML100 = "unused-noqa",
    E902 = "io-error",
    E999 = "syntax-error",
}

/// Rules reported only when selected explicitly (`--select DML100`), like ruff's RUF100.
pub const DEFAULT_OFF: &[Rule] = &[Rule::DML100];

impl Rule {
    /// The rule whose code is exactly `code` (`DOT001`, not `dot001` nor a prefix).
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.code() == code)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
        for code in &codes {
            let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
            assert!((1..=4).contains(&letters), "{code}");
            // A Django warning sharing its number with an error: `DJF340W` (rules/django/mod.rs).
            let digits = code
                .strip_suffix('W')
                .filter(|_| code.starts_with("DJ"))
                .unwrap_or(code);
            assert!(
                digits[letters..].bytes().all(|b| b.is_ascii_digit()),
                "{code}"
            );
            assert_eq!(digits.len() - letters, 3, "{code}");
        }
        for name in &names {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name}"
            );
        }
        let n = codes.len();
        codes.sort();
        codes.dedup();
        names.sort();
        names.dedup();
        assert_eq!((codes.len(), names.len()), (n, n));
    }

    #[test]
    fn codes_parse_back_exactly() {
        for &rule in Rule::ALL {
            assert_eq!(Rule::from_code(rule.code()), Some(rule));
        }
        assert_eq!(Rule::from_code("dot001"), None);
        assert_eq!(Rule::from_code("DOT"), None);
        assert_eq!(Rule::from_code("DOT0010"), None);
    }
}
