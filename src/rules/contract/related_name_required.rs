//! A relation of a role's model written without a `related_name` (absent, `None` or empty)
//! where the library builds its queries from
//! `remote_field.related_name` itself (`related_name_required` in the contract: taggit's
//! `tag_relname()`), so the query asks for the keyword `None` (`FieldError: Cannot resolve keyword
//! 'None' into field`). No fixed name is required: any name works.
//!
//! `related_name="+"` is not flagged: the libraries' oracle measured it harmless for taggit
//! 6.1.0 on Django 5.2.19 (`tag_relname()` returns `"+"`, and Django resolves `"+"` as the
//! hidden relation's query name; fixture `ok_tag_related_name_plus`).
//!
//! Primary span: the `related_name=` value when written (`None`, `""`), else the field call.

use crate::codes::Rule;
use crate::diagnostic::Diagnostic;
use crate::django::Arg;
use crate::library::{self, Env};

use super::{Evidence, ItemSite};

fn diagnostic(
    rule: Rule,
    decl: &library::Decl,
    (c, usage, item, bound): ItemSite,
    what: &str,
) -> Diagnostic {
    let span = decl
        .keyword_span("related_name")
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
            "`{}.{}` {what}: {} builds its queries from the related_name",
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
        |r| r.related_name_required,
        |site, decl| {
            let what = match &decl.related_name {
                Arg::Absent => "has no related_name",
                Arg::Str(s) if s.is_empty() => "has an empty related_name",
                _ => return None,
            };
            Some(diagnostic(rule, &decl, site, what))
        },
    )
}
