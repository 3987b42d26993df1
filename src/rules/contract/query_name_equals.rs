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
use crate::library::{self, Env, RelationItem};

use super::Evidence;

fn diagnostic(
    rule: Rule,
    decl: &library::Decl,
    (c, usage, item, bound): (
        &library::LibraryContract,
        &library::Usage,
        &RelationItem,
        &library::Bound,
    ),
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
        &Evidence {
            operation: &item.operation,
            failure: item.failure.as_deref(),
            evidence: &item.evidence,
            since: item.since,
            until: item.until,
            help: item.help.as_deref(),
        },
    )
}

pub(crate) fn check(env: &Env, rule: Rule) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (c, usage, item, bound) in
        super::relation_items(env, rule.code(), |r| r.query_name_equals_related_name)
    {
        for b in &bound {
            for decl in super::item_decls(env, c, item, b) {
                // Only a written, known related_query_name next to a known related_name.
                let (Arg::Str(_), Arg::Str(_)) = (&decl.related_query_name, &decl.related_name)
                else {
                    continue;
                };
                let Some(names) = env.reverse_names(&b.class, &decl) else {
                    continue;
                };
                let (Some(query), Some(Some(name))) = (
                    names.query.known(),
                    names.related_name.as_ref().map(|n| n.known()),
                ) else {
                    continue;
                };
                if query == name {
                    continue;
                }
                out.push(diagnostic(rule, &decl, (c, &usage, item, b), (query, name)));
            }
        }
    }
    out
}
