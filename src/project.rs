//! A Django project as the linter sees it: its root, source roots, and the modules it has read.
//!
//! Modules are loaded on demand and at most once: a module is read and parsed the first time
//! something asks for it (a candidate file, an import followed while resolving a base class, the
//! settings chain). Reading errors become E902 and parse errors E999 diagnostics, never a stop.

// Maps keyed by module names and paths, looked up thousands of times a run: a fast hash
// (no attacker chooses the keys).
use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::codes::Rule;
use crate::diagnostic::{Diagnostic, Severity, SourceFile};
use crate::discover::Listing;
use crate::index::{self, ModuleIndex};
use crate::syntax;

/// A parsed project module.
#[derive(Debug)]
pub struct SourceModule {
    /// Dotted module name (`app.models`; a package is named after its directory).
    pub name: String,
    pub is_package: bool,
    pub file: Arc<SourceFile>,
    pub syntax: syntax::Module,
    pub index: ModuleIndex,
}

/// Files whose text cannot be trusted to be Python source are reported and skipped.
pub fn read_source(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("file is UTF-16 encoded; Python source must be UTF-8".to_string());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "file is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

pub fn io_error(path: &Path, reason: &str) -> Diagnostic {
    let file = Arc::new(SourceFile::new(path.to_path_buf(), String::new()));
    Diagnostic::new(
        Rule::E902,
        Severity::Error,
        file,
        syntax::Span::default(),
        format!("cannot read {}: {reason}", path.display()),
    )
}

pub struct Project {
    pub root: PathBuf,
    /// Where absolute imports are looked up, in order: the root, `root/src`, then the nearest
    /// directory above each input file that is not a package (how Python would see a script).
    pub source_roots: Vec<PathBuf>,
    modules: Mutex<HashMap<String, Option<Arc<SourceModule>>>>,
    /// Text already read by the prefilter, so no file is read twice.
    preread: Mutex<HashMap<PathBuf, String>>,
    /// Modules parsed before anything asked for them (see [`Project::parse_ahead`]), by path.
    parsed_ahead: Mutex<HashMap<PathBuf, Parsed>>,
    /// Text that replaces a file's content on disk (an editor buffer given on stdin).
    overrides: Mutex<HashMap<PathBuf, String>>,
    /// [`Project::module_path`]'s answers: the resolver asks for the same names (`django.db`,
    /// a models package's submodules) over and over, and without a walk's listing (a one-file
    /// run) each question is a `stat` or two per source root.
    paths: Mutex<HashMap<String, Option<(PathBuf, bool)>>>,
    input_diagnostics: Mutex<Vec<Diagnostic>>,
    /// Not a `OnceLock`: the walk runs on the worker pool, and a worker waiting for it may take
    /// up a rule that asks for the files too (a re-entrant `OnceLock` initialisation deadlocks);
    /// that rule walks again.
    all_files: Mutex<Option<Arc<Vec<PathBuf>>>>,
    /// The walk's view of the tree, when the project was found by one.
    listing: Option<Arc<Listing>>,
    /// The pin files read for the libraries' versions (see `versions::pinned`), shared by the
    /// projects of a run (see [`Project::sharing_pins`]).
    pub(crate) pins: Arc<crate::versions::Pins>,
}

/// The directory above `file` that is not itself a package, i.e. where Python would put the
/// file's top-level package on `sys.path`.
pub fn package_root(file: &Path) -> PathBuf {
    let mut dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    while dir.join("__init__.py").is_file() {
        match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => dir = p.to_path_buf(),
            _ => break,
        }
    }
    dir
}

/// Memoised per-directory answers to "which project, which package root": a tree of 13k files
/// has a few thousand directories, and asking the file system once per directory instead of once
/// per file saves tens of thousands of `stat` calls.
#[derive(Default)]
pub struct RootCache {
    // Keyed by the directory's bytes: `Path`'s hash reads it component by component, ten times
    // the cost, and a directory spelled two ways is only answered twice.
    manage: HashMap<OsString, Option<PathBuf>>,
    package: HashMap<OsString, PathBuf>,
    top: HashMap<OsString, bool>,
    listing: Option<Arc<Listing>>,
}

/// Files and directories that mark the top of a Python repository (a distribution's source tree
/// or a checkout): what packaging tools and ruff take as the project root.
const REPOSITORY_MARKERS: [&str; 4] = ["pyproject.toml", "setup.py", "setup.cfg", ".git"];

/// Whether `dir` holds one of [`REPOSITORY_MARKERS`] (`setup.py` from the walk's listing when it
/// can tell; a `.git` file, as in a worktree, counts).
pub fn is_repository_top(listing: Option<&Listing>, dir: &Path) -> bool {
    REPOSITORY_MARKERS.iter().any(|m| {
        let p = dir.join(m);
        match listing.and_then(|l| l.has_file(&p)) {
            Some(known) => known,
            None => std::fs::symlink_metadata(&p).is_ok(),
        }
    })
}

/// `path`'s parent, unless it is empty (the parent of a relative name).
fn non_empty_parent(path: &Path) -> Option<&Path> {
    path.parent().filter(|d| !d.as_os_str().is_empty())
}

/// Whether `path` is a file, from the walk's listing when it can tell, else from the disk.
fn file_exists(listing: Option<&Listing>, path: &Path) -> bool {
    listing
        .and_then(|l| l.has_file(path))
        .unwrap_or_else(|| path.is_file())
}

impl RootCache {
    pub fn new(listing: Option<Arc<Listing>>) -> RootCache {
        RootCache {
            listing,
            ..RootCache::default()
        }
    }

    /// The nearest directory at or above `dir` holding a `manage.py`.
    pub fn manage_root(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(known) = self.manage.get(dir.as_os_str()) {
            return known.clone();
        }
        let found = if file_exists(self.listing.as_deref(), &dir.join("manage.py")) {
            Some(dir.to_path_buf())
        } else {
            dir.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .and_then(|p| self.manage_root(p))
        };
        self.manage
            .insert(dir.as_os_str().to_owned(), found.clone());
        found
    }

    /// The directory above the top-level package containing `dir` (see [`package_root`]).
    pub fn package_root(&mut self, dir: &Path) -> PathBuf {
        if let Some(known) = self.package.get(dir.as_os_str()) {
            return known.clone();
        }
        let root = match dir.parent() {
            Some(p)
                if !p.as_os_str().is_empty()
                    && file_exists(self.listing.as_deref(), &dir.join("__init__.py")) =>
            {
                self.package_root(p)
            }
            _ => dir.to_path_buf(),
        };
        self.package
            .insert(dir.as_os_str().to_owned(), root.clone());
        root
    }

    /// Whether `dir` is the top of a repository (see [`is_repository_top`]), memoised.
    fn is_top(&mut self, dir: &Path) -> bool {
        if let Some(&known) = self.top.get(dir.as_os_str()) {
            return known;
        }
        let found = is_repository_top(self.listing.as_deref(), dir);
        self.top.insert(dir.as_os_str().to_owned(), found);
        found
    }

    /// For files outside every manage.py project whose top-level package sits in `package_root`
    /// (see [`RootCache::package_root`]): the directory Python imports them from and the project
    /// root, `(sys_path_root, project_root)`.
    ///
    /// A directory without `__init__.py` directly in a repository top is no project of its own:
    /// it is a PEP 420 namespace package (`repo/aleksis/core/…`, imported as `aleksis.core`) or
    /// a directory of scripts, docs or tests, and belongs to the repository's project, imported
    /// from the repository top. `src/` (and a namespace package in it) is imported from `src/`
    /// and belongs to the repository above it. Anything else is rooted where it is, as before:
    /// a directory two levels below a repository top may be a project of its own (a fixture, a
    /// service), and nothing on disk says otherwise.
    pub fn project_of(&mut self, package_root: &Path) -> (PathBuf, PathBuf) {
        let here = (package_root.to_path_buf(), package_root.to_path_buf());
        let named_src = |p: &Path| p.file_name().is_some_and(|n| n == "src");
        if self.is_top(package_root) {
            return here;
        }
        let Some(parent) = non_empty_parent(package_root) else {
            return here;
        };
        if self.is_top(parent) {
            return if named_src(package_root) {
                (package_root.to_path_buf(), parent.to_path_buf())
            } else {
                (parent.to_path_buf(), parent.to_path_buf())
            };
        }
        if named_src(parent)
            && let Some(top) = non_empty_parent(parent)
            && self.is_top(top)
        {
            return (parent.to_path_buf(), top.to_path_buf());
        }
        here
    }
}

/// Whether `p` is an absolute path with no `.` or `..` component and no empty one (a doubled or
/// trailing slash), so that its components are the runs between its slashes.
fn is_clean(p: &[u8]) -> bool {
    p.first() == Some(&b'/')
        && p.len() > 1
        && !p.ends_with(b"/")
        && !p.ends_with(b"/.")
        && !p.ends_with(b"/..")
        && memchr::memmem::find(p, b"//").is_none()
        && memchr::memmem::find(p, b"/./").is_none()
        && memchr::memmem::find(p, b"/../").is_none()
}

/// [`Project::module_name_of`] for a clean `path` (see [`is_clean`]) under clean `roots`.
fn module_name_in(path: &[u8], roots: &[PathBuf]) -> Option<(String, bool)> {
    // A source root itself names no module.
    if roots.iter().any(|r| crate::discover::bytes(r) == path) {
        return None;
    }
    let root = roots
        .iter()
        .map(|r| crate::discover::bytes(r))
        .filter(|r| path.starts_with(r) && path.get(r.len()) == Some(&b'/'))
        .max_by_key(|r| r.len())?;
    let rel = &path[root.len() + 1..];
    let (dirs, file) = match memchr::memrchr(b'/', rel) {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => (&b""[..], rel),
    };
    // `Path::file_stem`: the name before its last `.`, unless that dot starts the name.
    let stem = match memchr::memrchr(b'.', file) {
        Some(i) if i > 0 => &file[..i],
        _ => file,
    };
    let is_package = stem == b"__init__";
    let mut parts: Vec<&[u8]> = if dirs.is_empty() {
        Vec::new()
    } else {
        dirs.split(|&b| b == b'/').collect()
    };
    if !is_package {
        parts.push(stem);
    }
    if parts.is_empty() || parts.iter().any(|p| p.is_empty() || p.contains(&b'.')) {
        return None;
    }
    let mut name = String::with_capacity(rel.len());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            name.push('.');
        }
        name.push_str(&String::from_utf8_lossy(part));
    }
    Some((name, is_package))
}

/// The nearest directory at or above `start` holding a `manage.py`.
pub fn find_manage_py_root(start: &Path) -> Option<PathBuf> {
    let mut dir = if start.is_dir() {
        Some(start)
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        if d.join("manage.py").is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

impl Project {
    /// The project at `root`; `listing`, the walk's view of the tree, answers file lookups
    /// under the walked directories instead of the disk.
    /// The project, reading pin files through `pins` (a run's projects share what they read:
    /// nested projects read their repository's lock file).
    pub fn sharing_pins(mut self, pins: Arc<crate::versions::Pins>) -> Project {
        self.pins = pins;
        self
    }

    pub fn new(root: PathBuf, extra_roots: Vec<PathBuf>, listing: Option<Arc<Listing>>) -> Project {
        let mut source_roots = vec![root.clone()];
        let src = root.join("src");
        let src_is_dir = listing
            .as_deref()
            .and_then(|l| l.has_dir(&src))
            .unwrap_or_else(|| src.is_dir());
        if src_is_dir {
            source_roots.push(src);
        }
        for r in extra_roots {
            if !source_roots.contains(&r) {
                source_roots.push(r);
            }
        }
        Project {
            root,
            source_roots,
            modules: Mutex::new(HashMap::default()),
            preread: Mutex::new(HashMap::default()),
            parsed_ahead: Mutex::new(HashMap::default()),
            overrides: Mutex::new(HashMap::default()),
            paths: Mutex::new(HashMap::default()),
            input_diagnostics: Mutex::new(Vec::new()),
            all_files: Mutex::new(None),
            pins: Default::default(),
            listing,
        }
    }

    /// The dotted name of the module stored at `path`, relative to the most specific source root.
    pub fn module_name_of(&self, path: &Path) -> Option<(String, bool)> {
        // Paths as the walk and the inputs give them (absolute, no `.` or `..`, no doubled or
        // trailing slash) are read as bytes: a component-wise reading took 8,000 instructions
        // a call, and the import scan asks for every file it reads.
        let clean = |p: &Path| is_clean(crate::discover::bytes(p));
        if clean(path) && self.source_roots.iter().all(|r| clean(r)) {
            return module_name_in(crate::discover::bytes(path), &self.source_roots);
        }
        self.module_name_by_components(path)
    }

    /// [`Project::module_name_of`] for any path, component by component.
    fn module_name_by_components(&self, path: &Path) -> Option<(String, bool)> {
        let root = self
            .source_roots
            .iter()
            .filter(|r| path.starts_with(r))
            .max_by_key(|r| r.components().count())?;
        let rel = path.strip_prefix(root).ok()?;
        let is_package = rel.file_stem().is_some_and(|s| s == "__init__");
        let mut parts: Vec<String> = rel
            .parent()
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !is_package {
            parts.push(rel.file_stem()?.to_string_lossy().into_owned());
        }
        if parts.is_empty() || parts.iter().any(|p| p.contains('.') || p.is_empty()) {
            return None;
        }
        Some((parts.join("."), is_package))
    }

    /// The file that defines module `name` in this project, if any.
    pub fn module_path(&self, name: &str) -> Option<(PathBuf, bool)> {
        if name.is_empty() {
            return None;
        }
        if let Some(known) = lock(&self.paths).get(name) {
            return known.clone();
        }
        // A module whose top-level package is not in the project is not either: most imports
        // are of the standard library or of installed packages (`django.db.models`), and the
        // answer for their first name is known after the first. (A buffer given for a file may
        // stand where no directory is: then every name is looked up.)
        if let Some((top, _)) = name.split_once('.')
            && lock(&self.overrides).is_empty()
            && self.module_path(top).is_none()
        {
            return None;
        }
        let found = self.find_module_path(name);
        lock(&self.paths).insert(name.to_string(), found.clone());
        found
    }

    fn find_module_path(&self, name: &str) -> Option<(PathBuf, bool)> {
        let rel: PathBuf = name.split('.').collect();
        for root in &self.source_roots {
            let base = root.join(&rel);
            let init = base.join("__init__.py");
            let overridden = |p: &Path| lock(&self.overrides).contains_key(p);
            let listing = self.listing.as_deref();
            if file_exists(listing, &init) || overridden(&init) {
                return Some((init, true));
            }
            let file = base.with_extension("py");
            if file_exists(listing, &file) || overridden(&file) {
                return Some((file, false));
            }
            // A namespace package (a directory without __init__.py) is still importable.
            if listing
                .and_then(|l| l.has_dir(&base))
                .unwrap_or_else(|| base.is_dir())
            {
                return Some((init, true));
            }
        }
        None
    }

    /// The files that could define module `name`, most specific source root first, without
    /// touching the disk (the caller checks them against files it already knows).
    pub fn module_candidates(&self, name: &str) -> Vec<PathBuf> {
        let rel: PathBuf = name.split('.').collect();
        self.source_roots
            .iter()
            .flat_map(|root| {
                let base = root.join(&rel);
                [base.join("__init__.py"), base.with_extension("py")]
            })
            .collect()
    }

    pub fn has_module(&self, name: &str) -> bool {
        if let Some(entry) = lock(&self.modules).get(name) {
            return entry.is_some();
        }
        self.module_path(name).is_some()
    }

    /// Where `DJANGO_SETTINGS_MODULE` is conventionally set, those that exist, in the order
    /// Django's tooling uses: `manage.py`, then `wsgi.py` and `asgi.py` in each directory just
    /// below the root (sorted). When there is none of those, in each package just below a
    /// directory of the root that is not a package (a namespace package, `src/`:
    /// `aleksis/core/wsgi.py`).
    pub fn entry_points(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let manage = self.root.join("manage.py");
        if self.file_exists(&manage) {
            out.push(manage);
        }
        let listed = self
            .listing
            .as_deref()
            .and_then(|l| l.files_under(&self.root));
        // (depth below the root, the file, whether it is asgi.py)
        let mut found: Vec<(usize, PathBuf, bool)> = match listed {
            Some(files) => {
                let skip = crate::discover::bytes(&self.root).len() + 1;
                files
                    .iter()
                    .filter_map(|f| {
                        let b = crate::discover::bytes(f);
                        // The name first: it rules out nearly every file of a large project.
                        let asgi = if b.ends_with(b"/asgi.py") {
                            true
                        } else if b.ends_with(b"/wsgi.py") {
                            false
                        } else {
                            return None;
                        };
                        let rel = b.get(skip..)?;
                        let depth = rel.iter().filter(|&&c| c == b'/').count();
                        let dir = f.parent()?;
                        let wanted = depth == 1
                            || (depth == 2
                                && self.file_exists(&dir.join("__init__.py"))
                                && !dir
                                    .parent()
                                    .is_some_and(|d| self.file_exists(&d.join("__init__.py"))));
                        wanted.then(|| (depth, f.clone(), asgi))
                    })
                    .collect()
            }
            None if !out.is_empty() => self.entry_points_on_disk(false),
            None => self.entry_points_on_disk(true),
        };
        if !out.is_empty() || found.iter().any(|(depth, _, _)| *depth == 1) {
            found.retain(|(depth, _, _)| *depth == 1);
        }
        found.sort_by(|(d, a, x), (e, b, y)| (d, a.parent(), x).cmp(&(e, b.parent(), y)));
        out.extend(found.into_iter().map(|(_, p, _)| p));
        out
    }

    /// The `models` packages (`<package>.models`, `<package>.<sub>.models`) of the package
    /// `package`, sorted: where the installed apps of a project laid out as one package keep
    /// their models. One directory listing, and a look for `models/__init__.py` in each
    /// subdirectory.
    pub fn models_packages_under(&self, package: &str) -> Vec<String> {
        let Some((init, true)) = self.module_path(package) else {
            return Vec::new();
        };
        let Some(dir) = init.parent() else {
            return Vec::new();
        };
        let mut subs: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() || t.is_symlink()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|name| !crate::discover::is_default_excluded(name.as_bytes()))
            .collect();
        subs.sort();
        let mut out: Vec<String> = Vec::new();
        for sub in std::iter::once(String::new()).chain(subs) {
            let rel = if sub.is_empty() {
                dir.join("models")
            } else {
                dir.join(&sub).join("models")
            };
            if self.file_exists(&rel.join("__init__.py")) {
                out.push(if sub.is_empty() {
                    format!("{package}.models")
                } else {
                    format!("{package}.{sub}.models")
                });
            }
        }
        out
    }

    /// `wsgi.py` / `asgi.py` one directory below the root, and when `deeper` and there is none,
    /// in the packages one level further below a directory that is not a package: `(depth,
    /// path, is asgi)`, unsorted.
    fn entry_points_on_disk(&self, deeper: bool) -> Vec<(usize, PathBuf, bool)> {
        let subdirs = |dir: &Path| -> Vec<PathBuf> {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| {
                    // The entry's own type, without a `stat`; a symlink is followed.
                    e.file_type()
                        .is_ok_and(|t| t.is_dir() || (t.is_symlink() && e.path().is_dir()))
                })
                .filter(|e| !crate::discover::is_default_excluded(e.file_name().as_encoded_bytes()))
                .map(|e| e.path())
                .collect()
        };
        let in_dir = |depth: usize, dir: &Path| {
            [
                (depth, dir.join("wsgi.py"), false),
                (depth, dir.join("asgi.py"), true),
            ]
            .into_iter()
            .filter(|(_, p, _)| p.is_file())
        };
        let top = subdirs(&self.root);
        let found: Vec<_> = top.iter().flat_map(|d| in_dir(1, d)).collect();
        if !found.is_empty() || !deeper {
            return found;
        }
        top.iter()
            .filter(|d| !d.join("__init__.py").is_file())
            .flat_map(|d| subdirs(d))
            .filter(|d| d.join("__init__.py").is_file())
            .flat_map(|d| in_dir(2, &d).collect::<Vec<_>>())
            .collect()
    }

    /// Whether `path` is a file (from the walk's listing when it can tell).
    pub fn file_exists(&self, path: &Path) -> bool {
        file_exists(self.listing.as_deref(), path)
    }

    pub fn set_override(&self, path: PathBuf, text: String) {
        lock(&self.paths).clear();
        lock(&self.overrides).insert(path, text);
    }

    /// The text of the file at `path` as the loader would see it (a buffer given on stdin, a
    /// text already read, else the disk), without loading it; `None` when it cannot be read.
    pub fn source_text(&self, path: &Path) -> Option<String> {
        if let Some(t) = lock(&self.overrides).get(path) {
            return Some(t.clone());
        }
        if let Some(t) = lock(&self.preread).get(path) {
            return Some(t.clone());
        }
        read_source(path).ok()
    }

    pub fn remember_text(&self, path: PathBuf, text: String) {
        lock(&self.preread).insert(path, text);
    }

    /// Parses the input file at `path` (its `text` already read) before anything asks for it,
    /// so that the parse runs while another stage waits on something else (the settings chain,
    /// the reads): a later [`Project::module`] or [`Project::module_at`] of it takes the result
    /// instead of parsing. Until then the module is not loaded: [`Project::loaded_modules`]
    /// does not list it and its syntax errors are not reported, so what a run reports does not
    /// depend on what was parsed ahead.
    pub fn parse_ahead(&self, path: &Path, text: String) {
        let Some((name, is_package)) = self.module_name_of(path) else {
            return;
        };
        if lock(&self.modules).contains_key(&name) || lock(&self.parsed_ahead).contains_key(path) {
            return;
        }
        let parsed = parse_module(&name, is_package, path, text);
        lock(&self.parsed_ahead).insert(path.to_path_buf(), parsed);
    }

    /// Loads (once) and returns the project module `name`.
    pub fn module(&self, name: &str) -> Option<Arc<SourceModule>> {
        if let Some(entry) = lock(&self.modules).get(name) {
            return entry.clone();
        }
        let loaded = match self.module_path(name) {
            Some((path, is_package)) => self.load_path(name, &path, is_package),
            None => (None, Vec::new()),
        };
        self.settle(name.to_string(), loaded)
    }

    /// Records a module loaded under `name`, unless another thread recorded it first (both
    /// parsed it): only the load recorded reports its diagnostics, so none is reported twice.
    fn settle(
        &self,
        name: String,
        (module, diagnostics): (Option<Arc<SourceModule>>, Vec<Diagnostic>),
    ) -> Option<Arc<SourceModule>> {
        let mut modules = lock(&self.modules);
        match modules.entry(name) {
            std::collections::hash_map::Entry::Occupied(first) => first.get().clone(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                lock(&self.input_diagnostics).extend(diagnostics);
                slot.insert(module).clone()
            }
        }
    }

    /// The module `name` if it defines `class` by a class statement (its index binds the name
    /// to a class); a module not loaded yet whose text cannot hold that statement is not parsed
    /// (see [`Project::may_define`]).
    pub fn module_with_class(&self, name: &str, class: &str) -> Option<Arc<SourceModule>> {
        if !self.may_define(name, &[class]) {
            return None;
        }
        let module = self.module(name)?;
        matches!(
            module.index.bindings.get(class),
            Some(index::Binding::Class(_))
        )
        .then_some(module)
    }

    /// Whether the module `name` may define one of `classes` by a class statement: it is
    /// loaded already (its index will tell), it cannot be read (loading it reports why), or its
    /// text may hold such a statement (see [`crate::prefilter::may_define_class`]; the text is
    /// kept, for the parse or the next question). False for a module where each is a function,
    /// a constant or a re-export. A module parsed ahead is asked of its text too: whether it
    /// was parsed ahead may depend on which half of an analysis got there first, and what
    /// [`Project::module_with_class`] loads (and so reports) must not.
    pub fn may_define(&self, name: &str, classes: &[&str]) -> bool {
        if lock(&self.modules).contains_key(name) {
            return true;
        }
        let Some((path, _)) = self.module_path(name) else {
            return true;
        };
        let may = |text: &str| {
            classes
                .iter()
                .any(|c| crate::prefilter::may_define_class(text.as_bytes(), c.as_bytes()))
        };
        if let Some(parsed) = lock(&self.parsed_ahead).get(&path) {
            return may(&parsed.module.file.text);
        }
        let Some(text) = self.source_text(&path) else {
            return true;
        };
        let may = may(&text);
        // Kept either way: the same module is asked about for other names.
        self.remember_text(path, text);
        may
    }

    /// The module `name` as [`Project::module`] would load it, but parsed ahead (see
    /// [`Project::parse_ahead`]) if it is not loaded yet: a later `module` takes it, and until
    /// then nothing a run reports depends on it. For looking ahead at what a loop will load.
    pub fn module_ahead(&self, name: &str) -> Option<Arc<SourceModule>> {
        if let Some(entry) = lock(&self.modules).get(name) {
            return entry.clone();
        }
        let (path, is_package) = self.module_path(name)?;
        if let Some(parsed) = lock(&self.parsed_ahead).get(&path)
            && parsed.module.name == name
        {
            return Some(parsed.module.clone());
        }
        let known = lock(&self.preread)
            .get(&path)
            .cloned()
            .or_else(|| lock(&self.overrides).get(&path).cloned());
        let text = match known {
            Some(t) => t,
            None if !path.exists() && is_package => String::new(),
            None => read_source(&path).ok()?,
        };
        let parsed = parse_module(name, is_package, &path, text);
        let module = parsed.module.clone();
        lock(&self.parsed_ahead).entry(path).or_insert(parsed);
        Some(module)
    }

    /// Loads the module stored at `path` (an input file), naming it from its location.
    pub fn module_at(&self, path: &Path) -> Option<Arc<SourceModule>> {
        let (name, is_package) = self.module_name_of(path)?;
        if let Some(entry) = lock(&self.modules).get(&name) {
            return entry.clone();
        }
        let loaded = self.load_path(&name, path, is_package);
        self.settle(name, loaded)
    }

    /// Python files of the whole project (default excludes, migrations skipped: a migration
    /// records history and must not be rewritten) whose text contains `needle`. The files are
    /// those of the walk when it covered the whole project, else the project is walked once.
    pub fn files_mentioning(&self, needle: &str) -> Vec<Arc<SourceFile>> {
        use rayon::prelude::*;
        let known = lock(&self.all_files).clone();
        let paths = known.unwrap_or_else(|| {
            let listed = self
                .listing
                .as_deref()
                .and_then(|l| l.files_under(&self.root))
                .map(<[PathBuf]>::to_vec);
            listed
                .unwrap_or_else(|| {
                    crate::discover::discover(
                        std::slice::from_ref(&self.root),
                        &crate::discover::Excludes::default(),
                    )
                    .files
                })
                .into_iter()
                .filter(|p| !p.components().any(|c| c.as_os_str() == "migrations"))
                .collect::<Vec<PathBuf>>()
                .into()
        });
        lock(&self.all_files).get_or_insert_with(|| paths.clone());
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let overrides = lock(&self.overrides).clone();
        paths
            .par_iter()
            .filter_map(|p| {
                let text = match overrides.get(p) {
                    Some(t) => t.clone(),
                    None => read_source(p).ok()?,
                };
                finder
                    .find(text.as_bytes())
                    .map(|_| Arc::new(SourceFile::new(p.clone(), text)))
            })
            .collect()
    }

    /// Modules loaded so far, sorted by name.
    pub fn loaded_modules(&self) -> Vec<Arc<SourceModule>> {
        let mut all: Vec<_> = lock(&self.modules).values().flatten().cloned().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    pub fn take_input_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *lock(&self.input_diagnostics))
    }

    /// The module stored at `path`, parsed (or taken parsed ahead), with the diagnostics its
    /// loading reports: its syntax errors, or why it could not be read.
    fn load_path(
        &self,
        name: &str,
        path: &Path,
        is_package: bool,
    ) -> (Option<Arc<SourceModule>>, Vec<Diagnostic>) {
        let ahead = lock(&self.parsed_ahead).remove(path);
        if let Some(parsed) = ahead {
            if parsed.module.name == name && parsed.module.is_package == is_package {
                lock(&self.preread).remove(path);
                return (Some(parsed.module), parsed.errors);
            }
            // Reached under another name (another source root): parsed again under this one.
            lock(&self.preread)
                .entry(path.to_path_buf())
                .or_insert_with(|| parsed.module.file.text.clone());
        }
        let preread = lock(&self.preread)
            .remove(path)
            .or_else(|| lock(&self.overrides).get(path).cloned());
        let text = match preread {
            Some(t) => t,
            None if !path.exists() && is_package => String::new(),
            None => match read_source(path) {
                Ok(t) => t,
                Err(reason) => return (None, vec![io_error(path, &reason)]),
            },
        };
        let parsed = parse_module(name, is_package, path, text);
        (Some(parsed.module), parsed.errors)
    }
}

/// A parsed module and its syntax errors (E999), reported once the module is loaded.
struct Parsed {
    module: Arc<SourceModule>,
    errors: Vec<Diagnostic>,
}

fn parse_module(name: &str, is_package: bool, path: &Path, text: String) -> Parsed {
    let syntax = syntax::parse_outline(&text);
    let index = index::index_module(name, is_package, &syntax);
    let file = Arc::new(SourceFile::new(path.to_path_buf(), text));
    let errors = syntax
        .errors
        .iter()
        .map(|err| {
            Diagnostic::new(
                Rule::E999,
                Severity::Error,
                file.clone(),
                err.span,
                format!("SyntaxError: {}", err.message),
            )
        })
        .collect();
    Parsed {
        module: Arc::new(SourceModule {
            name: name.to_string(),
            is_package,
            file,
            syntax,
            index,
        }),
        errors,
    }
}

/// Locks a mutex, recovering the data if another thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An in-memory project for unit tests: `# -- path` lines separate files.
#[cfg(test)]
pub fn fixture(spec: &str) -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut current: Option<(String, String)> = None;
    let mut files = Vec::new();
    for line in spec.lines() {
        if let Some(path) = line.strip_prefix("# -- ") {
            files.extend(current.take());
            current = Some((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    files.extend(current);
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let root = dir.path().canonicalize().expect("canonical root");
    let project = Project::new(root, Vec::new(), None);
    (dir, project)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module's name read from the path's bytes is the one read component by component.
    #[test]
    fn module_names_read_from_bytes_are_read_by_components() {
        let mut project = Project::new(PathBuf::from("/r"), Vec::new(), None);
        project.source_roots = ["/r", "/r/src", "/r/src/pkg", "/other"]
            .iter()
            .map(PathBuf::from)
            .collect();
        for path in [
            "/r/app/models.py",
            "/r/app/__init__.py",
            "/r/app/__init__.pyi",
            "/r/__init__.py",
            "/r/manage.py",
            "/r/src/pkg/a.py",
            "/r/src/pkg",
            "/r/src",
            "/r/src/x/y/z.py",
            "/r/a.b/c.py",
            "/r/a/b.c.py",
            "/r/a/.hidden",
            "/r/a/noext",
            "/r/app/models",
            "/rx/app.py",
            "/other/o.py",
            "/elsewhere/e.py",
            "/r/app/modèle.py",
        ] {
            let path = Path::new(path);
            assert_eq!(
                project.module_name_of(path),
                project.module_name_by_components(path),
                "{}",
                path.display()
            );
        }
        assert_eq!(
            project.module_name_of(Path::new("/r/src/pkg/a.py")),
            Some(("a".to_string(), false))
        );
        assert_eq!(
            project.module_name_of(Path::new("/r/app/__init__.py")),
            Some(("app".to_string(), true))
        );
        // Paths that are not clean are read by components.
        assert!(!is_clean(b"/r/app/../x.py") && !is_clean(b"/r//a.py") && !is_clean(b"r/a.py"));
        assert!(is_clean(b"/r/app/x.py"));
        assert_eq!(
            project.module_name_of(Path::new("/r/./app/x.py")),
            Some(("app.x".to_string(), false))
        );
    }

    /// A dotted name is found below a package, a module file or a namespace directory of its
    /// first name, and not at all when the first name is none of these; a buffer given for a
    /// file (an override) is found even where no directory is.
    #[test]
    fn a_dotted_name_is_looked_up_below_its_first_name() {
        let (dir, project) = fixture(
            "# -- pkg/__init__.py
# -- pkg/a.py
# -- ns/b.py
# -- top.py
",
        );
        let root = dir.path().canonicalize().unwrap();
        assert_eq!(
            project.module_path("pkg.a"),
            Some((root.join("pkg/a.py"), false))
        );
        assert_eq!(
            project.module_path("ns.b"),
            Some((root.join("ns/b.py"), false))
        );
        assert_eq!(project.module_path("top.x"), None);
        assert_eq!(project.module_path("django.db.models"), None);
        assert_eq!(project.module_path("django"), None);
        let buffer = root.join("ghost/app/models.py");
        project.set_override(buffer.clone(), "X = 1\n".to_string());
        assert_eq!(
            project.module_path("ghost.app.models"),
            Some((buffer, false))
        );
    }

    /// A module parsed ahead is loaded only when asked for, under the name it is asked by: it
    /// is not listed before, its syntax error is reported once then, and a file reached under
    /// another name is parsed again under that one.
    #[test]
    fn a_module_parsed_ahead_is_loaded_only_when_asked_for() {
        let (dir, project) = fixture(
            "# -- app/__init__.py\n# -- app/models.py\nclass A:\n    x = (\n# -- app/other.py\nB = 1\n",
        );
        let root = dir.path().canonicalize().unwrap();
        let models = root.join("app/models.py");
        project.parse_ahead(&models, std::fs::read_to_string(&models).unwrap());
        assert!(project.loaded_modules().is_empty());
        assert!(project.take_input_diagnostics().is_empty());
        let module = project.module("app.models").expect("loaded");
        assert_eq!(module.name, "app.models");
        assert_eq!(module.index.classes.len(), 1);
        assert_eq!(project.loaded_modules().len(), 1);
        let errors = project.take_input_diagnostics();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].rule, Rule::E999);
        // Asked for again: neither parsed nor reported twice.
        assert!(Arc::ptr_eq(&module, &project.module("app.models").unwrap()));
        assert!(project.take_input_diagnostics().is_empty());

        // Parsed ahead from a text that is not the file's (as an editor buffer would be): the
        // module loaded is the one parsed ahead, under the name asked for.
        let other = root.join("app/other.py");
        project.parse_ahead(&other, "C = 2\n".to_string());
        // Parsed ahead once: a second request does not parse again.
        project.parse_ahead(&other, "D = 3\n".to_string());
        let module = project.module_at(&other).expect("loaded");
        assert_eq!(module.name, "app.other");
        assert!(module.index.bindings.contains_key("C"));
    }

    /// A module is parsed to tell whether a name is a class there only when its text may hold
    /// the class statement; once loaded, its index answers.
    #[test]
    fn a_module_is_parsed_for_a_class_only_if_its_text_may_define_it() {
        let (_dir, project) = fixture(
            "# -- app/__init__.py\n# -- app/helpers.py\ndef mail():\n    pass\nclass Store:\n    pass\n\
             # -- app/settings.py\nfrom .helpers import Store\nNAMES = {}\n",
        );
        assert!(project.module_with_class("app.settings", "NAMES").is_none());
        assert!(project.module_with_class("app.settings", "Store").is_none());
        assert!(project.module_with_class("app.helpers", "mail").is_none());
        assert!(
            project.loaded_modules().is_empty(),
            "nothing may be a class: nothing parsed"
        );
        let helpers = project
            .module_with_class("app.helpers", "Store")
            .expect("a class");
        assert_eq!(helpers.name, "app.helpers");
        assert!(project.module_with_class("app.helpers", "mail").is_none());
        // Loaded: its index answers, whatever the names.
        assert!(project.may_define("app.helpers", &["mail"]));
        assert!(!project.may_define("app.settings", &["mail", "Store"]));
        assert!(project.module_with_class("app.missing", "Store").is_none());
        let names: Vec<String> = project
            .loaded_modules()
            .iter()
            .map(|m| m.name.clone())
            .collect();
        assert_eq!(names, ["app.helpers"]);
    }

    /// Whether a module was parsed ahead (which may depend on timing) does not change what a
    /// question about a class loads: its text answers, as for a module not parsed.
    #[test]
    fn a_module_parsed_ahead_is_loaded_for_a_class_only_if_its_text_may_define_it() {
        let (_dir, project) = fixture(
            "# -- app/__init__.py\n# -- app/models.py\ndef helper():\n    pass\nclass Item:\n    pass\n",
        );
        project.module_ahead("app.models").expect("parsed ahead");
        assert!(!project.may_define("app.models", &["helper"]));
        assert!(project.module_with_class("app.models", "helper").is_none());
        assert!(
            project.loaded_modules().is_empty(),
            "a parse ahead is no reason to load"
        );
        assert!(project.may_define("app.models", &["Item"]));
        let models = project
            .module_with_class("app.models", "Item")
            .expect("a class");
        assert_eq!(models.name, "app.models");
    }

    /// A module looked at ahead is parsed, not loaded: a later `module` takes that parse.
    #[test]
    fn a_module_looked_at_ahead_is_loaded_only_when_asked_for() {
        let (_dir, project) =
            fixture("# -- app/__init__.py\n# -- app/models.py\nclass A:\n    x = (\n");
        let ahead = project.module_ahead("app.models").expect("parsed");
        assert_eq!(ahead.index.classes.len(), 1);
        assert!(project.loaded_modules().is_empty());
        assert!(project.take_input_diagnostics().is_empty());
        assert!(Arc::ptr_eq(
            &ahead,
            &project.module_ahead("app.models").unwrap()
        ));
        let loaded = project.module("app.models").expect("loaded");
        assert!(Arc::ptr_eq(&ahead, &loaded));
        assert_eq!(
            project.take_input_diagnostics().len(),
            1,
            "its E999, once loaded"
        );
        assert!(project.module_ahead("app.missing").is_none());
    }

    #[test]
    fn the_models_packages_of_a_package_are_found_one_level_down() {
        let (_dir, project) = fixture(
            "# -- shop/__init__.py\n# -- shop/models/__init__.py\n# -- shop/base/__init__.py\n\
             # -- shop/base/models/__init__.py\n# -- shop/base/models/orders.py\n\
             # -- shop/api/__init__.py\n# -- shop/api/models.py\n# -- shop/deep/x/models/__init__.py\n\
             # -- shop/node_modules/models/__init__.py\n",
        );
        assert_eq!(
            project.models_packages_under("shop"),
            ["shop.models", "shop.base.models"]
        );
        assert!(project.models_packages_under("nowhere").is_empty());
        assert!(project.models_packages_under("shop.api.models").is_empty());
    }

    /// Two threads loading the same module both parse it: the load recorded first is kept and
    /// only its syntax error is reported.
    #[test]
    fn a_module_loaded_twice_at_once_reports_its_errors_once() {
        let (dir, project) =
            fixture("# -- app/__init__.py\n# -- app/models.py\nclass A:\n    x = (\n");
        let path = dir.path().canonicalize().unwrap().join("app/models.py");
        let first = project.load_path("app.models", &path, false);
        let second = project.load_path("app.models", &path, false);
        assert_eq!((first.1.len(), second.1.len()), (1, 1));
        let kept = project
            .settle("app.models".to_string(), first)
            .expect("kept");
        let again = project
            .settle("app.models".to_string(), second)
            .expect("the first");
        assert!(Arc::ptr_eq(&kept, &again));
        assert_eq!(project.take_input_diagnostics().len(), 1);
    }

    #[test]
    fn entry_points_are_the_same_from_the_listing_and_from_the_disk() {
        let (dir, _) = fixture(
            "# -- manage.py\n# -- a/wsgi.py\n# -- a/asgi.py\n# -- a-b/asgi.py\n# -- a/deeper/wsgi.py\n# -- wsgi.py\n# -- z/views.py\n",
        );
        let root = dir.path().canonicalize().unwrap();
        let inputs = [root.clone()];
        let none = crate::discover::Excludes::new(&[]).unwrap();
        let found = crate::discover::discover(&inputs, &none);
        let listing = Arc::new(Listing::new(&inputs, &none, found.files));
        let expected: Vec<PathBuf> = ["manage.py", "a/wsgi.py", "a/asgi.py", "a-b/asgi.py"]
            .iter()
            .map(|p| root.join(p))
            .collect();
        let listed = Project::new(root.clone(), Vec::new(), Some(listing)).entry_points();
        let on_disk = Project::new(root.clone(), Vec::new(), None).entry_points();
        assert_eq!(listed, expected);
        assert_eq!(on_disk, expected);
    }

    #[test]
    fn a_directory_without_init_in_a_repository_top_belongs_to_the_repository() {
        let (dir, _) = fixture(
            "# -- ns/pyproject.toml\n# -- ns/aleksis/core/__init__.py\n# -- ns/aleksis/core/models.py\n# -- ns/docs/conf.py\n# -- ns/tests/test_x.py\n\
             # -- srcl/setup.cfg\n# -- srcl/src/acme/api/__init__.py\n# -- srcl/src/pkg/__init__.py\n\
             # -- git/.git/HEAD\n# -- git/scripts/run.py\n\
             # -- repo/pyproject.toml\n# -- repo/fixtures/case/tokens/__init__.py\n# -- repo/lib/pyproject.toml\n# -- repo/lib/pkg/__init__.py\n\
             # -- loose/a/b.py\n",
        );
        let root = dir.path().canonicalize().unwrap();
        let mut cache = RootCache::new(None);
        let mut of = |rel: &str| {
            let package_root = cache.package_root(&root.join(rel));
            let (sys_root, project) = cache.project_of(&package_root);
            let rel = |p: PathBuf| p.strip_prefix(&root).unwrap().display().to_string();
            (rel(sys_root), rel(project))
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        // A namespace package, docs/ and tests/ are imported from the repository top.
        assert_eq!(of("ns/aleksis/core"), pair("ns", "ns"));
        assert_eq!(of("ns/docs"), pair("ns", "ns"));
        assert_eq!(of("ns/tests"), pair("ns", "ns"));
        // src/, and a namespace package in it, are imported from src/.
        assert_eq!(of("srcl/src/acme/api"), pair("srcl/src", "srcl"));
        assert_eq!(of("srcl/src/pkg"), pair("srcl/src", "srcl"));
        // A checkout without packaging metadata is a repository too.
        assert_eq!(of("git/scripts"), pair("git", "git"));
        // Two levels below a repository top, or in a repository of its own: where it is.
        assert_eq!(
            of("repo/fixtures/case/tokens"),
            pair("repo/fixtures/case", "repo/fixtures/case")
        );
        assert_eq!(of("repo/lib/pkg"), pair("repo/lib", "repo/lib"));
        assert_eq!(of("loose/a"), pair("loose/a", "loose/a"));
    }

    #[test]
    fn entry_points_of_a_namespace_package_are_found_below_it() {
        let (dir, _) = fixture(
            "# -- pyproject.toml\n# -- aleksis/core/__init__.py\n# -- aleksis/core/wsgi.py\n# -- aleksis/core/sub/asgi.py\n\
             # -- docs/examples/wsgi.py\n# -- app/__init__.py\n# -- app/inner/__init__.py\n# -- app/inner/wsgi.py\n",
        );
        let root = dir.path().canonicalize().unwrap();
        let inputs = [root.clone()];
        let none = crate::discover::Excludes::new(&[]).unwrap();
        let found = crate::discover::discover(&inputs, &none);
        let listing = Arc::new(Listing::new(&inputs, &none, found.files));
        let listed = Project::new(root.clone(), Vec::new(), Some(listing.clone())).entry_points();
        let on_disk = Project::new(root.clone(), Vec::new(), None).entry_points();
        // Not in a package below a package (app/inner), nor in a directory that is no package
        // (docs/examples), nor deeper.
        assert_eq!(listed, [root.join("aleksis/core/wsgi.py")]);
        assert_eq!(on_disk, listed);
        // One just below the root wins over them.
        std::fs::write(root.join("app/wsgi.py"), "").unwrap();
        let found = crate::discover::discover(&inputs, &none);
        let listing = Arc::new(Listing::new(&inputs, &none, found.files));
        let listed = Project::new(root.clone(), Vec::new(), Some(listing)).entry_points();
        let on_disk = Project::new(root.clone(), Vec::new(), None).entry_points();
        assert_eq!(listed, [root.join("app/wsgi.py")]);
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn modules_are_named_from_the_root_and_loaded_once() {
        let (_d, p) =
            fixture("# -- app/__init__.py\n# -- app/models.py\nx = 1\n# -- app/sub/m.py\n");
        let m = p.module("app.models").unwrap();
        assert_eq!(m.name, "app.models");
        assert!(Arc::ptr_eq(&m, &p.module("app.models").unwrap()));
        assert!(p.module("app").unwrap().is_package);
        assert!(p.has_module("app.sub.m"));
        assert!(p.module("django.db").is_none());
        let (name, pkg) = p.module_name_of(&p.root.join("app/sub/m.py")).unwrap();
        assert_eq!((name.as_str(), pkg), ("app.sub.m", false));
    }

    #[test]
    fn unreadable_and_unparsable_files_become_diagnostics() {
        let (_d, p) = fixture("# -- bad.py\ndef f(:\n");
        std::fs::write(p.root.join("latin.py"), b"x = '\xe9'\n").unwrap();
        assert!(p.module("bad").is_some());
        assert!(p.module("latin").is_none());
        let codes: Vec<_> = p.take_input_diagnostics().iter().map(|d| d.code).collect();
        assert_eq!(codes, ["E999", "E999", "E902"]);
    }
}
