//! A model's `Meta` as Django inherits it (django/db/models/base.py, `ModelBase.__new__`, and
//! options.py, `Options.contribute_to_class`; line numbers from Django 5.2.19):
//!
//! - `meta = attr_meta or getattr(new_class, "Meta", None)` (base.py:128): a class without its
//!   own `Meta` takes the `Meta` attribute of its bases, which only abstract models keep
//!   (`new_class.Meta = attr_meta`, base.py:375; a concrete model's `Meta` is popped, :113);
//! - Options reads every attribute with `hasattr(self.meta, name)` (options.py:202-208), so a
//!   `class Meta(Parent.Meta)` inherits the parent's attributes through Python;
//! - `abstract` is never inherited: Django sets `attr_meta.abstract = False` on an abstract
//!   model's `Meta` once the class exists (base.py:374);
//! - a concrete child of a concrete parent takes the parent's `ordering` and `get_latest_by`
//!   unless its own Meta sets them (base.py:179-186; done by the graph, which knows the parent).

use std::collections::BTreeMap;

use crate::contract::Version;
use crate::resolve::{Ancestor, ClassRef, Resolver, Symbol};
use crate::syntax::{Expr, ExprKind, Span};

use super::Lit;
use super::builtin::{self, BuiltinModel};
use super::graph::ModelId;
use super::names::Arg;

/// Where a `Meta` attribute is set.
#[derive(Clone, Debug)]
pub enum MetaOrigin {
    /// In the `Meta` of `class`, at `span` (the value).
    Project {
        class: ClassRef,
        span: Span,
    },
    Builtin {
        model: &'static BuiltinModel,
    },
    /// Taken from a concrete parent model (`ordering`, `get_latest_by`).
    Parent(ModelId),
}

#[derive(Clone, Debug)]
pub struct MetaAttr {
    pub value: Lit,
    pub origin: MetaOrigin,
}

/// The effective `Meta` of a model.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// Attributes by name; `abstract` only when the class's own `Meta` sets it.
    pub attrs: BTreeMap<String, MetaAttr>,
    /// Whether the class declares its own `Meta`.
    pub own: bool,
}

impl Meta {
    pub fn get(&self, name: &str) -> Option<&MetaAttr> {
        self.attrs.get(name)
    }
    /// A string attribute for the name computation (`default_related_name`).
    pub fn arg(&self, name: &str) -> Arg {
        self.get(name).map_or(Arg::Absent, |a| a.value.to_arg())
    }
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)?.value {
            Lit::Bool(b) => Some(b),
            _ => None,
        }
    }
}

/// A class whose `Meta` is read.
#[derive(Clone)]
enum MetaClass {
    Project(ClassRef),
    Builtin(&'static BuiltinModel),
}

/// Bound on `Meta` base chains (a cycle through aliases ends).
const MAX_DEPTH: usize = 16;

/// The effective `Meta` of a project class. `concrete_model` tells which project classes are
/// concrete models (their `Meta` is not inherited through Python).
pub fn project_meta(
    resolver: &Resolver,
    version: Version,
    class: &ClassRef,
    concrete_model: &dyn Fn(&ClassRef) -> bool,
) -> Meta {
    let mut meta = Meta::default();
    if class.info().meta.is_some() {
        meta.own = true;
        collect(
            resolver,
            version,
            &MetaClass::Project(class.clone()),
            true,
            &mut meta.attrs,
            0,
        );
        return meta;
    }
    // No own Meta: Python's attribute lookup finds the first base that has one.
    let inherited = resolver
        .mro(class)
        .into_iter()
        .skip(1)
        .find_map(|a| match a {
            Ancestor::Project(c) if c.info().meta.is_some() && !concrete_model(&c) => {
                Some(MetaClass::Project(c))
            }
            Ancestor::External(q) => builtin::data()
                .by_qualname(&q, version)
                .filter(|m| m.is_abstract && m.meta.is_some())
                .map(MetaClass::Builtin),
            _ => None,
        });
    if let Some(mc) = inherited {
        collect(resolver, version, &mc, false, &mut meta.attrs, 0);
    }
    meta
}

/// The effective `Meta` of a library model (its own `Meta` and that `Meta`'s bases).
pub fn builtin_meta(version: Version, model: &'static BuiltinModel) -> Meta {
    let mut meta = Meta {
        own: model.meta.is_some(),
        ..Meta::default()
    };
    // Resolving builtin Meta bases needs no resolver; one over an empty project is not built.
    collect_builtin(version, model, true, &mut meta.attrs, 0);
    meta
}

fn collect(
    resolver: &Resolver,
    version: Version,
    mc: &MetaClass,
    own: bool,
    out: &mut BTreeMap<String, MetaAttr>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match mc {
        MetaClass::Builtin(m) => collect_builtin(version, m, own, out, depth),
        MetaClass::Project(c) => {
            let Some(info) = &c.info().meta else {
                return;
            };
            for (name, expr) in &info.attrs {
                if (!own && name == "abstract") || out.contains_key(name) {
                    continue;
                }
                out.insert(
                    name.clone(),
                    MetaAttr {
                        value: Lit::eval(resolver, &c.module, expr),
                        origin: MetaOrigin::Project {
                            class: c.clone(),
                            span: expr.span,
                        },
                    },
                );
            }
            for base in &info.bases {
                if let Some(parent) = meta_base(resolver, version, c, base) {
                    collect(resolver, version, &parent, false, out, depth + 1);
                }
            }
        }
    }
}

fn collect_builtin(
    version: Version,
    model: &'static BuiltinModel,
    own: bool,
    out: &mut BTreeMap<String, MetaAttr>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for (name, value) in model.meta.iter().flatten() {
        if (!own && name == "abstract") || out.contains_key(name) {
            continue;
        }
        out.insert(
            name.clone(),
            MetaAttr {
                value: Lit::from_toml(value),
                origin: MetaOrigin::Builtin { model },
            },
        );
    }
    for base in &model.meta_bases {
        let Some(class) = base.strip_suffix(".Meta") else {
            continue;
        };
        let qualname = format!("{}.{class}", model.module);
        if let Some(parent) = builtin::data().by_qualname(&qualname, version) {
            collect_builtin(version, parent, false, out, depth + 1);
        }
    }
}

/// `Parent.Meta` in a `class Meta(Parent.Meta)` header.
fn meta_base(
    resolver: &Resolver,
    version: Version,
    owner: &ClassRef,
    base: &Expr,
) -> Option<MetaClass> {
    let ExprKind::Attribute { value, attr } = &base.kind else {
        return None;
    };
    if attr != "Meta" {
        return None;
    }
    match resolver.resolve_expr(&owner.module, value) {
        Symbol::Class(c) if c.info().meta.is_some() => Some(MetaClass::Project(c)),
        Symbol::External(q) => builtin::data()
            .by_qualname(&q, version)
            .filter(|m| m.meta.is_some())
            .map(MetaClass::Builtin),
        _ => None,
    }
}
