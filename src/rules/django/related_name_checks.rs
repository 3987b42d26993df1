//! `RelatedField._check_related_name_is_valid` and `_check_related_query_name_is_valid`
//! (django/db/models/fields/related.py:155-224, Django 5.2.19; the same in 4.2.30), on the
//! names Django computes in `contribute_to_class` (`crate::django::names`):
//!
//! - fields.E306: the effective `related_name` (`related_name`, else `Meta.default_related_name`,
//!   after `%(class)s` / `%(app_label)s` / `%(model_name)s` formatting) is neither a Python
//!   identifier that is not a keyword nor a name ending with `+`. An empty `related_name=""`
//!   with no default is kept as `""` and refused too.
//! - fields.E308 / fields.E309: the reverse query name of a relation that is not hidden ends
//!   with `_` / contains `__`.
//!
//! A name the tool cannot evaluate, or one with characters outside ASCII (Python's identifier
//! rules there are Unicode's), is not judged.

use crate::diagnostic::Diagnostic;
use crate::django::{Arg, Field, FieldOrigin, Model, Name, NameSource, RelKind};
use crate::models::Analysis;
use crate::rules::Rule;

/// Python's hard keywords (`keyword.kwlist`, Python 3.8-3.13: the same list).
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Whether Django accepts `name` as a related_name; `None` when the tool cannot tell (non-ASCII).
pub(crate) fn valid_related_name(name: &str) -> Option<bool> {
    if name.ends_with('+') {
        return Some(true);
    }
    if !name.is_ascii() {
        return None;
    }
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    Some(identifier && !KEYWORDS.contains(&name))
}

/// The findings of `id` on one field: `(message, hint)`.
pub(crate) fn findings(model: &Model, field: &Field, id: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if matches!(
        field.origin,
        FieldOrigin::ParentLink | FieldOrigin::AutoPrimaryKey
    ) {
        return out;
    }
    let Some(rel) = &field.relation else {
        return out;
    };
    // A GenericRelation is a private field: `Model._check_fields` checks only local fields and
    // many-to-many fields (measured: no E306 for `GenericRelation(..., related_query_name="a-b")`).
    if rel.kind == RelKind::GenericRelation {
        return out;
    }
    let Some(names) = &rel.names else {
        return out;
    };
    match id {
        "fields.E306" => {
            let effective = match (&names.related_name, &rel.related_name, names.source) {
                (Some(Name::Known(n)), _, _) => n.clone(),
                // `related_name=""` stays `""` when there is no default_related_name.
                (None, Arg::Str(s), NameSource::ModelName) if s.is_empty() => String::new(),
                _ => return out,
            };
            if valid_related_name(&effective) == Some(false) {
                out.push((
                    format!(
                        "The name '{effective}' is invalid related_name for field {}.{}",
                        model.name, field.name
                    ),
                    "Related name must be a valid Python identifier or end with a '+': it becomes an attribute of the target model (and a query name).".to_string(),
                ));
            }
        }
        "fields.E308" | "fields.E309" => {
            if names.hidden != Some(false) {
                return out;
            }
            let Some(query) = names.query.known() else {
                return out;
            };
            let hint = "Add or change a related_name or related_query_name argument for this field: `__` separates lookups in queries, so Django cannot parse this name.";
            if id == "fields.E308" && query.ends_with('_') {
                out.push((
                    format!("Reverse query name '{query}' must not end with an underscore."),
                    hint.to_string(),
                ));
            }
            if id == "fields.E309" && query.contains("__") {
                out.push((
                    format!("Reverse query name '{query}' must not contain '__'."),
                    hint.to_string(),
                ));
            }
        }
        _ => {}
    }
    out
}

pub(crate) fn check(ctx: &Analysis, code: Rule, id: &'static str) -> Vec<Diagnostic> {
    super::each_checked_field(ctx, id, |dj, graph, mi, model, field| {
        findings(model, field, id)
            .into_iter()
            .filter_map(|(message, hint)| {
                super::field_diag(dj, graph, code, id, mi, field, message, hint)
            })
            .collect::<Vec<_>>()
    })
}

#[cfg(test)]
mod tests {
    use super::valid_related_name;
    use crate::rules::testing::{check, summary};

    #[test]
    fn related_names_as_python_and_django_judge_them() {
        assert_eq!(valid_related_name("posts"), Some(true));
        assert_eq!(valid_related_name("_x1"), Some(true));
        assert_eq!(valid_related_name("+"), Some(true));
        assert_eq!(valid_related_name("1bad+"), Some(true));
        assert_eq!(valid_related_name("1bad"), Some(false));
        assert_eq!(valid_related_name("class"), Some(false));
        assert_eq!(valid_related_name("match"), Some(true));
        assert_eq!(valid_related_name("a-b"), Some(false));
        assert_eq!(valid_related_name(""), Some(false));
        assert_eq!(valid_related_name("café"), None);
    }

    #[test]
    fn formatted_and_default_names_are_judged_after_formatting() {
        let spec = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')
# -- proj/__init__.py\n# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog']
# -- blog/__init__.py\n# -- blog/models.py\nfrom django.db import models
class Post(models.Model):
    a = models.ForeignKey('auth.User', models.CASCADE, related_name='%(class)s-a')
    b = models.ForeignKey('auth.User', models.CASCADE, related_name='%(class)s_b+')
    c = models.ForeignKey('auth.User', models.CASCADE, related_name='posts_c', related_query_name='c__')
    d = models.ForeignKey('auth.User', models.CASCADE, related_name='d_', related_query_name=NAME)
class Tag(models.Model):
    user = models.ForeignKey('auth.User', models.CASCADE)
    class Meta:
        default_related_name = 'tag-items'\n";
        let d = check(spec);
        // `d`'s query name cannot be evaluated (`NAME`): not judged.
        let got: Vec<_> = summary(&d)
            .into_iter()
            .filter(|(c, _, _)| ["DJF306", "DJF308", "DJF309"].contains(c))
            .collect();
        assert_eq!(
            got,
            [
                ("DJF306", 3, "a".to_string()),
                ("DJF308", 5, "c".to_string()),
                ("DJF309", 5, "c".to_string()),
                ("DJF306", 8, "user".to_string()),
            ],
            "{d:#?}"
        );
        assert!(d.iter().any(|d| {
            d.message
                .ends_with("The name 'post-a' is invalid related_name for field Post.a")
        }));
    }
}
