//! A relation of a role's model whose `on_delete` is not the one the library needs (`on_delete`
//! in the contract, with what each other rule does in `on_delete_effects`): wagtail deletes an
//! image with its renditions, so `PROTECT` on `Rendition.image` makes every image delete raise
//! `ProtectedError`.
//!
//! Primary span: the `on_delete` value. An `on_delete` that cannot be resolved is silent.

use crate::codes::Rule;
use crate::diagnostic::Diagnostic;
use crate::library::{self, Env};

use super::{Evidence, ItemSite};

fn diagnostic(
    rule: Rule,
    decl: &library::Decl,
    (c, usage, item, bound): ItemSite,
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
            help: Some(item.help.as_deref().unwrap_or(&help)),
            ..Evidence::from(item)
        },
    )
}

pub(crate) fn check(env: &Env, rule: Rule) -> Vec<Diagnostic> {
    super::each_decl(
        env,
        rule.code(),
        |r| r.on_delete.is_some(),
        |site, decl| {
            let item = site.2;
            let want = item.on_delete.as_deref()?;
            let expr = decl.on_delete()?;
            let q = env
                .resolver
                .resolve_expr(&decl.owner.module, expr)
                .qualname()?;
            let known = ["django.db.models.", "django.db.models.deletion."];
            let got = known.iter().find_map(|p| q.strip_prefix(p))?;
            if got == want {
                return None;
            }
            let effect = item.on_delete_effects.get(got);
            Some(diagnostic(rule, &decl, site, (got, want, effect)))
        },
    )
}
