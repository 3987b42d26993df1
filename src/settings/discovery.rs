//! Which module holds the settings: entry points (`manage.py`, `wsgi.py`, `asgi.py`), test
//! configurations (pytest, tox), conventional places, and the candidates of a settings package or
//! of a name built at run time; also the byte-level scans of a settings chain.

use std::path::{Path, PathBuf};

use super::*;
use crate::project::Project;
use crate::syntax::{self, Expr, ExprKind, Span, Stmt};

/// A settings name as an entry point or a test configuration gives it.
#[derive(Clone, Debug)]
pub(super) enum Named {
    Literal(String),
    /// Built at run time; the literal text before the first interpolation.
    Computed(String),
}

/// What the entry points (`manage.py`, `wsgi.py`, `asgi.py`) set: `DJANGO_SETTINGS_MODULE`
/// (with where) and `DJANGO_CONFIGURATION`.
#[derive(Default)]
pub(super) struct EntryFindings {
    pub(super) settings: Option<(Named, String, Option<Origin>)>,
    pub(super) configuration: Option<String>,
}

pub(super) fn entry_findings(project: &Project) -> EntryFindings {
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
pub(super) fn environ_assignment(stmt: &Stmt) -> Option<(String, &Expr, Span)> {
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
pub(super) fn named_value(e: &Expr, body: &[Stmt]) -> Named {
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
pub(super) fn test_config_findings(root: &Path) -> (Option<(String, String)>, Option<String>) {
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
pub(super) struct IniValues {
    settings: Option<String>,
    configuration: Option<String>,
}

/// Reads `DJANGO_SETTINGS_MODULE = x` (ini or TOML spelling, or a `setenv` line of tox), and
/// `--ds=x` / `--ds x` in `addopts`, within the sections named (a section whose name starts
/// with one of them: `testenv:py311` counts as `testenv`).
pub(super) fn ini_values(text: &str, sections: &[&str]) -> IniValues {
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
pub(super) fn found_or_candidates(
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
pub(super) fn defines_installed_apps(project: &Project, name: &str) -> bool {
    chain_of(project, name)
        .iter()
        .any(|m| module_text(project, m).is_some_and(|t| sets_installed_apps(&t)))
}

pub(super) fn module_text(project: &Project, name: &str) -> Option<String> {
    let (path, _) = project.module_path(name)?;
    project.source_text(&path)
}

pub(super) fn sets_installed_apps(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("INSTALLED_APPS") && !l.starts_with("INSTALLED_APPS_")
    })
}

/// Module `name` and the project modules it imports, transitively (a byte scan of its
/// `import` lines; at most 64 modules).
pub(super) fn chain_of(project: &Project, name: &str) -> Vec<String> {
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
pub(super) fn choose_candidate(
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
pub(super) fn included_candidates(dir: &Path, text: &str) -> Vec<PathBuf> {
    quoted_on_lines(text)
        .into_iter()
        .filter(|q| q.ends_with(".py"))
        .flat_map(|q| expand_include(dir, q))
        .collect()
}

/// The single-line string literals of `text` (their contents), outside comments: an apostrophe
/// in a comment (`# Don't edit`) does not pair with the next quote.
pub(super) fn quoted_on_lines(text: &str) -> Vec<&str> {
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
pub(super) fn expand_include(dir: &Path, pattern: &str) -> Vec<PathBuf> {
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
