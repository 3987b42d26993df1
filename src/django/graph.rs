//! Building the model graph: which classes are models, their app labels, fields (own and
//! copied from abstract parents), `Meta`, swapping, each relation's target model and reverse
//! names, and the reverse-name table per target model.
//!
//! Field inheritance follows `ModelBase.__new__` (django/db/models/base.py:258-336, Django
//! 5.2.19): an abstract parent's fields are copied into the child unless the child declares
//! that name itself, as a field or as any other attribute (`name = None` removes a field:
//! `field.name not in new_class.__dict__`, :317), or a non-model class earlier in the MRO
//! defines it (`inherited_attributes`, :262); a concrete parent's fields are not copied (the
//! child reaches them through the `<parent>_ptr` one-to-one link Django adds, :282-300).
//! Relations are resolved with `scope_model` the model the field is contributed to
//! (`resolve_relation`, fields/related.py:45-70): `"self"` is that model, a bare `"Model"` is in
//! its app.

use std::collections::{BTreeMap, BTreeSet};

// A fast hash: the keys are class and module names, looked up for every base and relation.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::contract::Version;
use crate::index::{Member, MemberKind};
use crate::project::{Project, SourceModule};
use crate::resolve::{Ancestor, ClassRef, Resolver, Symbol};
use crate::settings::{self, Apps, Settings, Value};
use crate::syntax::{Expr, ExprKind, Span};

use super::Lit;
use super::builtin::{self, BuiltinField, BuiltinModel};
use super::meta::{self, Meta, MetaAttr, MetaOrigin};
use super::names::{self, Arg, NameInputs, RelKind, ReverseNames};

/// What the graph is built from.
pub struct Inputs<'p> {
    pub project: &'p Project,
    /// `None`: no settings module (installed apps and swaps unknown).
    pub settings: Option<&'p Settings>,
    pub apps: &'p Apps,
    /// The modules whose classes are candidates (the project's model modules and what they
    /// import); base classes in other modules are followed through the resolver.
    pub modules: Vec<Arc<SourceModule>>,
    /// Which Django the embedded library models describe.
    pub django: Version,
    /// A run about a few files: the graph needs only what their diagnostics depend on.
    pub focus: Option<Focus>,
}

/// A run whose inputs are a few explicit files (an editor's run on save): only diagnostics
/// whose primary location is in `files` are wanted, so of the models modules Django registers
/// only those that can matter to one are parsed (see [`Graph::build`]).
#[derive(Clone, Debug, Default)]
pub struct Focus {
    /// The files whose diagnostics are wanted.
    pub files: BTreeSet<PathBuf>,
    /// The models modules Django registers that are not among `Inputs::modules` (not parsed
    /// yet), by name and path.
    pub candidates: Vec<(String, PathBuf)>,
}

/// A graph built on first use: holding one costs nothing until a rule asks for it.
pub struct LazyGraph<'p> {
    inputs: Inputs<'p>,
    cell: OnceLock<Graph>,
}

impl<'p> LazyGraph<'p> {
    pub fn new(inputs: Inputs<'p>) -> Self {
        LazyGraph {
            inputs,
            cell: OnceLock::new(),
        }
    }
    pub fn get(&self) -> &Graph {
        self.cell.get_or_init(|| Graph::build(&self.inputs))
    }
    /// Whether a rule has asked for the graph yet.
    pub fn is_built(&self) -> bool {
        self.cell.get().is_some()
    }
    /// What the graph is built from (the settings and installed apps the rules may consult).
    pub fn inputs(&self) -> &Inputs<'p> {
        &self.inputs
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModelId(pub usize);

#[derive(Clone, Debug)]
pub enum ModelSource {
    Project(ClassRef),
    Builtin(&'static BuiltinModel),
}

/// Whether Django swaps the model out (`Options.swapped`, django/db/models/options.py:414-439).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Swapped {
    No,
    /// Swapped out for the model the setting names (its value as written).
    For(String),
    /// The setting (or the model's app label) cannot be told.
    Unknown(String),
}

#[derive(Clone, Debug)]
pub struct Model {
    /// The class name (`_meta.object_name`).
    pub name: String,
    pub source: ModelSource,
    /// `Meta.app_label` (inherited as `Meta` is), else the installed app's label.
    pub app_label: Option<String>,
    /// Whether Django registers it: its app label is an installed app's. `None`: unknown.
    pub installed: Option<bool>,
    pub is_abstract: bool,
    pub proxy: bool,
    pub meta: Meta,
    pub swapped: Swapped,
    /// Own fields and those copied from abstract parents, each once.
    pub fields: Vec<Field>,
    /// Inherited fields that a non-field attribute of the class takes away (`name = None`).
    pub removed: Vec<String>,
    /// Concrete model bases (multi-table inheritance, or the proxied model).
    pub parents: Vec<ModelId>,
    pub abstract_bases: Vec<ModelId>,
    /// False when a base could not be resolved or is a library model the tool cannot see: the
    /// model may have fields (and relations) the graph does not list.
    pub complete: bool,
}

impl Model {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
    /// `_meta.model_name`.
    pub fn model_name(&self) -> String {
        self.name.to_lowercase()
    }
    /// `app_label.ModelName`, when the app label is known.
    pub fn label(&self) -> Option<String> {
        Some(format!("{}.{}", self.app_label.as_deref()?, self.name))
    }
    pub fn class(&self) -> Option<&ClassRef> {
        match &self.source {
            ModelSource::Project(c) => Some(c),
            ModelSource::Builtin(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    /// The field class (`CharField`, `ForeignKey`, a subclass's Django ancestor).
    pub kind: String,
    pub origin: FieldOrigin,
    pub relation: Option<Relation>,
}

#[derive(Clone, Debug)]
pub enum FieldOrigin {
    /// `name = <call>` in `class`.
    Project {
        class: ClassRef,
        name_span: Span,
        call: Arc<Expr>,
        /// The qualified name the call's callee resolves to in `class`'s module (what the
        /// field's kind was found from): the rules that judge only Django's own field classes
        /// read it here rather than resolve the callee again, once per rule (issue 13).
        callee: Option<String>,
    },
    Builtin {
        model: &'static BuiltinModel,
        field: &'static BuiltinField,
    },
    /// The `<parent>_ptr` one-to-one field Django adds for multi-table inheritance.
    ParentLink,
    /// The `id` field Django adds to a model without a primary key (`Options._prepare`,
    /// options.py; `DEFAULT_AUTO_FIELD` decides its class, so `kind` is `AutoField`).
    AutoPrimaryKey,
}

#[derive(Clone, Debug)]
pub struct Relation {
    pub kind: RelKind,
    pub target: Target,
    pub via: TargetVia,
    pub related_name: Arg,
    pub related_query_name: Arg,
    /// `symmetrical=` as written.
    pub symmetrical: Option<bool>,
    pub parent_link: bool,
    /// The reverse names, on concrete models only (Django computes them in
    /// `contribute_to_class` for concrete models, fields/related.py:356).
    pub names: Option<ReverseNames>,
    to: RawTo,
    /// `through=`, resolved as `to` is (with the same scope model); `None` when not given.
    pub through: Option<Target>,
    through_to: Option<RawTo>,
}

/// `to` before resolution.
#[derive(Clone, Debug)]
enum RawTo {
    Expr(Arc<SourceModule>, Expr),
    Label(String),
    /// `settings.<name>` (a library relation to a swappable model).
    Setting(String),
    Model(ModelId),
    Missing,
}

/// What a relation's `to` refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Model(ModelId),
    /// `app_label.Model` naming no model of the graph (not installed, or not read).
    Label {
        label: String,
        model: String,
    },
    Unknown(String),
}

/// How `to` was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetVia {
    Class,
    /// A string (`"app.Model"`, `"Model"`).
    Str(String),
    /// `"self"`.
    SelfRef,
    /// `settings.<NAME>` (a swappable setting such as `AUTH_USER_MODEL`).
    Setting(String),
    Other,
}

/// A relation pointing at a model: the field that creates it and its reverse names.
#[derive(Clone, Debug)]
pub struct ReverseEntry {
    /// The model holding the field.
    pub model: ModelId,
    /// Index into that model's `fields`.
    pub field: usize,
    pub kind: RelKind,
    pub names: ReverseNames,
    pub parent_link: bool,
    /// Whether Django certainly registers this relation: its model is installed, not swapped
    /// out, fully known, and its target is certain.
    pub certain: bool,
}

#[derive(Debug)]
pub struct Graph {
    pub models: Vec<Model>,
    pub django: Version,
    by_class: HashMap<(String, usize), ModelId>,
    by_builtin: HashMap<String, ModelId>,
    /// Reverse entries by the concrete model they point at.
    reverse: BTreeMap<ModelId, Vec<ReverseEntry>>,
}

/// The root of every model class.
const MODEL_ROOTS: &[&str] = &["django.db.models.Model", "django.db.models.base.Model"];

/// Field classes whose names do not end in `Field`.
const OTHER_FIELD_CLASSES: &[&str] = &[
    "ForeignKey",
    "ForeignObject",
    "GenericRelation",
    "GenericForeignKey",
];

/// Bound on base-class recursion.
const MAX_DEPTH: usize = 32;

impl Graph {
    /// The graph of `inputs.modules`; with a focus, of the modules among them and among the
    /// candidates that can matter to a diagnostic in the focus files (`build_focused`).
    pub fn build(inputs: &Inputs) -> Graph {
        match &inputs.focus {
            None => Graph::build_from(inputs, &inputs.modules),
            Some(focus) => Graph::build_focused(inputs, focus),
        }
    }

    /// The graph restricted to what the diagnostics of `focus.files` depend on. A diagnostic
    /// sits on a field whose definition (or, for a field Django adds or copies from a library,
    /// whose model's class) is in a focus file; what decides it is that model (its module,
    /// bases through the resolver), its relation's target with the target's multi-table
    /// ancestors and proxies, and every relation pointing at those. A relation to a model can
    /// only be spelled where its name is written (the class, `"label.Model"`, a swappable
    /// setting naming it, `get_user_model` for the user model), or be copied from an abstract
    /// model into a subclass whose class statement names it. So, from the focus modules, the
    /// candidates whose text mentions such a name are parsed, the graph rebuilt, until no
    /// candidate is added.
    ///
    /// The graph holds a subset of the models of the whole graph, each with the same
    /// properties (installed, swapped, complete, fields, names: all computed from the model's
    /// own class, its bases and the settings). A left-out model can only turn a relation's
    /// target into an unresolved label or take a reverse entry away, so the rules, which report
    /// only certain clashes between entries present, can miss a diagnostic but not add one.
    /// The one whole-graph choice, the model a swappable setting that is not set defaults to,
    /// is made only among library models (`resolve_setting`).
    fn build_focused(inputs: &Inputs, focus: &Focus) -> Graph {
        let project = inputs.project;
        let mut pending: Vec<(String, PathBuf, String)> = focus
            .candidates
            .par_iter()
            .filter_map(|(name, path)| {
                Some((name.clone(), path.clone(), project.source_text(path)?))
            })
            .collect();
        let resolver = Resolver::new(project);
        // The classes of the focus files (parsed as inputs), registered models or not: an
        // abstract one in a helper module is a model only through a subclass elsewhere.
        let own: Vec<ClassRef> = project
            .loaded_modules()
            .into_iter()
            .filter(|m| focus.files.contains(&m.file.path))
            .flat_map(|module| {
                (0..module.index.classes.len()).map(move |index| ClassRef {
                    module: module.clone(),
                    index,
                })
            })
            .collect();
        // Each round adds the models of the modules it loads to those of the rounds before
        // (visiting them does not depend on what comes after), then resolves the relations.
        let mut builder = Builder::new(inputs);
        builder.visit_modules(&inputs.modules);
        loop {
            if pending.is_empty() {
                return builder.into_graph();
            }
            let graph = builder.graph_so_far();
            let (words, bases) = graph.focus_names(inputs, focus, &resolver, &own);

            let (hits, rest): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(_, _, text)| {
                let text = text.as_bytes();
                words
                    .iter()
                    .any(|w| crate::prefilter::mentions_word(text, w.as_bytes()))
                    || bases
                        .iter()
                        .any(|b| crate::prefilter::may_subclass(text, b.as_bytes()))
            });
            pending = rest;
            if hits.is_empty() {
                return graph;
            }
            let loaded: Vec<Arc<SourceModule>> = hits
                .into_par_iter()
                .filter_map(|(name, path, text)| {
                    project.remember_text(path, text);
                    project.module(&name)
                })
                .collect();
            builder.visit_modules(&loaded);
        }
    }

    /// What a candidate module must mention to matter to a diagnostic of the focus files:
    /// `words` (names of the focus relations' targets, their ancestors and proxies, and of the
    /// settings naming them) and `bases` (models a class may derive from to inherit a field
    /// defined in a focus file or a relation to one of those targets).
    fn focus_names(
        &self,
        inputs: &Inputs,
        focus: &Focus,
        resolver: &Resolver,
        own: &[ClassRef],
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let in_focus = |m: &Model, f: &Field| {
            let path = match &f.origin {
                FieldOrigin::Project { class, .. } => &class.module.file.path,
                _ => match m.class() {
                    Some(c) => &c.module.file.path,
                    None => return false,
                },
            };
            focus.files.contains(path)
        };
        let mut words: BTreeSet<String> = BTreeSet::new();
        let mut bases: BTreeSet<String> = BTreeSet::new();
        let mut targets: BTreeSet<ModelId> = BTreeSet::new();
        for m in &self.models {
            let mut touched = m
                .class()
                .is_some_and(|c| focus.files.contains(&c.module.file.path));
            for f in m.fields.iter().filter(|f| in_focus(m, f)) {
                touched = true;
                let Some(rel) = &f.relation else {
                    continue;
                };
                match &rel.target {
                    Target::Model(t) => targets.extend(self.lineage(*t)),
                    Target::Label { model, .. } => {
                        words.insert(model.clone());
                    }
                    Target::Unknown(_) => {
                        if let RawTo::Expr(module, expr) = &rel.to
                            && let Symbol::Class(c) = resolver.resolve_expr(module, expr)
                        {
                            words.insert(c.info().name.clone());
                        }
                    }
                }
                // A `through=` naming no model of the graph yet: the module defining it names it.
                if let Some(Target::Label { model, .. }) = &rel.through {
                    words.insert(model.clone());
                }
            }
            if touched && m.is_abstract {
                bases.insert(m.name.clone());
            }
        }
        // A class of a focus file that is not a concrete model of the graph may be an abstract
        // model whose fields are checked in its subclasses.
        for c in own {
            if self.of_class(c).is_none_or(|id| self.model(id).is_abstract) {
                bases.insert(c.info().name.clone());
            }
        }
        // Proxies of the targets: a relation to one is a relation to its concrete model.
        let proxies: Vec<ModelId> = (0..self.models.len())
            .map(ModelId)
            .filter(|&id| self.model(id).proxy && targets.contains(&self.concrete(id)))
            .collect();
        targets.extend(proxies);
        for &t in &targets {
            let m = self.model(t);
            words.insert(m.name.clone());
            // `"label.model"`: Django compares the model name ignoring case.
            if let Some(label) = &m.app_label {
                words.insert(format!("{label}.{}", m.name.to_lowercase()));
            }
            let mut settings_naming: Vec<String> = Vec::new();
            if let Some(s) = m.meta.get("swappable").and_then(|a| a.value.as_str()) {
                settings_naming.push(s.to_string());
            }
            if let (Some(label), Some(settings)) = (m.label(), inputs.settings) {
                settings_naming.extend(
                    settings
                        .values
                        .iter()
                        .filter(|(_, v)| {
                            v.value
                                .as_str()
                                .is_some_and(|s| s.eq_ignore_ascii_case(&label))
                        })
                        .map(|(k, _)| k.clone()),
                );
            }
            for s in settings_naming {
                if s == "AUTH_USER_MODEL" {
                    words.insert("get_user_model".to_string());
                }
                words.insert(s);
            }
        }
        // Abstract models holding a relation to a target: their subclasses inherit it.
        for m in self.models.iter().filter(|m| m.is_abstract) {
            let relates = m.fields.iter().any(|f| {
                f.relation.as_ref().is_some_and(|r| match &r.target {
                    Target::Model(t) => targets.contains(&self.concrete(*t)),
                    _ => false,
                })
            });
            if relates {
                bases.insert(m.name.clone());
            }
        }
        (words, bases)
    }

    fn build_from(inputs: &Inputs, modules: &[Arc<SourceModule>]) -> Graph {
        let mut builder = Builder::new(inputs);
        builder.visit_modules(modules);
        builder.into_graph()
    }

    fn of(
        models: Vec<Model>,
        django: Version,
        by_class: &HashMap<(String, usize), Option<ModelId>>,
        by_builtin: HashMap<String, ModelId>,
    ) -> Graph {
        let mut graph = Graph {
            models,
            django,
            by_class: by_class
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), (*v)?)))
                .collect(),
            by_builtin,
            reverse: BTreeMap::new(),
        };
        graph.reverse = graph.reverse_table();
        graph
    }

    pub fn model(&self, id: ModelId) -> &Model {
        &self.models[id.0]
    }

    /// The model a project class defines.
    pub fn of_class(&self, class: &ClassRef) -> Option<ModelId> {
        self.by_class
            .get(&(class.module.name.clone(), class.index))
            .copied()
    }

    /// A library model by qualified name (`django.contrib.auth.models.User`).
    pub fn of_qualname(&self, qualname: &str) -> Option<ModelId> {
        let m = builtin::data().by_qualname(qualname, self.django)?;
        self.by_builtin
            .get(&crate::index::dotted(&m.module, &m.name))
            .copied()
    }

    /// The concrete model `app_label.Model` names, as `apps.get_model` finds it (the model
    /// name compared ignoring case); an installed one first.
    pub fn by_label(&self, label: &str, model: &str) -> Option<ModelId> {
        lookup(&self.models, label, model)
    }

    /// The model's concrete model: a proxy's proxied model, else itself.
    pub fn concrete(&self, id: ModelId) -> ModelId {
        let mut current = id;
        for _ in 0..MAX_DEPTH {
            let m = self.model(current);
            match (m.proxy, m.parents.first()) {
                (true, Some(p)) => current = *p,
                _ => break,
            }
        }
        current
    }

    /// The concrete model and its multi-table ancestors, nearest first.
    fn lineage(&self, id: ModelId) -> Vec<ModelId> {
        let mut out = vec![self.concrete(id)];
        let mut i = 0;
        while let Some(&m) = out.get(i) {
            for &p in &self.model(m).parents {
                let p = self.concrete(p);
                if !out.contains(&p) && out.len() < MAX_DEPTH {
                    out.push(p);
                }
            }
            i += 1;
        }
        out
    }

    /// Every relation pointing at `target` (through a proxy: at its concrete model), including
    /// those pointing at its multi-table parents, whose reverse relations it inherits (parent
    /// links aside: `Options._get_fields`, options.py).
    pub fn reverse_relations(&self, target: ModelId) -> Vec<&ReverseEntry> {
        let lineage = self.lineage(target);
        let mut out = Vec::new();
        for (i, m) in lineage.iter().enumerate() {
            for e in self.reverse.get(m).into_iter().flatten() {
                if i == 0 || !e.parent_link {
                    out.push(e);
                }
            }
        }
        out
    }

    /// The reverse entry of `model`'s field `field` (a relation to `target`), as
    /// [`Graph::reverse_relations`] of `target` lists it: an entry is kept under the concrete
    /// model its relation points at, which that list begins with.
    pub fn reverse_entry(
        &self,
        target: ModelId,
        model: ModelId,
        field: usize,
    ) -> Option<&ReverseEntry> {
        self.reverse
            .get(&self.concrete(target))?
            .iter()
            .find(|e| e.model == model && e.field == field)
    }

    /// The relations Django compares in its clash checks (`_meta.related_objects`,
    /// options.py:610-630): hidden ones only when many-to-many (their generated names).
    pub fn clash_candidates(&self, target: ModelId) -> Vec<&ReverseEntry> {
        self.reverse_relations(target)
            .into_iter()
            .filter(|e| e.names.hidden != Some(true) || e.kind == RelKind::ManyToMany)
            .collect()
    }

    /// The fields Django compares reverse names with (`rel_opts.fields + many_to_many`): the
    /// concrete model's and its multi-table parents'.
    pub fn fields_with_parents(&self, target: ModelId) -> Vec<(ModelId, &Field)> {
        self.lineage(target)
            .into_iter()
            .flat_map(|m| self.model(m).fields.iter().map(move |f| (m, f)))
            .collect()
    }

    /// The field a reverse entry comes from.
    pub fn entry_field(&self, e: &ReverseEntry) -> &Field {
        &self.model(e.model).fields[e.field]
    }

    fn reverse_table(&self) -> BTreeMap<ModelId, Vec<ReverseEntry>> {
        let mut table: BTreeMap<ModelId, Vec<ReverseEntry>> = BTreeMap::new();
        for (i, m) in self.models.iter().enumerate() {
            // Abstract models have no reverse relations; swapped-out models are left out of
            // the relation tree (`apps.get_models()` excludes them) and get no descriptor
            // (fields/related.py:934).
            if m.is_abstract || matches!(m.swapped, Swapped::For(_)) || m.installed == Some(false) {
                continue;
            }
            for (fi, f) in m.fields.iter().enumerate() {
                let Some(rel) = &f.relation else {
                    continue;
                };
                let (Target::Model(t), Some(names)) = (&rel.target, &rel.names) else {
                    continue;
                };
                let certain = m.installed == Some(true)
                    && m.swapped == Swapped::No
                    && m.complete
                    && self.model(*t).installed == Some(true)
                    && names.hidden.is_some();
                table
                    .entry(self.concrete(*t))
                    .or_default()
                    .push(ReverseEntry {
                        model: ModelId(i),
                        field: fi,
                        kind: rel.kind,
                        names: names.clone(),
                        parent_link: rel.parent_link,
                        certain,
                    });
            }
        }
        table
    }
}

fn lookup(models: &[Model], label: &str, model: &str) -> Option<ModelId> {
    let matches = |m: &Model| {
        !m.is_abstract
            && m.app_label.as_deref() == Some(label)
            && m.name.eq_ignore_ascii_case(model)
    };
    models
        .iter()
        .position(|m| matches(m) && m.installed == Some(true))
        .or_else(|| models.iter().position(matches))
        .map(ModelId)
}

/// A base contributing to a model's fields, in base order.
enum Source {
    Model(ModelId),
    /// A class that is not a model: its attributes hide the fields of later bases (shared:
    /// a mixin is a base of many models, its attributes listed once, see `mixin_attributes`).
    Mixin(Arc<[String]>),
}

struct Builder<'a, 'p> {
    inputs: &'a Inputs<'p>,
    resolver: Resolver<'p>,
    models: Vec<Model>,
    /// `None`: visited, not a model.
    by_class: HashMap<(String, usize), Option<ModelId>>,
    by_builtin: HashMap<String, ModelId>,
    in_progress: HashSet<(String, usize)>,
    /// The attributes of each non-model base met so far (see `mixin_attributes`).
    mixins: HashMap<(String, usize), Arc<[String]>>,
}

impl<'a, 'p> Builder<'a, 'p> {
    /// A builder holding Django's own models (those of `inputs.django`).
    fn new(inputs: &'a Inputs<'p>) -> Self {
        let mut b = Builder {
            inputs,
            resolver: Resolver::new(inputs.project),
            models: Vec::new(),
            by_class: HashMap::default(),
            by_builtin: HashMap::default(),
            in_progress: HashSet::default(),
            mixins: HashMap::default(),
        };
        for m in &builtin::data().models {
            if m.exists_in(inputs.django) {
                b.visit_builtin(m, 0);
            }
        }
        b
    }

    /// Phase 1 for `modules`: the models their classes define, in order.
    fn visit_modules(&mut self, modules: &[Arc<SourceModule>]) {
        for module in modules {
            for index in 0..module.index.classes.len() {
                self.visit(
                    &ClassRef {
                        module: module.clone(),
                        index,
                    },
                    0,
                );
            }
        }
    }

    /// The graph of the models visited so far; the builder can visit more.
    fn graph_so_far(&mut self) -> Graph {
        self.resolve_relations();
        Graph::of(
            self.models.clone(),
            self.inputs.django,
            &self.by_class,
            self.by_builtin.clone(),
        )
    }

    fn into_graph(mut self) -> Graph {
        self.resolve_relations();
        Graph::of(
            self.models,
            self.inputs.django,
            &self.by_class,
            self.by_builtin,
        )
    }
}

impl Builder<'_, '_> {
    fn visit(&mut self, class: &ClassRef, depth: usize) -> Option<ModelId> {
        let key = (class.module.name.clone(), class.index);
        if let Some(known) = self.by_class.get(&key) {
            return *known;
        }
        if depth > MAX_DEPTH || !self.in_progress.insert(key.clone()) {
            return None;
        }
        let found = self.visit_new(class, depth);
        self.in_progress.remove(&key);
        self.by_class.insert(key, found);
        found
    }

    fn visit_new(&mut self, class: &ClassRef, depth: usize) -> Option<ModelId> {
        let info = class.info();
        let mut is_model = false;
        let mut complete = true;
        let mut sources = Vec::new();
        let mut model_bases = Vec::new();
        for base in &info.bases {
            match self.resolver.resolve_expr(&class.module, base) {
                Symbol::Class(c) => match self.visit(&c, depth + 1) {
                    Some(id) => {
                        is_model = true;
                        complete &= self.models[id.0].complete;
                        model_bases.push(id);
                        sources.push(Source::Model(id));
                    }
                    None => sources.push(Source::Mixin(self.mixin_attributes(&c))),
                },
                Symbol::External(q) if MODEL_ROOTS.contains(&q.as_str()) => is_model = true,
                Symbol::External(q) => {
                    if let Some(m) = builtin::data().by_qualname(&q, self.inputs.django) {
                        let id = self.visit_builtin(m, depth + 1);
                        is_model = true;
                        model_bases.push(id);
                        sources.push(Source::Model(id));
                    } else if !q.starts_with("django.") && q.split('.').any(|p| p == "models") {
                        // A library's model the tool cannot see (`wagtail.models.Page`). Django's
                        // own non-model classes there (`Manager`, `TextChoices`, field classes)
                        // are not models.
                        is_model = true;
                        complete = false;
                    }
                }
                _ => complete = false,
            }
        }
        if !is_model {
            return None;
        }
        let is_abstract = info
            .meta
            .as_ref()
            .and_then(|m| m.attrs.get("abstract"))
            .is_some_and(|e| Lit::eval(&self.resolver, &class.module, e) == Lit::Bool(true));
        let mut meta = {
            let by_class = &self.by_class;
            let models = &self.models;
            let concrete = |c: &ClassRef| {
                by_class
                    .get(&(c.module.name.clone(), c.index))
                    .copied()
                    .flatten()
                    .is_some_and(|id| !models[id.0].is_abstract)
            };
            meta::project_meta(&self.resolver, self.inputs.django, class, &concrete)
        };
        // base.py:179-186: `base_meta` is the first model base's `_meta`.
        if !is_abstract
            && let Some(&first) = model_bases.first()
            && !self.models[first.0].is_abstract
        {
            for name in ["ordering", "get_latest_by"] {
                if !meta.attrs.contains_key(name)
                    && let Some(a) = self.models[first.0].meta.get(name)
                {
                    let value = a.value.clone();
                    meta.attrs.insert(
                        name.to_string(),
                        MetaAttr {
                            value,
                            origin: MetaOrigin::Parent(first),
                        },
                    );
                }
            }
        }
        let proxy = meta.bool("proxy") == Some(true);
        let (app_label, installed) = match meta.get("app_label").map(|a| &a.value) {
            Some(Lit::Str(label)) => (Some(label.clone()), self.label_installed(label)),
            Some(_) => (None, None),
            None => self.app_of_module(&class.module.name),
        };

        // Own members: a later binding of a name replaces an earlier one.
        let mut own: Vec<&Member> = Vec::new();
        for m in &info.members {
            own.retain(|o| o.name != m.name);
            own.push(m);
        }
        let mut fields = Vec::new();
        let mut attributes = Vec::new();
        for m in own {
            match self.field_of(class, m) {
                Some(f) => fields.push(f),
                None => attributes.push(m.name.clone()),
            }
        }
        let (fields, removed) = self.inherit(fields, &attributes, &sources);
        let parents: Vec<ModelId> = model_bases
            .iter()
            .copied()
            .filter(|id| !self.models[id.0].is_abstract)
            .collect();
        let abstract_bases = model_bases
            .iter()
            .copied()
            .filter(|id| self.models[id.0].is_abstract)
            .collect();
        let mut model = Model {
            name: info.name.clone(),
            source: ModelSource::Project(class.clone()),
            app_label,
            installed,
            is_abstract,
            proxy,
            meta,
            swapped: Swapped::No,
            fields,
            removed,
            parents,
            abstract_bases,
            complete,
        };
        add_parent_links(&mut model, &self.models);
        add_auto_primary_key(&mut model, &self.resolver);
        Some(self.push(model))
    }

    fn push(&mut self, mut model: Model) -> ModelId {
        model.swapped = self.swapped(&model);
        self.models.push(model);
        ModelId(self.models.len() - 1)
    }

    fn visit_builtin(&mut self, m: &'static BuiltinModel, depth: usize) -> ModelId {
        let key = crate::index::dotted(&m.module, &m.name);
        if let Some(id) = self.by_builtin.get(&key) {
            return *id;
        }
        let v = self.inputs.django;
        let mut sources = Vec::new();
        let mut model_bases = Vec::new();
        for base in &m.bases {
            if let Some(b) = builtin::data().by_qualname(base, v)
                && depth < MAX_DEPTH
            {
                let id = self.visit_builtin(b, depth + 1);
                model_bases.push(id);
                sources.push(Source::Model(id));
            }
        }
        let fields = m
            .fields_in(v)
            .map(|f| Field {
                name: f.name.clone(),
                kind: f.kind.clone(),
                origin: FieldOrigin::Builtin { model: m, field: f },
                relation: relation_kind(&f.kind).map(|kind| Relation {
                    kind,
                    target: Target::Unknown(String::new()),
                    via: match &f.setting {
                        Some(s) => TargetVia::Setting(s.clone()),
                        None => TargetVia::Str(f.to.clone().unwrap_or_default()),
                    },
                    related_name: f.related_name.clone().map_or(Arg::Absent, Arg::Str),
                    related_query_name: f.related_query_name.clone().map_or(Arg::Absent, Arg::Str),
                    symmetrical: f.symmetrical,
                    parent_link: false,
                    names: None,
                    to: match (&f.setting, &f.to) {
                        (Some(s), _) => RawTo::Setting(s.clone()),
                        (None, Some(to)) => RawTo::Label(to.clone()),
                        (None, None) => RawTo::Missing,
                    },
                    through: None,
                    through_to: None,
                }),
            })
            .collect();
        let attributes: Vec<String> = m.attributes_in(v).map(|a| a.name.clone()).collect();
        let (fields, removed) = self.inherit(fields, &attributes, &sources);
        let installed = match self.inputs.settings {
            None => None,
            Some(_) if self.inputs.apps.known.iter().any(|a| a.name == m.app()) => Some(true),
            Some(_) if self.inputs.apps.unknown.is_some() => None,
            Some(_) => Some(false),
        };
        let meta = meta::builtin_meta(v, m);
        let model = Model {
            name: m.name.clone(),
            source: ModelSource::Builtin(m),
            app_label: Some(m.app_label.clone()),
            installed,
            is_abstract: m.is_abstract,
            proxy: meta.bool("proxy") == Some(true),
            meta,
            swapped: Swapped::No,
            fields,
            removed,
            parents: model_bases
                .iter()
                .copied()
                .filter(|id| !self.models[id.0].is_abstract)
                .collect(),
            abstract_bases: model_bases
                .iter()
                .copied()
                .filter(|id| self.models[id.0].is_abstract)
                .collect(),
            complete: true,
        };
        let mut model = model;
        add_auto_primary_key(&mut model, &self.resolver);
        let id = self.push(model);
        self.by_builtin.insert(key, id);
        id
    }

    /// Own fields plus the abstract parents' fields the class does not hide (base.py:307-325).
    fn inherit(
        &self,
        own: Vec<Field>,
        attributes: &[String],
        sources: &[Source],
    ) -> (Vec<Field>, Vec<String>) {
        // Borrowed names: a model's attributes are its methods too, a hundred on a large one,
        // and copying them into the sets was a fifth of the graph's build (issue 13).
        let mut names: HashSet<&str> = own.iter().map(|f| f.name.as_str()).collect();
        let mut hidden: HashSet<&str> = attributes.iter().map(String::as_str).collect();
        let mut removed = Vec::new();
        let mut inherited = Vec::new();
        for source in sources {
            match source {
                Source::Mixin(attrs) => hidden.extend(attrs.iter().map(String::as_str)),
                Source::Model(id) => {
                    let parent = &self.models[id.0];
                    if !parent.is_abstract {
                        continue;
                    }
                    for f in &parent.fields {
                        if names.contains(f.name.as_str()) {
                            continue;
                        }
                        if hidden.contains(f.name.as_str()) {
                            if attributes.contains(&f.name) && !removed.contains(&f.name) {
                                removed.push(f.name.clone());
                            }
                            continue;
                        }
                        names.insert(f.name.as_str());
                        inherited.push(f.clone());
                    }
                }
            }
        }
        drop(names);
        // Inherited copies keep their creation order, which precedes the child's own fields.
        inherited.extend(own);
        (inherited, removed)
    }

    /// The attribute names a non-model project class (and its project ancestors) defines, once
    /// per class: a mixin is a base of many models (aleksis-core's `ExtensibleModel` mixins).
    fn mixin_attributes(&mut self, class: &ClassRef) -> Arc<[String]> {
        let key = (class.module.name.clone(), class.index);
        if let Some(known) = self.mixins.get(&key) {
            return known.clone();
        }
        let attrs: Arc<[String]> = self
            .resolver
            .mro(class)
            .iter()
            .filter_map(|a| match a {
                Ancestor::Project(c) => Some(c.info().members.iter().map(|m| m.name.clone())),
                Ancestor::External(_) => None,
            })
            .flatten()
            .collect();
        self.mixins.insert(key, attrs.clone());
        attrs
    }

    /// `name = <field class>(...)`, as a field.
    fn field_of(&self, class: &ClassRef, member: &Member) -> Option<Field> {
        let MemberKind::Value { value, .. } = &member.kind else {
            return None;
        };
        let ExprKind::Call {
            func,
            args,
            keywords: _,
        } = &value.kind
        else {
            return None;
        };
        let symbol = self.resolver.resolve_expr(&class.module, func);
        let kind = match &symbol {
            Symbol::External(q) => field_class(q),
            Symbol::Class(c) => self.resolver.mro(c).iter().find_map(|a| match a {
                Ancestor::External(q) => field_class(q),
                Ancestor::Project(_) => None,
            }),
            // An unresolvable callee: its spelling (`fields.CharField`).
            _ => func.dotted().and_then(|d| field_class(&d)),
        }?;
        let callee = symbol.qualname();
        let module = &class.module;
        let kw = |name: &str| value.keyword(name).map(|k| &k.value);
        let relation = relation_kind(&kind).map(|rk| {
            let to = args.first().or_else(|| kw("to"));
            let arg = |name: &str| {
                kw(name).map_or(Arg::Absent, |e| {
                    Lit::eval(&self.resolver, module, e).to_arg()
                })
            };
            let flag = |name: &str| match kw(name).map(|e| Lit::eval(&self.resolver, module, e)) {
                Some(Lit::Bool(b)) => Some(b),
                _ => None,
            };
            Relation {
                kind: rk,
                target: Target::Unknown(String::new()),
                via: TargetVia::Other,
                related_name: arg("related_name"),
                related_query_name: arg("related_query_name"),
                symmetrical: flag("symmetrical"),
                parent_link: flag("parent_link") == Some(true),
                names: None,
                to: to.map_or(RawTo::Missing, |e| RawTo::Expr(module.clone(), e.clone())),
                through: None,
                through_to: kw("through").map(|e| RawTo::Expr(module.clone(), e.clone())),
            }
        });
        Some(Field {
            name: member.name.clone(),
            kind,
            origin: FieldOrigin::Project {
                class: class.clone(),
                name_span: member.name_span,
                call: value.clone(),
                callee,
            },
            relation,
        })
    }

    /// The label of the installed app holding `module`, and whether it is installed.
    fn app_of_module(&self, module: &str) -> (Option<String>, Option<bool>) {
        let project = self.inputs.project;
        let Some(_) = self.inputs.settings else {
            return (
                settings::app_of_module(project, module).map(|a| a.label),
                None,
            );
        };
        let apps = self.inputs.apps;
        let known = apps
            .known
            .iter()
            .filter(|a| crate::index::in_package(module, &a.name))
            .max_by_key(|a| a.name.len());
        match known {
            Some(a) => (Some(a.label.clone()), Some(true)),
            // Among the entries that could not be read, perhaps, under its package's label.
            None if apps.unknown.is_some() => (
                settings::app_of_module(project, module).map(|a| a.label),
                None,
            ),
            None => (None, Some(false)),
        }
    }

    fn label_installed(&self, label: &str) -> Option<bool> {
        self.inputs.settings?;
        if self.inputs.apps.known.iter().any(|a| a.label == label) {
            Some(true)
        } else if self.inputs.apps.unknown.is_some() {
            None
        } else {
            Some(false)
        }
    }

    /// `Options.swapped` (options.py:414-439).
    fn swapped(&self, model: &Model) -> Swapped {
        let Some(attr) = model.meta.get("swappable") else {
            return Swapped::No;
        };
        let Lit::Str(setting) = &attr.value else {
            return Swapped::Unknown("Meta.swappable is not a string".to_string());
        };
        let Some(settings) = self.inputs.settings else {
            return Swapped::Unknown("no settings module was found".to_string());
        };
        let value = match settings.get(setting).map(|v| &v.value) {
            // Not set in the project, but a library's base settings (a star import from
            // outside it) may set it.
            None if settings.maybe_set_elsewhere().is_some() => {
                return Swapped::Unknown(unset_but_maybe_elsewhere(settings, setting));
            }
            None | Some(Value::None) => return Swapped::No,
            Some(Value::Str(s)) if s.is_empty() => return Swapped::No,
            Some(Value::Str(s)) => s,
            Some(Value::Unknown(reason)) => return Swapped::Unknown(reason.clone()),
            Some(other) => {
                return Swapped::Unknown(format!("{setting} is {}", other.describe()));
            }
        };
        let Some(label) = &model.app_label else {
            return Swapped::Unknown("the model's app label is not known".to_string());
        };
        match value.split('.').collect::<Vec<_>>().as_slice() {
            [l, m] if *l == label && m.to_lowercase() == model.model_name() => Swapped::No,
            _ => Swapped::For(value.clone()),
        }
    }

    /// Phase 2: every relation's target, then the reverse names of concrete models' relations.
    fn resolve_relations(&mut self) {
        for i in 0..self.models.len() {
            let id = ModelId(i);
            let mut resolved = Vec::new();
            for (fi, f) in self.models[i].fields.iter().enumerate() {
                let Some(rel) = &f.relation else {
                    continue;
                };
                let (target, via, literal) = self.resolve_to(id, &rel.to);
                let names = (!self.models[i].is_abstract).then(|| {
                    let m = &self.models[i];
                    names::reverse_names(&NameInputs {
                        kind: rel.kind,
                        field_name: &f.name,
                        class_name: &m.name,
                        app_label: m.app_label.as_deref(),
                        related_name: &rel.related_name,
                        related_query_name: &rel.related_query_name,
                        default_related_name: &m.meta.arg("default_related_name"),
                        to_literal: literal.as_deref(),
                        symmetrical: rel.symmetrical,
                        targets_self: match &target {
                            Target::Model(t) => Some(*t == id),
                            Target::Label { .. } => Some(false),
                            Target::Unknown(_) => None,
                        },
                    })
                });
                let through = rel.through_to.as_ref().map(|t| self.resolve_to(id, t).0);
                resolved.push((fi, target, via, names, through));
            }
            for (fi, target, via, names, through) in resolved {
                if let Some(rel) = self.models[i].fields[fi].relation.as_mut() {
                    rel.target = target;
                    rel.via = via;
                    rel.names = names;
                    rel.through = through;
                }
            }
        }
    }

    /// What `to` refers to, with `scope` the model the field belongs to; the string as written.
    fn resolve_to(&self, scope: ModelId, to: &RawTo) -> (Target, TargetVia, Option<String>) {
        match to {
            RawTo::Missing => (
                Target::Unknown("the relation has no `to`".to_string()),
                TargetVia::Other,
                None,
            ),
            RawTo::Model(id) => (Target::Model(*id), TargetVia::Class, None),
            RawTo::Setting(name) => (
                self.resolve_setting(name),
                TargetVia::Setting(name.clone()),
                None,
            ),
            RawTo::Label(text) => {
                let (t, v) = self.resolve_string(scope, text);
                (t, v, Some(text.clone()))
            }
            RawTo::Expr(module, expr) => {
                if let ExprKind::Attribute { value, attr } = &expr.kind
                    && self
                        .resolver
                        .resolve_expr(module, value)
                        .qualname()
                        .as_deref()
                        == Some("django.conf.settings")
                {
                    return (
                        self.resolve_setting(attr),
                        TargetVia::Setting(attr.clone()),
                        None,
                    );
                }
                let (_, value) = self.resolver.value_of(module, expr);
                if let Some(text) = value.as_str() {
                    let (t, v) = self.resolve_string(scope, text);
                    return (t, v, Some(text.to_string()));
                }
                let target = match self.resolver.resolve_expr(module, expr) {
                    Symbol::Class(c) => match self
                        .by_class
                        .get(&(c.module.name.clone(), c.index))
                        .copied()
                        .flatten()
                    {
                        Some(id) => Target::Model(id),
                        None => Target::Unknown(format!("`{}` is not a model", c.qualname())),
                    },
                    Symbol::External(q) => {
                        match builtin::data()
                            .by_qualname(&q, self.inputs.django)
                            .and_then(|m| {
                                self.by_builtin
                                    .get(&crate::index::dotted(&m.module, &m.name))
                            }) {
                            Some(id) => Target::Model(*id),
                            None => {
                                Target::Unknown(format!("`{q}` is a class the tool cannot see"))
                            }
                        }
                    }
                    _ => Target::Unknown("`to` cannot be evaluated".to_string()),
                };
                let via = if matches!(target, Target::Unknown(_)) {
                    TargetVia::Other
                } else {
                    TargetVia::Class
                };
                (target, via, None)
            }
        }
    }

    /// `"self"`, `"app_label.Model"` or `"Model"` (in the scope model's app).
    fn resolve_string(&self, scope: ModelId, text: &str) -> (Target, TargetVia) {
        if text == "self" {
            return (Target::Model(scope), TargetVia::SelfRef);
        }
        let via = TargetVia::Str(text.to_string());
        let parts: Vec<&str> = text.split('.').collect();
        let (label, model) = match parts.as_slice() {
            [label, model] => (label.to_string(), model.to_string()),
            [model] => match &self.models[scope.0].app_label {
                Some(label) => (label.clone(), model.to_string()),
                None => {
                    return (
                        Target::Unknown("the model's app label is not known".to_string()),
                        via,
                    );
                }
            },
            _ => {
                return (
                    Target::Unknown(format!("`{text}` is not of the form app_label.Model")),
                    via,
                );
            }
        };
        let target = match lookup(&self.models, &label, &model) {
            Some(id) => Target::Model(id),
            None => Target::Label { label, model },
        };
        (target, via)
    }

    /// `settings.NAME`: the model the setting names; unset, the model that declares it as its
    /// `Meta.swappable` (Django's default for the setting is that model, e.g. `auth.User`).
    fn resolve_setting(&self, name: &str) -> Target {
        let Some(settings) = self.inputs.settings else {
            return Target::Unknown("no settings module was found".to_string());
        };
        match settings.get(name).map(|v| &v.value) {
            Some(Value::Str(text)) => match text.split('.').collect::<Vec<_>>().as_slice() {
                [label, model] => match lookup(&self.models, label, model) {
                    Some(id) => Target::Model(id),
                    None => Target::Label {
                        label: label.to_string(),
                        model: model.to_string(),
                    },
                },
                _ => Target::Unknown(format!("{name} `{text}` is not app_label.Model")),
            },
            Some(Value::Unknown(reason)) => Target::Unknown(reason.clone()),
            Some(other) => Target::Unknown(format!("{name} is {}", other.describe())),
            None if settings.maybe_set_elsewhere().is_some() => {
                Target::Unknown(unset_but_maybe_elsewhere(settings, name))
            }
            // With a focus, only among library models: the first project model declaring it
            // may be one the focused graph does not hold.
            None => self
                .models
                .iter()
                .position(|m| {
                    !m.is_abstract
                        && (self.inputs.focus.is_none()
                            || matches!(m.source, ModelSource::Builtin(_)))
                        && m.meta.get("swappable").and_then(|a| a.value.as_str()) == Some(name)
                })
                .map_or_else(
                    || Target::Unknown(format!("{name} is not set")),
                    |i| Target::Model(ModelId(i)),
                ),
        }
    }
}

/// Why a setting the project does not set is unknown all the same: something the evaluator cannot
/// read (a library's base settings, star-imported) may set it.
fn unset_but_maybe_elsewhere(settings: &Settings, name: &str) -> String {
    match settings.maybe_set_elsewhere().map(|v| &v.value) {
        Some(Value::Unknown(why)) => {
            format!("{name} is not set in the project's settings, and {why}")
        }
        _ => format!("{name} is not set in the project's settings, and may be set elsewhere"),
    }
}

/// The `<parent>_ptr` links Django adds to a multi-table child (base.py:282-300), unless the
/// class declares a `parent_link=True` one-to-one field itself.
fn add_parent_links(model: &mut Model, models: &[Model]) {
    if model.proxy || model.is_abstract {
        return;
    }
    for &p in &model.parents {
        let declared = model.fields.iter().any(|f| {
            f.relation
                .as_ref()
                .is_some_and(|r| r.parent_link && r.kind == RelKind::OneToOne)
        });
        if declared {
            continue;
        }
        let name = format!("{}_ptr", models[p.0].model_name());
        model.fields.push(Field {
            name,
            kind: "OneToOneField".to_string(),
            origin: FieldOrigin::ParentLink,
            relation: Some(Relation {
                kind: RelKind::OneToOne,
                target: Target::Model(p),
                via: TargetVia::Class,
                related_name: Arg::Absent,
                related_query_name: Arg::Absent,
                symmetrical: None,
                parent_link: true,
                names: None,
                to: RawTo::Model(p),
                through: None,
                through_to: None,
            }),
        });
    }
}

/// Django's `id` primary key, for a concrete model whose fields declare none and that has no
/// concrete parent (a multi-table child's key is its parent link; a proxy has its model's).
fn add_auto_primary_key(model: &mut Model, resolver: &Resolver) {
    if model.is_abstract || model.proxy || !model.parents.is_empty() {
        return;
    }
    let declared = model.fields.iter().any(|f| match &f.origin {
        FieldOrigin::Project { class, call, .. } => call
            .keyword("primary_key")
            .is_some_and(|k| Lit::eval(resolver, &class.module, &k.value) == Lit::Bool(true)),
        FieldOrigin::Builtin { field, .. } => field.primary_key,
        _ => false,
    });
    if declared || model.field("id").is_some() {
        return;
    }
    model.fields.insert(
        0,
        Field {
            name: "id".to_string(),
            kind: "AutoField".to_string(),
            origin: FieldOrigin::AutoPrimaryKey,
            relation: None,
        },
    );
}

/// The field class a callee's qualified name (or spelling) names, if it is one.
fn field_class(qualname: &str) -> Option<String> {
    let last = qualname.rsplit('.').next()?;
    (last.ends_with("Field") || OTHER_FIELD_CLASSES.contains(&last)).then(|| last.to_string())
}

/// The relation kind of a field class. Subclasses in libraries keep their Django base's name
/// as a suffix (`TreeForeignKey`, `SortedManyToManyField`).
fn relation_kind(kind: &str) -> Option<RelKind> {
    // A GenericForeignKey is a private attribute pair, not a relation with a reverse side.
    if kind == "GenericForeignKey" {
        None
    } else if kind.ends_with("ForeignKey") {
        Some(RelKind::ForeignKey)
    } else if kind.ends_with("OneToOneField") {
        Some(RelKind::OneToOne)
    } else if kind.ends_with("ManyToManyField") {
        Some(RelKind::ManyToMany)
    } else if kind == "ForeignObject" {
        Some(RelKind::ForeignObject)
    } else if kind == "GenericRelation" {
        Some(RelKind::GenericRelation)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
