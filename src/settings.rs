//! The Django settings of a project, evaluated statically: which module (named by an entry
//! point, a test configuration or a conventional place), which values (literals,
//! `os.environ.get(..., default)` defaults, names defined earlier, `from .base import *` chains,
//! `+=`, `.append` / `.extend` / `.insert`, the branches of an `if`, django-configurations
//! classes and django-split-settings `include(...)`), and the installed apps with their labels.
//!
//! Anything that cannot be evaluated is `Value::Unknown` with the reason, so a rule can say what
//! it could not resolve instead of guessing. A list keeps what is known of it: its unknown parts
//! are `Value::Unknown` items among the known ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::index::ClassInfo;
use crate::index::MemberKind;
use crate::project::{Project, SourceModule};
use crate::resolve::{Resolver, Symbol};
use crate::syntax::{self, ClassDef, Expr, ExprKind, Span, Stmt};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    /// A list or tuple; an `Unknown` item stands for entries that could not be read.
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Bool(bool),
    Int(i64),
    None,
    /// A class of the settings module (django-configurations), with its evaluated attributes.
    Class(Arc<ClassValue>),
    Unknown(String),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Why part of a list could not be read (the first unknown item), if any.
    pub fn unknown_part(&self) -> Option<&str> {
        match self {
            Value::Unknown(reason) => Some(reason),
            Value::List(items) => items.iter().find_map(|i| match i {
                Value::Unknown(reason) => Some(reason.as_str()),
                _ => None,
            }),
            _ => None,
        }
    }

    /// How the value reads in `--show-settings`.
    pub fn describe(&self) -> String {
        match self {
            Value::Str(s) => format!("{s:?}"),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().map(Value::describe).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Dict(items) => format!("{{… {} keys}}", items.len()),
            Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            Value::Int(i) => i.to_string(),
            Value::None => "None".to_string(),
            Value::Class(c) => format!("class {}", c.name),
            Value::Unknown(reason) => format!("<unknown: {reason}>"),
        }
    }
}

/// A class statement of the settings, evaluated: its attributes (inherited ones included) and
/// whether it is a django-configurations `Configuration`.
#[derive(Debug)]
pub struct ClassValue {
    pub name: String,
    pub attrs: BTreeMap<String, SettingValue>,
    pub configuration: bool,
    /// Names of the classes it derives from, transitively.
    pub ancestors: Vec<String>,
}

impl PartialEq for ClassValue {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.ancestors == other.ancestors
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

/// A place in the project's Python source (a diagnostic's location).
#[derive(Clone, Debug)]
pub struct Origin {
    pub module: Arc<SourceModule>,
    pub span: Span,
}

/// Why the settings as a whole could not be told, where, and what they could be.
#[derive(Clone, Debug)]
pub struct Unclear {
    pub reason: String,
    pub origin: Option<Origin>,
    pub candidates: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub module: String,
    /// How the settings module was found ("--settings", "manage.py", …).
    pub found_by: String,
    pub values: BTreeMap<String, SettingValue>,
    /// How a choice was made that the project does not spell out (a run-time settings name
    /// with a single candidate, a configuration class), for `--show-settings` and notes.
    pub choice: Option<String>,
    /// Set when the values could not be told at all (a django-configurations module whose
    /// configuration class is not named and not unique).
    pub unclear: Option<Unclear>,
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

/// The installed apps as far as they are known.
#[derive(Clone, Debug, Default)]
pub struct Apps {
    pub known: Vec<App>,
    /// Why some entries could not be read, and the statement that set `INSTALLED_APPS`:
    /// any app may be among them.
    pub unknown: Option<(String, SettingValue)>,
}

/// How the settings module was found.
#[derive(Clone, Debug)]
pub enum Discovery {
    Found {
        module: String,
        found_by: String,
        /// Set when a choice was made (see [`Settings::choice`]).
        choice: Option<String>,
    },
    /// The module cannot be told (its name is built at run time, and several modules could be
    /// meant).
    Unclear(Unclear),
}

/// A settings name as an entry point or a test configuration gives it.
#[derive(Clone, Debug)]
enum Named {
    Literal(String),
    /// Built at run time; the literal text before the first interpolation.
    Computed(String),
}

/// What the entry points (`manage.py`, `wsgi.py`, `asgi.py`) set: `DJANGO_SETTINGS_MODULE`
/// (with where) and `DJANGO_CONFIGURATION`.
#[derive(Default)]
struct EntryFindings {
    settings: Option<(Named, String, Option<Origin>)>,
    configuration: Option<String>,
}

fn entry_findings(project: &Project) -> EntryFindings {
    let mut out = EntryFindings::default();
    for path in project.entry_points() {
        // An editor's buffer (stdin) stands for its file here too.
        let Some(text) = project.source_text(&path) else {
            continue;
        };
        if !text.contains("DJANGO_SETTINGS_MODULE") && !text.contains("DJANGO_CONFIGURATION") {
            continue;
        }
        let module = syntax::parse(&text);
        let rel = path
            .strip_prefix(&project.root)
            .unwrap_or(&path)
            .to_path_buf();
        syntax::for_each_stmt(&module.body, |stmt| {
            let Some((key, value, span)) = environ_assignment(stmt) else {
                return;
            };
            match key.as_str() {
                "DJANGO_SETTINGS_MODULE" if out.settings.is_none() => {
                    let named = named_value(value, &module.body);
                    let origin = matches!(named, Named::Computed(_))
                        .then(|| project.module_at(&path))
                        .flatten()
                        .map(|module| Origin { module, span });
                    out.settings = Some((
                        named,
                        format!("DJANGO_SETTINGS_MODULE in {}", rel.display()),
                        origin,
                    ));
                }
                "DJANGO_CONFIGURATION" if out.configuration.is_none() => {
                    out.configuration = value.as_str().map(str::to_string);
                }
                _ => {}
            }
        });
        if out.settings.is_some() {
            break;
        }
    }
    out
}

/// `os.environ.setdefault("KEY", value)` / `putenv`: the key, the value and the call's span
/// (`os.environ["KEY"] = value` appears as a subscript target, which the syntax view does not
/// keep).
fn environ_assignment(stmt: &Stmt) -> Option<(String, &Expr, Span)> {
    let Stmt::Expr(
        call @ Expr {
            kind: ExprKind::Call { func, args, .. },
            ..
        },
    ) = stmt
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
        [key, value, ..] => Some((key.as_str()?.to_string(), value, call.span)),
        _ => None,
    }
}

/// A settings name: a literal, or the known prefix of a name built at run time
/// (`"proj.settings.%s" % MODE`, f-strings, `"proj.settings." + MODE`, `.format(...)`, or a
/// name bound to one of those in the same file).
fn named_value(e: &Expr, body: &[Stmt]) -> Named {
    match &e.kind {
        ExprKind::Str(s) => Named::Literal(s.clone()),
        ExprKind::Interpolated(prefix) => Named::Computed(prefix.clone()),
        ExprKind::Add(left, _) => match named_value(left, body) {
            Named::Literal(p) | Named::Computed(p) => Named::Computed(p),
        },
        ExprKind::Call { func, .. } => match &func.kind {
            ExprKind::Attribute { value, attr } if attr == "format" => {
                let text = value.as_str().unwrap_or_default();
                Named::Computed(text.split('{').next().unwrap_or_default().to_string())
            }
            _ => Named::Computed(String::new()),
        },
        ExprKind::Name(n) => {
            let mut found = None;
            syntax::for_each_stmt(body, |stmt| {
                if let Stmt::Assign {
                    targets,
                    value: Some(v),
                    ..
                } = stmt
                    && targets
                        .iter()
                        .any(|t| matches!(&t.kind, ExprKind::Name(x) if x == n))
                    && !matches!(v.kind, ExprKind::Name(_))
                {
                    found = Some(named_value(v, body));
                }
            });
            found.unwrap_or(Named::Computed(String::new()))
        }
        _ => Named::Computed(String::new()),
    }
}

/// `DJANGO_SETTINGS_MODULE` (and `DJANGO_CONFIGURATION`) where pytest-django and tox read
/// them: `pytest.ini`, `[tool.pytest.ini_options]` in pyproject.toml, `[tool:pytest]` in
/// setup.cfg, `[pytest]` and `setenv` in tox.ini; also pytest-django's `--ds=` / `--dc=`.
fn test_config_findings(root: &Path) -> (Option<(String, String)>, Option<String>) {
    let mut settings = None;
    let mut configuration = None;
    let sources: [(&str, &[&str]); 4] = [
        ("pytest.ini", &["pytest"]),
        ("pyproject.toml", &["tool.pytest.ini_options"]),
        ("setup.cfg", &["tool:pytest"]),
        ("tox.ini", &["pytest", "testenv"]),
    ];
    for (file, sections) in sources {
        let Ok(text) = std::fs::read_to_string(root.join(file)) else {
            continue;
        };
        if !text.contains("DJANGO_") && !text.contains("--ds") && !text.contains("--dc") {
            continue;
        }
        let values = ini_values(&text, sections);
        if settings.is_none()
            && let Some(v) = values.settings
        {
            settings = Some((v, file.to_string()));
        }
        if configuration.is_none() {
            configuration = values.configuration;
        }
    }
    (settings, configuration)
}

#[derive(Default)]
struct IniValues {
    settings: Option<String>,
    configuration: Option<String>,
}

/// Reads `DJANGO_SETTINGS_MODULE = x` (ini or TOML spelling, or a `setenv` line of tox), and
/// `--ds=x` / `--ds x` in `addopts`, within the sections named (a section whose name starts
/// with one of them: `testenv:py311` counts as `testenv`).
fn ini_values(text: &str, sections: &[&str]) -> IniValues {
    let mut out = IniValues::default();
    let mut in_section = false;
    let clean = |v: &str| -> Option<String> {
        let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        let ok = !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        ok.then(|| v.to_string())
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[') {
            let name = name.trim_end_matches(']').trim();
            in_section = sections
                .iter()
                .any(|s| name == *s || name.starts_with(&format!("{s}:")));
            continue;
        }
        if !in_section || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        for (key, slot) in [
            ("DJANGO_SETTINGS_MODULE", &mut out.settings),
            ("DJANGO_CONFIGURATION", &mut out.configuration),
        ] {
            if slot.is_some() {
                continue;
            }
            // `KEY = value`, `setenv = KEY = value`, `KEY=value` on a continuation line.
            if let Some(at) = trimmed.find(key) {
                let rest = trimmed[at + key.len()..].trim_start();
                if let Some(v) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) {
                    *slot = clean(v.split_whitespace().next().unwrap_or_default());
                }
            }
        }
        for (flag, slot) in [
            ("--ds", &mut out.settings),
            ("--dc", &mut out.configuration),
        ] {
            if slot.is_some() {
                continue;
            }
            let mut words = trimmed
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'', ',', '[', ']']));
            while let Some(w) = words.next() {
                if let Some(v) = w.strip_prefix(&format!("{flag}=")) {
                    *slot = clean(v);
                } else if w == flag {
                    *slot = words.next().and_then(clean);
                }
            }
        }
    }
    out
}

/// Finds the settings module: `--settings`, then `DJANGO_SETTINGS_MODULE` in manage.py /
/// wsgi.py / asgi.py, then the test configuration (pytest-django, tox), then, when
/// `conventional` (a project with a manage.py), conventional places (`settings`,
/// `<pkg>.settings`). A name built at run time, or a settings package that defines nothing,
/// is resolved to its single candidate module when there is one; else it is
/// [`Discovery::Unclear`].
pub fn find_settings_module(
    project: &Project,
    explicit: Option<&str>,
    conventional: bool,
    test_configs: bool,
) -> Option<Discovery> {
    if let Some(name) = explicit {
        return Some(Discovery::Found {
            module: name.to_string(),
            found_by: "--settings".to_string(),
            choice: None,
        });
    }
    let entry = entry_findings(project);
    match entry.settings {
        Some((Named::Literal(name), found_by, _)) if project.has_module(&name) => {
            return Some(found_or_candidates(project, name, found_by, None));
        }
        Some((Named::Computed(prefix), found_by, origin)) => {
            // The package the prefix names (`proj.settings.` → `proj.settings`).
            let package = prefix.trim_end_matches('.');
            let package = if prefix.ends_with('.') || project.has_module(package) {
                package.to_string()
            } else {
                package
                    .rsplit_once('.')
                    .map_or(String::new(), |(p, _)| p.to_string())
            };
            if !package.is_empty() && project.has_module(&package) {
                let why = format!("{found_by} builds the name at run time (`{prefix}…`)");
                return Some(choose_candidate(project, &package, &why, origin));
            }
            return Some(Discovery::Unclear(Unclear {
                reason: format!("{found_by} builds the settings module's name at run time"),
                origin,
                candidates: Vec::new(),
            }));
        }
        _ => {}
    }
    let tested = test_configs
        .then(|| test_config_findings(&project.root).0)
        .flatten();
    if let Some((name, file)) = tested
        && project.has_module(&name)
    {
        return Some(found_or_candidates(
            project,
            name,
            format!("DJANGO_SETTINGS_MODULE in {file}"),
            None,
        ));
    }
    if !conventional {
        return None;
    }
    if project.has_module("settings") {
        return Some(found_or_candidates(
            project,
            "settings".into(),
            "conventional location settings.py".into(),
            None,
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
    let name = subdirs.into_iter().find_map(|d| {
        let name = format!("{d}.settings");
        project.has_module(&name).then_some((name, d))
    })?;
    let found_by = format!("conventional location {}/settings", name.1);
    Some(found_or_candidates(project, name.0, found_by, None))
}

/// `name`, unless it is a package whose `__init__.py` sets no `INSTALLED_APPS` (nor imports a
/// module that does): then the modules of the package are the candidates.
fn found_or_candidates(
    project: &Project,
    name: String,
    found_by: String,
    origin: Option<Origin>,
) -> Discovery {
    let package = project.module_path(&name).is_some_and(|(_, pkg)| pkg);
    if package && !defines_installed_apps(project, &name) {
        let why = format!("{found_by} names `{name}`, a package that sets no INSTALLED_APPS");
        return choose_candidate(project, &name, &why, origin);
    }
    Discovery::Found {
        module: name,
        found_by,
        choice: None,
    }
}

/// Whether module `name`, or a project module it imports (transitively), sets
/// `INSTALLED_APPS` (a byte scan).
fn defines_installed_apps(project: &Project, name: &str) -> bool {
    chain_of(project, name)
        .iter()
        .any(|m| module_text(project, m).is_some_and(|t| sets_installed_apps(&t)))
}

fn module_text(project: &Project, name: &str) -> Option<String> {
    let (path, _) = project.module_path(name)?;
    project.source_text(&path)
}

fn sets_installed_apps(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("INSTALLED_APPS") && !l.starts_with("INSTALLED_APPS_")
    })
}

/// Module `name` and the project modules it imports, transitively (a byte scan of its
/// `import` lines; at most 64 modules).
fn chain_of(project: &Project, name: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut stack = vec![name.to_string()];
    while let Some(m) = stack.pop() {
        if seen.len() >= 64 || seen.contains(&m) {
            continue;
        }
        let Some((path, is_package)) = project.module_path(&m) else {
            continue;
        };
        let Some(text) = project.source_text(&path) else {
            continue;
        };
        seen.push(m.clone());
        if text.contains("split_settings") {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            for file in included_candidates(&dir, &text) {
                stack.extend(project.module_name_of(&file).map(|(name, _)| name));
            }
        }
        for import in crate::prefilter::imports(&text) {
            for imported in crate::prefilter::imported_modules(&m, is_package, &import) {
                let top = imported.split('.').next().unwrap_or_default();
                if (import.level > 0 || project.has_module(top))
                    && project
                        .module_path(&imported)
                        .is_some_and(|(p, _)| p.is_file())
                {
                    stack.push(imported);
                }
            }
        }
    }
    seen
}

/// The modules of `package` that are settings (they set `INSTALLED_APPS`, or import a module
/// of the package that does) and that no other such module imports: the ends of the settings
/// chains. One of them: it is used, and `why` is kept as the choice; several or none: unclear.
fn choose_candidate(
    project: &Project,
    package: &str,
    why: &str,
    origin: Option<Origin>,
) -> Discovery {
    let dir = project
        .module_path(package)
        .and_then(|(p, _)| p.parent().map(Path::to_path_buf));
    let mut names: Vec<String> = dir
        .as_deref()
        .map(|d| {
            std::fs::read_dir(d)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_str()?.to_string();
                    let stem = name.strip_suffix(".py")?;
                    (stem != "__init__" && !stem.contains('.')).then(|| format!("{package}.{stem}"))
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let chains: Vec<(String, Vec<String>)> = names
        .iter()
        .map(|n| (n.clone(), chain_of(project, n)))
        .filter(|(_, chain)| {
            chain
                .iter()
                .any(|m| module_text(project, m).is_some_and(|t| sets_installed_apps(&t)))
        })
        .collect();
    let ends: Vec<String> = chains
        .iter()
        .filter(|(n, _)| {
            !chains
                .iter()
                .any(|(other, chain)| other != n && chain.contains(n))
        })
        .map(|(n, _)| n.clone())
        .collect();
    match ends.as_slice() {
        [only] => Discovery::Found {
            module: only.clone(),
            found_by: why.to_string(),
            choice: Some(format!(
                "{why}; `{only}` is the only settings module of `{package}` that no other one imports, so it is used"
            )),
        },
        _ => Discovery::Unclear(Unclear {
            reason: format!("{why}, and which of its modules is meant cannot be told"),
            origin,
            candidates: ends,
        }),
    }
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
        // django-split-settings: the included files are part of the chain.
        if text.contains("split_settings") {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            for file in included_candidates(&dir, &text) {
                if let Some((m, _)) = project.module_name_of(&file) {
                    stack.push(m);
                }
            }
        }
        project.remember_text(path, text);
    }
    false
}

/// Every `.py` file of the directories a split-settings module may include from (a byte-level
/// over-approximation for the library scan: the quoted `*.py` paths of the file).
fn included_candidates(dir: &Path, text: &str) -> Vec<PathBuf> {
    quoted_on_lines(text)
        .into_iter()
        .filter(|q| q.ends_with(".py"))
        .flat_map(|q| expand_include(dir, q))
        .collect()
}

/// The single-line string literals of `text` (their contents), outside comments: an apostrophe
/// in a comment (`# Don't edit`) does not pair with the next quote.
fn quoted_on_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut open: Option<(char, usize)> = None;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match open {
                Some((q, start)) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == q {
                        out.push(&line[start..i]);
                        open = None;
                    }
                }
                None if c == '#' => break,
                None if c == '"' || c == '\'' => open = Some((c, i + 1)),
                None => {}
            }
        }
    }
    out
}

/// The files an `include()` pattern names, relative to `dir`, sorted (a `*` / `?` glob in the
/// last component; the directories are fixed).
fn expand_include(dir: &Path, pattern: &str) -> Vec<PathBuf> {
    let (sub, name) = pattern.rsplit_once('/').unwrap_or(("", pattern));
    let base = if sub.is_empty() {
        dir.to_path_buf()
    } else {
        dir.join(sub)
    };
    if !name.contains(['*', '?', '[']) {
        let file = base.join(name);
        return if file.is_file() {
            vec![file]
        } else {
            Vec::new()
        };
    }
    let Ok(glob) = globset::Glob::new(name) else {
        return Vec::new();
    };
    let matcher = glob.compile_matcher();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&base)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| matcher.is_match(n)))
        .collect();
    files.sort();
    files
}

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
    let mut values = BTreeMap::new();
    let mut stack = Vec::new();
    Evaluator { project }.run_module(&m, &mut values, &mut stack);
    let mut settings = Settings {
        module: module.clone(),
        found_by: found_by.clone(),
        values,
        choice: choice.clone(),
        unclear: None,
    };
    apply_configuration(project, &mut settings);
    Some(settings)
}

/// django-configurations: the settings are the attributes of the class `DJANGO_CONFIGURATION`
/// names (over the module's own names); with no name, the one configuration class that no
/// other derives from; else the settings cannot be told.
fn apply_configuration(project: &Project, settings: &mut Settings) {
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

struct Evaluator<'p> {
    project: &'p Project,
}

type Namespace = BTreeMap<String, SettingValue>;

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
                                OPAQUE.to_string(),
                                SettingValue {
                                    value: Value::Unknown(why),
                                    module: m.clone(),
                                    stmt_span: stmt_span(stmt),
                                    expr: None,
                                },
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
                    let v = self.eval(m, value, ns);
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
                    if !ns.contains_key(name)
                        && let Some(opaque) = opaque_value(ns)
                    {
                        // `INSTALLED_APPS += [...]` over a library's base settings: the known
                        // entries, after an unknown part.
                        ns.insert(
                            name.clone(),
                            SettingValue {
                                value: concat(&opaque, &add),
                                module: m.clone(),
                                stmt_span: *span,
                                expr: Some(value.clone()),
                            },
                        );
                        continue;
                    }
                    if let Some(current) = ns.get_mut(name) {
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
                    // Each arm runs on a copy of the names; the way past the statement (no
                    // `else`), or the last arm of an exhaustive one, takes the names themselves.
                    let mut outcomes: Vec<Namespace> = Vec::with_capacity(arms.len() + 1);
                    for (i, arm) in arms.iter().enumerate() {
                        let mut branch = if *exhaustive && i + 1 == arms.len() {
                            std::mem::take(ns)
                        } else {
                            ns.clone()
                        };
                        self.run_body(m, arm, &mut branch, stack);
                        outcomes.push(branch);
                    }
                    if !exhaustive {
                        outcomes.push(std::mem::take(ns));
                    }
                    *ns = merge_branches(outcomes);
                }
                Stmt::Class(class) => {
                    let value = self.class_value(m, class, ns, stack);
                    ns.insert(
                        class.name.clone(),
                        SettingValue {
                            value: Value::Class(Arc::new(value)),
                            module: m.clone(),
                            stmt_span: class.header_span,
                            expr: None,
                        },
                    );
                }
                // A settings name computed by a method (django-configurations' properties).
                Stmt::Function(f) if f.name.starts_with(|c: char| c.is_ascii_uppercase()) => {
                    ns.insert(
                        f.name.clone(),
                        SettingValue {
                            value: Value::Unknown(format!("`{}` is computed by a method", f.name)),
                            module: m.clone(),
                            stmt_span: f.name_span,
                            expr: None,
                        },
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
                && let Some(Value::Class(c)) = ns.get(n).map(|v| &v.value)
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
                attrs.insert(k, v);
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
                if let Some(current) = ns.get_mut(name)
                    && let Value::List(items) = &mut current.value
                {
                    items.retain(|i| *i != gone);
                }
                return;
            }
            _ => return,
        };
        if !ns.contains_key(name)
            && let Some(opaque) = opaque_value(ns)
        {
            ns.insert(
                name.clone(),
                SettingValue {
                    value: concat(&opaque, &Value::List(items)),
                    module: m.clone(),
                    stmt_span: e.span,
                    expr: None,
                },
            );
            return;
        }
        if let Some(current) = ns.get_mut(name)
            && let Value::List(list) = &mut current.value
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
            ExprKind::Name(n) => ns.get(n).map_or_else(
                || {
                    opaque_value(ns).unwrap_or_else(|| {
                        Value::Unknown(format!("`{n}` is not defined in the settings"))
                    })
                },
                |v| v.value.clone(),
            ),
            ExprKind::Attribute { value, attr } => match &value.kind {
                ExprKind::Name(n) => match ns.get(n).map(|v| &v.value) {
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
const OPAQUE: &str = "*";

/// Why a name not set in the project may still be set (a star import from outside it).
fn opaque_value(ns: &Namespace) -> Option<Value> {
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
fn line_of(m: &Arc<SourceModule>, span: Span) -> String {
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
fn either(a: Value, b: Value, span: Span, m: &Arc<SourceModule>) -> Value {
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

/// The names after an `if`: for each name, its value in every way through the statement
/// (each arm, and past it when there is no `else`), combined by [`either`]. A name set in
/// some ways only is a list of what those set, or else unknown.
fn merge_branches(mut outcomes: Vec<Namespace>) -> Namespace {
    // Read before the loop below moves values out of the outcomes.
    let shadows = conditional_shadows(&outcomes);
    let mut names: Vec<&String> = outcomes.iter().flat_map(|ns| ns.keys()).collect();
    names.sort();
    names.dedup();
    let names: Vec<String> = names.into_iter().cloned().collect();
    let mut merged = Namespace::new();
    for name in names {
        // Combined by reference: a value is cloned only where the ways disagree (most names
        // are set before the statement and the same in every way).
        let (first_at, combined, everywhere) = {
            let mut values = outcomes
                .iter()
                .enumerate()
                .filter_map(|(i, ns)| ns.get(&name).map(|v| (i, v)));
            let Some((first_at, first)) = values.next() else {
                continue;
            };
            let mut seen = 1;
            let mut combined: Option<Value> = None;
            for (_, v) in values {
                seen += 1;
                let current = combined.as_ref().unwrap_or(&first.value);
                if *current == v.value {
                    continue;
                }
                let current = combined.take().unwrap_or_else(|| first.value.clone());
                combined = Some(either(current, v.value.clone(), v.stmt_span, &v.module));
            }
            (first_at, combined, seen == outcomes.len())
        };
        let Some(mut out) = outcomes[first_at].remove(&name) else {
            continue;
        };
        if let Some(value) = combined {
            out.value = value;
        }
        if !everywhere
            && !matches!(
                out.value,
                Value::List(_) | Value::Unknown(_) | Value::Class(_)
            )
        {
            out.value = Value::Unknown(format!(
                "`{name}` is set only under a condition ({})",
                line_of(&out.module, out.stmt_span)
            ));
        }
        merged.insert(name, out);
    }
    merged.extend(shadows);
    merged
}

/// The suffix of the shadow setting that lists, for a list setting, the entries only some ways
/// through an `if` add: `INSTALLED_APPS#conditional` (see [`conditional_entries`]).
const CONDITIONAL: &str = "#conditional";

/// Beside each list the branches of an `if` leave different, the entries that are not in every
/// branch's list: the union says what the list *may* contain, this says what it may not. Kept
/// across nested and successive statements (an entry once conditional stays so).
fn conditional_shadows(outcomes: &[Namespace]) -> Vec<(String, SettingValue)> {
    let mut names: Vec<&String> = outcomes
        .iter()
        .flat_map(|ns| ns.iter())
        .filter(|(k, v)| !k.contains('#') && matches!(v.value, Value::List(_)))
        .map(|(k, _)| k)
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let list_in = |ns: &Namespace| match ns.get(name).map(|v| &v.value) {
            Some(Value::List(l)) => Some(l.clone()),
            _ => None,
        };
        let lists: Vec<Option<Vec<Value>>> = outcomes.iter().map(list_in).collect();
        let key = format!("{name}{CONDITIONAL}");
        let mut conditional: Vec<Value> = Vec::new();
        for ns in outcomes {
            if let Some(Value::List(earlier)) = ns.get(&key).map(|v| &v.value) {
                for item in earlier {
                    if !conditional.contains(item) {
                        conditional.push(item.clone());
                    }
                }
            }
        }
        for item in lists.iter().flatten().flatten() {
            let in_every = lists
                .iter()
                .all(|l| l.as_ref().is_some_and(|l| l.contains(item)));
            if !in_every && !conditional.contains(item) {
                conditional.push(item.clone());
            }
        }
        if conditional.is_empty() {
            continue;
        }
        let Some(mut shadow) = outcomes.iter().find_map(|ns| ns.get(name)).cloned() else {
            continue;
        };
        shadow.value = Value::List(conditional);
        out.push((key, shadow));
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
fn concat(a: &Value, b: &Value) -> Value {
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

fn class_str_attr(class: &ClassInfo, name: &str) -> Option<String> {
    match &class.member(name)?.kind {
        MemberKind::Value { value, .. } => value.as_str().map(str::to_string),
        _ => None,
    }
}

const APP_CONFIG: &[&str] = &["django.apps.AppConfig", "django.apps.config.AppConfig"];

/// An `AppConfig` attribute (`name`, `label`) as the class inherits it: from the nearest project
/// class that sets it; a `name` also from a library's config it derives from (`AdminConfig` of
/// `django.contrib.admin.apps` has `name = "django.contrib.admin"`, so the label is `admin`).
fn inherited_str_attr(
    resolver: &Resolver,
    class: &crate::resolve::ClassRef,
    attr: &str,
) -> Option<String> {
    for ancestor in resolver.mro(class) {
        match ancestor {
            crate::resolve::Ancestor::Project(p) => {
                if let Some(v) = class_str_attr(p.info(), attr) {
                    return Some(v);
                }
            }
            crate::resolve::Ancestor::External(q) if APP_CONFIG.contains(&q.as_str()) => {
                return None;
            }
            // A label not set by a project class derives from the name, as Django does.
            crate::resolve::Ancestor::External(_) if attr != "name" => return None,
            crate::resolve::Ancestor::External(q) => {
                // A library's config is conventionally `<package>.apps.<Name>Config`.
                let module = q.rsplit_once('.')?.0;
                return module.strip_suffix(".apps").map(str::to_string);
            }
        }
    }
    None
}

/// The installed apps with their labels (from `AppConfig.label`, else the last part of the
/// name), as far as `INSTALLED_APPS` could be read.
pub fn installed_apps(project: &Project, settings: &Settings) -> Apps {
    let Some(setting) = settings.get("INSTALLED_APPS") else {
        // Not set in the project, but a library's base settings may set it.
        return Apps {
            known: Vec::new(),
            unknown: settings.maybe_set_elsewhere().and_then(|v| match &v.value {
                Value::Unknown(reason) => Some((reason.clone(), v.clone())),
                _ => None,
            }),
        };
    };
    let resolver = Resolver::new(project);
    let entries: &[Value] = match &setting.value {
        Value::List(entries) => entries,
        _ => &[],
    };
    let unknown = match &setting.value {
        Value::List(_) => setting.value.unknown_part().map(str::to_string),
        Value::Unknown(reason) => Some(reason.clone()),
        other => Some(format!("INSTALLED_APPS is {}", other.describe())),
    };
    Apps {
        known: entries
            .iter()
            .filter_map(Value::as_str)
            .map(|entry| app_for_entry(project, &resolver, entry))
            .collect(),
        unknown: unknown.map(|reason| (reason, setting.clone())),
    }
}

/// The app a module would belong to if it were installed under its own package name (an
/// entry among `INSTALLED_APPS`' unknown parts): the package holding its `models` module.
pub fn app_of_module(project: &Project, module: &str) -> Option<App> {
    let parts: Vec<&str> = module.split('.').collect();
    let package = match parts.iter().position(|p| *p == "models") {
        Some(i) if i > 0 => parts[..i].join("."),
        _ if parts.len() >= 2 => parts[..parts.len() - 1].join("."),
        _ => return None,
    };
    project
        .has_module(&package)
        .then(|| app_for_entry(project, &Resolver::new(project), &package))
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
            let name =
                inherited_str_attr(resolver, &c, "name").unwrap_or_else(|| module.to_string());
            let label =
                inherited_str_attr(resolver, &c, "label").unwrap_or_else(|| last_part(&name));
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

    fn discover(p: &Project) -> Discovery {
        find_settings_module(p, None, true, true).expect("a settings module")
    }

    fn found(p: &Project) -> (String, String, Option<String>) {
        match discover(p) {
            Discovery::Found {
                module,
                found_by,
                choice,
            } => (module, found_by, choice),
            Discovery::Unclear(u) => panic!("unclear: {u:?}"),
        }
    }

    fn load(p: &Project) -> Settings {
        load_settings(p, &discover(p)).expect("settings load")
    }

    fn value(s: &Settings, name: &str) -> Value {
        s.get(name).map(|v| v.value.clone()).expect(name)
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::Str(s.to_string())).collect())
    }

    const MANAGE: &str = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n# -- proj/__init__.py\n";

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
        let (module, found_by, _) = found(&p);
        assert_eq!(module, "config.settings.dev");
        assert!(found_by.contains("manage.py"), "{found_by}");
        let s = load(&p);
        let rt = s.get("OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL").unwrap();
        assert_eq!(rt.value, Value::Str("auth_tokens.MyRefreshToken".into()));
        assert_eq!(rt.module.name, "config.settings.base");
        let apps = installed_apps(&p, &s);
        assert!(apps.unknown.is_none());
        let labels: Vec<_> = apps
            .known
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
        assert!(matches!(value(&s, "SECRET"), Value::Unknown(_)));
    }

    #[test]
    fn star_import_cycles_end() {
        let (_d, p) =
            fixture("# -- a.py\nfrom b import *\nX = 1\n# -- b.py\nfrom a import *\nY = 2\n");
        let d = Discovery::Found {
            module: "a".into(),
            found_by: "test".into(),
            choice: None,
        };
        let s = load_settings(&p, &d).unwrap();
        assert_eq!(s.get("X").unwrap().value, Value::Int(1));
        assert_eq!(s.get("Y").unwrap().value, Value::Int(2));
    }

    #[test]
    fn an_unknown_part_keeps_the_known_entries() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nfrom proj.plugins import get_plugins\n\
             INSTALLED_APPS = ['django.contrib.auth', 'oauth2_provider']\nINSTALLED_APPS += get_plugins()\n\
             INSTALLED_APPS.extend(find_more())\nINSTALLED_APPS.insert(0, 'first')\n\
             # -- proj/plugins.py\ndef get_plugins():\n    return []\n"
        ));
        let s = load(&p);
        let apps = installed_apps(&p, &s);
        let names: Vec<&str> = apps.known.iter().map(|a| a.entry.as_str()).collect();
        assert_eq!(names, ["django.contrib.auth", "oauth2_provider", "first"]);
        let (reason, setting) = apps.unknown.expect("an unknown part");
        assert!(reason.contains("get_plugins"), "{reason}");
        assert_eq!(setting.module.name, "proj.settings");
    }

    #[test]
    fn conditionals_take_the_union_of_their_branches() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nimport os\nDEBUG = os.environ.get('DEBUG') == '1'\nDEBUG_TOOLBAR = False\n\
             EXTRA = ['debug_toolbar'] if DEBUG_TOOLBAR else []\n\
             A = ['django.contrib.auth']\nB = ('oauth2_provider',)\nC = tuple(['tokens'])\n\
             INSTALLED_APPS = A + list(B) + list(C) + EXTRA\n\
             if DEBUG:\n    INSTALLED_APPS += ['silk']\nelif os.environ.get('X'):\n    INSTALLED_APPS = INSTALLED_APPS + ['other']\n\
             if DEBUG:\n    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.A'\nelse:\n    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.B'\n\
             if DEBUG:\n    OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'tokens.R'\n\
             if DEBUG:\n    OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'tokens.I'\nelse:\n    OAUTH2_PROVIDER_ID_TOKEN_MODEL = 'tokens.I'\n\
             MORE = [a for a in A]\n"
        ));
        let s = load(&p);
        assert_eq!(
            value(&s, "INSTALLED_APPS"),
            strs(&[
                "django.contrib.auth",
                "oauth2_provider",
                "tokens",
                "debug_toolbar",
                "silk",
                "other"
            ])
        );
        // What only some branches add may be missing (Django's checks rely on that).
        assert_eq!(conditional_entries(&s, "INSTALLED_APPS"), ["silk", "other"]);
        assert!(
            matches!(value(&s, "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"), Value::Unknown(r) if r.contains("condition"))
        );
        assert!(
            matches!(value(&s, "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL"), Value::Unknown(r) if r.contains("only under a condition"))
        );
        assert_eq!(
            value(&s, "OAUTH2_PROVIDER_ID_TOKEN_MODEL"),
            Value::Str("tokens.I".into())
        );
        assert!(value(&s, "MORE").unknown_part().is_some());
    }

    #[test]
    fn django_configurations_classes_are_settings() {
        let spec = "# -- manage.py\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\nos.environ.setdefault('DJANGO_CONFIGURATION', 'Dev')\n\
             # -- proj/__init__.py\n\
             # -- proj/settings.py\nfrom configurations import Configuration, values\n\
             class Base(Configuration):\n    INSTALLED_APPS = ['django.contrib.auth', 'oauth2_provider', 'tokens']\n    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = values.Value('tokens.AccessToken')\n\
             class Dev(Base):\n    INSTALLED_APPS = Base.INSTALLED_APPS + ['debug_toolbar']\n\
             class Prod(Base):\n    OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.Other'\n";
        let (_d, p) = fixture(spec);
        let s = load(&p);
        assert!(s.unclear.is_none());
        assert!(
            s.choice.as_deref().is_some_and(|c| c.contains("`Dev`")),
            "{:?}",
            s.choice
        );
        assert_eq!(
            value(&s, "INSTALLED_APPS"),
            strs(&[
                "django.contrib.auth",
                "oauth2_provider",
                "tokens",
                "debug_toolbar"
            ])
        );
        assert_eq!(
            value(&s, "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"),
            Value::Str("tokens.AccessToken".into())
        );
        // Not named anywhere, two leaves: the settings cannot be told.
        let (_d, p) =
            fixture(&spec.replace("os.environ.setdefault('DJANGO_CONFIGURATION', 'Dev')\n", ""));
        let s = load(&p);
        let unclear = s.unclear.expect("unclear");
        assert_eq!(
            unclear.candidates,
            ["proj.settings.Dev", "proj.settings.Prod"]
        );
        // Named in pytest.ini.
        let (_d, p) = fixture(&format!(
            "{}# -- pytest.ini\n[pytest]\nDJANGO_CONFIGURATION = Prod\n",
            spec.replace("os.environ.setdefault('DJANGO_CONFIGURATION', 'Dev')\n", "")
        ));
        let s = load(&p);
        assert_eq!(
            value(&s, "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"),
            Value::Str("tokens.Other".into())
        );
    }

    #[test]
    fn split_settings_include_files_in_order() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings/__init__.py\nfrom split_settings.tools import include, optional\n\
             base = ['components/base.py', 'components/apps*.py']\n\
             include(*base, optional('local.py'), optional('missing.py'))\n\
             # -- proj/settings/components/base.py\nINSTALLED_APPS = ['django.contrib.auth']\n\
             # -- proj/settings/components/apps_b.py\nINSTALLED_APPS += ['tokens']\n\
             # -- proj/settings/components/apps_a.py\nINSTALLED_APPS += ['oauth2_provider']\n\
             # -- proj/settings/local.py\nOAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'tokens.AccessToken'\n"
        ));
        let (module, _, choice) = found(&p);
        assert_eq!((module.as_str(), choice), ("proj.settings", None));
        let s = load(&p);
        assert_eq!(
            value(&s, "INSTALLED_APPS"),
            strs(&["django.contrib.auth", "oauth2_provider", "tokens"])
        );
        assert_eq!(
            value(&s, "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"),
            Value::Str("tokens.AccessToken".into())
        );
        assert!(chain_mentions_library(&p, "proj.settings"));
    }

    #[test]
    fn a_name_built_at_run_time_uses_the_one_candidate_chain() {
        let spec = "# -- manage.py\nimport os\nMODE = os.environ.get('MODE', 'development')\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.%s' % MODE)\n\
             # -- proj/__init__.py\n# -- proj/settings/__init__.py\n\
             # -- proj/settings/defaults.py\nINSTALLED_APPS = ['oauth2_provider']\n\
             # -- proj/settings/development.py\nfrom .defaults import *\nDEBUG = True\n";
        let (_d, p) = fixture(spec);
        let (module, _, choice) = found(&p);
        assert_eq!(module, "proj.settings.development");
        assert!(choice.is_some_and(|c| c.contains("only settings module")));
        // With a second environment the tool cannot tell which is meant.
        let (_d, p) = fixture(&format!(
            "{spec}# -- proj/settings/production.py\nfrom .defaults import *\nDEBUG = False\n"
        ));
        match discover(&p) {
            Discovery::Unclear(u) => {
                assert_eq!(
                    u.candidates,
                    ["proj.settings.development", "proj.settings.production"]
                );
                let origin = u.origin.expect("the entry point");
                assert_eq!(origin.module.name, "manage");
                assert!(u.reason.contains("run time"), "{}", u.reason);
            }
            other => panic!("{other:?}"),
        }
        // f-strings and concatenation are run-time names too.
        for call in ["f'proj.settings.{MODE}'", "'proj.settings.' + MODE"] {
            let (_d, p) = fixture(&spec.replace("'proj.settings.%s' % MODE", call));
            assert_eq!(found(&p).0, "proj.settings.development", "{call}");
        }
    }

    #[test]
    fn test_configurations_name_the_settings() {
        let app = "# -- lib/__init__.py\n# -- lib/tests/__init__.py\n# -- lib/tests/settings.py\nINSTALLED_APPS = ['lib']\n";
        let cases = [
            "# -- pytest.ini\n[pytest]\nDJANGO_SETTINGS_MODULE = lib.tests.settings\n",
            "# -- pyproject.toml\n[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = \"lib.tests.settings\"\n",
            "# -- setup.cfg\n[metadata]\nname = lib\n[tool:pytest]\naddopts = --ds=lib.tests.settings -q\n",
            "# -- tox.ini\n[tox]\nenvlist = py311\n[testenv]\nsetenv =\n    PYTHONPATH = {toxinidir}\n    DJANGO_SETTINGS_MODULE = lib.tests.settings\n",
        ];
        for case in cases {
            let (_d, p) = fixture(&format!("{app}{case}"));
            let Some(Discovery::Found {
                module, found_by, ..
            }) = find_settings_module(&p, None, false, true)
            else {
                panic!("not found: {case}");
            };
            assert_eq!(module, "lib.tests.settings", "{case}");
            assert!(found_by.contains("DJANGO_SETTINGS_MODULE in"), "{found_by}");
        }
        // A section that is not pytest's does not count.
        let (_d, p) = fixture(&format!(
            "{app}# -- setup.cfg\n[flake8]\nDJANGO_SETTINGS_MODULE = lib.tests.settings\n"
        ));
        assert!(find_settings_module(&p, None, false, true).is_none());
    }

    #[test]
    fn a_star_import_from_outside_the_project_makes_unset_names_unknown() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nfrom somelib.settings.base import *\n\
             INSTALLED_APPS += ['myapp', 'oauth2_provider']\nMIDDLEWARE.append('x')\n\
             OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'myapp.MyAccessToken'\nX = SOMETHING\n\
             # -- myapp/__init__.py\n"
        ));
        let s = load(&p);
        let apps = installed_apps(&p, &s);
        let names: Vec<&str> = apps.known.iter().map(|a| a.entry.as_str()).collect();
        assert_eq!(names, ["myapp", "oauth2_provider"]);
        let (reason, _) = apps.unknown.expect("the library's part");
        assert!(reason.contains("somelib.settings.base"), "{reason}");
        assert!(matches!(value(&s, "MIDDLEWARE"), Value::List(items) if items.len() == 2));
        assert!(matches!(value(&s, "X"), Value::Unknown(r) if r.contains("somelib")));
        assert!(s.maybe_set_elsewhere().is_some());
        // A relative star import of a module that is not there (`try: from .local import *`)
        // is absent, not unknown.
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\ntry:\n    from .local import *\nexcept ImportError:\n    pass\nINSTALLED_APPS = ['a']\n"
        ));
        let s = load(&p);
        assert!(s.maybe_set_elsewhere().is_none());
        assert!(installed_apps(&p, &s).unknown.is_none());
    }

    #[test]
    fn an_app_config_inherits_its_name_from_a_library_config() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings.py\nINSTALLED_APPS = ['myadmin.apps.SiteAdminConfig', 'other.apps.OtherConfig']\n\
             # -- myadmin/__init__.py\n# -- myadmin/apps.py\nfrom django.contrib.admin.apps import AdminConfig\n\
             class SiteAdminConfig(AdminConfig):\n    default_site = 'myadmin.sites.Site'\n\
             # -- other/__init__.py\n# -- other/apps.py\nfrom django.contrib.admin.apps import AdminConfig\n\
             class OtherConfig(AdminConfig):\n    name = 'other'\n"
        ));
        let s = load(&p);
        let apps = installed_apps(&p, &s);
        let seen: Vec<(&str, &str, bool)> = apps
            .known
            .iter()
            .map(|a| (a.name.as_str(), a.label.as_str(), a.in_project))
            .collect();
        assert_eq!(
            seen,
            [
                ("django.contrib.admin", "admin", false),
                ("other", "other", true)
            ]
        );
    }

    #[test]
    fn an_apostrophe_in_a_comment_does_not_hide_split_settings_includes() {
        let (_d, p) = fixture(&format!(
            "{MANAGE}# -- proj/settings/__init__.py\n# Don't edit: the components are below.\n\
             from split_settings.tools import include\ninclude('components/*.py')  # it's ordered\n\
             # -- proj/settings/components/base.py\nINSTALLED_APPS = ['oauth2_provider']\n"
        ));
        let (module, _, _) = found(&p);
        assert_eq!(module, "proj.settings");
        assert_eq!(
            value(&load(&p), "INSTALLED_APPS"),
            strs(&["oauth2_provider"])
        );
        assert_eq!(
            quoted_on_lines("x = \"a'b\"  # don't\ny = 'c.py' + \"d\\\"e\"\n"),
            ["a'b", "c.py", "d\\\"e"]
        );
    }
}
