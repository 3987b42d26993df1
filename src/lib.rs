//! django-model-lint: static checks of Django model files against django-oauth-toolkit's
//! contract for swapped models. This file wires the pipeline (design.md):
//! discover → project → load (on demand, parallel) → index → resolve → rules → report.

#![forbid(unsafe_code)]

pub mod contract;
pub mod diagnostic;
pub mod discover;
pub mod edits;
pub mod fix;
pub mod index;
pub mod models;
pub mod noqa;
pub mod project;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod settings;
pub mod source;
pub mod syntax;
pub mod versions;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::contract::Version;
use crate::diagnostic::Diagnostic;
use crate::models::Analysis;
use crate::project::{Project, SourceModule};
use crate::resolve::ClassRef;

/// What the command line (or a test) asks for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--settings`: the settings module, dotted.
    pub settings: Option<String>,
    /// `--dot-version`: overrides the pinned version found in the project.
    pub dot_version: Option<Version>,
    /// `--exclude` globs.
    pub exclude: Vec<String>,
}

#[derive(Debug, Default)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
    /// Python files found under the inputs.
    pub files: usize,
    /// Files read and parsed (the rest were skipped by the prefilter).
    pub parsed: usize,
}

/// Bytes whose presence makes a file worth parsing: it mentions the library or its settings.
const SEEDS: &[&str] = &["oauth2_provider", "OAUTH2_PROVIDER"];

/// Checks `inputs`; `Err` only when the run cannot proceed (bad arguments).
pub fn check_paths(inputs: &[PathBuf], options: &Options) -> Result<CheckResult, String> {
    let excludes = discover::Excludes::new(&options.exclude)?;
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
    let found = discover::discover(&inputs, &excludes);
    let explicit: BTreeSet<PathBuf> = inputs.iter().filter(|p| p.is_file()).cloned().collect();

    let mut diagnostics: Vec<Diagnostic> = found
        .errors
        .iter()
        .map(|(path, reason)| project::io_error(path, reason))
        .collect();

    // Each file belongs to the project of the nearest manage.py above it, else to the directory
    // above its top-level package.
    let mut groups: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut roots_cache: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for file in &found.files {
        let dir = file.parent().unwrap_or(Path::new("/")).to_path_buf();
        let root = roots_cache
            .entry(dir)
            .or_insert_with(|| {
                project::find_manage_py_root(file).unwrap_or_else(|| project::package_root(file))
            })
            .clone();
        groups.entry(root).or_default().push(file.clone());
    }
    // An input directory holding manage.py but no Python file under PATHS still has a project.
    for input in &inputs {
        if input.join("manage.py").is_file() {
            groups.entry(input.clone()).or_default();
        }
    }

    let mut parsed = 0;
    for (root, files) in &groups {
        let (diags, n) = check_project(root, files, &explicit, options);
        diagnostics.extend(diags);
        parsed += n;
    }

    let reported: BTreeSet<&Path> = found
        .files
        .iter()
        .map(PathBuf::as_path)
        .chain(found.errors.iter().map(|(p, _)| p.as_path()))
        .collect();
    let in_paths = |p: &Path| reported.contains(p) || inputs.iter().any(|i| p.starts_with(i));
    diagnostics
        .retain(|d| in_paths(&d.file.path) || d.related.iter().any(|r| in_paths(&r.file.path)));
    diagnostics.retain(|d| !noqa::is_suppressed(d));
    diagnostics.sort_by_key(Diagnostic::sort_key);
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
    Ok(CheckResult {
        diagnostics,
        files: found.files.len(),
        parsed,
    })
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Analyses one project; returns its diagnostics and how many modules were parsed.
fn check_project(
    root: &Path,
    files: &[PathBuf],
    explicit: &BTreeSet<PathBuf>,
    options: &Options,
) -> (Vec<Diagnostic>, usize) {
    let extra_roots: BTreeSet<PathBuf> = files.iter().map(|f| project::package_root(f)).collect();
    let project = Project::new(root.to_path_buf(), extra_roots.into_iter().collect());
    let has_manage = root.join("manage.py").is_file();

    let settings = settings::find_settings_module(&project, options.settings.as_deref())
        .filter(|(_, how)| {
            has_manage || options.settings.is_some() || !how.starts_with("conventional")
        })
        .and_then(|(module, how)| settings::load_settings(&project, &module, how));
    let apps = settings
        .as_ref()
        .map(|s| settings::installed_apps(&project, s))
        .unwrap_or_default();
    let version = match options.dot_version {
        Some(v) => (v, Some("--dot-version".to_string())),
        None => match versions::detect(root, "django-oauth-toolkit") {
            Some((v, file)) => (v, Some(file)),
            None => (contract::dot().newest, None),
        },
    };

    // Models modules of the project's installed apps are where Django registers models.
    for app in apps.iter().filter(|a| a.in_project) {
        project.module(&format!("{}.models", app.name));
    }

    // Files under PATHS: parse those that mention the library (or were named explicitly), then
    // those that mention a class derived from a DOT model, until nothing new turns up.
    let mut seeds: Vec<String> = SEEDS.iter().map(|s| s.to_string()).collect();
    let texts: Vec<(PathBuf, Result<String, String>)> = files
        .par_iter()
        .map(|f| (f.clone(), project::read_source(f)))
        .collect();
    let mut unread: Vec<(PathBuf, String)> = Vec::new();
    let mut io_diags = Vec::new();
    for (path, text) in texts {
        match text {
            Ok(t) => unread.push((path, t)),
            Err(reason) => io_diags.push(project::io_error(&path, &reason)),
        }
    }
    loop {
        let finders: Vec<memchr::memmem::Finder> = seeds
            .iter()
            .map(|s| memchr::memmem::Finder::new(s.as_bytes()))
            .collect();
        let (hits, rest): (Vec<_>, Vec<_>) = unread.into_iter().partition(|(path, text)| {
            explicit.contains(path) || finders.iter().any(|f| f.find(text.as_bytes()).is_some())
        });
        unread = rest;
        if hits.is_empty() {
            break;
        }
        let _: Vec<Option<Arc<SourceModule>>> = hits
            .into_par_iter()
            .map(|(path, text)| {
                project.remember_text(path.clone(), text);
                project.module_at(&path)
            })
            .collect();
        let before = seeds.len();
        let resolver = resolve::Resolver::new(&project);
        let abstract_names: Vec<String> = contract::dot()
            .roles
            .iter()
            .map(|r| contract::dot().abstract_qualname(r))
            .collect();
        let abstract_refs: Vec<&str> = abstract_names.iter().map(String::as_str).collect();
        let mut names: BTreeSet<String> = BTreeSet::new();
        for module in project.loaded_modules() {
            for index in 0..module.index.classes.len() {
                let class = ClassRef {
                    module: module.clone(),
                    index,
                };
                if resolver.derives_from(&class, &abstract_refs) {
                    names.insert(class.info().name.clone());
                }
            }
        }
        for n in names {
            if !seeds.contains(&n) {
                seeds.push(n);
            }
        }
        if seeds.len() == before {
            break;
        }
    }

    let mut analysis = Analysis::new(&project, contract::dot(), settings, apps, version);
    let modules = project.loaded_modules();
    analysis.collect_models(&modules);
    let mut diagnostics = rules::run_all(&analysis);
    diagnostics.append(&mut io_diags);
    diagnostics.extend(project.take_input_diagnostics());
    let parsed = project.loaded_modules().len();
    (diagnostics, parsed)
}

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct FixSummary {
    /// Diagnostics fixed, by file.
    pub fixed: Vec<(PathBuf, Vec<&'static str>)>,
    /// Files left alone, with the reason.
    pub skipped: Vec<String>,
}

/// Applies fixes at `level` and re-checks until nothing more applies (at most a few passes), then
/// returns the final check and what was fixed.
pub fn fix_paths(
    inputs: &[PathBuf],
    options: &Options,
    level: diagnostic::Applicability,
) -> Result<(CheckResult, FixSummary), String> {
    let mut summary = FixSummary::default();
    for _ in 0..4 {
        let result = check_paths(inputs, options)?;
        let planned = fix::plan(&result.diagnostics, level);
        if planned.is_empty() {
            return Ok((result, summary));
        }
        let mut wrote = false;
        for f in &planned {
            match fix::write(f) {
                Ok(()) => {
                    wrote = true;
                    summary.fixed.push((f.file.path.clone(), f.codes.clone()));
                }
                Err(e) => summary.skipped.push(e),
            }
        }
        if !wrote {
            break;
        }
    }
    Ok((check_paths(inputs, options)?, summary))
}
