//! A relation of a role's model declared as another kind of field than the library needs
//! (`kind_required` in the contract). dj-rest-auth's logout calls `request.user.auth_token
//! .delete()` and swallows `AttributeError`: with a `ForeignKey` the accessor is a related
//! manager, which has no `.delete()`, so logout answers 200 while the token keeps working.
//!
//! Primary span: the field call.

use crate::codes::Rule;
use crate::diagnostic::Diagnostic;
use crate::library::{self, Env};

use super::{Evidence, ItemSite};

fn diagnostic(
    rule: Rule,
    decl: &library::Decl,
    (c, usage, item, bound): ItemSite,
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
        &Evidence::from(item),
    )
}

pub(crate) fn check(env: &Env, rule: Rule) -> Vec<Diagnostic> {
    super::each_decl(
        env,
        rule.code(),
        |r| r.kind_required.is_some(),
        |site, decl| {
            let want = site.2.kind_required.as_deref()?;
            // A field class the tool cannot map to a relation kind is unknown, not wrong.
            if decl.kind.is_none() || decl.kind_name == want {
                return None;
            }
            Some(diagnostic(rule, &decl, site, want))
        },
    )
}
