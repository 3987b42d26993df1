//! The Django settings of a project, evaluated statically: which module, which values (literals,
//! `os.environ.get(..., default)` defaults, names defined earlier, `from .base import *` chains,
//! `+=` and `.append`), and the installed apps with their labels.
//!
//! Anything that cannot be evaluated is `Value::Unknown` with the reason, so a rule can say what
//! it could not resolve instead of guessing.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::index::ClassInfo;
use crate::index::MemberKind;
use crate::project::{Project, SourceModule};
use crate::resolve::{Resolver, Symbol};
use crate::syntax::{self, Expr, ExprKind, Span, Stmt};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Bool(bool),
    Int(i64),
    None,
    Unknown(String),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A setting's value and the statement that set it.
#[derive(Clone, Debug)]
pub struct SettingValue {
    pub value: Value,
    pub module: Arc<SourceModule>,
    pub stmt_span: Span,
    pub expr: Option<Expr>,
}

#[derive(Debug)]
pub struct Settings {
    pub module: String,
    /// How the settings module was found ("--settings", "manage.py", …).
    pub found_by: String,
    pub values: BTreeMap<String, SettingValue>,
}

impl Settings {
    pub fn get(&self, name: &str) -> Option<&SettingValue> {
        self.values.get(name)
    }
}

#[derive(Clone, Debug)]
pub struct App {
    /// The `INSTALLED_APPS` entry.
    pub entry: String,
    /// The app's package (`AppConfig.name`).
    pub name: String,
    pub label: String,
    /// Whether the app's package is part of the project.
    pub in_project: bool,
}

/// Where `DJANGO_SETTINGS_MODULE` is conventionally set, in the order Django's tooling uses.
fn settings_from_entry_points(project: &Project) -> Option<(String, String)> {
    for path in project.entry_points() {
        // An editor's buffer (stdin) stands for its file here too.
        let Some(text) = project.source_text(&path) else {
            continue;
        };
        if !text.contains("DJANGO_SETTINGS_MODULE") {
            continue;
        }
        let module = syntax::parse(&text);
        let mut found = None;
        syntax::for_each_stmt(&module.body, |stmt| {
            if found.is_some() {
                return;
            }
            found = settings_module_assignment(stmt);
        });
        if let Some(name) = found {
            let rel = path.strip_prefix(&project.root).unwrap_or(&path);
            return Some((name, format!("DJANGO_SETTINGS_MODULE in {}", rel.display())));
        }
    }
    None
}

/// `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")` or
/// `os.environ["DJANGO_SETTINGS_MODULE"] = "x"` (the latter appears as a subscript target, which
/// the syntax view does not keep, so only the call forms are read).
fn settings_module_assignment(stmt: &Stmt) -> Option<String> {
    let Stmt::Expr(Expr {
        kind: ExprKind::Call { func, args, .. },
        ..
    }) = stmt
    else {
        return None;
    };
    let ExprKind::Attribute { attr, .. } = &func.kind else {
        return None;
    };
    if attr != "setdefault" && attr != "putenv" {
        return None;
    }
    match args.as_slice() {
        [key, value, ..] if key.as_str() == Some("DJANGO_SETTINGS_MODULE") => {
            value.as_str().map(str::to_string)
        }
        _ => None,
    }
}

/// Finds the settings module: `--settings`, then `DJANGO_SETTINGS_MODULE` in manage.py / wsgi.py /
/// asgi.py, then, when `conventional` (a project with a manage.py), conventional places
/// (`settings`, `<pkg>.settings`, `config.settings`).
pub fn find_settings_module(
    project: &Project,
    explicit: Option<&str>,
    conventional: bool,
) -> Option<(String, String)> {
    if let Some(name) = explicit {
        return Some((name.to_string(), "--settings".to_string()));
    }
    if let Some(found) = settings_from_entry_points(project)
        && project.has_module(&found.0)
    {
        return Some(found);
    }
    if !conventional {
        return None;
    }
    if project.has_module("settings") {
        return Some((
            "settings".into(),
            "conventional location settings.py".into(),
        ));
    }
    let mut subdirs: Vec<_> = std::fs::read_dir(&project.root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("__init__.py").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    subdirs.sort();
    subdirs.into_iter().find_map(|d| {
        let name = format!("{d}.settings");
        project
            .has_module(&name)
            .then(|| (name, format!("conventional location {d}/settings")))
    })
}

/// Whether the settings module `module`, or a project module it imports (transitively: a
/// `from .base import *` chain), mentions the library. Read as bytes, without parsing, so a
/// project that does not use the library costs no settings evaluation. The texts read are
/// kept for the loader (no file is read twice).
pub fn chain_mentions_library(project: &Project, module: &str) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![module.to_string()];
    while let Some(name) = stack.pop() {
        // A settings chain is short; a module importing half the project is not one.
        if seen.len() >= 64 || !seen.insert(name.clone()) {
            continue;
        }
        let Some((path, is_package)) = project.module_path(&name) else {
            continue;
        };
        let Some(text) = project.source_text(&path) else {
            continue;
        };
        if crate::prefilter::mentions_library(&text) {
            project.remember_text(path, text);
            return true;
        }
        for import in crate::prefilter::imports(&text) {
            let local = |m: &String| {
                m.split('.')
                    .next()
                    .is_some_and(|top| import.level > 0 || project.has_module(top))
            };
            stack.extend(
                crate::prefilter::imported_modules(&name, is_package, &import)
                    .into_iter()
                    .filter(local),
            );
        }
        project.remember_text(path, text);
    }
    false
}

pub fn load_settings(project: &Project, module: &str, found_by: String) -> Option<Settings> {
    let m = project.module(module)?;
    let mut values = BTreeMap::new();
    let mut stack = Vec::new();
    Evaluator { project }.run_module(&m, &mut values, &mut stack);
    Some(Settings {
        module: module.to_string(),
        found_by,
        values,
    })
}

struct Evaluator<'p> {
    project: &'p Project,
}

type Namespace = BTreeMap<String, SettingValue>;

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
                    let Some(source) = self.project.module(&abs) else {
                        continue;
                    };
                    if names.iter().any(|n| n.name == "*") {
                        self.run_module(&source, ns, stack);
                    } else {
                        let mut other = Namespace::new();
                        self.run_module(&source, &mut other, stack);
                        for n in names {
                            if let Some(v) = other.remove(&n.name) {
                                ns.insert(n.asname.clone().unwrap_or_else(|| n.name.clone()), v);
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
                    let v = self.eval(value, ns);
                    for t in targets {
                        if let ExprKind::Name(name) = &t.kind {
                            ns.insert(
                                name.clone(),
                                SettingValue {
                                    value: v.clone(),
                                    module: m.clone(),
                                    stmt_span: *span,
                                    expr: Some(value.clone()),
                                },
                            );
                        }
                    }
                }
                Stmt::AugAssign {
                    target,
                    is_add: true,
                    value,
                    ..
                } => {
                    if let ExprKind::Name(name) = &target.kind {
                        let add = self.eval(value, ns);
                        if let Some(current) = ns.get_mut(name) {
                            current.value = concat(&current.value, &add);
                        }
                    }
                }
                Stmt::Expr(e) => self.mutating_call(e, ns),
                Stmt::Block(inner) => self.run_body(m, inner, ns, stack),
                _ => {}
            }
        }
    }

    /// `INSTALLED_APPS.append("x")`, `.extend([...])`, `.insert(0, "x")`.
    fn mutating_call(&self, e: &Expr, ns: &mut Namespace) {
        let ExprKind::Call { func, args, .. } = &e.kind else {
            return;
        };
        let ExprKind::Attribute { value, attr } = &func.kind else {
            return;
        };
        let ExprKind::Name(name) = &value.kind else {
            return;
        };
        let new_items = match (attr.as_str(), args.as_slice()) {
            ("append", [x]) => vec![self.eval(x, ns)],
            ("insert", [_, x]) => vec![self.eval(x, ns)],
            ("extend", [x]) => match self.eval(x, ns) {
                Value::List(items) => items,
                other => vec![Value::Unknown(format!("{other:?}"))],
            },
            _ => return,
        };
        if let Some(current) = ns.get_mut(name)
            && let Value::List(items) = &mut current.value
        {
            items.extend(new_items);
        }
    }

    fn eval(&self, e: &Expr, ns: &Namespace) -> Value {
        match &e.kind {
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::NoneLit => Value::None,
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.kind {
                        ExprKind::Starred(inner) => match self.eval(inner, ns) {
                            Value::List(more) => out.extend(more),
                            other => out.push(other),
                        },
                        _ => out.push(self.eval(item, ns)),
                    }
                }
                Value::List(out)
            }
            ExprKind::Dict(items) => Value::Dict(
                items
                    .iter()
                    .filter_map(|(k, v)| Some((self.eval(k.as_ref()?, ns), self.eval(v, ns))))
                    .collect(),
            ),
            ExprKind::Add(l, r) => concat(&self.eval(l, ns), &self.eval(r, ns)),
            ExprKind::Name(n) => ns.get(n).map_or_else(
                || Value::Unknown(format!("`{n}` is not defined in the settings")),
                |v| v.value.clone(),
            ),
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                let callee = func.dotted().unwrap_or_default();
                let last = callee.rsplit('.').next().unwrap_or("");
                let env_like = matches!(
                    callee.as_str(),
                    "os.environ.get" | "os.getenv" | "environ.get" | "getenv" | "config"
                ) || callee.starts_with("env");
                if !env_like && last != "get" {
                    return Value::Unknown(format!("call to `{callee}` is not evaluated"));
                }
                let key = args.first().and_then(Expr::as_str).unwrap_or("?");
                let default = keywords
                    .iter()
                    .find(|k| k.arg.as_deref() == Some("default"))
                    .map(|k| &k.value)
                    .or_else(|| args.get(1));
                match default {
                    Some(d) => self.eval(d, ns),
                    None => Value::Unknown(format!(
                        "environment variable `{key}` has no default in the settings"
                    )),
                }
            }
            _ => Value::Unknown("expression is not evaluated statically".to_string()),
        }
    }
}

fn concat(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::List(x), Value::List(y)) => Value::List(x.iter().chain(y).cloned().collect()),
        (Value::Str(x), Value::Str(y)) => Value::Str(format!("{x}{y}")),
        _ => Value::Unknown("concatenation of values that are not evaluated".to_string()),
    }
}

fn class_str_attr(class: &ClassInfo, name: &str) -> Option<String> {
    match &class.member(name)?.kind {
        MemberKind::Value { value, .. } => value.as_str().map(str::to_string),
        _ => None,
    }
}

const APP_CONFIG: &[&str] = &["django.apps.AppConfig", "django.apps.config.AppConfig"];

/// The installed apps with their labels (from `AppConfig.label`, else the last part of the name).
pub fn installed_apps(project: &Project, settings: &Settings) -> Vec<App> {
    let Some(Value::List(entries)) = settings.get("INSTALLED_APPS").map(|v| &v.value) else {
        return Vec::new();
    };
    let resolver = Resolver::new(project);
    entries
        .iter()
        .filter_map(Value::as_str)
        .map(|entry| app_for_entry(project, &resolver, entry))
        .collect()
}

fn last_part(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_string()
}

fn app_for_entry(project: &Project, resolver: &Resolver, entry: &str) -> App {
    fn configs<'m>(resolver: &Resolver, module: &'m Arc<SourceModule>) -> Vec<&'m ClassInfo> {
        (0..module.index.classes.len())
            .filter(|&i| {
                let c = crate::resolve::ClassRef {
                    module: module.clone(),
                    index: i,
                };
                resolver.derives_from(&c, APP_CONFIG)
            })
            .map(|i| &module.index.classes[i])
            .collect()
    }
    if project.has_module(entry) {
        // A package: Django picks its AppConfig from `<entry>.apps` (the default one).
        let mut label = last_part(entry);
        if let Some(apps) = project.module(&format!("{entry}.apps")) {
            let candidates: Vec<&ClassInfo> = configs(resolver, &apps)
                .into_iter()
                .filter(|c| class_str_attr(c, "name").as_deref() == Some(entry))
                .collect();
            let chosen = candidates
                .iter()
                .find(|c| {
                    matches!(&c.member("default").map(|m| &m.kind),
                        Some(MemberKind::Value { value, .. }) if value.kind == ExprKind::Bool(true))
                })
                .or(if candidates.len() == 1 {
                    candidates.first()
                } else {
                    None
                });
            if let Some(l) = chosen.and_then(|c| class_str_attr(c, "label")) {
                label = l;
            }
        }
        return App {
            entry: entry.to_string(),
            name: entry.to_string(),
            label,
            in_project: true,
        };
    }
    if let Some((module, class)) = entry.rsplit_once('.') {
        if let Some(m) = project.module(module)
            && let Symbol::Class(c) = resolver.resolve_name(&m, class)
        {
            let name = class_str_attr(c.info(), "name").unwrap_or_else(|| module.to_string());
            let label = class_str_attr(c.info(), "label").unwrap_or_else(|| last_part(&name));
            let in_project = project.has_module(&name);
            return App {
                entry: entry.to_string(),
                name,
                label,
                in_project,
            };
        }
        // An AppConfig of a third-party app: `pkg.apps.PkgConfig`.
        if class.starts_with(|c: char| c.is_ascii_uppercase()) {
            let name = module.strip_suffix(".apps").unwrap_or(module).to_string();
            return App {
                entry: entry.to_string(),
                label: last_part(&name),
                name,
                in_project: false,
            };
        }
    }
    App {
        entry: entry.to_string(),
        name: entry.to_string(),
        label: last_part(entry),
        in_project: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::fixture;

    #[test]
    fn settings_chain_env_defaults_and_app_labels() {
        let (_d, p) = fixture(
            "# -- manage.py\nimport os\ndef main():\n    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings.dev\")\n\
             # -- config/__init__.py\n# -- config/settings/__init__.py\n\
             # -- config/settings/base.py\nimport os\nAPPS = ['django.contrib.auth']\nINSTALLED_APPS = APPS + ['oauth2_provider', 'tokens.apps.TokensConfig']\n\
             OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = os.environ.get('RT_MODEL', 'auth_tokens.MyRefreshToken')\n\
             # -- config/settings/dev.py\nfrom .base import *\nINSTALLED_APPS += ['billing']\nINSTALLED_APPS.append('extra')\nSECRET = os.environ['X']\n\
             # -- tokens/__init__.py\n# -- tokens/apps.py\nfrom django.apps import AppConfig\nclass TokensConfig(AppConfig):\n    name = 'tokens'\n    label = 'auth_tokens'\n\
             # -- billing/__init__.py\n# -- billing/apps.py\nfrom django.apps import AppConfig\nclass BillingConfig(AppConfig):\n    name = 'billing'\n    label = 'money'\n",
        );
        let (module, found_by) = find_settings_module(&p, None, true).unwrap();
        assert_eq!(module, "config.settings.dev");
        assert!(found_by.contains("manage.py"), "{found_by}");
        let s = load_settings(&p, &module, found_by).unwrap();
        let rt = s.get("OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL").unwrap();
        assert_eq!(rt.value, Value::Str("auth_tokens.MyRefreshToken".into()));
        assert_eq!(rt.module.name, "config.settings.base");
        let apps = installed_apps(&p, &s);
        let labels: Vec<_> = apps
            .iter()
            .map(|a| (a.label.as_str(), a.in_project))
            .collect();
        assert_eq!(
            labels,
            [
                ("auth", false),
                ("oauth2_provider", false),
                ("auth_tokens", true),
                ("money", true),
                ("extra", false)
            ]
        );
        assert!(matches!(
            s.get("SECRET"),
            Some(SettingValue {
                value: Value::Unknown(_),
                ..
            })
        ));
    }

    #[test]
    fn star_import_cycles_end() {
        let (_d, p) =
            fixture("# -- a.py\nfrom b import *\nX = 1\n# -- b.py\nfrom a import *\nY = 2\n");
        let s = load_settings(&p, "a", "test".into()).unwrap();
        assert_eq!(s.get("X").unwrap().value, Value::Int(1));
        assert_eq!(s.get("Y").unwrap().value, Value::Int(2));
    }
}
