//! django-model-lint: static checks of Django model files against django-oauth-toolkit's
//! contract for swapped models. This file wires the pipeline (design.md):
//! discover → project → load (on demand, parallel) → index → resolve → rules → report.

#![forbid(unsafe_code)]

pub mod config;
pub mod contract;
pub mod diagnostic;
pub mod discover;
pub mod django;
pub mod edits;
pub mod fix;
pub mod index;
pub mod library;
pub mod migrations;
pub mod models;
pub mod noqa;
pub mod prefilter;
pub mod project;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod settings;
pub mod source;
pub mod syntax;
pub mod versions;

use std::collections::{BTreeSet, HashMap};
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
    /// Which codes are reported.
    pub selection: config::Selection,
    /// Codes ignored in files matching a glob.
    pub per_file_ignores: Vec<(globset::GlobMatcher, Vec<String>)>,
    /// Extra source roots (`src` in the configuration).
    pub src: Vec<PathBuf>,
    /// `--stdin-filename`: the buffer to check in place of that file's content on disk.
    pub stdin: Option<(PathBuf, String)>,
    /// How much of each fix the caller will use.
    pub fix_details: FixDetails,
}

/// How much of a fix is built. A fix whose edits need a scan of the whole project (the rename
/// of DOT001 / DOT002) costs a read of every file; an output that shows only whether a fix
/// exists does not need its edits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FixDetails {
    /// Every edit, message and related location (fixing, diffs, full / JSON / SARIF output).
    #[default]
    Full,
    /// Whether a fix exists and its applicability, as far as known without scanning the
    /// project (concise and CI annotation formats).
    Summary,
}

#[derive(Debug, Default)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
    /// Python files found under the inputs.
    pub files: usize,
    /// Files read and parsed (the rest were skipped by the prefilter).
    pub parsed: usize,
    /// What could not be checked, by project root (see DML001).
    pub unchecked: Vec<(PathBuf, String)>,
    /// Notes about a whole project (an assumed library version), by project root.
    pub notes: Vec<(PathBuf, String)>,
}

/// Checks `inputs`; `Err` only when the run cannot proceed (bad arguments).
pub fn check_paths(inputs: &[PathBuf], options: &Options) -> Result<CheckResult, String> {
    configure_threads();
    let excludes = discover::Excludes::new(&options.exclude)?;
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
    let (listing, errors) = find_inputs(&inputs, &excludes, options);
    let mut explicit: BTreeSet<PathBuf> = inputs.iter().filter(|p| p.is_file()).cloned().collect();
    explicit.extend(options.stdin.as_ref().map(|(p, _)| absolute(p)));

    let mut diagnostics: Vec<Diagnostic> = errors
        .iter()
        .map(|(path, reason)| project::io_error(path, reason))
        .collect();

    let groups = group_files(&inputs, &listing);
    explicit_settings_exist(&groups, options)?;

    // What is reported: diagnostics in the files under PATHS, or elsewhere (but not in an
    // excluded file, which is context only) with a related location under PATHS. (The files
    // are sorted: a lookup per diagnostic, not a set of every file.)
    let in_paths = |p: &Path| listing.contains(p) || errors.iter().any(|(e, _)| e == p);
    let reported = |d: &Diagnostic| {
        in_paths(&d.file.path)
            || (!excludes.excludes_path(&d.file.path)
                && d.related.iter().any(|r| in_paths(&r.file.path)))
    };
    let selected = |d: &Diagnostic| {
        options.selection.enabled(d.code)
            && !options.per_file_ignores.iter().any(|(glob, codes)| {
                glob.is_match(&d.file.path)
                    && codes
                        .iter()
                        .any(|c| c == "ALL" || d.code.starts_with(c.as_str()))
            })
    };
    let shown = |d: &Diagnostic| reported(d) && selected(d);

    // Projects are independent: analysed in parallel, merged in root order.
    let results: Vec<_> = groups
        .par_iter()
        .map(|(root, group)| check_project(root, group, &explicit, options, &shown))
        .collect();
    let mut parsed = 0;
    let mut noqa_files = Vec::new();
    let mut unchecked = Vec::new();
    let mut notes = Vec::new();
    for outcome in results {
        diagnostics.extend(outcome.diagnostics);
        noqa_files.extend(outcome.noqa_files);
        parsed += outcome.parsed;
        unchecked.extend(outcome.unchecked);
        notes.extend(outcome.notes);
    }
    // A root analysed under two spellings (a link) is still one project to the reader.
    unchecked.dedup();
    notes.dedup();

    diagnostics.retain(|d| reported(d));
    // Unused `noqa` codes are judged against everything found, whatever is selected: a
    // directive for a rule that is merely not selected today is not stale.
    let unused = noqa::unused(&noqa_files, &diagnostics);
    diagnostics.retain(|d| selected(d));
    noqa::remove_suppressed(&mut diagnostics);
    diagnostics.extend(unused);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
    Ok(CheckResult {
        diagnostics,
        files: listing.files().len(),
        parsed,
        unchecked,
        notes,
    })
}

/// What the analysis of one project gives.
struct ProjectOutcome {
    diagnostics: Vec<Diagnostic>,
    parsed: usize,
    noqa_files: Vec<Arc<diagnostic::SourceFile>>,
    unchecked: Vec<(PathBuf, String)>,
    notes: Vec<(PathBuf, String)>,
}

/// Notes about a whole project, said once in the report rather than on every diagnostic: the
/// DOT version assumed when none is pinned (only where there is a custom DOT model to check).
fn project_notes(analysis: &Analysis) -> Vec<(PathBuf, String)> {
    if analysis.version_source.is_some() || analysis.models.is_empty() {
        return Vec::new();
    }
    vec![(
        analysis.project.root.clone(),
        format!(
            "no pinned django-oauth-toolkit version was found, so the newest, {}, is assumed.",
            analysis.contract.newest
        ),
    )]
}

/// `--settings X` (or `settings = "X"`) must name a module of one of the projects checked:
/// a name that matches nothing would silently leave every setting unknown.
fn explicit_settings_exist(
    groups: &[(PathBuf, Group<'_>)],
    options: &Options,
) -> Result<(), String> {
    let Some(name) = options.settings.as_deref() else {
        return Ok(());
    };
    let mut looked: Vec<String> = Vec::new();
    for (root, group) in groups {
        let mut extra: Vec<PathBuf> = options.src.iter().map(|p| absolute(p)).collect();
        extra.extend(group.package_roots.iter().cloned());
        let project = Project::new(root.clone(), extra, Some(group.listing.clone()));
        if project.has_module(name) {
            return Ok(());
        }
        let rel: PathBuf = name.split('.').collect();
        for r in &project.source_roots {
            let candidate = r.join(&rel);
            looked.push(format!("{}.py", candidate.display()));
        }
    }
    if groups.is_empty() {
        return Ok(());
    }
    looked.sort();
    looked.dedup();
    Err(format!(
        "the settings module `{name}` was not found (looked for {})",
        looked.join(", ")
    ))
}

/// The Python files under `inputs`, as the walk's listing, and the paths that could not be read;
/// with `--stdin-filename`, just that file (the buffer stands for it, and it need not exist on
/// disk), in a listing that answers nothing.
fn find_inputs(
    inputs: &[PathBuf],
    excludes: &discover::Excludes,
    options: &Options,
) -> (Arc<discover::Listing>, Vec<(PathBuf, String)>) {
    match &options.stdin {
        Some((path, _)) => (
            Arc::new(discover::Listing::unwalked(vec![absolute(path)])),
            Vec::new(),
        ),
        None => {
            let found = discover::discover(inputs, excludes);
            let listing =
                discover::Listing::new(inputs, excludes, found.files).with_links(found.links);
            (Arc::new(listing), found.errors)
        }
    }
}

/// Rayon's workers get 16 MiB stacks: files under `syntax`'s big-stack threshold (16 KiB) can
/// nest at most ~16k levels, whose AST drop fits there (the 2 MiB default overflows near 20k).
fn configure_threads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only if a pool was already built (by an embedding program): keep theirs.
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(16 << 20)
            .build_global();
    });
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Analyses one project; returns its diagnostics and how many modules were parsed.
fn check_project(
    root: &Path,
    group: &Group<'_>,
    explicit: &BTreeSet<PathBuf>,
    options: &Options,
    reported: &(dyn Fn(&Diagnostic) -> bool + Sync),
) -> ProjectOutcome {
    analyze_project(
        root,
        group,
        explicit,
        options,
        Some(reported),
        |analysis, mut io_diags, noqa_files| {
            let mut diagnostics = rules::run_all(analysis);
            diagnostics.append(&mut io_diags);
            diagnostics.extend(analysis.project.take_input_diagnostics());
            ProjectOutcome {
                diagnostics,
                parsed: analysis.project.loaded_modules().len(),
                noqa_files,
                unchecked: rules::unresolved_settings::summary_lines(analysis),
                notes: project_notes(analysis),
            }
        },
    )
}

/// Builds one project's analysis and hands it to `f` with the input diagnostics met so far.
/// `reported`: which diagnostics will be reported (see [`Analysis::reported`]); `None`
/// (`--show-settings`): evaluate the settings even where the library is not used.
fn analyze_project<T>(
    root: &Path,
    group: &Group<'_>,
    explicit: &BTreeSet<PathBuf>,
    options: &Options,
    reported: Option<&(dyn Fn(&Diagnostic) -> bool + Sync)>,
    f: impl FnOnce(&Analysis, Vec<Diagnostic>, Vec<Arc<diagnostic::SourceFile>>) -> T,
) -> T {
    let full = reported.is_none();
    let mut extra_roots: Vec<PathBuf> = options.src.iter().map(|p| absolute(p)).collect();
    extra_roots.extend(group.package_roots.iter().cloned());
    let files = &group.files;
    let project = Project::new(root.to_path_buf(), extra_roots, Some(group.listing.clone()));
    let stdin = options
        .stdin
        .as_ref()
        .map(|(p, text)| (absolute(p), text.clone()));
    if let Some((path, text)) = &stdin {
        project.set_override(path.clone(), text.clone());
    }
    let has_manage = project.file_exists(&root.join("manage.py"));
    let want_noqa = options.selection.enabled("DML100");
    let named_explicitly = files.iter().any(|p| explicit.contains(*p));
    let root_bytes = root.as_os_str().as_encoded_bytes();
    let is_model_module = |p: &Path| {
        let b = p.as_os_str().as_encoded_bytes();
        prefilter::is_model_module(b.strip_prefix(root_bytes).unwrap_or(b))
    };
    let has_models = files.iter().any(|p| is_model_module(p));
    // Conventional places count only in a manage.py project: a package's `settings.py` may be
    // anything. Test configurations (pytest.ini, tox.ini, …) are read only where a settings
    // module could matter, not for each of a tree's loose-script directories.
    let discovery = settings::find_settings_module(
        &project,
        options.settings.as_deref(),
        has_manage,
        full || has_manage || has_models || named_explicitly,
    );
    // A project with no model module, no file named explicitly and no settings module has
    // nothing a rule could check, and nothing of it is read: a tree of loose scripts is one
    // such project per directory.
    if !(full || want_noqa || named_explicitly || discovery.is_some() || has_models) {
        let mut analysis = Analysis::new(
            &project,
            contract::dot(),
            None,
            Vec::new(),
            (contract::dot().newest, None),
        );
        analysis.reported = reported;
        return f(&analysis, Vec::new(), Vec::new());
    }
    let version = match options.dot_version {
        Some(v) => (v, Some("--dot-version".to_string())),
        None => {
            match versions::for_project(&project, "django-oauth-toolkit", &contract::dot().package)
            {
                Some((v, file)) => (v, Some(file)),
                None => (contract::dot().newest, None),
            }
        }
    };

    // Files under PATHS worth reading: those named explicitly, the model modules, and what
    // they import (see `read_inputs`). Every file, when unused `noqa` directives are wanted (a
    // stale one can sit anywhere). Imports are followed only in a project that uses the
    // library: it is pinned, its settings chain names it, or a model module does. Elsewhere a
    // model module that names nothing of DOT's cannot hold a DOT model, and what it imports is
    // never opened (the price: a settings-less package whose models.py only re-exports token
    // models from another module, with no pin, is not analysed).
    let uses_dot = full
        || named_explicitly
        || version.1.is_some()
        || discovery.as_ref().is_some_and(|d| match d {
            settings::Discovery::Found { module, .. } => {
                settings::chain_mentions_library(&project, module)
            }
            settings::Discovery::Unclear(u) => u
                .candidates
                .iter()
                .any(|m| settings::chain_mentions_library(&project, m)),
        });
    let (texts, mentioned) = read_inputs(
        &project,
        files,
        |p| want_noqa || is_model_module(p) || explicit.contains(p),
        stdin.as_ref(),
        uses_dot,
    );
    // Settings are evaluated only where they can matter: a project that neither pins, names
    // nor configures the library has nothing for a rule to check.
    let uses_dot = uses_dot || mentioned;
    // Django's own checks (DJF / DJM) concern every Django project: they run where a model
    // module (or a file named explicitly) is among the inputs and the settings module is known.
    let django_discovery = match &discovery {
        Some(d @ settings::Discovery::Found { .. })
            if !full && (has_models || named_explicitly) && django_checks_selected(options) =>
        {
            Some(d.clone())
        }
        _ => None,
    };
    let discovery = discovery.filter(|_| uses_dot);
    let settings = discovery
        .as_ref()
        .and_then(|d| settings::load_settings(&project, d));
    let unclear = match &discovery {
        Some(settings::Discovery::Unclear(u)) => Some(u.clone()),
        _ => settings.as_ref().and_then(|s| s.unclear.clone()),
    };
    let apps = settings
        .as_ref()
        .map(|s| settings::installed_apps(&project, s))
        .unwrap_or_default();

    // Models modules of the project's installed apps are where Django registers models. Those
    // of the apps the OAUTH2_PROVIDER_*_MODEL settings name are loaded; the others only if they
    // pass the prefilter below, like any input file (a single-file run stays fast).
    let named: Vec<(String, String)> = settings
        .as_ref()
        .map(|s| {
            contract::dot()
                .roles
                .iter()
                .filter_map(|r| {
                    s.get(&r.setting)?
                        .value
                        .as_str()?
                        .split_once('.')
                        .map(|(l, m)| (l.to_string(), m.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut app_models: Vec<PathBuf> = Vec::new();
    for app in apps.known.iter().filter(|a| a.in_project) {
        let name = format!("{}.models", app.name);
        let models: Vec<&str> = named
            .iter()
            .filter(|(label, _)| *label == app.label)
            .map(|(_, model)| model.as_str())
            .collect();
        if models.is_empty() {
            if let Some((path, _)) = project.module_path(&name) {
                app_models.push(path);
            }
            continue;
        }
        // A named model may be defined elsewhere and imported into the models module:
        // resolving its name loads the module that defines it.
        if let Some(module) = project.module(&name) {
            let resolver = resolve::Resolver::new(&project);
            for model in models {
                let class = module.index.model_name(model).unwrap_or(model);
                resolver.resolve_name(&module, class);
            }
        }
    }
    // Settings that cannot be told between candidates: the models modules of the apps any
    // candidate installs are read, so that a custom model whose activity is unknown is seen
    // (and DML001 said) even when the run names a single file (manage.py, a settings file).
    if let Some(unclear) = &unclear {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for candidate in &unclear.candidates {
            let found = settings::Discovery::Found {
                module: candidate.clone(),
                found_by: String::new(),
                choice: None,
            };
            let Some(s) = settings::load_settings(&project, &found) else {
                continue;
            };
            for app in settings::installed_apps(&project, &s).known {
                if app.in_project
                    && seen.insert(app.name.clone())
                    && let Some((path, _)) = project.module_path(&format!("{}.models", app.name))
                {
                    app_models.push(path);
                }
            }
        }
    }

    let mut seeds: Vec<String> = prefilter::SEEDS.iter().map(|s| s.to_string()).collect();
    let mut unread: Vec<(PathBuf, String)> = app_models
        .into_iter()
        .filter(|p| {
            files
                .binary_search_by(|f| discover::bytes(f).cmp(discover::bytes(p)))
                .is_err()
        })
        .filter_map(|p| Some((p.clone(), project::read_source(&p).ok()?)))
        .collect();
    let mut io_diags = Vec::new();
    let mut noqa_files = Vec::new();
    for (path, text) in texts {
        match text {
            Ok(t) => {
                if want_noqa && memchr::memmem::find(t.as_bytes(), b"noqa").is_some() {
                    noqa_files.push(Arc::new(diagnostic::SourceFile::new(
                        path.clone(),
                        t.clone(),
                    )));
                }
                unread.push((path, t));
            }
            Err(reason) => io_diags.push(project::io_error(&path, &reason)),
        }
    }
    loop {
        let finders: Vec<memchr::memmem::Finder> = seeds
            .iter()
            .map(|s| memchr::memmem::Finder::new(s.as_bytes()))
            .collect();
        // The library's own names count anywhere; a class derived from it only where a class
        // statement (or an alias) could derive from it again (see `prefilter::may_subclass`).
        let (hits, rest): (Vec<_>, Vec<_>) = unread.into_iter().partition(|(path, text)| {
            explicit.contains(path)
                || finders
                    .iter()
                    .zip(&seeds)
                    .enumerate()
                    .any(|(i, (f, seed))| {
                        f.find(text.as_bytes()).is_some()
                            && (i < prefilter::SEEDS.len()
                                || prefilter::may_subclass(text.as_bytes(), seed.as_bytes()))
                    })
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

    // Django's settings: the same as DOT's where both are read.
    let django_settings = django_discovery
        .and_then(|d| match (&settings, &discovery) {
            (Some(s), Some(_)) => Some(s.clone()),
            _ => settings::load_settings(&project, &d),
        })
        .filter(|s| s.unclear.is_none());
    let django_apps = django_settings
        .as_ref()
        .map(|s| django_installed_apps(&project, s))
        .unwrap_or_default();
    // The DOT rules see the modules loaded so far; the graph's model modules come after.
    let modules = project.loaded_modules();
    // Inputs that are all files named explicitly (an editor's run on save): only their
    // diagnostics are wanted, and the graph parses only the models modules that can matter.
    let focus =
        (!files.is_empty() && files.iter().all(|p| explicit.contains(*p))).then(|| django::Focus {
            files: files.iter().map(|p| p.to_path_buf()).collect(),
            candidates: Vec::new(),
        });
    let django = django_settings.as_ref().map(|s| {
        let (graph_modules, focus) = django_model_modules(&project, &django_apps, focus);
        rules::django::Context {
            graph: django::LazyGraph::new(django::Inputs {
                project: &project,
                settings: Some(s),
                apps: &django_apps,
                modules: graph_modules,
                django: versions::for_project(&project, "django", "django")
                    .map_or_else(|| django::builtin::data().newest(), |(v, _)| v),
                focus,
            }),
            silenced: rules::django::silenced_checks(s),
        }
    });

    let mut analysis = Analysis::new(&project, contract::dot(), settings, apps.known, version);
    analysis.apps_unknown = apps.unknown;
    if let Some(unclear) = unclear {
        analysis.set_unclear(unclear);
    }
    analysis.reported = reported;
    analysis.fix_details = options.fix_details;
    analysis.django = django.as_ref();
    analysis.collect_models(&modules);
    f(&analysis, io_diags, noqa_files)
}

/// The installed apps as Django's checks may rely on them: an entry only some branches of an
/// `if` add (`if DEBUG: INSTALLED_APPS += [...]`, one of two mutually exclusive test apps) may
/// be missing, so it is not counted as installed, and the list counts as partly unknown.
fn django_installed_apps(project: &Project, s: &settings::Settings) -> settings::Apps {
    let mut apps = settings::installed_apps(project, s);
    let conditional = settings::conditional_entries(s, "INSTALLED_APPS");
    if conditional.is_empty() {
        return apps;
    }
    apps.known.retain(|a| !conditional.contains(&a.entry));
    if apps.unknown.is_none()
        && let Some(v) = s.get("INSTALLED_APPS")
    {
        apps.unknown = Some((
            format!("{} is added under a condition", conditional.join(", ")),
            v.clone(),
        ));
    }
    apps
}

/// Whether any of Django's own checks (DJF / DJM) or a library contract rule (which reads the
/// same Django context) is selected.
fn django_checks_selected(options: &Options) -> bool {
    rules::RULES.iter().any(|r| {
        (r.code.starts_with("DJF")
            || r.code.starts_with("DJM")
            || library::is_contract_code(r.code))
            && options.selection.enabled(r.code)
    })
}

/// The modules Django runs at start-up to register the project's models: each installed app's
/// `models` module of the project and, for a `models/` package, the submodules it imports
/// (transitively). Other modules are reached through the resolver when a model's base lives
/// there. With a focus, a plain models module (not a package) that is not loaded yet is not
/// parsed but left to the focus's candidates (`Graph::build` parses those that can matter).
fn django_model_modules(
    project: &Project,
    apps: &settings::Apps,
    mut focus: Option<django::Focus>,
) -> (Vec<Arc<SourceModule>>, Option<django::Focus>) {
    let mut roots: Vec<String> = apps
        .known
        .iter()
        .filter(|a| a.in_project)
        .map(|a| format!("{}.models", a.name))
        .collect();
    if let Some(focus) = focus.as_mut() {
        let loaded: BTreeSet<String> = project
            .loaded_modules()
            .iter()
            .map(|m| m.name.clone())
            .collect();
        roots.retain(|name| {
            if loaded.contains(name) {
                return true;
            }
            match project.module_path(name) {
                Some((path, false)) => {
                    focus.candidates.push((name.clone(), path));
                    false
                }
                Some((_, true)) => true,
                None => false,
            }
        });
    }
    let mut out: Vec<(Arc<SourceModule>, String)> = roots
        .par_iter()
        .filter_map(|name| Some((project.module(name)?, name.clone())))
        .collect();
    let mut seen: BTreeSet<String> = out.iter().map(|(m, _)| m.name.clone()).collect();
    let mut i = 0;
    while let Some((module, package)) = out.get(i).cloned() {
        i += 1;
        if !(module.is_package || module.name.starts_with(&format!("{package}."))) {
            continue;
        }
        let mut imported: Vec<String> = module.index.star_imports.clone();
        for binding in module.index.bindings.values() {
            match binding {
                index::Binding::Import(index::ImportTarget::Module(m), _) => {
                    imported.push(m.clone());
                }
                index::Binding::Import(index::ImportTarget::Member { module: m, name }, _) => {
                    imported.push(m.clone());
                    imported.push(format!("{m}.{name}"));
                }
                _ => {}
            }
        }
        let prefix = format!("{package}.");
        for name in imported {
            if !name.starts_with(&prefix) || !seen.insert(name.clone()) {
                continue;
            }
            if let Some(m) = project.module(&name) {
                out.push((m, package.clone()));
            }
        }
    }
    (out.into_iter().map(|(m, _)| m).collect(), focus)
}

/// A file read for the analysis: its text, or why it could not be read.
type ReadFile = (PathBuf, Result<String, String>);

/// Reads the files of `files` that `wanted` picks, then, when `follow` is set or one of them
/// mentions the library, the files among `files` that they import, transitively (a byte-level
/// scan of `import` lines: see `prefilter`). Returns each file read with its text, sorted, and
/// whether one of the files `wanted` picks mentions the library.
fn read_inputs(
    project: &Project,
    files: &[&Path],
    wanted: impl Fn(&Path) -> bool,
    stdin: Option<&(PathBuf, String)>,
    follow: bool,
) -> (Vec<ReadFile>, bool) {
    // `files` is sorted by bytes: a lookup is a binary search, no allocation, no hashing.
    let index_of = |p: &Path| {
        let key = discover::bytes(p);
        files.binary_search_by(|f| discover::bytes(f).cmp(key)).ok()
    };
    let mut queued = vec![false; files.len()];
    let mut batch: Vec<usize> = (0..files.len()).filter(|&i| wanted(files[i])).collect();
    for &i in &batch {
        queued[i] = true;
    }
    // Whether a top-level name is one of the project's packages: most imports are of the
    // standard library or of installed packages and are dropped on their first word.
    let mut tops: HashMap<String, bool> = HashMap::new();
    let mut texts: Vec<ReadFile> = Vec::new();
    let mut followed = 0;
    let mut mentioned = false;
    while !batch.is_empty() {
        let read: Vec<ReadFile> = batch
            .par_iter()
            .map(|&i| {
                let f = files[i];
                let text = match stdin {
                    Some((p, text)) if p == f => Ok(text.clone()),
                    _ => project::read_source(f),
                };
                (f.to_path_buf(), text)
            })
            .collect();
        batch = Vec::new();
        texts.extend(read);
        if followed == 0 {
            mentioned = texts
                .iter()
                .any(|(_, t)| t.as_ref().is_ok_and(|t| prefilter::mentions_library(t)));
        }
        if !(follow || mentioned) {
            break;
        }
        let imported: Vec<Vec<String>> = texts[followed..]
            .par_iter()
            .map(|(f, text)| match (text, project.module_name_of(f)) {
                (Ok(t), Some((name, is_package))) => prefilter::imports(t)
                    .iter()
                    .flat_map(|i| prefilter::imported_modules(&name, is_package, i))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        followed = texts.len();
        for module in imported.into_iter().flatten() {
            let top = module.split('.').next().unwrap_or_default();
            let local = match tops.get(top) {
                Some(&known) => known,
                None => {
                    let known = project.module_path(top).is_some();
                    tops.insert(top.to_string(), known);
                    known
                }
            };
            if !local {
                continue;
            }
            for candidate in project.module_candidates(&module) {
                if let Some(i) = index_of(&candidate)
                    && !queued[i]
                {
                    queued[i] = true;
                    batch.push(i);
                }
            }
        }
    }
    texts.sort_by(|a, b| a.0.cmp(&b.0));
    (texts, mentioned)
}

/// Groups input files by project: the nearest manage.py above each file, else the directory
/// above its top-level package, or the repository top above a namespace package, `src/`, or a
/// directory of scripts, docs or tests (see `RootCache::project_of`).
fn group_files<'a>(
    inputs: &[PathBuf],
    listing: &'a Arc<discover::Listing>,
) -> Vec<(PathBuf, Group<'a>)> {
    group_files_in_chunks(inputs, listing, 2048)
}

/// The projects, sorted by the bytes of their root.
fn group_files_in_chunks<'a>(
    inputs: &[PathBuf],
    listing: &'a Arc<discover::Listing>,
    chunk: usize,
) -> Vec<(PathBuf, Group<'a>)> {
    // A tree has thousands of directories, each answered by a few lookups: chunks of the files
    // are answered in parallel, each with its own memo (they share only a few ancestors).
    let parts: Vec<Vec<Run<'a>>> = listing
        .files()
        .par_chunks(chunk)
        .map(|chunk| runs(chunk, listing))
        .collect();
    let mut runs: Vec<Run<'a>> = parts.into_iter().flatten().collect();
    // An input directory holding manage.py but no Python file under PATHS still has a project.
    for input in inputs {
        if input.join("manage.py").is_file() {
            runs.push(Run {
                root: input.clone(),
                package_roots: Vec::new(),
                files: &[],
            });
        }
    }
    // Stable, so a project's files stay sorted.
    runs.sort_by(|a, b| discover::bytes(&a.root).cmp(discover::bytes(&b.root)));
    runs.chunk_by(|a, b| discover::bytes(&a.root) == discover::bytes(&b.root))
        .map(|same| {
            let mut group = Group {
                listing: listing.clone(),
                ..Group::default()
            };
            for run in same {
                group.files.extend(run.files.iter().map(PathBuf::as_path));
                group
                    .package_roots
                    .extend(run.package_roots.iter().cloned());
            }
            (same[0].root.clone(), group)
        })
        .collect()
}

/// Consecutive files of one project.
struct Run<'a> {
    root: PathBuf,
    package_roots: Vec<PathBuf>,
    files: &'a [PathBuf],
}

/// Splits `chunk` (sorted) into runs of files of the same project. Files come sorted, so a
/// directory's files, and a project's directories, are mostly consecutive: a directory is
/// answered once per run of its files (and memoised across runs).
fn runs<'a>(chunk: &'a [PathBuf], listing: &Arc<discover::Listing>) -> Vec<Run<'a>> {
    let mut cache = project::RootCache::new(Some(listing.clone()));
    let mut out: Vec<Run<'a>> = Vec::new();
    let mut last_dir: Option<&Path> = None;
    for (i, file) in chunk.iter().enumerate() {
        let dir = file.parent().unwrap_or(Path::new("/"));
        let same_dir = last_dir.is_some_and(|d| discover::bytes(d) == discover::bytes(dir));
        last_dir = Some(dir);
        if let Some(run) = out.last_mut().filter(|_| same_dir) {
            run.files = &chunk[i - run.files.len()..=i];
            continue;
        }
        let package_root = cache.package_root(dir);
        let (package_root, root) = match cache.manage_root(dir) {
            Some(root) => (package_root, root),
            None => cache.project_of(&package_root),
        };
        match out.last_mut() {
            Some(run) if discover::bytes(&run.root) == discover::bytes(&root) => {
                run.files = &chunk[i - run.files.len()..=i];
                if run.package_roots.last() != Some(&package_root) {
                    run.package_roots.push(package_root);
                }
            }
            _ => out.push(Run {
                root,
                package_roots: vec![package_root],
                files: &chunk[i..=i],
            }),
        }
    }
    out
}

/// The input files of one project (sorted by their bytes), and the package roots they sit
/// under.
#[derive(Default)]
struct Group<'a> {
    files: Vec<&'a Path>,
    package_roots: BTreeSet<PathBuf>,
    listing: Arc<discover::Listing>,
}

/// `--show-settings`: what the linter believes about each project under `inputs`.
pub fn describe(inputs: &[PathBuf], options: &Options) -> Result<String, String> {
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
    let excludes = discover::Excludes::new(&options.exclude).unwrap_or_default();
    let (listing, _) = find_inputs(&inputs, &excludes, options);
    let explicit = BTreeSet::new();
    let mut out = String::new();
    let groups = group_files(&inputs, &listing);
    explicit_settings_exist(&groups, options)?;
    for (root, group) in groups {
        analyze_project(&root, &group, &explicit, options, None, |a, _, _| {
            describe_project(&mut out, a);
        });
    }
    Ok(out)
}

/// One project of `--show-settings`: what the linter believes, every unknown marked as such.
fn describe_project(out: &mut String, a: &Analysis) {
    use std::fmt::Write as _;
    let p = a.project;
    let _ = writeln!(out, "project root: {}", p.root.display());
    let roots: Vec<String> = p
        .source_roots
        .iter()
        .map(|r| r.display().to_string())
        .collect();
    let _ = writeln!(out, "  source roots: {}", roots.join(", "));
    match (&a.settings, &a.unclear) {
        (_, Some(unclear)) => {
            let _ = writeln!(out, "  settings module: unknown: {}", unclear.reason);
            if !unclear.candidates.is_empty() {
                let _ = writeln!(
                    out,
                    "  settings candidates: {}",
                    unclear.candidates.join(", ")
                );
            }
        }
        (Some(s), None) => {
            let _ = writeln!(
                out,
                "  settings module: {} (found by {})",
                s.module, s.found_by
            );
            if let Some(choice) = &s.choice {
                let _ = writeln!(out, "  settings chosen: {choice}");
            }
        }
        (None, None) => {
            let _ = writeln!(
                out,
                "  settings module: none found; every concrete DOT subclass is treated as active"
            );
        }
    }
    for app in a.apps.iter().filter(|x| x.in_project) {
        let _ = writeln!(out, "  app: {} (label {})", app.name, app.label);
    }
    if let Some((reason, _)) = &a.apps_unknown {
        let _ = writeln!(out, "  INSTALLED_APPS: partly unknown: {reason}");
    }
    let _ = writeln!(
        out,
        "  django-oauth-toolkit: {} ({})",
        a.dot_version,
        a.version_source
            .as_deref()
            .unwrap_or("not pinned; newest assumed")
    );
    for role in &a.contract.roles {
        // A role the DOT version in use does not have (DeviceGrant before 3.2) is not listed.
        if role.since.is_some_and(|since| a.dot_version < since) {
            continue;
        }
        let spec = match a.active.get(&role.role) {
            Some(models::ActiveSpec::Model {
                label,
                model,
                setting,
            }) => format!(
                "{label}.{model}{}",
                if setting.is_some() { "" } else { " (default)" }
            ),
            Some(models::ActiveSpec::Unresolved { reason, .. }) => {
                format!("unknown: {reason}")
            }
            _ => "every concrete subclass".to_string(),
        };
        let found: Vec<String> = a
            .models
            .iter()
            .filter(|m| m.role.role == role.role && m.active == Some(true))
            .map(|m| {
                let loc = m.class.module.file.location(m.class.info().name_span.start);
                format!(
                    "{} at {}:{}",
                    m.name(),
                    m.class.module.file.path.display(),
                    loc.row
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:<13} {spec}{}",
            role.concrete,
            if found.is_empty() {
                String::new()
            } else {
                format!(" -> {}", found.join(", "))
            }
        );
    }
    for (_, line) in rules::unresolved_settings::summary_lines(a) {
        let _ = writeln!(out, "  not checked: {line}");
    }
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

/// `--add-noqa`: writes `# noqa: CODES` on every line where a current diagnostic starts. Returns
/// how many directives were added or extended, and files left alone with the reason.
pub fn add_noqa(inputs: &[PathBuf], options: &Options) -> Result<(usize, Vec<String>), String> {
    let result = check_paths(inputs, options)?;
    let mut added = 0;
    let mut skipped = Vec::new();
    for (file, edits) in noqa::add_noqa_edits(&result.diagnostics) {
        let n = edits.len();
        let Some(planned) = fix::fix_file(file.clone(), edits, Vec::new()) else {
            skipped.push(format!(
                "{}: the noqa comments would not parse; not changed",
                file.path.display()
            ));
            continue;
        };
        match fix::write(&planned) {
            Ok(()) => added += n,
            Err(e) => skipped.push(e),
        }
    }
    Ok((added, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inputs (`root` alone) and the walk's listing of the tree under `root`.
    fn walked(root: &Path) -> ([PathBuf; 1], Arc<discover::Listing>) {
        let inputs = [root.to_path_buf()];
        let excludes = discover::Excludes::new(&[]).unwrap();
        let found = discover::discover(&inputs, &excludes);
        let listing = Arc::new(discover::Listing::new(&inputs, &excludes, found.files));
        (inputs, listing)
    }

    #[test]
    fn files_are_grouped_by_project_however_the_work_is_split() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let files = [
            "proj/manage.py",
            "proj/settings.py",
            "proj/app/__init__.py",
            "proj/app/models.py",
            "proj/app/sub/deep.py",
            "proj/app-b.py",
            "lib/pkg/__init__.py",
            "lib/pkg/a.py",
            "lib/pkg/b/__init__.py",
            "lib/pkg/b/c.py",
            "lib/pkg.py",
            "loose/script.py",
        ];
        discover::tests::touch_all(&root, &files);
        let (inputs, listing) = walked(&root);
        let rel = |p: &Path| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        for chunk in [1, 2, 3, 5, 2048] {
            let groups = group_files_in_chunks(&inputs, &listing, chunk);
            let seen: Vec<(String, Vec<String>, Vec<String>)> = groups
                .iter()
                .map(|(r, g)| {
                    (
                        rel(r),
                        g.files.iter().map(|f| rel(f)).collect(),
                        g.package_roots.iter().map(|p| rel(p)).collect(),
                    )
                })
                .collect();
            let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            assert_eq!(
                seen,
                [
                    (
                        "lib".to_string(),
                        owned(&[
                            "lib/pkg.py",
                            "lib/pkg/__init__.py",
                            "lib/pkg/a.py",
                            "lib/pkg/b/__init__.py",
                            "lib/pkg/b/c.py"
                        ]),
                        owned(&["lib"]),
                    ),
                    (
                        "loose".to_string(),
                        owned(&["loose/script.py"]),
                        owned(&["loose"]),
                    ),
                    (
                        "proj".to_string(),
                        owned(&[
                            "proj/app-b.py",
                            "proj/app/__init__.py",
                            "proj/app/models.py",
                            "proj/app/sub/deep.py",
                            "proj/manage.py",
                            "proj/settings.py"
                        ]),
                        owned(&["proj", "proj/app/sub"]),
                    ),
                ],
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn a_namespace_package_docs_and_tests_are_one_project_with_their_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let files = [
            "repo/aleksis/core/__init__.py",
            "repo/aleksis/core/models.py",
            "repo/aleksis/core/settings.py",
            "repo/conftest.py",
            "repo/docs/conf.py",
            "repo/setup.py",
            "repo/tests/test_x.py",
            "repo/src/extra/__init__.py",
            "repo/example/manage.py",
            "repo/example/site/__init__.py",
        ];
        discover::tests::touch_all(&root, &files);
        let (inputs, listing) = walked(&root);
        let rel = |p: &Path| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        let seen: Vec<(String, usize, Vec<String>)> = group_files(&inputs, &listing)
            .iter()
            .map(|(r, g)| {
                (
                    rel(r),
                    g.files.len(),
                    g.package_roots.iter().map(|p| rel(p)).collect(),
                )
            })
            .collect();
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            seen,
            [
                ("repo".to_string(), 8, owned(&["repo", "repo/src"])),
                ("repo/example".to_string(), 2, owned(&["repo/example"])),
            ]
        );
    }

    /// A run on one model module parses only the models modules that can matter to its
    /// diagnostics (those mentioning its relations' targets), and reports the same DJF304 as
    /// the run on the whole project.
    #[test]
    fn one_file_reads_fewer_models_modules_and_reports_the_same_clash() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "manage.py",
            "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
        );
        write("proj/__init__.py", "");
        write(
            "proj/settings.py",
            "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog', 'shop', 'wiki', 'forum']\n",
        );
        let fk = |class: &str| {
            format!(
                "from django.db import models\n\n\nclass {class}(models.Model):\n    owner = models.ForeignKey('auth.User', models.CASCADE, related_name='items')\n"
            )
        };
        for app in ["blog", "shop", "wiki", "forum"] {
            write(&format!("{app}/__init__.py"), "");
        }
        write("blog/models.py", &fk("Post"));
        write("shop/models.py", &fk("Item"));
        // Neither names the user model: they cannot hold a relation clashing with blog's.
        for app in ["wiki", "forum"] {
            write(
                &format!("{app}/models.py"),
                "from django.db import models\n\n\nclass Page(models.Model):\n    title = models.CharField(max_length=10)\n    parent = models.ForeignKey('self', models.CASCADE, null=True)\n",
            );
        }
        let blog = root.join("blog/models.py");
        let run = |input: &Path| {
            let r = check_paths(&[input.to_path_buf()], &Options::default()).unwrap();
            let in_blog: Vec<(String, String)> = r
                .diagnostics
                .iter()
                .filter(|d| d.file.path == blog)
                .map(|d| (d.code.to_string(), d.message.clone()))
                .collect();
            (in_blog, r.parsed)
        };
        let (whole, whole_parsed) = run(&root);
        let (alone, alone_parsed) = run(&blog);
        assert!(
            whole.iter().any(|(c, m)| c == "DJF304"
                && m.contains(
                    "'blog.Post.owner' clashes with reverse accessor for 'shop.Item.owner'"
                )),
            "{whole:?}"
        );
        assert_eq!(alone, whole);
        // Settings and the four models modules, against settings, blog and shop.
        assert!(
            alone_parsed + 2 <= whole_parsed,
            "alone {alone_parsed}, whole {whole_parsed}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 48,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// On generated trees (packages, manage.py projects, loose scripts, nested projects),
        /// however the files are chunked, every file lands in exactly one project, the same one,
        /// and each project's files stay sorted.
        #[test]
        fn grouping_does_not_depend_on_the_chunks(
            paths in proptest::collection::vec(
                (proptest::collection::vec(0usize..4, 0..5), 0usize..5),
                1..40,
            )
        ) {
            const DIRS: [&str; 4] = ["a", "a-b", "p", "q.r"];
            const FILES: [&str; 5] = ["__init__.py", "manage.py", "models.py", "x.py", "setup.py"];
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().to_path_buf();
            for (dirs, file) in &paths {
                let mut p = root.clone();
                for d in dirs {
                    p.push(DIRS[*d]);
                }
                std::fs::create_dir_all(&p).unwrap();
                std::fs::write(p.join(FILES[*file]), "").unwrap();
            }
            let (inputs, listing) = walked(&root);
            let flat = |chunk: usize| -> Vec<(PathBuf, Vec<PathBuf>, Vec<PathBuf>)> {
                group_files_in_chunks(&inputs, &listing, chunk)
                    .into_iter()
                    .map(|(r, g)| {
                        let files = g.files.iter().map(|f| f.to_path_buf()).collect();
                        (r, files, g.package_roots.into_iter().collect())
                    })
                    .collect()
            };
            let whole = flat(usize::MAX);
            let grouped: usize = whole.iter().map(|(_, f, _)| f.len()).sum();
            proptest::prop_assert_eq!(grouped, listing.files().len());
            for (_, files, _) in &whole {
                proptest::prop_assert!(files.is_sorted_by(|a, b| discover::bytes(a) < discover::bytes(b)));
            }
            for chunk in [1, 2, 3, 7] {
                proptest::prop_assert_eq!(&flat(chunk), &whole, "chunks of {}", chunk);
            }
        }
    }
}
