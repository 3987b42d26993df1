//! `ForeignObject._check_to_fields_exist` and `_check_unique_target`
//! (django/db/models/fields/related.py:570-680, Django 5.2.19; the same in 4.2.30): the target
//! fields of a foreign key (`to_field`) or a `ForeignObject` (`to_fields`) must exist on the
//! related model (fields.E312), and be unique: one of them `unique` (or the primary key), or a
//! subset of them in the target's `unique_together` or an unconditional `UniqueConstraint`.
//! Otherwise Django reports fields.E311 (one target field) or fields.E310 (several).
//!
//! Judged only with the target model resolved and fully known, target fields written as string
//! literals, and each target field's uniqueness certain: a project field of one of Django's
//! own field classes with a literal (or absent) `unique` / `primary_key`, a library field from
//! the embedded descriptions. A target with `Meta.constraints` the tool cannot read, or whose
//! `unique_together` it cannot evaluate, is not judged for uniqueness.

use crate::diagnostic::Diagnostic;
use crate::django::{Field, FieldOrigin, Graph, Lit, MetaOrigin, Model, ModelId, RelKind, Target};
use crate::models::Analysis;
use crate::resolve::Resolver;
use crate::rules::Rule;
use crate::syntax::{Expr, ExprKind};

use super::checked;

/// A field's uniqueness as `Field.unique` says it (`unique or primary_key`); `None`: unknown.
fn unique(resolver: &Resolver, field: &Field) -> Option<bool> {
    match &field.origin {
        FieldOrigin::AutoPrimaryKey | FieldOrigin::ParentLink => Some(true),
        FieldOrigin::Builtin { field: f, .. } => Some(f.unique || f.primary_key || f.name == "id"),
        FieldOrigin::Project {
            class,
            call,
            callee,
            ..
        } => {
            if field.kind == "OneToOneField" {
                return Some(true);
            }
            let ExprKind::Call { keywords, args, .. } = &call.kind else {
                return None;
            };
            // Past `verbose_name` and `name`, a positional argument may be `primary_key`.
            if keywords.iter().any(|k| k.arg.is_none())
                || args.len() > 2
                || args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
            {
                return None;
            }
            // A subclass may set `unique` itself.
            let q = callee.as_deref()?;
            if !q.starts_with("django.db.models.") {
                return None;
            }
            let mut any = false;
            for name in ["unique", "primary_key"] {
                match call
                    .keyword(name)
                    .map(|k| Lit::eval(resolver, &class.module, &k.value))
                {
                    None | Some(Lit::Bool(false)) => {}
                    Some(Lit::Bool(true)) => any = true,
                    _ => return None,
                }
            }
            Some(any)
        }
    }
}

/// `fields` names (in order) on `target`, per Django, when the tool can tell: `Ok(fields)`, or
/// `Err(missing)` naming the first that certainly does not exist.
enum Lookup<'g> {
    Found(Vec<&'g Field>),
    Missing(Vec<String>),
    Unknown,
}

fn lookup<'g>(
    resolver: &Resolver,
    graph: &'g Graph,
    target: ModelId,
    names: &[String],
) -> Lookup<'g> {
    let fields = graph.fields_with_parents(target);
    let reverse = graph.reverse_relations(target);
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        if let Some((_, f)) = fields.iter().find(|(_, f)| &f.name == name) {
            found.push(*f);
            continue;
        }
        // An attname (`author_id`), a reverse relation's name, `pk`: `get_field` may find it,
        // and the field it finds is not judged here.
        let attname = fields.iter().any(|(_, f)| {
            matches!(
                f.relation.as_ref().map(|r| r.kind),
                Some(RelKind::ForeignKey | RelKind::OneToOne)
            ) && format!("{}_id", f.name) == *name
        });
        let reverse_name = reverse
            .iter()
            .any(|e| e.names.query.known().is_none_or(|q| q == name));
        if attname || reverse_name || name == "pk" || declared(resolver, graph, target, name) {
            return Lookup::Unknown;
        }
        missing.push(name.clone());
    }
    if missing.is_empty() {
        Lookup::Found(found)
    } else {
        Lookup::Missing(missing)
    }
}

/// The field sets of `target`'s total unique constraints (`Options.total_unique_constraints`:
/// `UniqueConstraint`s without a condition or expressions); `None` when they cannot be read.
fn unique_constraints(resolver: &Resolver, target: &Model) -> Option<Vec<Vec<String>>> {
    let Some(attr) = target.meta.get("constraints") else {
        return Some(Vec::new());
    };
    if let Lit::List(items) = &attr.value
        && items.is_empty()
    {
        return Some(Vec::new());
    }
    let MetaOrigin::Project { class, .. } = &attr.origin else {
        return None;
    };
    let expr = class.info().meta.as_ref()?.attrs.get("constraints")?;
    let module = &class.module;
    let (ExprKind::List(items) | ExprKind::Tuple(items)) = &expr.kind else {
        return None;
    };
    let mut out = Vec::new();
    for item in items {
        let ExprKind::Call {
            func,
            args,
            keywords,
        } = &item.kind
        else {
            return None;
        };
        let q = resolver.resolve_expr(module, func).qualname()?;
        match q.as_str() {
            "django.db.models.UniqueConstraint"
            | "django.db.models.constraints.UniqueConstraint" => {}
            // Django's other constraints make nothing unique.
            "django.db.models.CheckConstraint" | "django.db.models.constraints.CheckConstraint" => {
                continue;
            }
            _ => return None,
        }
        if keywords.iter().any(|k| k.arg.is_none()) {
            return None;
        }
        // Positional arguments are expressions: not a total constraint.
        if !args.is_empty() {
            continue;
        }
        match item
            .keyword("condition")
            .map(|k| Lit::eval(resolver, module, &k.value))
        {
            None | Some(Lit::None) => {}
            // A condition: not a total constraint.
            _ => continue,
        }
        let Some(fields) = item.keyword("fields") else {
            continue;
        };
        let Lit::List(fields) = Lit::eval(resolver, module, &fields.value) else {
            return None;
        };
        let set: Option<Vec<String>> = fields
            .iter()
            .map(|f| f.as_str().map(str::to_string))
            .collect();
        out.push(set?);
    }
    Some(out)
}

/// Whether a class of the target's lineage (or a base of one) binds `name` to something the
/// graph does not hold as a field: a field class whose name the tool does not recognise
/// (`TreeForeignKey`, `TaggableManager`) may be one.
fn declared(resolver: &Resolver, graph: &Graph, target: ModelId, name: &str) -> bool {
    graph.fields_with_parents(target).iter().any(|(m, _)| {
        graph.model(*m).class().is_some_and(|c| {
            resolver.mro(c).iter().any(|a| match a {
                crate::resolve::Ancestor::Project(c) => {
                    c.info().members.iter().any(|m| m.name == name)
                }
                crate::resolve::Ancestor::External(_) => false,
            })
        })
    })
}

/// Whether a subset of `names` is unique together on `target` through `Meta`; `None`: unknown.
fn unique_together(resolver: &Resolver, target: &Model, names: &[String]) -> Option<bool> {
    let constraints = unique_constraints(resolver, target)?;
    if constraints
        .iter()
        .any(|s| !s.is_empty() && s.iter().all(|n| names.contains(n)))
    {
        return Some(true);
    }
    let Some(ut) = target.meta.get("unique_together") else {
        return Some(false);
    };
    let sets: Vec<Vec<&str>> = match &ut.value {
        Lit::None => return Some(false),
        Lit::List(items) if items.iter().all(|i| matches!(i, Lit::Str(_))) => {
            vec![items.iter().filter_map(Lit::as_str).collect()]
        }
        Lit::List(items) => {
            let mut sets = Vec::new();
            for i in items {
                let Lit::List(inner) = i else { return None };
                let set: Option<Vec<&str>> = inner.iter().map(Lit::as_str).collect();
                sets.push(set?);
            }
            sets
        }
        _ => return None,
    };
    Some(
        sets.iter()
            .any(|s| s.iter().all(|n| names.iter().any(|m| m == n))),
    )
}

/// The `to_field` / `to_fields` of a relation as written; `None` when not judged.
fn target_fields(
    resolver: &Resolver,
    module: &std::sync::Arc<crate::project::SourceModule>,
    call: &Expr,
    kind: RelKind,
) -> Option<Vec<String>> {
    let ExprKind::Call { keywords, args, .. } = &call.kind else {
        return None;
    };
    if keywords.iter().any(|k| k.arg.is_none())
        || args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
    {
        return None;
    }
    match kind {
        RelKind::ForeignKey | RelKind::OneToOne => {
            let v = call.keyword("to_field")?;
            match Lit::eval(resolver, module, &v.value) {
                Lit::Str(s) if !s.is_empty() => Some(vec![s]),
                _ => None,
            }
        }
        RelKind::ForeignObject => {
            let v = call
                .keyword("to_fields")
                .map(|k| &k.value)
                .or(args.get(3))?;
            match Lit::eval(resolver, module, v) {
                Lit::List(items) if !items.is_empty() => items
                    .iter()
                    .map(|i| i.as_str().filter(|s| !s.is_empty()).map(str::to_string))
                    .collect(),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The finding of `id` on one field: `(message, hint)`.
fn finding(ctx: &Analysis, graph: &Graph, field: &Field, id: &str) -> Option<(String, String)> {
    let FieldOrigin::Project { class, call, .. } = &field.origin else {
        return None;
    };
    let rel = field.relation.as_ref()?;
    let Target::Model(t) = rel.target else {
        return None;
    };
    let target = graph.model(t);
    if !checked(target) || target.proxy {
        return None;
    }
    let names = target_fields(&ctx.resolver, &class.module, call, rel.kind)?;
    let label = target.label()?;
    match lookup(&ctx.resolver, graph, t, &names) {
        Lookup::Unknown => None,
        Lookup::Missing(missing) => (id == "fields.E312").then(|| {
            (
                format!(
                    "The to_field '{}' doesn't exist on the related model '{label}'.",
                    missing[0]
                ),
                format!("Name a field of `{label}` (`to_field` names the target field the foreign key stores)."),
            )
        }),
        Lookup::Found(fields) => {
            if id == "fields.E312" {
                return None;
            }
            // A foreign key to a field of a multi-table parent of the target is a FieldError
            // ("refers to field 'x' which is not local to model"), not a check message.
            if fields
                .iter()
                .any(|f| !target.fields.iter().any(|own| std::ptr::eq(own, *f)))
            {
                return None;
            }
            let mut any_unique = false;
            for f in &fields {
                match unique(&ctx.resolver, f) {
                    Some(true) => any_unique = true,
                    Some(false) => {}
                    None => return None,
                }
            }
            if any_unique || unique_together(&ctx.resolver, target, &names)? {
                return None;
            }
            if fields.len() > 1 {
                (id == "fields.E310").then(|| {
                    (
                        format!(
                            "No subset of the fields {} on model '{}' is unique.",
                            names
                                .iter()
                                .map(|n| format!("'{n}'"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            target.name
                        ),
                        "Mark a single field as unique=True or add a set of fields to a unique constraint (via unique_together or a UniqueConstraint (without condition) in the model Meta.constraints): the rows a relation points at must be unique.".to_string(),
                    )
                })
            } else {
                (id == "fields.E311").then(|| {
                    (
                        format!(
                            "'{}.{}' must be unique because it is referenced by a foreign key.",
                            target.name, names[0]
                        ),
                        "Add unique=True to this field or add a UniqueConstraint (without condition) in the model Meta.constraints: a foreign key must identify one row.".to_string(),
                    )
                })
            }
        }
    }
}

pub(crate) fn check(ctx: &Analysis, code: Rule, id: &'static str) -> Vec<Diagnostic> {
    super::each_checked_field(ctx, id, |dj, graph, mi, _, field| {
        let (message, hint) = finding(ctx, graph, field, id)?;
        super::field_diag(dj, graph, code, id, mi, field, message, hint)
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, summary};

    const HEAD: &str = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')
# -- proj/__init__.py\n# -- proj/settings.py\nINSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog']
# -- blog/__init__.py\n# -- blog/models.py\nfrom django.db import models
from blog.fields import CodeField
from mptt.fields import TreeForeignKey
class Author(models.Model):
    name = models.CharField(max_length=9)
    slug = models.SlugField(unique=True)
    code = CodeField()
    ref = models.CharField(max_length=9)
    parent = TreeForeignKey('self', models.CASCADE)
    class Meta:
        unique_together = ('ref',)\n";

    fn codes(body: &str) -> Vec<(&'static str, u32)> {
        summary(&check(&format!("{HEAD}{body}")))
            .into_iter()
            .filter(|(c, _, _)| c.starts_with("DJF31"))
            .map(|(c, l, _)| (c, l))
            .collect()
    }

    #[test]
    fn missing_and_not_unique_target_fields() {
        let body = "class Book(models.Model):
    a = models.ForeignKey(Author, models.CASCADE, to_field='name', related_name='+')
    b = models.ForeignKey(Author, models.CASCADE, to_field='nmae', related_name='+')
    c = models.ForeignKey(Author, models.CASCADE, to_field='slug', related_name='+')
    d = models.ForeignKey(Author, models.CASCADE, to_field='ref', related_name='+')
    e = models.ForeignKey(Author, models.CASCADE, to_field='code', related_name='+')
    f = models.ForeignKey('auth.User', models.CASCADE, to_field='email', related_name='+')
    g = models.ForeignKey('auth.User', models.CASCADE, to_field='username', related_name='+')
    h = models.ForeignKey(Author, models.CASCADE, to_field='parent', related_name='+')\n";
        // `code` is of a field class the tool cannot see into, `parent` of one it does not
        // recognise as a field: not judged.
        assert_eq!(
            codes(body),
            [("DJF311", 13), ("DJF312", 14), ("DJF311", 18)]
        );
    }
}
