//! Name resolution across modules: what a name or dotted expression in a module refers to
//! (a project class, a project module, something outside the project, a value), and each
//! class's ancestors in method resolution order.

use std::sync::Arc;

use crate::index::{Binding, ClassInfo, ImportTarget};
use crate::project::{Project, SourceModule};
use crate::syntax::{Expr, ExprKind};

/// Bound on chains of re-exports and aliases, so cycles (`a` imports `b` imports `a`, a class
/// that inherits from itself through aliases) end instead of looping.
const MAX_DEPTH: usize = 24;

/// A class defined in the project.
#[derive(Clone, Debug)]
pub struct ClassRef {
    pub module: Arc<SourceModule>,
    pub index: usize,
}

impl ClassRef {
    pub fn info(&self) -> &ClassInfo {
        &self.module.index.classes[self.index]
    }
    pub fn qualname(&self) -> String {
        crate::index::dotted(&self.module.name, &self.info().name)
    }
    pub fn same(&self, other: &ClassRef) -> bool {
        Arc::ptr_eq(&self.module, &other.module) && self.index == other.index
    }
}

#[derive(Clone, Debug)]
pub enum Symbol {
    Class(ClassRef),
    /// A module of the project.
    Module(String),
    /// Something outside the project, by qualified name (`django.db.models.CASCADE`).
    External(String),
    /// A module-level value assigned in the project.
    Value(Arc<SourceModule>, Arc<Expr>),
    Unknown,
}

impl Symbol {
    /// The qualified name, for classes and external symbols.
    pub fn qualname(&self) -> Option<String> {
        match self {
            Symbol::Class(c) => Some(c.qualname()),
            Symbol::External(q) => Some(q.clone()),
            Symbol::Module(m) => Some(m.clone()),
            _ => None,
        }
    }
}

/// An ancestor in method resolution order.
#[derive(Clone, Debug)]
pub enum Ancestor {
    Project(ClassRef),
    External(String),
}

pub struct Resolver<'p> {
    pub project: &'p Project,
    /// The modules this resolver loaded or found loaded, when asked to keep them
    /// ([`Resolver::recording`]).
    recorded: Option<std::sync::Mutex<Vec<Arc<SourceModule>>>>,
}

impl<'p> Resolver<'p> {
    pub fn new(project: &'p Project) -> Self {
        Resolver {
            project,
            recorded: None,
        }
    }

    /// A resolver that keeps every module it asks the project for ([`Resolver::recorded`]):
    /// what a stage read, told apart from what another stage loads at the same time.
    pub fn recording(project: &'p Project) -> Self {
        Resolver {
            project,
            recorded: Some(std::sync::Mutex::new(Vec::new())),
        }
    }

    /// The modules a [`Resolver::recording`] asked the project for, in the order asked.
    pub fn recorded(self) -> Vec<Arc<SourceModule>> {
        self.recorded
            .map(|r| {
                r.into_inner()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            })
            .unwrap_or_default()
    }

    /// The project's module `name`, recorded when asked to.
    fn module(&self, name: &str) -> Option<Arc<SourceModule>> {
        let module = self.project.module(name)?;
        if let Some(recorded) = &self.recorded {
            recorded
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(module.clone());
        }
        Some(module)
    }

    /// What `name` means at the top level of `module`; `None` when the module does not bind it.
    pub fn resolve_name(&self, module: &Arc<SourceModule>, name: &str) -> Symbol {
        self.name_in(module, name, 0).unwrap_or(Symbol::Unknown)
    }

    fn name_in(&self, module: &Arc<SourceModule>, name: &str, depth: usize) -> Option<Symbol> {
        self.name_in_seen(module, name, depth, &mut Vec::new())
    }

    /// `seen` holds the modules already searched for this name through star imports, so star
    /// imports that form a cycle, or a diamond, are searched once.
    fn name_in_seen(
        &self,
        module: &Arc<SourceModule>,
        name: &str,
        depth: usize,
        seen: &mut Vec<*const SourceModule>,
    ) -> Option<Symbol> {
        if depth > MAX_DEPTH {
            return Some(Symbol::Unknown);
        }
        if seen.contains(&Arc::as_ptr(module)) {
            return None;
        }
        seen.push(Arc::as_ptr(module));
        if let Some(binding) = module.index.bindings.get(name) {
            return Some(match binding {
                Binding::Class(i) => Symbol::Class(ClassRef {
                    module: module.clone(),
                    index: *i,
                }),
                Binding::Import(ImportTarget::Module(m), _) => self.module_symbol(m),
                Binding::Import(ImportTarget::Member { module: m, name: n }, _) => {
                    self.member(m, n, depth + 1)
                }
                Binding::Value(Some(v), _) => Symbol::Value(module.clone(), v.clone()),
                Binding::Value(None, _) | Binding::Function(_) => Symbol::Unknown,
            });
        }
        // Later star imports shadow earlier ones.
        let mut external_star = None;
        for star in module.index.star_imports.iter().rev() {
            if let Some(m) = self.module(star) {
                if let Some(found) = self.name_in_seen(&m, name, depth + 1, seen) {
                    return Some(found);
                }
            } else if external_star.is_none() {
                external_star = Some(star.clone());
            }
        }
        // `from lib import *`: we cannot list the library's names, but a name used in a class
        // base or field call most likely comes from it.
        external_star.map(|s| Symbol::External(crate::index::dotted(&s, name)))
    }

    fn module_symbol(&self, name: &str) -> Symbol {
        if self.project.has_module(name) {
            Symbol::Module(name.to_string())
        } else {
            Symbol::External(name.to_string())
        }
    }

    /// `module.name`: a name defined in (or re-exported by) the module, else its submodule.
    fn member(&self, module: &str, name: &str, depth: usize) -> Symbol {
        if let Some(m) = self.module(module) {
            if let Some(found) = self.name_in(&m, name, depth) {
                return found;
            }
            let sub = crate::index::dotted(module, name);
            if self.project.has_module(&sub) {
                return Symbol::Module(sub);
            }
            return Symbol::Unknown;
        }
        Symbol::External(crate::index::dotted(module, name))
    }

    /// What a name or dotted expression evaluates to in `module`.
    pub fn resolve_expr(&self, module: &Arc<SourceModule>, expr: &Expr) -> Symbol {
        self.expr_in(module, expr, 0)
    }

    fn expr_in(&self, module: &Arc<SourceModule>, expr: &Expr, depth: usize) -> Symbol {
        if depth > MAX_DEPTH {
            return Symbol::Unknown;
        }
        match &expr.kind {
            ExprKind::Name(n) => self.name_in(module, n, depth).unwrap_or(Symbol::Unknown),
            ExprKind::Attribute { value, attr } => match self.expr_in(module, value, depth + 1) {
                Symbol::Module(m) => self.member(&m, attr, depth + 1),
                Symbol::External(q) => Symbol::External(crate::index::dotted(&q, attr)),
                _ => Symbol::Unknown,
            },
            _ => Symbol::Unknown,
        }
    }

    /// A value expression followed through names to the expression that defines it.
    pub fn value_of(
        &self,
        module: &Arc<SourceModule>,
        expr: &Expr,
    ) -> (Arc<SourceModule>, Arc<Expr>) {
        // The expressions a name leads to are shared with the index; only `expr` itself, when it
        // leads nowhere, is copied.
        let mut followed: Option<(Arc<SourceModule>, Arc<Expr>)> = None;
        for _ in 0..MAX_DEPTH {
            let (m, e) = match &followed {
                Some((m, e)) => (m, &**e),
                None => (module, expr),
            };
            if !matches!(e.kind, ExprKind::Name(_) | ExprKind::Attribute { .. }) {
                break;
            }
            match self.resolve_expr(m, e) {
                Symbol::Value(m, v) => followed = Some((m, v)),
                _ => break,
            }
        }
        followed.unwrap_or_else(|| (module.clone(), Arc::new(expr.clone())))
    }

    /// A string constant, followed through names (`related_name=REVERSE_NAME`).
    pub fn string_value(&self, module: &Arc<SourceModule>, expr: &Expr) -> Option<String> {
        let (_, v) = self.value_of(module, expr);
        v.as_str().map(str::to_string)
    }

    /// Ancestors of `class` (itself first) in a left-to-right depth-first order with duplicates
    /// removed: the method resolution order for the class hierarchies models use.
    pub fn mro(&self, class: &ClassRef) -> Vec<Ancestor> {
        let mut out = Vec::new();
        self.mro_into(class, &mut out, 0);
        out
    }

    fn mro_into(&self, class: &ClassRef, out: &mut Vec<Ancestor>, depth: usize) {
        if depth > MAX_DEPTH
            || out
                .iter()
                .any(|a| matches!(a, Ancestor::Project(c) if c.same(class)))
        {
            return;
        }
        out.push(Ancestor::Project(class.clone()));
        for base in &class.info().bases {
            match self.resolve_expr(&class.module, base) {
                Symbol::Class(c) => self.mro_into(&c, out, depth + 1),
                Symbol::External(q)
                    if !out
                        .iter()
                        .any(|a| matches!(a, Ancestor::External(e) if *e == q)) =>
                {
                    out.push(Ancestor::External(q));
                }
                _ => {}
            }
        }
    }

    /// Whether the class derives (directly or not) from the external or project class `qualname`.
    pub fn derives_from(&self, class: &ClassRef, qualnames: &[&str]) -> bool {
        self.mro(class).iter().any(|a| {
            let q = match a {
                Ancestor::Project(c) => c.qualname(),
                Ancestor::External(e) => e.clone(),
            };
            qualnames.contains(&q.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::fixture;

    #[test]
    fn a_recording_resolver_keeps_the_modules_it_asked_for_loaded_or_not() {
        let (_d, p) = fixture(
            "# -- app/__init__.py\n\
             # -- app/base.py\n\
             class Base:\n    pass\n\
             # -- app/reexport.py\n\
             from .base import *\n\
             # -- app/other.py\n\
             X = 1\n\
             # -- app/models.py\n\
             from app.reexport import Base\n\
             class RT(Base):\n    pass\n",
        );
        let m = p.module("app.models").unwrap();
        // Loaded before the resolver asks: still recorded when asked for.
        p.module("app.base").unwrap();
        // Loaded by someone else, never asked for: not recorded.
        p.module("app.other").unwrap();
        let r = Resolver::recording(&p);
        assert!(matches!(r.resolve_name(&m, "RT"), Symbol::Class(_)));
        assert!(matches!(r.resolve_name(&m, "Base"), Symbol::Class(_)));
        let mut names: Vec<String> = r.recorded().iter().map(|m| m.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names, ["app.base", "app.reexport"]);
        assert!(Resolver::new(&p).recorded().is_empty());
    }

    #[test]
    fn names_resolve_through_aliases_reexports_and_star_imports() {
        let (_d, p) = fixture(
            "# -- app/__init__.py\n\
             # -- app/base.py\n\
             from oauth2_provider import models as om\n\
             class Base(om.AbstractRefreshToken):\n    pass\n\
             # -- app/reexport.py\n\
             from .base import *\n\
             # -- app/models.py\n\
             import app.reexport as rx\n\
             from django.db.models import OneToOneField as O2O\n\
             class RT(rx.Base):\n    pass\n",
        );
        let r = Resolver::new(&p);
        let m = p.module("app.models").unwrap();
        let rt = match r.resolve_name(&m, "RT") {
            Symbol::Class(c) => c,
            other => panic!("{other:?}"),
        };
        let names: Vec<String> = r
            .mro(&rt)
            .iter()
            .map(|a| match a {
                Ancestor::Project(c) => c.qualname(),
                Ancestor::External(e) => e.clone(),
            })
            .collect();
        assert_eq!(
            names,
            [
                "app.models.RT",
                "app.base.Base",
                "oauth2_provider.models.AbstractRefreshToken"
            ]
        );
        assert_eq!(
            r.resolve_name(&m, "O2O").qualname().as_deref(),
            Some("django.db.models.OneToOneField")
        );
    }

    #[test]
    fn cycles_end() {
        let (_d, p) = fixture(
            "# -- a.py\nfrom b import X\nclass Y(X):\n    pass\n\
             # -- b.py\nfrom a import Y as X\n\
             # -- c.py\nfrom c import *\nfrom d import *\n# -- d.py\nfrom c import *\n",
        );
        let r = Resolver::new(&p);
        let a = p.module("a").unwrap();
        let Symbol::Class(y) = r.resolve_name(&a, "Y") else {
            panic!()
        };
        assert_eq!(r.mro(&y).len(), 1);
        let c = p.module("c").unwrap();
        assert!(matches!(r.resolve_name(&c, "Z"), Symbol::Unknown));
    }

    #[test]
    fn constants_are_followed_to_their_string() {
        let (_d, p) = fixture(
            "# -- consts.py\nNAME = 'refresh_token'\nALIAS = NAME\n# -- m.py\nfrom consts import ALIAS\nx = 1\n",
        );
        let r = Resolver::new(&p);
        let m = p.module("m").unwrap();
        let expr = Expr {
            kind: ExprKind::Name("ALIAS".into()),
            span: Default::default(),
        };
        assert_eq!(r.string_value(&m, &expr).as_deref(), Some("refresh_token"));
    }
}
