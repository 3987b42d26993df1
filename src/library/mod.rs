//! Library contracts beyond DOT, as data: the generic schema ([`schema`]), the embedded
//! contracts (`rules/<library>/contract.toml` with `schema = 2`, embedded by `build.rs`), and
//! their evaluation over a project: whether the project uses the library, which project models
//! play the contract's roles, and how a role's relation is declared (its kind, its reverse names
//! as Django computes them).
//!
//! Nothing here names a library: what to read comes from the contract data. The rules reading
//! the items are in `crate::rules::contract` (one file per kind of item).
//!
//! Trust: where the tool cannot be sure (a model whose app may not be installed, a relation
//! whose target cannot be resolved, a name that cannot be evaluated), the evaluation says
//! "unknown" and the rules stay silent.

pub mod schema;

use std::sync::{Arc, OnceLock};

use crate::contract::{Version, in_range};
use crate::django::{Arg, Graph, LazyGraph, Lit, ModelId, RelKind, ReverseNames, names};
use crate::index::MemberKind;
use crate::project::{Project, SourceModule};
use crate::resolve::{Ancestor, ClassRef, Resolver, Symbol};
use crate::settings::{Apps, SettingValue, Settings, Value};
use crate::syntax::{Expr, ExprKind, Span};

pub use schema::*;

/// An embedded contract, parsed when a run first asks for it (as JSON, made by `build.rs` from
/// the TOML): its head first, the whole only for a library the project uses (the largest,
/// django-oscar's, is half a million instructions).
pub struct Entry {
    /// Its folder under `rules/`.
    pub dir: &'static str,
    json: &'static str,
    head_json: &'static str,
    /// The rule codes of its items.
    pub codes: &'static [&'static str],
    full: OnceLock<LibraryContract>,
    head: OnceLock<ContractHead>,
}

impl Entry {
    /// The contract.
    pub fn contract(&self) -> &LibraryContract {
        self.full.get_or_init(|| self.parse(self.json))
    }

    /// What tells whether a project uses the library (parsed without the items).
    pub fn head(&self) -> &ContractHead {
        self.head.get_or_init(|| self.parse(self.head_json))
    }

    fn parse<'de, T: serde::Deserialize<'de>>(&self, json: &'de str) -> T {
        match serde_json::from_str(json) {
            Ok(c) => c,
            Err(e) => panic!("rules/{}/contract.toml is invalid: {e}", self.dir),
        }
    }
}

/// Every embedded contract. The files are validated by a unit test, so parsing cannot fail in
/// a released binary.
pub fn entries() -> &'static [Entry] {
    static ALL: OnceLock<Vec<Entry>> = OnceLock::new();
    ALL.get_or_init(|| {
        crate::embedded::CONTRACT_CODES
            .iter()
            .map(|&(path, codes)| Entry {
                dir: path
                    .strip_prefix("rules/")
                    .and_then(|p| p.strip_suffix("/contract.toml"))
                    .unwrap_or(path),
                json: json_of(crate::embedded::CONTRACTS_JSON, path),
                head_json: json_of(crate::embedded::CONTRACT_HEADS_JSON, path),
                codes,
                full: OnceLock::new(),
                head: OnceLock::new(),
            })
            .collect()
    })
}

/// The JSON of the contract at `path` in `table` (the contracts, or their heads).
fn json_of(table: &'static [(&str, &'static str)], path: &str) -> &'static str {
    table
        .iter()
        .find(|(p, _)| *p == path)
        .map_or("{}", |(_, json)| json)
}

/// Every embedded contract, parsed whole.
pub fn contracts() -> Vec<&'static LibraryContract> {
    entries().iter().map(Entry::contract).collect()
}

/// Whether `code` is one of the contracts' rule codes.
pub fn is_contract_code(code: &str) -> bool {
    crate::embedded::CONTRACT_CODES
        .iter()
        .any(|(_, codes)| codes.contains(&code))
}

/// What the evaluation reads: the project, its settings and apps, the model modules Django
/// registers, and the lazily built model graph.
pub struct Env<'a> {
    pub project: &'a Project,
    pub settings: &'a Settings,
    pub apps: &'a Apps,
    pub modules: &'a [Arc<SourceModule>],
    pub resolver: &'a Resolver<'a>,
    pub graph: &'a LazyGraph<'a>,
    /// [`Env::uses`]'s answers, one a library entry (in [`entries`]' order): every relation
    /// check of every contract rule asks it for each entry.
    pub uses_known: &'a [OnceLock<bool>],
}

/// How the project uses a library.
#[derive(Clone, Debug)]
pub struct Usage {
    pub version: Version,
    /// The file pinning the version; `None`: the newest release read is assumed.
    pub pinned_by: Option<String>,
}

impl Env<'_> {
    /// Whether an `INSTALLED_APPS` entry of the known part is one of `apps` / under a prefix.
    fn has_app(&self, apps: &[String], prefixes: &[String]) -> bool {
        self.apps.known.iter().any(|a| {
            apps.iter().any(|x| *x == a.entry || *x == a.name)
                || prefixes
                    .iter()
                    .any(|p| a.entry.starts_with(p.as_str()) || a.name.starts_with(p.as_str()))
        })
    }

    /// Whether a model module imports from one of `packages`.
    fn imports(&self, packages: &[String]) -> bool {
        let under = |m: &str| packages.iter().any(|p| crate::index::in_package(m, p));
        self.modules.iter().any(|module| {
            module.index.star_imports.iter().any(|m| under(m))
                || module.index.bindings.values().any(|b| match b {
                    crate::index::Binding::Import(crate::index::ImportTarget::Module(m), _) => {
                        under(m)
                    }
                    crate::index::Binding::Import(
                        crate::index::ImportTarget::Member { module: m, .. },
                        _,
                    ) => under(m),
                    _ => false,
                })
        })
    }

    fn pin(&self, distributions: &[String], packages: &[String]) -> Option<(Version, String)> {
        distributions.iter().find_map(|d| {
            let package = packages.first().map_or(d.as_str(), String::as_str);
            crate::versions::for_project(self.project, d, package)
        })
    }

    /// Whether the project uses the library: its app is installed, a model module imports it,
    /// or (when part of `INSTALLED_APPS` cannot be read, so the app may be there) it is
    /// pinned and a role could bind. With the app list fully known and the library absent from it and from the
    /// model modules, its code does not run: no pin file is read (most projects use none of
    /// the libraries; they pay a look at the settings and the parsed modules).
    pub fn uses(&self, e: &Entry) -> bool {
        let known = entries()
            .iter()
            .position(|x| std::ptr::eq(x, e))
            .and_then(|i| self.uses_known.get(i));
        match known {
            Some(cell) => *cell.get_or_init(|| self.find_uses(e)),
            None => self.find_uses(e),
        }
    }

    fn find_uses(&self, e: &Entry) -> bool {
        let h = e.head();
        if !h.gate_settings.is_empty()
            && !h
                .gate_settings
                .iter()
                .any(|s| self.settings.get(s).is_some())
        {
            return false;
        }
        h.always_used
            || self.has_app(&h.apps, &h.app_prefixes)
            || self.imports(&h.packages)
            || (self.apps.unknown.is_some()
                && self.pin(&h.distributions, &h.packages).is_some()
                && self.could_bind_any(&h.roles))
    }

    /// Whether a role can bind: its setting is set or a model module's text names one of its
    /// classes (a subclass or a `through=` call names it; a subclass of a project base defined
    /// outside the model modules is missed: silence). Asked after the pin: the run's pin files
    /// are read and indexed once (`versions::Pins`), so a library's pin is a lookup, where this
    /// searches every model module's text (aleksis-core, whose app list is partly unknown,
    /// searched them for each library it does not pin: 2.6 % of its instructions, issue 13).
    fn could_bind_any(&self, roles: &[RoleHead]) -> bool {
        let set = |names: &[String]| names.iter().any(|n| self.settings.get(n).is_some());
        if roles.iter().any(|r| set(&r.settings)) {
            return true;
        }
        // Every role's class names in one automaton, each module's text read once: django-oscar
        // has 41 roles, and a search per role read every module 41 times.
        let mut names: Vec<&str> = roles
            .iter()
            .flat_map(|r| r.subclass_of.iter().chain(&r.through_of))
            .filter_map(|q| q.rsplit('.').next())
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            return false;
        }
        let texts: Vec<&[u8]> = self
            .modules
            .iter()
            .map(|m| m.file.text.as_bytes())
            .collect();
        any_name_in(&texts, &names)
    }

    /// The library version the project runs (its pin, else the newest release read). Read
    /// once a role has bound a model.
    pub fn usage(&self, c: &LibraryContract) -> Usage {
        match self.pin(&c.distributions, &c.packages) {
            Some((version, file)) => Usage {
                version,
                pinned_by: Some(file),
            },
            None => Usage {
                version: c.newest,
                pinned_by: None,
            },
        }
    }

    /// Whether a consumer library is certainly installed (its app, or a pin).
    pub fn consumer_installed(&self, consumer: &Consumer) -> bool {
        consumer.always
            || self.has_app(&consumer.apps, &[])
            || consumer
                .distribution
                .as_ref()
                .is_some_and(|d| crate::versions::pinned(self.project, d).is_some())
    }

    /// The project models playing `role`.
    pub fn bind(&self, c: &LibraryContract, role: &Role) -> Vec<Bound> {
        let mut out: Vec<Bound> = Vec::new();
        if let Some(setting) = &role.setting
            && let Some(b) = self.bind_setting(c, setting)
        {
            out.push(b);
        }
        if !role.subclass_of.is_empty() || !role.through_of.is_empty() {
            let bases: Vec<&str> = role.subclass_of.iter().map(String::as_str).collect();
            let calls: Vec<&str> = role.through_of.iter().map(String::as_str).collect();
            for module in self.modules {
                for index in 0..module.index.classes.len() {
                    let class = ClassRef {
                        module: module.clone(),
                        index,
                    };
                    if !bases.is_empty()
                        && !self.is_library_class(&class, &bases)
                        && self.resolver.derives_from(&class, &bases)
                    {
                        push_class(&mut out, class.clone(), None);
                    }
                    for through in self.throughs(&class, &calls) {
                        push_class(&mut out, through, None);
                    }
                }
            }
        }
        out.retain(|b| self.concrete_and_installed(&b.class));
        out
    }

    /// A class that is itself one of `bases` (a project that holds the library's source).
    fn is_library_class(&self, class: &ClassRef, bases: &[&str]) -> bool {
        bases.contains(&class.qualname().as_str())
    }

    /// Classes passed as `through=` to a call of `calls` in `class`'s body.
    fn throughs(&self, class: &ClassRef, calls: &[&str]) -> Vec<ClassRef> {
        if calls.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for m in &class.info().members {
            let MemberKind::Value { value, .. } = &m.kind else {
                continue;
            };
            let ExprKind::Call { func, .. } = &value.kind else {
                continue;
            };
            let callee = self.resolver.resolve_expr(&class.module, func).qualname();
            if !callee.is_some_and(|q| calls.contains(&q.as_str())) {
                continue;
            }
            let Some(through) = value.keyword("through") else {
                continue;
            };
            if let Some(c) = self.class_of_to(&class.module, &through.value) {
                out.push(c);
            }
        }
        out
    }

    /// The model class a setting names, when it is a project model.
    fn bind_setting(&self, c: &LibraryContract, s: &SettingRef) -> Option<Bound> {
        let (value, via) = self.setting_value(c, s)?;
        let class = match s.format {
            SettingFormat::Label => {
                let (label, model) = value.split_once('.')?;
                // A library's model (`auth.User`): not the project's, and no graph is needed.
                if !self
                    .apps
                    .known
                    .iter()
                    .any(|a| a.in_project && a.label == label)
                {
                    return None;
                }
                let graph = self.graph.get();
                let id = graph.by_label(label, model)?;
                graph.model(id).class()?.clone()
            }
            SettingFormat::DottedPath => {
                let (module, name) = value.rsplit_once('.')?;
                let module = self.project.module(module)?;
                match self.resolver.resolve_name(&module, name) {
                    Symbol::Class(c) => c,
                    _ => return None,
                }
            }
        };
        Some(Bound {
            class,
            setting: Some(via),
        })
    }

    /// A setting's string value (inside its dict, or a legacy top-level name the project's
    /// version reads), with the statement that sets it.
    pub fn setting_value(
        &self,
        c: &LibraryContract,
        s: &SettingRef,
    ) -> Option<(String, SettingValue)> {
        if let Some(v) = self.settings.get(&s.name) {
            match (&s.dict_key, &v.value) {
                (None, Value::Str(text)) => return Some((text.clone(), v.clone())),
                (Some(key), Value::Dict(items)) => {
                    let found = items.iter().find(|(k, _)| k.as_str() == Some(key.as_str()));
                    if let Some((_, Value::Str(text))) = found {
                        return Some((text.clone(), v.clone()));
                    }
                }
                _ => {}
            }
        }
        let (text, v) = s.legacy.iter().find_map(|name| {
            let v = self.settings.get(name)?;
            Some((v.value.as_str()?.to_string(), v.clone()))
        })?;
        // Set, but read only by older releases: a pin must show one.
        if let Some(until) = s.legacy_until {
            let (version, _) = self.pin(&c.distributions, &c.packages)?;
            if version > until {
                return None;
            }
        }
        Some((text, v))
    }

    /// Whether Django registers the class as a model: concrete (not abstract, not a proxy) and
    /// its app certainly installed.
    fn concrete_and_installed(&self, class: &ClassRef) -> bool {
        let graph = self.graph.get();
        if let Some(id) = graph.of_class(class) {
            let m = graph.model(id);
            return !m.is_abstract && !m.proxy && m.installed == Some(true);
        }
        // A class the graph does not list as a model (its library base is not recognisable as
        // one): its own Meta and its module's app decide.
        if let Some(meta) = &class.info().meta {
            for flag in ["abstract", "proxy"] {
                match meta
                    .attrs
                    .get(flag)
                    .map(|e| Lit::eval(self.resolver, &class.module, e))
                {
                    None | Some(Lit::Bool(false)) => {}
                    _ => return false,
                }
            }
            if meta.attrs.contains_key("app_label") {
                return false;
            }
        }
        let Some(app) = crate::settings::app_of_module(self.project, &class.module.name) else {
            return false;
        };
        self.apps.known.iter().any(|a| a.label == app.label)
    }

    /// The project class a relation's `to` (or a `through=`) names: a class, `"Model"` in the
    /// same module, or `"app_label.Model"` of the graph. `None`: cannot be told.
    pub fn class_of_to(&self, module: &Arc<SourceModule>, expr: &Expr) -> Option<ClassRef> {
        match self.resolver.resolve_expr(module, expr) {
            Symbol::Class(c) => return Some(c),
            Symbol::External(_) | Symbol::Module(_) => return None,
            _ => {}
        }
        let text = self.resolver.string_value(module, expr)?;
        match text.split_once('.') {
            None => match self.resolver.resolve_name(module, &text) {
                Symbol::Class(c) => Some(c),
                _ => None,
            },
            Some((label, model)) => {
                let graph = self.graph.get();
                let id = graph.by_label(label, model)?;
                graph.model(id).class().cloned()
            }
        }
    }

    /// The `app_label.Model` a relation's `to` names: a string as written, a project model's
    /// label, or an embedded library model's.
    pub fn label_of_to(&self, module: &Arc<SourceModule>, expr: &Expr) -> Option<String> {
        let graph = self.graph.get();
        match self.resolver.resolve_expr(module, expr) {
            Symbol::Class(c) => return graph.model(graph.of_class(&c)?).label(),
            Symbol::External(q) => return graph.model(graph.of_qualname(&q)?).label(),
            _ => {}
        }
        let text = self.resolver.string_value(module, expr)?;
        text.contains('.').then_some(text)
    }
}

fn push_class(out: &mut Vec<Bound>, class: ClassRef, setting: Option<SettingValue>) {
    if !out.iter().any(|b| b.class.same(&class)) {
        out.push(Bound { class, setting });
    }
}

/// A project model playing a role.
#[derive(Clone, Debug)]
pub struct Bound {
    pub class: ClassRef,
    /// The setting that names it, when bound by a setting.
    pub setting: Option<SettingValue>,
}

/// A relation as the project declares it.
#[derive(Clone, Debug)]
pub struct Decl {
    /// The class whose body holds the declaration (the model or a project base).
    pub owner: ClassRef,
    pub name: String,
    pub name_span: Span,
    pub call: Arc<Expr>,
    /// The Django field class (`ForeignKey`, or what a library's field class subclasses).
    pub kind_name: String,
    pub kind: Option<RelKind>,
    pub related_name: Arg,
    pub related_query_name: Arg,
}

impl Decl {
    /// Where the field call starts.
    pub fn call_span(&self) -> Span {
        self.call.span
    }
    /// The span of a keyword argument's value, when written.
    pub fn keyword_span(&self, name: &str) -> Option<Span> {
        self.call.keyword(name).map(|k| k.value.span)
    }
    /// The `to` argument.
    pub fn to(&self) -> Option<&Expr> {
        match &self.call.kind {
            ExprKind::Call { args, .. } => args
                .first()
                .or_else(|| self.call.keyword("to").map(|k| &k.value)),
            _ => None,
        }
    }
    /// The `on_delete` argument.
    pub fn on_delete(&self) -> Option<&Expr> {
        match &self.call.kind {
            ExprKind::Call { args, .. } => args
                .get(1)
                .or_else(|| self.call.keyword("on_delete").map(|k| &k.value)),
            _ => None,
        }
    }
}

/// How a model gets a field of a given name.
#[derive(Debug)]
pub enum Lookup {
    /// Declared in the project (the model or a project base) by a field call.
    Declared(Box<Decl>),
    /// Not in the project's classes: inherited from the library, or absent.
    NotInProject,
    /// A project class binds the name to something else (a property, a constant).
    Other,
}

impl Env<'_> {
    /// The declaration of `field` that `class` ends up with, in method resolution order; the
    /// first library class met ends the search (its field wins over later project mixins).
    pub fn lookup(&self, contract: &LibraryContract, class: &ClassRef, field: &str) -> Lookup {
        for ancestor in self.resolver.mro(class) {
            let Ancestor::Project(c) = ancestor else {
                return Lookup::NotInProject;
            };
            let Some(member) = c.info().member(field) else {
                continue;
            };
            return match self.decl(contract, &c, member) {
                Some(d) => Lookup::Declared(Box::new(d)),
                None => Lookup::Other,
            };
        }
        Lookup::NotInProject
    }

    /// Every relation declared in `class`'s own body and its project bases.
    pub fn relations(&self, contract: &LibraryContract, class: &ClassRef) -> Vec<Decl> {
        let mut seen: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for ancestor in self.resolver.mro(class) {
            let Ancestor::Project(c) = ancestor else {
                break;
            };
            for member in c.info().members.iter().rev() {
                if seen.contains(&member.name) {
                    continue;
                }
                seen.push(member.name.clone());
                if let Some(d) = self.decl(contract, &c, member)
                    && d.kind.is_some()
                {
                    out.push(d);
                }
            }
        }
        out
    }

    fn decl(
        &self,
        contract: &LibraryContract,
        owner: &ClassRef,
        member: &crate::index::Member,
    ) -> Option<Decl> {
        let MemberKind::Value { value, .. } = &member.kind else {
            return None;
        };
        let ExprKind::Call { func, .. } = &value.kind else {
            return None;
        };
        let module = &owner.module;
        let qualnames: Vec<String> = match self.resolver.resolve_expr(module, func) {
            Symbol::External(q) => vec![q],
            Symbol::Class(c) => self
                .resolver
                .mro(&c)
                .into_iter()
                .filter_map(|a| match a {
                    Ancestor::External(q) => Some(q),
                    Ancestor::Project(_) => None,
                })
                .collect(),
            _ => func.dotted().into_iter().collect(),
        };
        let kind_name = qualnames.iter().find_map(|q| {
            if let Some(k) = contract.field_classes.get(q) {
                return Some(k.clone());
            }
            let last = q.rsplit('.').next()?;
            (last.ends_with("Field") || last == "ForeignKey").then(|| last.to_string())
        })?;
        let arg = |name: &str| {
            value.keyword(name).map_or(Arg::Absent, |k| {
                Lit::eval(self.resolver, module, &k.value).to_arg()
            })
        };
        Some(Decl {
            owner: owner.clone(),
            name: member.name.clone(),
            name_span: member.name_span,
            call: value.clone(),
            kind: rel_kind(&kind_name),
            kind_name,
            related_name: arg("related_name"),
            related_query_name: arg("related_query_name"),
        })
    }

    /// The reverse names Django computes for `decl` contributed to the concrete model `class`;
    /// `None` when the model's app label or `Meta.default_related_name` cannot be told.
    pub fn reverse_names(&self, class: &ClassRef, decl: &Decl) -> Option<ReverseNames> {
        let kind = decl.kind?;
        let graph = self.graph.get();
        let (app_label, default_related_name) = match graph.of_class(class) {
            Some(id) => {
                let m = graph.model(id);
                (m.app_label.clone(), m.meta.arg("default_related_name"))
            }
            None => (
                crate::settings::app_of_module(self.project, &class.module.name).map(|a| a.label),
                self.default_related_name(class)?,
            ),
        };
        let to_literal = decl
            .to()
            .and_then(|e| self.resolver.string_value(&decl.owner.module, e));
        let names = names::reverse_names(&names::NameInputs {
            kind,
            field_name: &decl.name,
            class_name: &class.info().name,
            app_label: app_label.as_deref(),
            related_name: &decl.related_name,
            related_query_name: &decl.related_query_name,
            default_related_name: &default_related_name,
            to_literal: to_literal.as_deref(),
            symmetrical: None,
            targets_self: Some(false),
        });
        Some(names)
    }

    /// `Meta.default_related_name` of a class the graph does not list, from the project's
    /// classes: the first `Meta` met in method resolution order decides (an abstract parent's
    /// `Meta` is inherited when the child declares none); a library class ends the search with
    /// none set (the contracts' abstract models set none: read in each library's source).
    fn default_related_name(&self, class: &ClassRef) -> Option<Arg> {
        for ancestor in self.resolver.mro(class) {
            let Ancestor::Project(c) = ancestor else {
                return Some(Arg::Absent);
            };
            let Some(meta) = &c.info().meta else {
                continue;
            };
            return match meta.attrs.get("default_related_name") {
                Some(e) => Some(Lit::eval(self.resolver, &c.module, e).to_arg()),
                None if meta.bases.is_empty() => Some(Arg::Absent),
                None => None,
            };
        }
        Some(Arg::Absent)
    }

    /// Whether `class` or a project class it derives from defines one of `names`.
    pub fn defines_any(&self, class: &ClassRef, names: &[String]) -> bool {
        !names.is_empty()
            && self.resolver.mro(class).iter().any(|a| match a {
                Ancestor::Project(c) => names.iter().any(|n| c.info().member(n).is_some()),
                Ancestor::External(_) => false,
            })
    }

    /// The graph model of a bound class.
    pub fn model_of(&self, class: &ClassRef) -> Option<(&Graph, ModelId)> {
        let graph = self.graph.get();
        Some((graph, graph.of_class(class)?))
    }
}

/// The relation kind of a Django field class name.
fn rel_kind(kind: &str) -> Option<RelKind> {
    if kind.ends_with("ForeignKey") {
        Some(RelKind::ForeignKey)
    } else if kind.ends_with("OneToOneField") {
        Some(RelKind::OneToOne)
    } else if kind.ends_with("ManyToManyField") {
        Some(RelKind::ManyToMany)
    } else {
        None
    }
}

/// Whether an item applies to the version the project runs.
pub fn applies(version: Version, since: Option<Version>, until: Option<Version>) -> bool {
    in_range(version, since, until)
}

/// Whether one of `texts` holds one of `names` (sorted, not empty), whatever the number of
/// names and the length of the texts.
fn any_name_in(texts: &[&[u8]], names: &[&str]) -> bool {
    // Names that share a prefix (django-oscar's 41 all start with `Abstract`): every
    // occurrence of a name starts with one of the prefix, so a search for the prefix and a
    // look at the names where it occurs answers without building an automaton.
    let prefix = common_prefix(names);
    if prefix.len() >= 4 {
        let finder = memchr::memmem::Finder::new(prefix);
        return texts.iter().any(|text| {
            finder
                .find_iter(text)
                .any(|at| names.iter().any(|n| text[at..].starts_with(n.as_bytes())))
        });
    }
    let search_each = || {
        texts.iter().any(|text| {
            names
                .iter()
                .any(|n| memchr::memmem::find(text, n.as_bytes()).is_some())
        })
    };
    // Little text: a search per name, where building an automaton (40 µs for django-taggit's
    // names) took longer than the searches.
    let length: usize = texts.iter().map(|t| t.len()).sum();
    if names.len() * length <= 1 << 20 {
        return search_each();
    }
    // An NFA: built in microseconds, where the default (a DFA for so few names) took a tenth
    // of a millisecond per library, longer than the searches it speeds up.
    let automaton = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(names);
    match automaton {
        Ok(names) => texts.iter().any(|text| names.is_match(text)),
        // Built from a few dozen short names, it cannot fail; a search per name if it did.
        Err(_) => search_each(),
    }
}

/// The longest prefix all of `names` share (bytes).
fn common_prefix<'a>(names: &[&'a str]) -> &'a [u8] {
    let Some((first, rest)) = names.split_first() else {
        return &[];
    };
    let mut len = first.len();
    for n in rest {
        len = first
            .bytes()
            .zip(n.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    &first.as_bytes()[..len]
}

#[cfg(test)]
mod tests;
