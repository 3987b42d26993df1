//! Per-module facts, computed from one module's syntax alone: what each top-level name is bound
//! to (an import, a class, a value), star imports, and each class's bases, members and `Meta`.
//! No cross-module lookups happen here; `resolve` joins modules together.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::syntax::{self, ClassDef, Expr, ExprKind, Span, Stmt};

/// What an import binds a local name to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportTarget {
    /// `import a.b as c` binds `c` to module `a.b`; `import a.b` binds `a` to module `a`.
    Module(String),
    /// `from m import x` binds `x` to member `x` of `m` (a submodule or a name defined in `m`).
    Member { module: String, name: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Binding {
    Import(ImportTarget, Span),
    Class(usize),
    /// A top-level assignment: the value expression (when there is one) and the statement span.
    Value(Option<Arc<Expr>>, Span),
    Function(Span),
}

#[derive(Clone, Debug, PartialEq)]
pub enum MemberKind {
    /// `name = value` or `name: T = value`.
    Value {
        value: Arc<Expr>,
        annotation: Option<Arc<Expr>>,
    },
    Function {
        is_property: bool,
    },
    Class,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub name_span: Span,
    pub kind: MemberKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MetaInfo {
    pub name_span: Span,
    pub header_span: Span,
    /// Where a base list would go: right after `Meta` (no parentheses) or the `(...)` span.
    pub arguments_span: Option<Span>,
    pub bases: Vec<Expr>,
    pub attrs: BTreeMap<String, Arc<Expr>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassInfo {
    pub name: String,
    pub name_span: Span,
    pub header_span: Span,
    pub bases: Vec<Expr>,
    /// Members in source order; a later member of the same name shadows an earlier one.
    pub members: Vec<Member>,
    pub meta: Option<MetaInfo>,
}

impl ClassInfo {
    /// The last member named `name` (Python keeps the last binding in a class body).
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().rev().find(|m| m.name == name)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleIndex {
    /// Module-level names, last binding wins (as at the end of the module's execution).
    pub bindings: BTreeMap<String, Binding>,
    /// Absolute names of modules star-imported, in order.
    pub star_imports: Vec<String>,
    pub classes: Vec<ClassInfo>,
}

impl ModuleIndex {
    /// The name a setting's `app_label.ModelName` means here, compared as Django compares model
    /// names (ignoring case): a class defined in the module or a name bound in it (imported).
    pub fn model_name(&self, model: &str) -> Option<&str> {
        self.classes
            .iter()
            .map(|c| c.name.as_str())
            .chain(self.bindings.keys().map(String::as_str))
            .find(|n| n.eq_ignore_ascii_case(model))
    }

    pub fn class(&self, name: &str) -> Option<&ClassInfo> {
        match self.bindings.get(name) {
            Some(Binding::Class(i)) => self.classes.get(*i),
            _ => None,
        }
    }
}

/// Whether the dotted `module` is `package` or lies inside it (`a.b` is in `a`, `ab` is not).
pub fn in_package(module: &str, package: &str) -> bool {
    module
        .strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// `parent.name`, allocated once at its final size (`format!` grows its buffer as it writes:
/// the resolver and the import scan build thousands of these names a run).
pub fn dotted(parent: &str, name: &str) -> String {
    let mut out = String::with_capacity(parent.len() + 1 + name.len());
    out.push_str(parent);
    out.push('.');
    out.push_str(name);
    out
}

/// Resolves a relative import (`level` dots, then `module`) against the importing module.
pub fn absolute_module(
    current: &str,
    is_package: bool,
    level: u32,
    module: Option<&str>,
) -> Option<String> {
    if level == 0 {
        return module.map(str::to_string);
    }
    let mut parts: Vec<&str> = if current.is_empty() {
        Vec::new()
    } else {
        current.split('.').collect()
    };
    if !is_package {
        parts.pop();
    }
    for _ in 1..level {
        parts.pop()?;
    }
    let mut base = parts.join(".");
    if let Some(m) = module {
        if !base.is_empty() {
            base.push('.');
        }
        base.push_str(m);
    }
    (!base.is_empty()).then_some(base)
}

pub fn index_module(module_name: &str, is_package: bool, syntax: &syntax::Module) -> ModuleIndex {
    let mut index = ModuleIndex::default();
    collect(module_name, is_package, &syntax.body, &mut index);
    index
}

fn collect(module_name: &str, is_package: bool, body: &[Stmt], index: &mut ModuleIndex) {
    for stmt in body {
        match stmt {
            Stmt::Import { names, span } => {
                for alias in names {
                    let (local, target) = match &alias.asname {
                        Some(asname) => (asname.clone(), alias.name.clone()),
                        None => {
                            let first = alias.name.split('.').next().unwrap_or(&alias.name);
                            (first.to_string(), first.to_string())
                        }
                    };
                    index
                        .bindings
                        .insert(local, Binding::Import(ImportTarget::Module(target), *span));
                }
            }
            Stmt::ImportFrom {
                module,
                level,
                names,
                span,
            } => {
                let Some(base) =
                    absolute_module(module_name, is_package, *level, module.as_deref())
                else {
                    continue;
                };
                for alias in names {
                    if alias.name == "*" {
                        index.star_imports.push(base.clone());
                        continue;
                    }
                    let local = alias.asname.clone().unwrap_or_else(|| alias.name.clone());
                    index.bindings.insert(
                        local,
                        Binding::Import(
                            ImportTarget::Member {
                                module: base.clone(),
                                name: alias.name.clone(),
                            },
                            *span,
                        ),
                    );
                }
            }
            Stmt::Class(class) => {
                index.classes.push(class_info(class));
                index
                    .bindings
                    .insert(class.name.clone(), Binding::Class(index.classes.len() - 1));
            }
            Stmt::Function(f) => {
                index
                    .bindings
                    .insert(f.name.clone(), Binding::Function(f.name_span));
            }
            Stmt::Assign {
                targets,
                value,
                span,
                ..
            } => {
                for target in targets {
                    if let ExprKind::Name(name) = &target.kind {
                        index
                            .bindings
                            .insert(name.clone(), Binding::Value(value.clone(), *span));
                    }
                }
            }
            Stmt::Block(inner) => collect(module_name, is_package, inner, index),
            Stmt::If { arms, .. } => {
                for arm in arms {
                    collect(module_name, is_package, arm, index);
                }
            }
            Stmt::AugAssign { .. } | Stmt::Expr(_) => {}
        }
    }
}

fn is_property_decorator(d: &Expr) -> bool {
    match &d.kind {
        ExprKind::Name(n) => n == "property" || n == "cached_property",
        ExprKind::Attribute { attr, .. } => attr == "cached_property" || attr == "setter",
        _ => false,
    }
}

fn class_info(class: &ClassDef) -> ClassInfo {
    let mut members = Vec::new();
    let mut meta = None;
    collect_members(&class.body, &mut members, &mut meta);
    ClassInfo {
        name: class.name.clone(),
        name_span: class.name_span,
        header_span: class.header_span,
        bases: class.bases.clone(),
        members,
        meta,
    }
}

fn collect_members(body: &[Stmt], members: &mut Vec<Member>, meta: &mut Option<MetaInfo>) {
    for stmt in body {
        match stmt {
            Stmt::Assign {
                targets,
                value: Some(value),
                annotation,
                ..
            } => {
                for target in targets {
                    if let ExprKind::Name(name) = &target.kind {
                        members.push(Member {
                            name: name.clone(),
                            name_span: target.span,
                            kind: MemberKind::Value {
                                value: value.clone(),
                                annotation: annotation.clone(),
                            },
                        });
                    }
                }
            }
            Stmt::Function(f) => members.push(Member {
                name: f.name.clone(),
                name_span: f.name_span,
                kind: MemberKind::Function {
                    is_property: f.decorators.iter().any(is_property_decorator),
                },
            }),
            Stmt::Class(c) if c.name == "Meta" => {
                let mut attrs = BTreeMap::new();
                for s in &c.body {
                    if let Stmt::Assign {
                        targets,
                        value: Some(v),
                        ..
                    } = s
                    {
                        for t in targets {
                            if let ExprKind::Name(n) = &t.kind {
                                attrs.insert(n.clone(), v.clone());
                            }
                        }
                    }
                }
                *meta = Some(MetaInfo {
                    name_span: c.name_span,
                    header_span: c.header_span,
                    arguments_span: c.arguments_span,
                    bases: c.bases.clone(),
                    attrs,
                });
            }
            Stmt::Class(c) => members.push(Member {
                name: c.name.clone(),
                name_span: c.name_span,
                kind: MemberKind::Class,
            }),
            Stmt::Block(inner) => collect_members(inner, members, meta),
            Stmt::If { arms, .. } => {
                for arm in arms {
                    collect_members(arm, members, meta);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_is_in_its_package_and_the_packages_above() {
        assert!(in_package("a.b.c", "a.b"));
        assert!(in_package("a.b", "a.b"));
        assert!(in_package("a.b.c", "a"));
        assert!(!in_package("a.bc", "a.b"));
        assert!(!in_package("a", "a.b"));
        assert!(!in_package("b.a", "a"));
        // A name built under a package is in it.
        let name = dotted("a.b", "models");
        assert_eq!(name, "a.b.models");
        assert_eq!(name.capacity(), name.len());
        assert!(in_package(&name, "a.b"));
    }

    fn index(src: &str) -> ModuleIndex {
        index_module("app.models", false, &syntax::parse(src))
    }

    #[test]
    fn relative_imports_resolve_against_the_package() {
        assert_eq!(
            absolute_module("a.b.c", false, 1, Some("x")).as_deref(),
            Some("a.b.x")
        );
        assert_eq!(
            absolute_module("a.b", true, 1, Some("x")).as_deref(),
            Some("a.b.x")
        );
        assert_eq!(
            absolute_module("a.b.c", false, 2, None).as_deref(),
            Some("a")
        );
        assert_eq!(absolute_module("a", false, 3, None), None);
    }

    #[test]
    fn bindings_cover_every_import_form() {
        let ix = index(
            "import os\nimport a.b\nimport c.d as e\nfrom .base import Base as B\nfrom x import *\n",
        );
        assert_eq!(
            ix.bindings.get("a"),
            Some(&Binding::Import(
                ImportTarget::Module("a".into()),
                Span::new(10, 20)
            ))
        );
        assert!(
            matches!(ix.bindings.get("e"), Some(Binding::Import(ImportTarget::Module(m), _)) if m == "c.d")
        );
        assert!(
            matches!(ix.bindings.get("B"), Some(Binding::Import(ImportTarget::Member{module, name}, _)) if module == "app.base" && name == "Base")
        );
        assert_eq!(ix.star_imports, vec!["x".to_string()]);
    }

    #[test]
    fn class_members_and_meta() {
        let ix = index(
            "class T(Base):\n    a = models.F()\n    b: int = 1\n    @property\n    def c(self): ...\n    d = None\n    class Meta(Base.Meta):\n        abstract = True\n",
        );
        let c = ix.class("T").unwrap();
        let names: Vec<_> = c.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert!(matches!(
            c.member("c").unwrap().kind,
            MemberKind::Function { is_property: true }
        ));
        let meta = c.meta.as_ref().unwrap();
        assert_eq!(meta.bases[0].dotted().as_deref(), Some("Base.Meta"));
        assert!(matches!(meta.attrs["abstract"].kind, ExprKind::Bool(true)));
    }
}
