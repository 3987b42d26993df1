//! DOT007 meta-drops-parent-constraints: an active RefreshToken (or DeviceGrant, DOT ≥ 3.2)
//! declares `class Meta:` without inheriting the parent's `Meta` and without restating its
//! constraints. Django then drops `AbstractRefreshToken.Meta.unique_together` (token or
//! token_checksum, revoked) and the token_family index (3.4.1 models.py:874-884), or
//! DeviceGrant's `UniqueConstraint(fields=["device_code"])` (:991-1000): duplicates become possible.

use std::sync::Arc;

use crate::contract::{Role, in_range};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::index::{Binding, ImportTarget, MetaInfo};
use crate::models::Analysis;
use crate::resolve::{Ancestor, ClassRef, Symbol};
use crate::source::slice;
use crate::syntax::{Expr, ExprKind};

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for model in ctx.active_models() {
        let role = model.role;
        if !role.meta_constraints || !in_range(ctx.dot_version, role.since, None) {
            continue;
        }
        let Some((owner, meta)) = model.effective_meta() else {
            continue;
        };
        if keeps(ctx, role, &owner, meta, 0) {
            continue;
        }
        let base = dot_base_text(ctx, role, &owner);
        let fix = base.as_ref().and_then(|b| meta_fix(&owner, meta, b));
        let parent = base.clone().unwrap_or_else(|| role.abstract_class.clone());
        out.push(
            super::model_diag(
                ctx,
                "DOT007",
                Severity::Warning,
                model,
                &owner,
                meta.name_span,
                format!(
                    "`{}.Meta` does not inherit `{parent}.Meta`, so {}'s constraints are dropped",
                    owner.info().name,
                    role.abstract_class
                ),
            )
            .help(format!("declare `class Meta({parent}.Meta):`"))
            .note(format!(
                "breaks uniqueness: the parent Meta's unique_together / UniqueConstraint and indexes are lost, so duplicate tokens or codes become possible ({})",
                role.evidence
            ))
            .fix(fix),
        );
    }
    out
}

/// Whether `meta` (declared in `owner`) keeps the DOT parent's constraints: it restates them or
/// inherits a Meta that does.
fn keeps(ctx: &Analysis, role: &Role, owner: &ClassRef, meta: &MetaInfo, depth: usize) -> bool {
    if depth > 16
        || meta.attrs.contains_key("unique_together")
        || meta.attrs.contains_key("constraints")
    {
        return true;
    }
    meta.bases.iter().any(|base| {
        let ExprKind::Attribute { value, attr } = &base.kind else {
            return false;
        };
        if attr != "Meta" {
            return false;
        }
        match ctx.resolver.resolve_expr(&owner.module, value) {
            Symbol::External(q) => q == ctx.contract.abstract_qualname(role),
            Symbol::Class(c) => class_meta_keeps(ctx, role, &c, depth + 1),
            _ => true, // cannot tell: stay silent
        }
    })
}

/// `C.Meta` is the first `Meta` in C's MRO.
fn class_meta_keeps(ctx: &Analysis, role: &Role, class: &ClassRef, depth: usize) -> bool {
    let abstract_name = ctx.contract.abstract_qualname(role);
    for a in ctx.resolver.mro(class) {
        match a {
            Ancestor::Project(p) if p.qualname() == abstract_name => return true,
            Ancestor::Project(p) => {
                if let Some(m) = &p.info().meta {
                    return keeps(ctx, role, &p, m, depth);
                }
            }
            Ancestor::External(q) if q == abstract_name => return true,
            Ancestor::External(_) => {}
        }
    }
    false
}

/// The text of `owner`'s base that leads to the DOT abstract model, as the file spells it.
fn dot_base_text(ctx: &Analysis, role: &Role, owner: &ClassRef) -> Option<String> {
    let abstract_name = ctx.contract.abstract_qualname(role);
    // A base whose `.Meta` really is (or extends) the DOT parent's: a project base whose own
    // first Meta in the MRO drops the constraints (a mixin's Meta) would not fix anything.
    let via_base = owner.info().bases.iter().find_map(|b: &Expr| {
        let keeps = match ctx.resolver.resolve_expr(&owner.module, b) {
            Symbol::External(q) => q == abstract_name,
            Symbol::Class(c) => {
                ctx.resolver.derives_from(&c, &[abstract_name.as_str()])
                    && class_meta_keeps(ctx, role, &c, 0)
            }
            _ => false,
        };
        keeps.then(|| slice(&owner.module.file.text, b.span).to_string())
    });
    // Naming the DOT class directly is right only for a class in the DOT model's own chain: on a
    // mixin shared with other models it would impose RefreshToken's constraints on them.
    via_base.or_else(|| {
        ctx.resolver
            .derives_from(owner, &[abstract_name.as_str()])
            .then(|| spelling_of(owner, &abstract_name))
            .flatten()
    })
}

/// How `owner`'s module can name the external class `qualname` (`AbstractRefreshToken`,
/// `om.AbstractRefreshToken`), if it imports it or its module.
fn spelling_of(owner: &ClassRef, qualname: &str) -> Option<String> {
    let (module, name) = qualname.rsplit_once('.')?;
    owner
        .module
        .index
        .bindings
        .iter()
        .find_map(|(local, binding)| match binding {
            Binding::Import(ImportTarget::Member { module: m, name: n }, _)
                if m == module && n == name =>
            {
                Some(local.clone())
            }
            Binding::Import(ImportTarget::Member { module: m, name: n }, _)
                if format!("{m}.{n}") == module =>
            {
                Some(format!("{local}.{name}"))
            }
            Binding::Import(ImportTarget::Module(m), _) if m == module => {
                Some(format!("{local}.{name}"))
            }
            _ => None,
        })
}

fn meta_fix(owner: &ClassRef, meta: &MetaInfo, base: &str) -> Option<Fix> {
    let text: &Arc<crate::diagnostic::SourceFile> = &owner.module.file;
    let edit = match meta.arguments_span {
        None => Edit::insert(meta.name_span.end, format!("({base}.Meta)")),
        Some(args) if meta.bases.is_empty() => Edit::replace(args, format!("({base}.Meta)")),
        Some(args) => {
            if !slice(&text.text, args).starts_with('(') {
                return None;
            }
            Edit::insert(args.start + 1, format!("{base}.Meta, "))
        }
    };
    Some(Fix {
        applicability: Applicability::Unsafe,
        message: format!("Inherit `{base}.Meta` (then run makemigrations)"),
        edits: vec![edit],
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary, with_models};

    fn rt(meta: &str) -> String {
        with_models(&format!(
            "class MyAccessToken(AbstractAccessToken):\n    pass\nclass MyIDToken(AbstractIDToken):\n    pass\n\
class MyRefreshToken(AbstractRefreshToken):\n    {meta}\n        verbose_name = 'refresh token'\n"
        ))
    }

    #[test]
    fn plain_meta_fires_with_inheriting_fix() {
        let d = check(&rt("class Meta:"));
        assert_eq!(summary(&d), [("DOT007", 9, "Meta".to_string())]);
        assert_eq!(
            d[0].fix.as_ref().unwrap().edits[0].content,
            "(AbstractRefreshToken.Meta)"
        );
    }

    #[test]
    fn inheriting_or_restating_meta_is_silent() {
        assert!(check(&rt("class Meta(AbstractRefreshToken.Meta):")).is_empty());
        let restated = rt("class Meta:\n        unique_together = ('token_checksum', 'revoked')");
        assert!(check(&restated).is_empty());
    }

    #[test]
    fn meta_inherited_through_a_project_base() {
        let spec = format!(
            "{}# -- app/base.py\nfrom oauth2_provider.models import AbstractRefreshToken\nclass Base(AbstractRefreshToken):\n    class Meta(AbstractRefreshToken.Meta):\n        abstract = True\n",
            rt("class Meta(Base.Meta):").replace(
                "class MyRefreshToken(AbstractRefreshToken)",
                "from .base import Base\nclass MyRefreshToken(Base)"
            )
        );
        assert!(check(&spec).is_empty());
    }
}
