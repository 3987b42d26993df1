//! DOT007 meta-drops-parent-constraints: an active RefreshToken (or DeviceGrant, DOT ≥ 3.2)
//! whose `Meta` loses DOT's uniqueness: a `class Meta:` that does not inherit the parent's `Meta`
//! and does not restate its constraints, or a Meta that inherits it but overrides
//! `unique_together` / `constraints` without DOT's (`unique_together = ()`). Django then drops
//! `AbstractRefreshToken.Meta.unique_together` (token or token_checksum, revoked) and, for a Meta
//! that does not inherit, the token_family index (3.4.1 models.py:874-884), or DeviceGrant's
//! `UniqueConstraint(fields=["device_code"])` (:991-1000): duplicates become possible. A restated
//! (or stricter) uniqueness stays silent, and so does a value the tool cannot read. `indexes`
//! carry no uniqueness (a `models.Index` cannot be unique), so overriding them alone is not flagged.

use std::sync::Arc;

use crate::contract::{Role, in_range};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::index::{Binding, ImportTarget, MetaInfo};
use crate::models::Analysis;
use crate::models::DotModel;
use crate::resolve::{Ancestor, ClassRef, Symbol};
use crate::rules::Rule;
use crate::source::slice;
use crate::syntax::Span;
use crate::syntax::{Expr, ExprKind};

/// A DOT007 diagnostic about `model`, declared in `owner`, with the evidence (see
/// `rules::model_diag`).
fn diagnostic(
    ctx: &Analysis,
    severity: Severity,
    model: &DotModel,
    owner: &ClassRef,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    super::model_diag(ctx, Rule::DOT007, severity, model, owner, span, message)
}

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    let lib_name = &ctx.contract.library;
    let lib_package = &ctx.contract.package;
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
        if let Some(attr) = overriding_attr(ctx, role, &owner, meta) {
            let dot = dot_unique(ctx, role)
                .iter()
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                diagnostic(ctx, Severity::Warning,
                    model,
                    &owner,
                    meta.name_span,
                    format!(
                        "`{}.Meta` overrides `{attr}` without {}'s uniqueness of ({dot})",
                        owner.info().name,
                        role.abstract_class
                    ),
                )
                .help(format!(
                    "keep ({dot}) unique: add it to `{attr}`, or delete the override to inherit DOT's"
                ))
                .note(format!(
                    "Without it the database accepts duplicate tokens or codes. Evidence in {lib_name}'s {lib_package} package: {}.",
                    role.evidence
                ))
                .fix(Some(Fix {
                    applicability: Applicability::Display,
                    message: format!("Restore ({dot}) in `{attr}`"),
                    edits: Vec::new(),
                })),
            );
            continue;
        }
        let base = dot_base_text(ctx, role, &owner);
        let fix = base.as_ref().and_then(|b| meta_fix(&owner, meta, b));
        let parent = base.clone().unwrap_or_else(|| role.abstract_class.clone());
        out.push(
            diagnostic(ctx, Severity::Warning,
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
                "This breaks uniqueness: the parent Meta's unique_together / UniqueConstraint and indexes are lost, so duplicate tokens or codes become possible. Evidence in {lib_name}'s {lib_package} package: {}.",
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
    if depth > 16 {
        return true;
    }
    match restated(ctx, role, owner, meta) {
        Restated::Yes | Restated::Unknown => return true,
        Restated::Dropped => return false,
        Restated::NotSet => {}
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

/// The fields DOT's abstract Meta makes unique together for `role` in the project's DOT version.
fn dot_unique(ctx: &Analysis, role: &Role) -> &'static [&'static str] {
    match role.role.as_str() {
        // AbstractDeviceGrant.Meta: UniqueConstraint(fields=["device_code"]) (3.4.1 models.py:991-1000).
        "device_grant" => &["device_code"],
        // AbstractRefreshToken.Meta.unique_together: ("token_checksum", "revoked") in 3.4.x
        // (3.4.1 models.py:874-879), ("token", "revoked") before (2.4.0 models.py:521-526).
        _ if ctx.dot_version >= crate::contract::Version(3, 4, 0) => &["token_checksum", "revoked"],
        _ => &["token", "revoked"],
    }
}

/// What one `Meta` says about DOT's uniqueness.
#[derive(Debug, PartialEq)]
enum Restated {
    /// It declares DOT's unique set, or a stricter one (a subset of its fields).
    Yes,
    /// It overrides the attribute that holds DOT's uniqueness without it.
    Dropped,
    /// It sets neither attribute: what it inherits decides.
    NotSet,
    /// A value the tool cannot read.
    Unknown,
}

/// The attribute DOT keeps its uniqueness in for `role`.
fn home_attr(role: &Role) -> &'static str {
    if role.role == "device_grant" {
        "constraints"
    } else {
        "unique_together"
    }
}

fn restated(ctx: &Analysis, role: &Role, owner: &ClassRef, meta: &MetaInfo) -> Restated {
    let wanted = dot_unique(ctx, role);
    let mut sets = Vec::new();
    let mut unknown = false;
    for attr in ["unique_together", "constraints"] {
        let Some(expr) = meta.attrs.get(attr) else {
            continue;
        };
        match unique_sets(ctx, owner, expr, attr == "constraints") {
            Some(found) => sets.extend(found),
            None => unknown = true,
        }
    }
    let stricter_or_same =
        |set: &Vec<String>| !set.is_empty() && set.iter().all(|f| wanted.contains(&f.as_str()));
    if sets.iter().any(stricter_or_same) {
        Restated::Yes
    } else if unknown {
        Restated::Unknown
    } else if meta.attrs.contains_key(home_attr(role)) {
        Restated::Dropped
    } else {
        Restated::NotSet
    }
}

/// The field sets a `unique_together` value (flat or nested) or a `constraints` list
/// (`UniqueConstraint(fields=[...])` without a condition) makes unique; `None` when the value
/// cannot be read. Other constraints (checks, conditional or expression constraints) add nothing.
fn unique_sets(
    ctx: &Analysis,
    owner: &ClassRef,
    expr: &Expr,
    constraints: bool,
) -> Option<Vec<Vec<String>>> {
    let (module, value) = ctx.resolver.value_of(&owner.module, expr);
    let items = match &value.kind {
        ExprKind::List(items) | ExprKind::Tuple(items) => items,
        _ => return None,
    };
    let strings = |items: &[Expr]| -> Option<Vec<String>> {
        items
            .iter()
            .map(|e| ctx.resolver.string_value(&module, e))
            .collect()
    };
    if !constraints {
        // `("a", "b")` is one set; `(("a", "b"), ("c",))` several.
        if items.iter().all(|e| matches!(e.kind, ExprKind::Str(_))) {
            return Some(if items.is_empty() {
                Vec::new()
            } else {
                vec![strings(items)?]
            });
        }
        return items
            .iter()
            .map(|e| match &e.kind {
                ExprKind::List(inner) | ExprKind::Tuple(inner) => strings(inner),
                _ => None,
            })
            .collect();
    }
    let mut out = Vec::new();
    for item in items {
        let ExprKind::Call { func, .. } = &item.kind else {
            return None;
        };
        let name = func.dotted()?;
        if !name.ends_with("UniqueConstraint") {
            continue;
        }
        if item.keyword("condition").is_some() || item.keyword("expressions").is_some() {
            continue;
        }
        let fields = item.keyword("fields")?;
        match &fields.value.kind {
            ExprKind::List(inner) | ExprKind::Tuple(inner) => out.push(strings(inner)?),
            _ => return None,
        }
    }
    Some(out)
}

/// The attribute with which a Meta that inherits DOT's drops its uniqueness, if that is why.
fn overriding_attr(
    ctx: &Analysis,
    role: &Role,
    owner: &ClassRef,
    meta: &MetaInfo,
) -> Option<&'static str> {
    if meta.bases.is_empty() || restated(ctx, role, owner, meta) != Restated::Dropped {
        return None;
    }
    Some(home_attr(role))
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
    fn an_inheriting_meta_that_overrides_the_uniqueness_fires() {
        let d = check(&rt(
            "class Meta(AbstractRefreshToken.Meta):\n        unique_together = ()",
        ));
        assert_eq!(summary(&d), [("DOT007", 9, "Meta".to_string())]);
        assert!(
            d[0].message
                .contains("overrides `unique_together` without AbstractRefreshToken's uniqueness of (\"token_checksum\", \"revoked\")"),
            "{}",
            d[0].message
        );
        // No edit: the Meta already inherits DOT's.
        assert!(d[0].fix.as_ref().unwrap().edits.is_empty());
        // Before 3.4.0 DOT's unique set is (token, revoked).
        let old = rt("class Meta(AbstractRefreshToken.Meta):\n        unique_together = [('user', 'application')]")
            .replace("==3.4.1", "==3.3.0");
        let d = check(&old);
        assert!(
            d[0].message.contains("(\"token\", \"revoked\")"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn restating_a_superset_or_an_unreadable_value_is_silent() {
        for meta in [
            "class Meta(AbstractRefreshToken.Meta):\n        unique_together = (('token_checksum', 'revoked'), ('user', 'application'))",
            "class Meta(AbstractRefreshToken.Meta):\n        unique_together = ()\n        constraints = [models.UniqueConstraint(fields=['token_checksum', 'revoked'], name='rt_unique')]",
            "class Meta(AbstractRefreshToken.Meta):\n        unique_together = UNIQUE_FROM_ELSEWHERE",
            // Overriding only the indexes keeps the uniqueness.
            "class Meta(AbstractRefreshToken.Meta):\n        indexes = []",
        ] {
            assert_eq!(summary(&check(&rt(meta))), [], "{meta}");
        }
        // A conditional UniqueConstraint is not DOT's uniqueness.
        let conditional = rt(
            "class Meta(AbstractRefreshToken.Meta):\n        unique_together = []\n        constraints = [models.UniqueConstraint(fields=['token_checksum', 'revoked'], condition=models.Q(revoked=None), name='rt_live')]",
        );
        assert_eq!(check(&conditional).len(), 1);
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
