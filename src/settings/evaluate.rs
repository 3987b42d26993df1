//! The settings' values, evaluated statically: statements run over a namespace (imports, star
//! imports, assignments, `+=`, list methods, `if` branches as a union, class bodies of
//! django-configurations, split-settings `include()`), expressions evaluated to [`Value`]s.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashSet as HashSet;

use super::*;
use crate::project::{Project, SourceModule};
use crate::resolve::Resolver;
use crate::syntax::{self, ClassDef, Expr, ExprKind, Span, Stmt};

/// Evaluates the settings module `module`. With `configuration` (django-configurations'
/// `DJANGO_CONFIGURATION`, from the entry points or the test configuration when `None` is
/// given), the attributes of that class are the settings.
pub fn load_settings(project: &Project, discovery: &Discovery) -> Option<Settings> {
    let Discovery::Found {
        module,
        found_by,
        choice,
    } = discovery
    else {
        return None;
    };
    let m = project.module(module)?;
    let mut values = Namespace::new();
    let mut stack = Vec::new();
    Evaluator { project }.run_module(&m, &mut values, &mut stack);
    let mut settings = Settings {
        module: module.clone(),
        found_by: found_by.clone(),
        values: values
            .into_iter()
            .map(|(k, v)| (k.to_string(), Arc::unwrap_or_clone(v)))
            .collect(),
        choice: choice.clone(),
        unclear: None,
    };
    apply_configuration(project, &mut settings);
    Some(settings)
}

/// django-configurations: the settings are the attributes of the class `DJANGO_CONFIGURATION`
/// names (over the module's own names); with no name, the one configuration class that no
/// other derives from; else the settings cannot be told.
pub(super) fn apply_configuration(project: &Project, settings: &mut Settings) {
    let classes: Vec<Arc<ClassValue>> = settings
        .values
        .values()
        .filter_map(|v| match &v.value {
            Value::Class(c) if c.configuration => Some(c.clone()),
            _ => None,
        })
        .collect();
    if classes.is_empty() {
        return;
    }
    let named = entry_findings(project)
        .configuration
        .or_else(|| test_config_findings(&project.root).1);
    let leaves: Vec<&Arc<ClassValue>> = classes
        .iter()
        .filter(|c| !classes.iter().any(|o| o.ancestors.contains(&c.name)))
        .collect();
    let chosen = match &named {
        Some(name) => classes.iter().find(|c| &c.name == name),
        None => match leaves.as_slice() {
            [only] => Some(*only),
            _ => None,
        },
    };
    let Some(class) = chosen else {
        let reason = match &named {
            Some(name) => format!(
                "DJANGO_CONFIGURATION names `{name}`, which is not a configuration class of `{}`",
                settings.module
            ),
            None => format!(
                "`{}` holds several django-configurations classes and DJANGO_CONFIGURATION is not set where the tool looks (manage.py, wsgi.py, asgi.py, pytest and tox configuration)",
                settings.module
            ),
        };
        settings.unclear = Some(Unclear {
            reason,
            origin: None,
            candidates: leaves
                .iter()
                .map(|c| format!("{}.{}", settings.module, c.name))
                .collect(),
        });
        return;
    };
    settings.choice = Some(match &named {
        Some(_) => format!(
            "django-configurations class `{}` (DJANGO_CONFIGURATION)",
            class.name
        ),
        None => format!(
            "django-configurations class `{}`, the only one no other class derives from",
            class.name
        ),
    });
    for (k, v) in &class.attrs {
        settings.values.insert(k.clone(), v.clone());
    }
}

pub(super) struct Evaluator<'p> {
    project: &'p Project,
}

/// The names a module's statements set. Values are shared: the undo log of an `if`'s arm
/// keeps the values it replaced, a class body starts from a copy of the names, and the merge
/// after an `if` tells an unchanged name by identity instead of by comparing values.
#[derive(Default)]
pub(super) struct Namespace {
    names: BTreeMap<Name, Arc<SettingValue>>,
    /// While the arms of `if` statements run (the innermost last): each name an arm set, with
    /// the value it had before, so that the next arm starts from the names as they were. An
    /// arm used to run on a copy of the names, and a settings module holds hundreds of them
    /// for the few an `if` sets: the copies were most of aleksis-core's evaluation (issue 13).
    undo: Vec<Vec<(Name, Option<Arc<SettingValue>>)>>,
}

impl Clone for Namespace {
    /// The names; a copy runs no arm yet.
    fn clone(&self) -> Self {
        Namespace {
            names: self.names.clone(),
            undo: Vec::new(),
        }
    }
}

impl IntoIterator for Namespace {
    type Item = (Name, Arc<SettingValue>);
    type IntoIter = std::collections::btree_map::IntoIter<Name, Arc<SettingValue>>;
    fn into_iter(self) -> Self::IntoIter {
        self.names.into_iter()
    }
}

impl Namespace {
    pub(super) fn new() -> Self {
        Self::default()
    }

    pub(super) fn get(&self, name: &str) -> Option<&Arc<SettingValue>> {
        self.names.get(name)
    }

    pub(super) fn contains_key(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    pub(super) fn insert(&mut self, name: Name, value: Arc<SettingValue>) {
        if let Some(log) = self.undo.last_mut() {
            log.push((name.clone(), self.names.get(&name).cloned()));
        }
        self.names.insert(name, value);
    }

    /// The value of `name`, to change in place (`Arc::make_mut`): within an arm, the value it
    /// had is kept aside (shared, so the change is made on a copy).
    pub(super) fn get_mut(&mut self, name: &str) -> Option<&mut Arc<SettingValue>> {
        if let Some(log) = self.undo.last_mut()
            && let Some((k, v)) = self.names.get_key_value(name)
        {
            log.push((k.clone(), Some(v.clone())));
        }
        self.names.get_mut(name)
    }

    pub(super) fn remove(&mut self, name: &str) -> Option<Arc<SettingValue>> {
        let (k, v) = self.names.remove_entry(name)?;
        if let Some(log) = self.undo.last_mut() {
            log.push((k, Some(v.clone())));
        }
        Some(v)
    }

    /// Starts an arm of an `if`: what it sets is undone by [`Namespace::end_arm`].
    fn begin_arm(&mut self) {
        self.undo.push(Vec::new());
    }

    /// Ends the arm begun last: the names it set, with their values at its end; the names are
    /// back to what they were when it began.
    fn end_arm(&mut self) -> BTreeMap<Name, Arc<SettingValue>> {
        let log = self.undo.pop().unwrap_or_default();
        let mut set = BTreeMap::new();
        for (name, _) in &log {
            if let Some(v) = self.names.get(name) {
                set.insert(name.clone(), v.clone());
            }
        }
        // Undone in reverse, straight on the names: the arm around this one (if any) sees no
        // change from it.
        for (name, before) in log.into_iter().rev() {
            match before {
                Some(v) => self.names.insert(name, v),
                None => self.names.remove(&name),
            };
        }
        set
    }
}

/// A name in a [`Namespace`]: shared with the undo logs and the copies made for class bodies.
pub(super) type Name = Arc<str>;

/// Module-level names that may be changed by what the evaluator cannot see into, with why.
impl Evaluator<'_> {
    fn run_module(&self, m: &Arc<SourceModule>, ns: &mut Namespace, stack: &mut Vec<String>) {
        if stack.contains(&m.name) || stack.len() > 16 {
            return;
        }
        stack.push(m.name.clone());
        self.run_body(m, &m.syntax.body, ns, stack);
        stack.pop();
    }

    fn run_body(
        &self,
        m: &Arc<SourceModule>,
        body: &[Stmt],
        ns: &mut Namespace,
        stack: &mut Vec<String>,
    ) {
        for stmt in body {
            match stmt {
                Stmt::ImportFrom {
                    module,
                    level,
                    names,
                    ..
                } => {
                    let Some(abs) = crate::index::absolute_module(
                        &m.name,
                        m.is_package,
                        *level,
                        module.as_deref(),
                    ) else {
                        continue;
                    };
                    let star = names.iter().any(|n| n.name == "*");
                    let Some(source) = self.project.module(&abs) else {
                        // A star import from outside the project (a library's base settings)
                        // may set any name: from here on, a name not set in the project is
                        // unknown rather than absent. (A relative import of a missing module,
                        // `from .local import *` in a `try`, is absent.)
                        if star && *level == 0 {
                            let why = format!(
                                "`from {abs} import *` may set it, and `{abs}` is not part of the project"
                            );
                            ns.insert(
                                OPAQUE.into(),
                                Arc::new(SettingValue {
                                    value: Value::Unknown(why),
                                    module: m.clone(),
                                    stmt_span: stmt_span(stmt),
                                    expr: None,
                                }),
                            );
                        }
                        continue;
                    };
                    if star {
                        self.run_module(&source, ns, stack);
                    } else {
                        let mut other = Namespace::new();
                        self.run_module(&source, &mut other, stack);
                        for n in names {
                            if let Some(v) = other.remove(n.name.as_str()) {
                                ns.insert(n.asname.as_deref().unwrap_or(&n.name).into(), v);
                            }
                        }
                    }
                }
                Stmt::Assign {
                    targets,
                    value: Some(value),
                    span,
                    ..
                } => {
                    let v = self.eval(m, value, ns);
                    for t in targets {
                        if let ExprKind::Name(name) = &t.kind {
                            ns.insert(
                                name.as_str().into(),
                                Arc::new(SettingValue {
                                    value: v.clone(),
                                    module: m.clone(),
                                    stmt_span: *span,
                                    expr: Some(value.clone()),
                                }),
                            );
                        }
                    }
                }
                Stmt::AugAssign {
                    target,
                    is_add,
                    value,
                    span,
                } => {
                    let ExprKind::Name(name) = &target.kind else {
                        continue;
                    };
                    let add = if *is_add {
                        self.eval(m, value, ns)
                    } else {
                        Value::Unknown(format!(
                            "`{name}` is changed by an operator other than `+=`"
                        ))
                    };
                    if !ns.contains_key(name.as_str())
                        && let Some(opaque) = opaque_value(ns)
                    {
                        // `INSTALLED_APPS += [...]` over a library's base settings: the known
                        // entries, after an unknown part.
                        ns.insert(
                            name.as_str().into(),
                            Arc::new(SettingValue {
                                value: concat(&opaque, &add),
                                module: m.clone(),
                                stmt_span: *span,
                                expr: Some(Arc::new(value.clone())),
                            }),
                        );
                        continue;
                    }
                    if let Some(current) = ns.get_mut(name.as_str()).map(Arc::make_mut) {
                        current.value = if *is_add {
                            concat(&current.value, &add)
                        } else {
                            add
                        };
                        // A list built over several statements is shown where it was started.
                        if !matches!(current.value, Value::List(_)) {
                            current.stmt_span = *span;
                            current.module = m.clone();
                        }
                    }
                }
                Stmt::Expr(e) if !self.include(m, e, ns, stack) => self.mutating_call(m, e, ns),
                Stmt::Block(inner) => self.run_body(m, inner, ns, stack),
                Stmt::If { arms, exhaustive } => {
                    // Each arm runs from the names as they are before the statement, which it
                    // leaves as it found them; the way past the statement (no `else`) sets
                    // nothing.
                    let mut ways: Vec<BTreeMap<Name, Arc<SettingValue>>> =
                        Vec::with_capacity(arms.len() + 1);
                    for arm in arms {
                        ns.begin_arm();
                        self.run_body(m, arm, ns, stack);
                        ways.push(ns.end_arm());
                    }
                    if !exhaustive {
                        ways.push(BTreeMap::new());
                    }
                    for (name, value) in merge_branches(&ns.names, &ways) {
                        ns.insert(name, value);
                    }
                }
                Stmt::Class(class) => {
                    let value = self.class_value(m, class, ns, stack);
                    ns.insert(
                        class.name.as_str().into(),
                        Arc::new(SettingValue {
                            value: Value::Class(Arc::new(value)),
                            module: m.clone(),
                            stmt_span: class.header_span,
                            expr: None,
                        }),
                    );
                }
                // A settings name computed by a method (django-configurations' properties).
                Stmt::Function(f) if f.name.starts_with(|c: char| c.is_ascii_uppercase()) => {
                    ns.insert(
                        f.name.as_str().into(),
                        Arc::new(SettingValue {
                            value: Value::Unknown(format!("`{}` is computed by a method", f.name)),
                            module: m.clone(),
                            stmt_span: f.name_span,
                            expr: None,
                        }),
                    );
                }
                _ => {}
            }
        }
    }

    /// A class statement: its body runs over a copy of the module's names; its attributes are
    /// the names its body sets, over those of its bases (a base listed first wins, as in the
    /// MRO of a single-inheritance chain).
    fn class_value(
        &self,
        m: &Arc<SourceModule>,
        class: &ClassDef,
        ns: &Namespace,
        stack: &mut Vec<String>,
    ) -> ClassValue {
        let mut attrs: BTreeMap<String, SettingValue> = BTreeMap::new();
        let mut ancestors = Vec::new();
        let mut configuration = false;
        let resolver = Resolver::new(self.project);
        for base in class.bases.iter().rev() {
            if let ExprKind::Name(n) = &base.kind
                && let Some(Value::Class(c)) = ns.get(n.as_str()).map(|v| &v.value)
            {
                configuration |= c.configuration;
                ancestors.push(c.name.clone());
                ancestors.extend(c.ancestors.iter().cloned());
                attrs.extend(c.attrs.iter().map(|(k, v)| (k.clone(), v.clone())));
                continue;
            }
            let q = resolver
                .resolve_expr(m, base)
                .qualname()
                .unwrap_or_default();
            if q.starts_with("configurations.") && q.ends_with("Configuration") {
                configuration = true;
            }
        }
        let mut local = ns.clone();
        self.run_body(m, &class.body, &mut local, stack);
        for (k, v) in local {
            let inside = Arc::ptr_eq(&v.module, m)
                && v.stmt_span.start >= class.span.start
                && v.stmt_span.end <= class.span.end;
            if inside {
                attrs.insert(k.to_string(), Arc::unwrap_or_clone(v));
            }
        }
        ClassValue {
            name: class.name.clone(),
            attrs,
            configuration,
            ancestors,
        }
    }

    /// django-split-settings' `include("a.py", "components/*.py", optional("local.py"))`: the
    /// files run in order over the same names. Returns whether `e` was such a call.
    fn include(
        &self,
        m: &Arc<SourceModule>,
        e: &Expr,
        ns: &mut Namespace,
        stack: &mut Vec<String>,
    ) -> bool {
        let ExprKind::Call { func, args, .. } = &e.kind else {
            return false;
        };
        let callee = func.dotted().unwrap_or_default();
        if callee != "include" && !callee.ends_with(".include") {
            return false;
        }
        if !m.file.text.contains("split_settings") {
            return false;
        }
        let dir = m
            .file
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut patterns: Vec<Value> = Vec::new();
        for arg in args {
            match &arg.kind {
                ExprKind::Starred(inner) => match self.eval(m, inner, ns) {
                    Value::List(items) => patterns.extend(items),
                    other => patterns.push(other),
                },
                ExprKind::Call {
                    func: inner_func,
                    args: inner,
                    ..
                } if inner_func
                    .dotted()
                    .is_some_and(|d| d == "optional" || d.ends_with(".optional")) =>
                {
                    patterns.extend(inner.iter().map(|a| self.eval(m, a, ns)));
                }
                _ => patterns.push(self.eval(m, arg, ns)),
            }
        }
        for pattern in patterns {
            let Value::Str(pattern) = pattern else {
                continue;
            };
            for file in expand_include(&dir, &pattern) {
                if let Some(module) = self.project.module_at(&file) {
                    self.run_module(&module, ns, stack);
                }
            }
        }
        true
    }

    /// `INSTALLED_APPS.append("x")`, `.extend([...])`, `.insert(0, "x")`, `.remove("x")`.
    fn mutating_call(&self, m: &Arc<SourceModule>, e: &Expr, ns: &mut Namespace) {
        let ExprKind::Call { func, args, .. } = &e.kind else {
            return;
        };
        let ExprKind::Attribute { value, attr } = &func.kind else {
            return;
        };
        let ExprKind::Name(name) = &value.kind else {
            return;
        };
        let items = match (attr.as_str(), args.as_slice()) {
            ("append", [x]) => vec![self.eval(m, x, ns)],
            ("insert", [_, x]) => vec![self.eval(m, x, ns)],
            ("extend", [x]) => match self.eval(m, x, ns) {
                Value::List(items) => items,
                Value::Unknown(reason) => vec![Value::Unknown(reason)],
                other => vec![Value::Unknown(format!(
                    "`{name}` is extended by {}",
                    other.describe()
                ))],
            },
            ("remove", [x]) => {
                let gone = self.eval(m, x, ns);
                if let Some(current) = ns.get_mut(name.as_str())
                    && matches!(current.value, Value::List(_))
                    && let Value::List(items) = &mut Arc::make_mut(current).value
                {
                    items.retain(|i| *i != gone);
                }
                return;
            }
            _ => return,
        };
        if !ns.contains_key(name.as_str())
            && let Some(opaque) = opaque_value(ns)
        {
            ns.insert(
                name.as_str().into(),
                Arc::new(SettingValue {
                    value: concat(&opaque, &Value::List(items)),
                    module: m.clone(),
                    stmt_span: e.span,
                    expr: None,
                }),
            );
            return;
        }
        if let Some(current) = ns.get_mut(name.as_str())
            && matches!(current.value, Value::List(_))
            && let Value::List(list) = &mut Arc::make_mut(current).value
        {
            list.extend(items);
        }
    }

    fn eval(&self, m: &Arc<SourceModule>, e: &Expr, ns: &Namespace) -> Value {
        match &e.kind {
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::NoneLit => Value::None,
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.kind {
                        ExprKind::Starred(inner) => match self.eval(m, inner, ns) {
                            Value::List(more) => out.extend(more),
                            other => out.push(other),
                        },
                        _ => out.push(self.eval(m, item, ns)),
                    }
                }
                Value::List(out)
            }
            ExprKind::Dict(items) => Value::Dict(
                items
                    .iter()
                    .filter_map(|(k, v)| Some((self.eval(m, k.as_ref()?, ns), self.eval(m, v, ns))))
                    .collect(),
            ),
            ExprKind::Add(l, r) => concat(&self.eval(m, l, ns), &self.eval(m, r, ns)),
            ExprKind::IfExp(a, b) => either(self.eval(m, a, ns), self.eval(m, b, ns), e.span, m),
            ExprKind::Comprehension => Value::List(vec![Value::Unknown(format!(
                "a comprehension at {} is not evaluated",
                line_of(m, e.span)
            ))]),
            ExprKind::Name(n) => ns.get(n.as_str()).map_or_else(
                || {
                    opaque_value(ns).unwrap_or_else(|| {
                        Value::Unknown(format!("`{n}` is not defined in the settings"))
                    })
                },
                |v| v.value.clone(),
            ),
            ExprKind::Attribute { value, attr } => match &value.kind {
                ExprKind::Name(n) => match ns.get(n.as_str()).map(|v| &v.value) {
                    Some(Value::Class(c)) => c.attrs.get(attr).map_or_else(
                        || Value::Unknown(format!("`{n}.{attr}` is not set")),
                        |v| v.value.clone(),
                    ),
                    _ => Value::Unknown(format!("`{n}.{attr}` is not evaluated")),
                },
                _ => Value::Unknown("an attribute is not evaluated".to_string()),
            },
            ExprKind::Call {
                func,
                args,
                keywords,
            } => self.eval_call(m, func, args, keywords, ns),
            ExprKind::Interpolated(_) => {
                Value::Unknown("a string built at run time is not evaluated".to_string())
            }
            _ => Value::Unknown(format!(
                "the expression at {} is not evaluated statically",
                line_of(m, e.span)
            )),
        }
    }

    fn eval_call(
        &self,
        m: &Arc<SourceModule>,
        func: &Expr,
        args: &[Expr],
        keywords: &[syntax::Keyword],
        ns: &Namespace,
    ) -> Value {
        let callee = func.dotted().unwrap_or_default();
        let last = callee.rsplit('.').next().unwrap_or("");
        // `list(x)`, `tuple(x)`, `sorted(x)`: the same entries.
        if matches!(callee.as_str(), "list" | "tuple" | "sorted") {
            return match args {
                [x] => self.eval(m, x, ns),
                [] => Value::List(Vec::new()),
                _ => Value::Unknown(format!("a call to `{callee}` is not evaluated")),
            };
        }
        let default = keywords
            .iter()
            .find(|k| k.arg.as_deref() == Some("default"))
            .map(|k| &k.value);
        // django-configurations' `values.Value("default")`, `values.ListValue([...])`.
        if callee.starts_with("values.") && last.ends_with("Value") {
            return match default.or_else(|| args.first()) {
                Some(d) => self.eval(m, d, ns),
                None => Value::Unknown(format!("`{callee}()` has no default")),
            };
        }
        let env_like = matches!(
            callee.as_str(),
            "os.environ.get" | "os.getenv" | "environ.get" | "getenv" | "config"
        ) || callee.starts_with("env");
        if !env_like && last != "get" {
            return Value::Unknown(format!("a call to `{callee}` is not evaluated"));
        }
        let key = args.first().and_then(Expr::as_str).unwrap_or("?");
        match default.or_else(|| args.get(1)) {
            Some(d) => self.eval(m, d, ns),
            None => Value::Unknown(format!(
                "environment variable `{key}` has no default in the settings"
            )),
        }
    }
}

/// The namespace key under which a star import from outside the project is remembered (not a
/// Python name, so no setting can collide with it).
pub(super) const OPAQUE: &str = "*";

/// Why a name not set in the project may still be set (a star import from outside it).
pub(super) fn opaque_value(ns: &Namespace) -> Option<Value> {
    ns.get(OPAQUE).map(|v| v.value.clone())
}

impl Settings {
    /// A setting the project does not set, when something the tool cannot read (a star import
    /// from a library's base settings) may set it: the reason and where.
    pub fn maybe_set_elsewhere(&self) -> Option<&SettingValue> {
        self.values.get(OPAQUE)
    }
}

/// The span of a statement, for diagnostics that point at one (a block has none).
pub(crate) fn stmt_span(stmt: &Stmt) -> Span {
    match stmt {
        Stmt::Import { span, .. }
        | Stmt::ImportFrom { span, .. }
        | Stmt::Assign { span, .. }
        | Stmt::AugAssign { span, .. } => *span,
        Stmt::Expr(e) => e.span,
        Stmt::Class(c) => c.header_span,
        Stmt::Function(f) => f.name_span,
        Stmt::Block(_) | Stmt::If { .. } => Span::default(),
    }
}

/// `path:line` of a span, for reasons.
pub(super) fn line_of(m: &Arc<SourceModule>, span: Span) -> String {
    let row = m.file.location(span.start).row;
    let name = m
        .file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{name}:{row}")
}

/// `a if cond else b`: either value. Two lists are their union (the list may contain any of
/// their entries); equal values are that value; anything else depends on the condition.
pub(super) fn either(a: Value, b: Value, span: Span, m: &Arc<SourceModule>) -> Value {
    match (a, b) {
        (a, b) if a == b => a,
        (Value::List(mut x), Value::List(y)) => {
            for item in y {
                if !x.contains(&item) {
                    x.push(item);
                }
            }
            Value::List(x)
        }
        _ => Value::Unknown(format!(
            "the value depends on the condition at {}",
            line_of(m, span)
        )),
    }
}

/// The ways through an `if`: the names before it, and for each way (each arm, and past the
/// statement when there is no `else`) the names it set.
struct Ways<'a> {
    base: &'a BTreeMap<Name, Arc<SettingValue>>,
    set: &'a [BTreeMap<Name, Arc<SettingValue>>],
}

impl Ways<'_> {
    /// The value of `name` at the end of way `i`.
    fn get(&self, i: usize, name: &str) -> Option<&Arc<SettingValue>> {
        self.set[i].get(name).or_else(|| self.base.get(name))
    }

    fn count(&self) -> usize {
        self.set.len()
    }
}

/// The names an `if` leaves changed, with their values: for each name, its value in every way
/// through the statement, combined by [`either`]. A name set in some ways only is a list of
/// what those set, or else unknown. Every other name keeps its value from before the
/// statement (`base`).
fn merge_branches(
    base: &BTreeMap<Name, Arc<SettingValue>>,
    set: &[BTreeMap<Name, Arc<SettingValue>>],
) -> Vec<(Name, Arc<SettingValue>)> {
    let ways = Ways { base, set };
    // Only the names some way set are combined: a settings module holds hundreds of names and
    // an `if` sets a few.
    let changed = changed_names(&ways);
    let shadows = conditional_shadows(&ways, &changed);
    let count = ways.count();
    let mut updates: Vec<(Name, Arc<SettingValue>)> =
        Vec::with_capacity(changed.len() + shadows.len());
    for name in changed {
        let values: Vec<&Arc<SettingValue>> =
            (0..count).filter_map(|i| ways.get(i, &name)).collect();
        let Some(&first) = values.first() else {
            continue;
        };
        // Combined by reference: a value is cloned only where the ways disagree.
        let mut combined: Option<Value> = None;
        for &v in &values[1..] {
            // The same value, shared since before the statement: no comparison needed.
            if combined.is_none() && Arc::ptr_eq(first, v) {
                continue;
            }
            let current = combined.as_ref().unwrap_or(&first.value);
            if *current == v.value {
                continue;
            }
            let current = combined.take().unwrap_or_else(|| first.value.clone());
            combined = Some(either(current, v.value.clone(), v.stmt_span, &v.module));
        }
        let everywhere = values.len() == count;
        let mut out = first.clone();
        if let Some(value) = combined {
            Arc::make_mut(&mut out).value = value;
        }
        if !everywhere
            && !matches!(
                out.value,
                Value::List(_) | Value::Unknown(_) | Value::Class(_)
            )
        {
            let why = format!(
                "`{name}` is set only under a condition ({})",
                line_of(&out.module, out.stmt_span)
            );
            Arc::make_mut(&mut out).value = Value::Unknown(why);
        }
        updates.push((name, out));
    }
    updates.extend(shadows);
    updates
}

/// The names some way set and that not every way holds as one shared value, in order.
fn changed_names(ways: &Ways) -> Vec<Name> {
    let mut names: Vec<&Name> = ways.set.iter().flat_map(|set| set.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| {
            let first = ways.get(0, name);
            (1..ways.count()).any(|i| match (first, ways.get(i, name)) {
                (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
                _ => true,
            }) || first.is_none()
        })
        .cloned()
        .collect()
}

/// The suffix of the shadow setting that lists, for a list setting, the entries only some ways
/// through an `if` add: `INSTALLED_APPS#conditional` (see [`conditional_entries`]).
pub(super) const CONDITIONAL: &str = "#conditional";

/// Beside each list the branches of an `if` leave different, the entries that are not in every
/// branch's list: the union says what the list *may* contain, this says what it may not. Kept
/// across nested and successive statements (an entry once conditional stays so).
///
/// Only the lists among `changed` (or whose shadow is among them) are looked at: a list every
/// way shares, with a shadow every way shares, keeps that shadow.
fn conditional_shadows(ways: &Ways, changed: &[Name]) -> Vec<(Name, Arc<SettingValue>)> {
    let count = ways.count();
    let mut names: Vec<&str> = changed
        .iter()
        .filter_map(|k| match k.strip_suffix(CONDITIONAL) {
            Some(list) => Some(list),
            None => (!k.contains('#')).then_some(&**k),
        })
        .filter(|k| {
            (0..count).any(|i| matches!(ways.get(i, k).map(|v| &v.value), Some(Value::List(_))))
        })
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        // One list shared by every way (set before the statement): no entry is conditional.
        let shared = (1..count).all(|i| match (ways.get(i - 1, name), ways.get(i, name)) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        });
        let lists: Vec<Option<&Vec<Value>>> = if shared {
            Vec::new()
        } else {
            (0..count)
                .map(|i| match ways.get(i, name).map(|v| &v.value) {
                    Some(Value::List(l)) => Some(l),
                    _ => None,
                })
                .collect()
        };
        let key = format!("{name}{CONDITIONAL}");
        let mut conditional: Vec<Value> = Vec::new();
        for i in 0..count {
            if let Some(Value::List(earlier)) = ways.get(i, &key).map(|v| &v.value) {
                for item in earlier {
                    if !conditional.contains(item) {
                        conditional.push(item.clone());
                    }
                }
            }
        }
        // The lists' strings by hash: INSTALLED_APPS holds a hundred entries, and a search of
        // each list for each entry was quadratic.
        let strings: Vec<Option<HashSet<&str>>> = lists
            .iter()
            .map(|l| l.map(|l| l.iter().filter_map(Value::as_str).collect()))
            .collect();
        let holds = |i: usize, item: &Value| match (lists[i], &strings[i], item.as_str()) {
            (Some(_), Some(set), Some(s)) => set.contains(s),
            (Some(l), _, None) => l.contains(item),
            _ => false,
        };
        for item in lists.iter().flatten().flat_map(|l| l.iter()) {
            let in_every = (0..lists.len()).all(|i| holds(i, item));
            if !in_every && !conditional.contains(item) {
                conditional.push(item.clone());
            }
        }
        if conditional.is_empty() {
            continue;
        }
        let Some(mut shadow) = (0..count).find_map(|i| ways.get(i, name)).cloned() else {
            continue;
        };
        Arc::make_mut(&mut shadow).value = Value::List(conditional);
        out.push((key.into(), shadow));
    }
    out
}

/// The entries of the list setting `name` that only some ways through an `if` add (the list
/// may or may not contain them): `INSTALLED_APPS.append("debug_toolbar")` under `if DEBUG:`.
pub fn conditional_entries(settings: &Settings, name: &str) -> Vec<String> {
    match settings
        .get(&format!("{name}{CONDITIONAL}"))
        .map(|v| &v.value)
    {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// `a + b`: lists and strings joined. A list joined with something unknown keeps its entries
/// and gains an unknown part.
pub(super) fn concat(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::List(x), Value::List(y)) => Value::List(x.iter().chain(y).cloned().collect()),
        (Value::Str(x), Value::Str(y)) => Value::Str(format!("{x}{y}")),
        (Value::List(x), Value::Unknown(reason)) => {
            let mut out = x.clone();
            out.push(Value::Unknown(reason.clone()));
            Value::List(out)
        }
        (Value::Unknown(reason), Value::List(y)) => {
            let mut out = vec![Value::Unknown(reason.clone())];
            out.extend(y.iter().cloned());
            Value::List(out)
        }
        (Value::Unknown(reason), _) | (_, Value::Unknown(reason)) => Value::Unknown(reason.clone()),
        _ => Value::Unknown("a concatenation of values that are not evaluated".to_string()),
    }
}
