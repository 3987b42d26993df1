//! A relation of a role's model whose `on_delete` is not the one the library needs (`on_delete`
//! in the contract, with what each other rule does in `on_delete_effects`): wagtail deletes an
//! image with its renditions, so `PROTECT` on `Rendition.image` makes every image delete raise
//! `ProtectedError`.
//!
//! Primary span: the `on_delete` value. An `on_delete` that cannot be resolved is silent.

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
    (got, want, effect): (&str, &str, Option<&String>),
) -> Diagnostic {
    let span = decl
        .on_delete()
        .map_or_else(|| decl.call_span(), |e| e.span);
    let effect = effect.map(|e| format!(": {e}")).unwrap_or_default();
    let help = format!("use on_delete=models.{want}");
    super::diag(
        rule,
        library::severity(&item.severity),
        c,
        usage,
        bound,
        &decl.owner,
        span,
        format!(
            "`{}.{}` has on_delete={got}, not the {want} {} expects{effect}",
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
            help: Some(item.help.as_deref().unwrap_or(&help)),
        },
    )
}

pub(crate) fn check(env: &Env, rule: Rule) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (c, usage, item, bound) in
        super::relation_items(env, rule.code(), |r| r.on_delete.is_some())
    {
        let Some(want) = &item.on_delete else {
            continue;
        };
        for b in &bound {
            for decl in super::item_decls(env, c, item, b) {
                let Some(expr) = decl.on_delete() else {
                    continue;
                };
                let Some(q) = env
                    .resolver
                    .resolve_expr(&decl.owner.module, expr)
                    .qualname()
                else {
                    continue;
                };
                let known = ["django.db.models.", "django.db.models.deletion."];
                let Some(got) = known.iter().find_map(|p| q.strip_prefix(p)) else {
                    continue;
                };
                if got == want {
                    continue;
                }
                let effect = item.on_delete_effects.get(got);
                out.push(diagnostic(
                    rule,
                    &decl,
                    (c, &usage, item, b),
                    (got, want, effect),
                ));
            }
        }
    }
    out
}
