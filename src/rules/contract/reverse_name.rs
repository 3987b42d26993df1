//! A relation of a role's model whose reverse accessor or reverse query name is not the one the
//! library's code uses (`reverse_accessor` / `reverse_query_name` in the contract). The names are
//! computed as Django computes them (`related_query_name`, else `related_name`, else
//! `Meta.default_related_name`, else the model name, `_set` for the accessor of a multiple
//! relation; `%(class)s` and `%(app_label)s` interpolated). Nothing checks this: Django's
//! `fields.E302`-`E305` fire only on clashes, so `manage.py check` passes and the library's query
//! fails later (`FieldError`, `AttributeError`, or silently, as dj-rest-auth's logout).
//!
//! Primary span: the `related_query_name=` (query name) or `related_name=` value when written,
//! else the field call. An item that also requires a relation kind leaves a declaration of
//! another kind to the relation-kind rule (one diagnostic per mistake).

use crate::codes::Rule;
use crate::diagnostic::Diagnostic;
use crate::django::Arg;
use crate::library::{self, Env, RelationItem};

use super::{Evidence, ItemSite};

/// The diagnostic: the names found against the names the library uses.
fn diagnostic(
    rule: Rule,
    env: &Env,
    found: &Found,
    (c, usage, item, bound): ItemSite,
) -> Diagnostic {
    let (severity, installed) =
        super::consumers(env, &item.consumers, library::severity(&item.severity));
    let d = &found.decl;
    let mut parts = Vec::new();
    if let Some((got, want)) = &found.accessor {
        parts.push(format!("reverse accessor `{got}`, not `{want}`"));
    }
    if let Some((got, want)) = &found.query {
        parts.push(format!("reverse query name `{got}`, not `{want}`"));
    }
    let mut message = format!(
        "`{}.{}` gives its target the {}",
        bound.class.info().name,
        d.name,
        parts.join(" and "),
    );
    let mut breaks = Vec::new();
    if item.library_fails {
        breaks.push(item.operation.clone());
    }
    if !installed.is_empty() {
        breaks.push(super::consumer_clause(&installed));
    }
    if !breaks.is_empty() {
        message.push_str(&format!("; this breaks {}", breaks.join("; ")));
    }
    let span = match (&found.query, &found.accessor) {
        (Some(_), _) if d.keyword_span("related_query_name").is_some() => {
            d.keyword_span("related_query_name")
        }
        _ => d.keyword_span("related_name"),
    }
    .unwrap_or_else(|| d.call_span());
    let default_help = item.related_name.as_ref().map(|n| {
        format!("use related_name=\"{n}\" (or delete the re-declaration and inherit the library's field)")
    });
    let diag = super::diag(
        rule,
        severity,
        c,
        usage,
        bound,
        &d.owner,
        span,
        message,
        &Evidence {
            help: item.help.as_deref().or(default_help.as_deref()),
            ..Evidence::from(item)
        },
    );
    super::consumer_notes(diag, &installed)
}

struct Found {
    decl: library::Decl,
    accessor: Option<(String, String)>,
    query: Option<(String, String)>,
}

pub(crate) fn check(env: &Env, rule: Rule) -> Vec<Diagnostic> {
    let pick = |r: &RelationItem| r.reverse_accessor.is_some() || r.reverse_query_name.is_some();
    super::each_decl(env, rule.code(), pick, |site, decl| {
        let item = site.2;
        if item
            .kind_required
            .as_ref()
            .is_some_and(|k| *k != decl.kind_name)
        {
            return None;
        }
        // A name that cannot be evaluated may be the right one: silent.
        if decl.related_name == Arg::Unknown || decl.related_query_name == Arg::Unknown {
            return None;
        }
        let names = env.reverse_names(&site.3.class, &decl)?;
        let accessor = item.reverse_accessor.as_ref().and_then(|want| {
            let got = names.accessor.as_ref()?.known()?;
            (got != want).then(|| (got.to_string(), want.clone()))
        });
        let query = item.reverse_query_name.as_ref().and_then(|want| {
            let got = names.query.known()?;
            (got != want).then(|| (got.to_string(), want.clone()))
        });
        if accessor.is_none() && query.is_none() {
            return None;
        }
        let found = Found {
            decl,
            accessor,
            query,
        };
        Some(diagnostic(rule, env, &found, site))
    })
}
