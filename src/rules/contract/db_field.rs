//! A role's model without a database field the library queries by name (`db_fields` in the
//! contract): Django's `AbstractBaseUser` has `is_active = True` as a plain class attribute, so a
//! custom user model built on it answers `user.is_active` but `PasswordResetForm.get_users()`
//! filters on `is_active` and raises `FieldError: Cannot resolve keyword 'is_active'`. A field
//! can also be named by a class attribute (`EMAIL_FIELD`, default `email`), and an item can
//! apply only when a setting lists a value (`AUTHENTICATION_BACKENDS` with `ModelBackend`).
//!
//! Only models the graph sees whole are judged (every base known): a base the tool cannot read
//! may declare the field. Primary span: the model's class name.

use crate::codes::Rule;
use crate::diagnostic::Diagnostic;
use crate::index::MemberKind;
use crate::library::{self, DbFieldItem, Env, LibraryContract};
use crate::resolve::Ancestor;
use crate::settings::Value;
use crate::syntax::ExprKind;

use super::Evidence;

fn diagnostic(
    rule: Rule,
    (c, usage, item, bound): (
        &LibraryContract,
        &library::Usage,
        &DbFieldItem,
        &library::Bound,
    ),
    field: &str,
    how: &str,
) -> Diagnostic {
    let class = &bound.class;
    super::diag(
        rule,
        library::severity(&item.severity),
        c,
        usage,
        bound,
        class,
        class.info().name_span,
        format!(
            "`{}` has no database field `{field}`{how}, which {} queries",
            class.info().name,
            c.library
        ),
        &Evidence::from(item),
    )
}

pub(crate) fn check(env: &Env, rule: Rule) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in super::used(env, rule.code()) {
        let mut usage = None;
        for item in c.db_fields.iter().filter(|d| d.code == rule.code()) {
            if !applies_here(env, item) {
                continue;
            }
            let Some((usage, bound)) =
                super::bind_role(env, c, &mut usage, &item.role, item.since, item.until)
            else {
                continue;
            };
            for b in bound {
                let Some((graph, id)) = env.model_of(&b.class) else {
                    continue;
                };
                if !graph.model(id).complete {
                    continue;
                }
                let fields: Vec<&str> = graph
                    .fields_with_parents(id)
                    .into_iter()
                    .map(|(_, f)| f.name.as_str())
                    .collect();
                let mut wanted: Vec<(String, String)> = item
                    .fields
                    .iter()
                    .map(|f| (f.clone(), String::new()))
                    .collect();
                if let Some(named) = &item.named_by {
                    let Some(name) = named_field(env, &b, &named.attribute, &named.default) else {
                        continue;
                    };
                    wanted.push((name, format!(" (named by `{}`)", named.attribute)));
                }
                for (field, how) in wanted {
                    if item.unless_replaced && replaced_by_project(env, &b, &field) {
                        continue;
                    }
                    if !fields.contains(&field.as_str()) {
                        out.push(diagnostic(rule, (c, &usage, item, &b), &field, &how));
                    }
                }
            }
        }
    }
    out
}

/// The field a class attribute names: the first project class in method resolution order that
/// binds it (a string literal; anything else is unknown), else the default.
fn named_field(env: &Env, b: &library::Bound, attribute: &str, default: &str) -> Option<String> {
    for ancestor in env.resolver.mro(&b.class) {
        let Ancestor::Project(c) = ancestor else {
            break;
        };
        let Some(member) = c.info().member(attribute) else {
            continue;
        };
        let MemberKind::Value { value, .. } = &member.kind else {
            return None;
        };
        return match &value.kind {
            ExprKind::Str(s) => Some(s.clone()),
            _ => env.resolver.string_value(&c.module, value),
        };
    }
    Some(default.to_string())
}

/// Whether a project class in the model's method resolution order binds `name` itself (a
/// property, a method, a value): the project chose to have no such field.
fn replaced_by_project(env: &Env, b: &library::Bound, name: &str) -> bool {
    env.resolver
        .mro(&b.class)
        .into_iter()
        .map_while(|a| match a {
            Ancestor::Project(c) => Some(c),
            _ => None,
        })
        .any(|c| c.info().member(name).is_some())
}

/// Whether the item's setting condition holds, certainly.
fn applies_here(env: &Env, item: &DbFieldItem) -> bool {
    let Some(when) = &item.when_setting_contains else {
        return true;
    };
    match env.settings.get(&when.setting).map(|v| &v.value) {
        None => when.default_contains && env.settings.maybe_set_elsewhere().is_none(),
        Some(Value::List(items)) => items.iter().any(|i| i.as_str() == Some(&when.value)),
        Some(_) => false,
    }
}
