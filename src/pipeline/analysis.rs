//! Analysis: one project's settings, apps, model modules and library models, read on demand
//! (see `read`) and handed to the rules as an [`Analysis`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::inputs::{Group, absolute};
use super::read::{follow_imports, mentions_library, read_wanted};
use super::settings::{django_checks_selected, django_installed_apps};
use crate::config::Options;
use crate::diagnostic::{self, Diagnostic};
use crate::models::Analysis;
use crate::project::{self, Project, SourceModule};
use crate::resolve::ClassRef;
use crate::{contract, discover, django, index, prefilter, resolve, rules, settings, versions};

/// Builds one project's analysis and hands it to `f` with the input diagnostics met so far.
/// `reported`: which diagnostics will be reported (see [`Analysis::reported`]); `None`
/// (`--show-settings`): evaluate the settings even where the library is not used.
pub(crate) fn analyze_project<T>(
    root: &Path,
    group: &Group<'_>,
    explicit: &BTreeSet<PathBuf>,
    options: &Options,
    reported: Option<&(dyn Fn(&Diagnostic) -> bool + Sync)>,
    f: impl FnOnce(&Analysis, Vec<Diagnostic>, Vec<Arc<diagnostic::SourceFile>>) -> T,
) -> T {
    // The library whose models the analysis binds (`rules/<library>/contract.toml`).
    let library = contract::swappable_models();
    let full = reported.is_none();
    let mut extra_roots: Vec<PathBuf> = options.src.iter().map(|p| absolute(p)).collect();
    extra_roots.extend(group.package_roots.iter().cloned());
    let files = &group.files;
    let project = Project::new(root.to_path_buf(), extra_roots, Some(group.listing.clone()))
        .sharing_pins(group.pins.clone());
    let stdin = options
        .stdin
        .as_ref()
        .map(|(p, text)| (absolute(p), text.clone()));
    if let Some((path, text)) = &stdin {
        project.set_override(path.clone(), text.clone());
    }
    let has_manage = project.file_exists(&root.join("manage.py"));
    let want_noqa = options.selection.enabled(rules::Rule::DML100);
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
        let mut analysis =
            Analysis::new(&project, library, None, Vec::new(), (library.newest, None));
        analysis.reported = reported;
        return f(&analysis, Vec::new(), Vec::new());
    }
    let version = match options.dot_version {
        Some(v) => (v, Some("--dot-version".to_string())),
        None => match versions::for_project(&project, &library.library, &library.package) {
            Some((v, file)) => (v, Some(file)),
            None => (library.newest, None),
        },
    };

    // Files under PATHS worth reading: those named explicitly, the model modules, and what
    // they import (see `read::follow_imports`). Every file, when unused `noqa` directives are wanted (a
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
    // Model modules Django's checks would read, but no settings module to read them with: the
    // closing line says they were not checked (never "All checks passed!").
    let django_unchecked = if !full && has_models && django_checks_selected(options) {
        match &discovery {
            None => Some("no settings module was found, so INSTALLED_APPS is unknown"),
            Some(settings::Discovery::Unclear(_)) => Some("the settings module could not be told"),
            Some(settings::Discovery::Found { .. }) => None,
        }
    } else {
        None
    };
    // Inputs that are all files named explicitly (an editor's run on save): only their
    // diagnostics are wanted, and the graph parses only the models modules that can matter.
    let focused = !files.is_empty() && files.iter().all(|p| explicit.contains(*p));
    // Where Django's checks run on a whole tree, the graph reads the models module of every
    // installed app: those among the inputs are parsed as soon as they are read, beside the
    // settings chain, rather than one after another once the app list is known.
    let models_ahead = django_discovery.is_some() && !focused;
    // The settings chain is evaluated when DOT's rules (a project known to use it) or Django's
    // checks need it, side by side with the reads. Otherwise, whether DOT's rules need it is
    // known only once the inputs are read (one may mention the library).
    // Both read the installed apps too (their `apps` modules), which is done here as well.
    let settings_early = discovery.is_some() && (uses_dot || django_discovery.is_some());
    // The packages of the project's installed apps, once the settings half knows them: a model
    // module outside them is no longer parsed ahead for the graph, which reads only installed
    // apps' models (and parses any other it reaches). ephios installs its plugins through a
    // list the evaluator cannot read, and their eight model modules, parsed ahead, were never
    // read: a fifth of its parses (issue 13). Parsing ahead changes nothing a run reports, so
    // which half gets there first only changes the time.
    let installed_packages: OnceLock<Vec<String>> = OnceLock::new();
    let (early, (texts, mentioned)) = rayon::join(
        || {
            settings_early
                .then(|| {
                    discovery
                        .as_ref()
                        .and_then(|d| settings::load_settings(&project, d))
                })
                .flatten()
                .map(|s| {
                    let apps = settings::installed_apps(&project, &s);
                    if models_ahead {
                        let packages = apps.known.iter().filter(|a| a.in_project);
                        let _ = installed_packages.set(packages.map(|a| a.name.clone()).collect());
                    }
                    (s, apps)
                })
        },
        || {
            let mut reading = read_wanted(
                files,
                |p| want_noqa || is_model_module(p) || explicit.contains(p),
                stdin.as_ref(),
            );
            let mentioned = mentions_library(&reading.texts);
            let first = std::mem::take(&mut reading.texts);
            let installed = |p: &Path| match installed_packages.get() {
                None => true,
                Some(packages) => project.module_name_of(p).is_some_and(|(name, _)| {
                    packages.iter().any(|pkg| index::in_package(&name, pkg))
                }),
            };
            let ahead = |p: &Path| models_ahead && is_model_module(p) && installed(p);
            // The files read first (the model modules among them) are parsed while their
            // imports are followed (that reading waits on the disk more than on a processor).
            let more = if uses_dot || mentioned {
                let ((), more) = rayon::join(
                    || parse_first_hits(&project, &first, explicit, ahead),
                    || follow_imports(&project, &mut reading, &first, &ahead),
                );
                more
            } else {
                parse_first_hits(&project, &first, explicit, ahead);
                Vec::new()
            };
            // Among the files the imports led to, the model modules were read first: only those
            // mentioning the library are parsed now.
            parse_first_hits(&project, &more, explicit, |_| false);
            if focused && django_discovery.is_some() {
                parse_ahead_models_packages(&project, files);
            }
            let mut texts = first;
            texts.extend(more);
            texts.sort_by(|a, b| a.0.cmp(&b.0));
            (texts, mentioned)
        },
    );
    // Settings are evaluated only where they can matter: a project that neither pins, names
    // nor configures the library has nothing for a rule to check.
    let uses_dot = uses_dot || mentioned;
    let discovery = discovery.filter(|_| uses_dot);
    let (early, early_apps) = early.unzip();
    let settings = match &discovery {
        Some(_) if settings_early => early.clone(),
        Some(d) => settings::load_settings(&project, d),
        None => None,
    };
    let unclear = match &discovery {
        Some(settings::Discovery::Unclear(u)) => Some(u.clone()),
        _ => settings.as_ref().and_then(|s| s.unclear.clone()),
    };
    let apps = match &settings {
        Some(_) if settings_early => early_apps.clone().unwrap_or_default(),
        Some(s) => settings::installed_apps(&project, s),
        None => settings::Apps::default(),
    };

    // Models modules of the project's installed apps are where Django registers models. Those
    // of the apps the OAUTH2_PROVIDER_*_MODEL settings name are loaded; the others only if they
    // pass the prefilter below, like any input file (a single-file run stays fast).
    let named: Vec<(String, String)> = settings
        .as_ref()
        .map(|s| {
            library
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
    // Django's settings: the same as DOT's where both are read.
    let django_settings = django_discovery
        .and_then(|d| match (settings_early, &settings, &discovery) {
            (true, _, _) => early,
            (false, Some(s), Some(_)) => Some(s.clone()),
            _ => settings::load_settings(&project, &d),
        })
        .filter(|s| s.unclear.is_none());
    let django_apps = django_settings
        .as_ref()
        .map(|s| {
            let apps = match (settings_early, &early_apps) {
                (true, Some(apps)) => apps.clone(),
                _ => settings::installed_apps(&project, s),
            };
            django_installed_apps(apps, s)
        })
        .unwrap_or_default();
    // Inputs that are all files named explicitly (an editor's run on save): only their
    // diagnostics are wanted, and the graph parses only the models modules that can matter.
    let focus = focused.then(|| django::Focus {
        files: files.iter().map(|p| p.to_path_buf()).collect(),
        candidates: Vec::new(),
    });
    let with_focus = focus.is_some();
    let django_context = |focus| {
        django_settings.as_ref().map(|s| {
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
                m2m: Default::default(),
                field_name_clashes: Default::default(),
                library_uses: Default::default(),
            }
        })
    };
    // The DOT rules see the modules loaded so far and those their search loads; Django's
    // model graph, which every rule reading Django's models builds first, is built beside that
    // search (it reads the settings and the modules loaded so far, not what the search finds).
    // A focused graph reads which modules are loaded: it comes after, as before.
    let before = project.loaded_modules();
    // The analysis the DOT rules read: its models are those of `modules` (and what resolving
    // their bases loads), whatever the graph loads meanwhile. Django's context is added once
    // both are done.
    let analyse = |modules: Vec<Arc<SourceModule>>| {
        let mut analysis = Analysis::new(&project, library, settings, apps.known, version);
        analysis.apps_unknown = apps.unknown;
        if let Some(unclear) = unclear {
            analysis.set_unclear(unclear);
        }
        analysis.reported = reported;
        analysis.fix_details = options.fix_details;
        analysis.django_unchecked = django_unchecked;
        analysis.collect_models(&modules);
        analysis
    };
    let (mut analysis, django) = if with_focus || django_settings.is_none() {
        let modules = dot_modules(&project, library, explicit, unread, before);
        let django = django_context(focus);
        (analyse(modules), django)
    } else {
        // The graph takes longer than the DOT search and its models together (aleksis-core:
        // 0.7 ms against 0.3): the analysis is made on the other worker meanwhile (issue 13).
        rayon::join(
            || analyse(dot_modules(&project, library, explicit, unread, before)),
            || {
                let context = django_context(focus);
                if let Some(c) = &context {
                    c.graph.get();
                }
                context
            },
        )
    };
    analysis.django = django.as_ref();
    let outcome = f(&analysis, io_diags, noqa_files);
    drop(analysis);
    drop(django);
    // Every module read (their text, syntax and index): freed off the path to the report.
    super::inputs::free_later(project);
    outcome
}

/// The modules the DOT rules see: `before` (loaded when the search starts) and those the search
/// for DOT's models loads, sorted by name. The search reads the files of `unread` that mention
/// one of the library's names (or a class derived from its abstract models, found round after
/// round, see `prefilter::may_subclass`), and resolves the classes of what it has read. What
/// another stage loads meanwhile (Django's model graph) is not seen unless the search asks
/// for it too, so the answer does not depend on which finishes first.
fn dot_modules(
    project: &Project,
    library: &contract::Contract,
    explicit: &BTreeSet<PathBuf>,
    mut unread: Vec<(PathBuf, String)>,
    before: Vec<Arc<SourceModule>>,
) -> Vec<Arc<SourceModule>> {
    let mut seeds: Vec<String> = prefilter::seeds().to_vec();
    let mut seen: BTreeMap<String, Arc<SourceModule>> =
        before.into_iter().map(|m| (m.name.clone(), m)).collect();
    // The seeds every file still unread was searched for: a later round searches it for the
    // new ones only (the answer for a seed and a text does not change).
    let mut searched = 0;
    loop {
        let finders: Vec<memchr::memmem::Finder> = seeds[searched..]
            .iter()
            .map(|s| memchr::memmem::Finder::new(s.as_bytes()))
            .collect();
        // The library's own names count anywhere; a class derived from it only where a class
        // statement (or an alias) could derive from it again (see `prefilter::may_subclass`).
        let (hits, rest): (Vec<_>, Vec<_>) =
            unread.into_iter().partition(|(path, text)| {
                explicit.contains(path)
                    || finders.iter().zip(&seeds[searched..]).zip(searched..).any(
                        |((f, seed), i)| {
                            f.find(text.as_bytes()).is_some()
                                && (i < prefilter::seeds().len()
                                    || prefilter::may_subclass(text.as_bytes(), seed.as_bytes()))
                        },
                    )
            });
        searched = seeds.len();
        unread = rest;
        if hits.is_empty() {
            break;
        }
        let loaded: Vec<Option<Arc<SourceModule>>> = hits
            .into_par_iter()
            .map(|(path, text)| {
                project.remember_text(path.clone(), text);
                project.module_at(&path)
            })
            .collect();
        for m in loaded.into_iter().flatten() {
            seen.entry(m.name.clone()).or_insert(m);
        }
        let before = seeds.len();
        let resolver = resolve::Resolver::recording(project);
        let abstract_names: Vec<String> = library
            .roles
            .iter()
            .map(|r| library.abstract_qualname(r))
            .collect();
        let abstract_refs: Vec<&str> = abstract_names.iter().map(String::as_str).collect();
        let mut names: BTreeSet<String> = BTreeSet::new();
        for module in seen.values() {
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
        for m in resolver.recorded() {
            seen.entry(m.name.clone()).or_insert(m);
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

    seen.into_values().collect()
}

/// The modules Django runs at start-up to register the project's models: each installed app's
/// `models` module of the project and, for a `models/` package, the submodules it imports
/// (transitively), and the project modules outside the package from which one of these imports
/// a class (Django registers the models of every module imported then). Other modules are reached through the resolver when a model's base lives
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
    parse_ahead_reachable(project, &out);
    let mut seen: BTreeSet<String> = out.iter().map(|(m, _)| m.name.clone()).collect();
    let mut i = 0;
    while let Some((module, package)) = out.get(i).cloned() {
        i += 1;
        // A class imported from a project module outside the package: importing that module
        // registers its models too, in the app their `Meta.app_label` names (or the app whose
        // package holds them).
        let prefix = format!("{package}.");
        for binding in module.index.bindings.values() {
            if let index::Binding::Import(index::ImportTarget::Member { module: m, name }, _) =
                binding
                && m != &package
                && !m.starts_with(&prefix)
                && !seen.contains(m)
                && let Some(target) = project.module_with_class(m, name)
            {
                seen.insert(m.clone());
                out.push((target, m.clone()));
            }
        }
        if !(module.is_package || module.name.starts_with(&prefix)) {
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
                    imported.push(crate::index::dotted(m, name));
                }
                _ => {}
            }
        }
        let new: Vec<String> = imported
            .into_iter()
            .filter(|name| name.starts_with(&prefix) && seen.insert(name.clone()))
            .collect();
        // A package's submodules are parsed side by side (a `models/` package imports many).
        let loaded: Vec<(Arc<SourceModule>, String)> = new
            .par_iter()
            .filter_map(|name| Some((project.module(name)?, package.clone())))
            .collect();
        out.extend(loaded);
    }
    (out.into_iter().map(|(m, _)| m).collect(), focus)
}

/// Parses ahead (see [`parse_ahead_reachable`]) the `models` packages that `files` (named
/// alone, as an editor's run on save names one) belong to, import from, or sit beside (in the
/// same top-level package): those of installed apps, which the graph reads whole, most likely
/// are. This runs beside the settings chain, before the app list says which are installed; a
/// package that is not installed costs a parse, nothing a run reports.
fn parse_ahead_models_packages(project: &Project, files: &[&Path]) {
    let models_package = |module: &str| -> Option<String> {
        let parts: Vec<&str> = module.split('.').collect();
        let at = parts.iter().position(|p| *p == "models")?;
        Some(parts[..=at].join("."))
    };
    let mut names: BTreeSet<String> = BTreeSet::new();
    for module in files.iter().filter_map(|p| project.module_at(p)) {
        names.extend(models_package(&module.name));
        // The apps beside the file's (its relations name their models by label).
        if let Some((top, _)) = module.name.split_once('.') {
            names.extend(project.models_packages_under(top));
        }
        for binding in module.index.bindings.values() {
            if let index::Binding::Import(
                index::ImportTarget::Module(m) | index::ImportTarget::Member { module: m, .. },
                _,
            ) = binding
            {
                names.extend(models_package(m));
            }
        }
    }
    let roots: Vec<(Arc<SourceModule>, String)> = names
        .into_par_iter()
        .filter_map(|name| Some((project.module_ahead(&name)?, name)))
        .filter(|(module, _)| module.is_package)
        .collect();
    parse_ahead_reachable(project, &roots);
}

/// Parses ahead, side by side and a wave at a time, the modules [`django_model_modules`]'s
/// loop will load from `roots` (each with its package): the loop, which reads the modules one
/// after another, then finds them parsed. Nothing is loaded here (see
/// [`Project::module_ahead`]), so what the loop loads, and what a run reports, is the same;
/// a module the loop would reach by another path (another package) is at worst parsed ahead
/// for nothing, or parsed by the loop.
fn parse_ahead_reachable(project: &Project, roots: &[(Arc<SourceModule>, String)]) {
    let mut seen: BTreeSet<String> = roots.iter().map(|(m, _)| m.name.clone()).collect();
    let mut wave: Vec<(Arc<SourceModule>, String)> = roots.to_vec();
    while !wave.is_empty() {
        // Each module the wave leads to: its package, and the names a module outside the
        // package is imported for (it counts only where one of them is a class).
        let mut next: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
        // Whether a module is the project's (most imports are of libraries, which are never
        // parsed), once per name and wave.
        let mut in_project: rustc_hash::FxHashMap<String, bool> = Default::default();
        for (module, package) in &wave {
            let prefix = format!("{package}.");
            let inside = module.is_package || module.name.starts_with(&prefix);
            let mut reach = |m: &str, package: &str, class: Option<&str>| {
                let ours = match in_project.get(m) {
                    Some(&known) => known,
                    None => {
                        let known = project.module_path(m).is_some();
                        in_project.insert(m.to_string(), known);
                        known
                    }
                };
                if ours && !seen.contains(m) {
                    let entry = next
                        .entry(m.to_string())
                        .or_insert_with(|| (package.to_string(), Vec::new()));
                    entry.1.extend(class.map(str::to_string));
                }
            };
            for name in &module.index.star_imports {
                if inside && name.starts_with(&prefix) {
                    reach(name, package, None);
                }
            }
            for binding in module.index.bindings.values() {
                match binding {
                    index::Binding::Import(index::ImportTarget::Module(m), _)
                        if inside && m.starts_with(&prefix) =>
                    {
                        reach(m, package, None);
                    }
                    index::Binding::Import(index::ImportTarget::Member { module: m, name }, _) => {
                        if m != package && !m.starts_with(&prefix) {
                            reach(m, m, Some(name));
                        } else if inside {
                            if m.starts_with(&prefix) {
                                reach(m, package, None);
                            }
                            let sub = crate::index::dotted(m, name);
                            if sub.starts_with(&prefix) {
                                reach(&sub, package, None);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        wave = next
            .into_par_iter()
            .filter_map(|(name, (package, classes))| {
                let classes: Vec<&str> = classes.iter().map(String::as_str).collect();
                let outside = !classes.is_empty();
                if outside && !project.may_define(&name, &classes) {
                    return None;
                }
                let module = project.module_ahead(&name)?;
                let is_class = |c: &&str| {
                    matches!(
                        module.index.bindings.get(*c),
                        Some(index::Binding::Class(_))
                    )
                };
                (!outside || classes.iter().any(is_class)).then_some((module, package))
            })
            .collect();
        seen.extend(wave.iter().map(|(m, _)| m.name.clone()));
    }
}

/// Parses the inputs the prefilter's first round will parse: those named explicitly and those
/// that mention one of its seeds (the same test as that round's, so nothing more is loaded).
/// Also parses ahead (see [`Project::parse_ahead`]) the other inputs `ahead` picks.
fn parse_first_hits(
    project: &Project,
    texts: &[super::read::ReadFile],
    explicit: &BTreeSet<PathBuf>,
    ahead: impl Fn(&Path) -> bool + Sync,
) {
    texts.par_iter().for_each(|(path, text)| {
        let Ok(text) = text else { return };
        if explicit.contains(path) || prefilter::mentions_library(text) {
            project.remember_text(path.clone(), text.clone());
            let _ = project.module_at(path);
        } else if ahead(path) {
            project.parse_ahead(path, text.clone());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::fixture;

    /// The DOT rules' modules are those loaded before the search and those the search reads or
    /// resolves through, whatever else is loaded meanwhile (Django's graph, beside it).
    #[test]
    fn the_dot_search_sees_what_it_reads_not_what_others_load() {
        let (dir, p) = fixture(
            "# -- app/__init__.py\n\
             # -- app/base.py\n\
             from oauth2_provider.models import AbstractRefreshToken\n\
             class Base(AbstractRefreshToken):\n    pass\n\
             # -- app/models.py\n\
             from oauth2_provider.models import AbstractAccessToken\n\
             from app.base import Base\n\
             class Token(AbstractAccessToken):\n    pass\n\
             class Refresh(Base):\n    pass\n\
             # -- app/other.py\n\
             X = 1\n\
             # -- app/settings.py\n\
             Y = 2\n",
        );
        let settings = p.module("app.settings").unwrap();
        let before = p.loaded_modules();
        // Loaded by another stage before the search: not among the DOT rules' modules.
        p.module("app.other").unwrap();
        let path = dir.path().join("app/models.py");
        let text = std::fs::read_to_string(&path).unwrap();
        let modules = dot_modules(
            &p,
            contract::swappable_models(),
            &BTreeSet::new(),
            vec![(path, text)],
            before,
        );
        let names: Vec<&str> = modules.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["app.base", "app.models", "app.settings"]);
        assert!(Arc::ptr_eq(&modules[2], &settings));
    }
}
