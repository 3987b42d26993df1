//! A relation of a role's model whose `related_query_name` is written and differs from its
//! `related_name`, where the library queries by the related_name (`query_name_equals_related_name`
//! in the contract: taggit's `tags_for` / `most_common` use `tag_relname()`, the related_name, as
//! a lookup; Django looks lookups up by the query name: `FieldError: Cannot resolve keyword
//! 'items' into field`). Both are compared after `%(class)s` / `%(app_label)s` interpolation.
//!
//! Primary span: the `related_query_name=` value.

use crate::codes::Rule;
use crate::diagnostic::Diagnostic;
use crate::django::Arg;
use crate::library::{self, Env};

use super::{Evidence, ItemSite};

fn diagnostic(
    rule: Rule,
    decl: &library::Decl,
    (c, usage, item, bound): ItemSite,
    (query, name): (&str, &str),
) -> Diagnostic {
    let span = decl
        .keyword_span("related_query_name")
        .unwrap_or_else(|| decl.call_span());
    super::diag(
        rule,
        library::severity(&item.severity),
        c,
        usage,
        bound,
        &decl.owner,
        span,
        format!(
            "`{}.{}` has related_query_name `{query}` but related_name `{name}`: {} queries by the related_name",
            bound.class.info().name,
            decl.name,
            c.library
        ),
        &Evidence::from(item),
    )
}

pub(crate) fn check(env: &Env, rule: Rule) -> Vec<Diagnostic> {
    super::each_decl(
        env,
        rule.code(),
        |r| r.query_name_equals_related_name,
        |site, decl| {
            // Only a written, known related_query_name next to a known related_name.
            let (Arg::Str(_), Arg::Str(_)) = (&decl.related_query_name, &decl.related_name) else {
                return None;
            };
            let names = env.reverse_names(&site.3.class, &decl)?;
            let (Some(query), Some(Some(name))) = (
                names.query.known(),
                names.related_name.as_ref().map(|n| n.known()),
            ) else {
                return None;
            };
            (query != name).then(|| diagnostic(rule, &decl, site, (query, name)))
        },
    )
}
