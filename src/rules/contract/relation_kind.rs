//! A relation of a role's model declared as another kind of field than the library needs
//! (`kind_required` in the contract). dj-rest-auth's logout calls `request.user.auth_token
//! .delete()` and swallows `AttributeError`: with a `ForeignKey` the accessor is a related
//! manager, which has no `.delete()`, so logout answers 200 while the token keeps working.
//!
//! Primary span: the field call.

use crate::codes::Rule;
use crate::diagnostic::Diagnostic;
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
    want: &str,
) -> Diagnostic {
    super::diag(
        rule,
        library::severity(&item.severity),
        c,
        usage,
        bound,
        &decl.owner,
        decl.call_span(),
        format!(
            "`{}.{}` is a {}, not the {want} {} needs",
            bound.class.info().name,
            decl.name,
            decl.kind_name,
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
        super::relation_items(env, rule.code(), |r| r.kind_required.is_some())
    {
        let Some(want) = &item.kind_required else {
            continue;
        };
        for b in &bound {
            for decl in super::item_decls(env, c, item, b) {
                // A field class the tool cannot map to a relation kind is unknown, not wrong.
                if decl.kind.is_none() || decl.kind_name == *want {
                    continue;
                }
                out.push(diagnostic(rule, &decl, (c, &usage, item, b), want));
            }
        }
    }
    out
}
