//! The Django model graph (design.md, "resolve"): every model of the installed apps and of the
//! project's model modules, with its app label, its `Meta` as Django inherits it, its fields
//! (own and copied from abstract parents), whether it is swapped out, and every relation with its
//! resolved target model and its reverse accessor and reverse query name as Django computes them;
//! plus, per target model, the table of reverse names pointing at it.
//!
//! Built from the per-module index and the resolver (`index`, `resolve`, `settings`), never by
//! importing anything. Django's own models (the contrib apps auth, contenttypes, admin, sites,
//! redirects, flatpages, sessions) come from embedded data (`builtin`). The graph is built on first use ([`LazyGraph`]): a run whose rules
//! do not read it pays nothing.
//!
//! - [`graph`]: the types and the building;
//! - [`meta`]: `Meta` inheritance;
//! - [`names`]: the reverse accessor / query name computation (pure);
//! - [`builtin`]: the embedded library models.

pub mod builtin;
pub mod graph;
pub mod meta;
pub mod names;

pub use graph::{
    Field, FieldOrigin, Focus, Graph, Inputs, LazyGraph, Model, ModelId, ModelSource, Relation,
    ReverseEntry, Swapped, Target, TargetVia,
};
pub use meta::{Meta, MetaAttr, MetaOrigin};
pub use names::{Arg, Name, NameSource, RelKind, ReverseNames};

use std::sync::Arc;

use crate::project::SourceModule;
use crate::resolve::Resolver;
use crate::syntax::{Expr, ExprKind};

/// A literal value as far as it can be evaluated statically (a `Meta` attribute).
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Str(String),
    Bool(bool),
    Int(i64),
    None,
    /// A list or tuple.
    List(Vec<Lit>),
    /// Anything else: a call (`UniqueConstraint(...)`), an expression, an unknown name.
    Unknown,
}

impl Lit {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Lit::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `expr` in `module`, names followed to the constants they are bound to.
    pub fn eval(resolver: &Resolver, module: &Arc<SourceModule>, expr: &Expr) -> Lit {
        let (m, e) = resolver.value_of(module, expr);
        match &e.kind {
            ExprKind::Str(s) => Lit::Str(s.clone()),
            ExprKind::Bool(b) => Lit::Bool(*b),
            ExprKind::Int(i) => Lit::Int(*i),
            ExprKind::NoneLit => Lit::None,
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                Lit::List(items.iter().map(|i| Lit::eval(resolver, &m, i)).collect())
            }
            _ => Lit::Unknown,
        }
    }

    pub fn from_toml(v: &toml::Value) -> Lit {
        match v {
            toml::Value::String(s) => Lit::Str(s.clone()),
            toml::Value::Boolean(b) => Lit::Bool(*b),
            toml::Value::Integer(i) => Lit::Int(*i),
            toml::Value::Array(items) => Lit::List(items.iter().map(Lit::from_toml).collect()),
            _ => Lit::Unknown,
        }
    }

    /// A keyword argument's value for the name computation: `None` and absence are alike.
    pub fn to_arg(&self) -> Arg {
        match self {
            Lit::Str(s) => Arg::Str(s.clone()),
            Lit::None => Arg::Absent,
            _ => Arg::Unknown,
        }
    }
}
