//! Input discovery: the only user of walkdir. Directories are walked (sorted, default excludes,
//! `--exclude` globs); files named on the command line are taken as given.
//!
//! Symbolic links are followed, with two rules. A directory link that points at one of its own
//! ancestors (a loop) is not followed, and is no error: what it leads to is either walked
//! already, under its own path, or outside the paths given. A file reached under two paths
//! (through a link, or named twice) is checked once, under the path the user gave: the first
//! input that reaches it, and there the path without a link.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

/// Directory names never walked into: VCS metadata, virtualenvs, caches, build output.
const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".venv",
    "venv",
    ".env",
    "env",
    ".tox",
    ".nox",
    ".eggs",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".direnv",
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "site-packages",
    "build",
    "dist",
    "_build",
    "buck-out",
];

/// Whether a directory named `name` is never walked into: one of [`DEFAULT_EXCLUDES`], or a
/// `*.egg-info` build directory.
pub(crate) fn is_default_excluded(name: &[u8]) -> bool {
    name.ends_with(b".egg-info") || DEFAULT_EXCLUDES.iter().any(|x| x.as_bytes() == name)
}

#[derive(Debug, Default)]
pub struct Discovered {
    /// Python files to check, sorted by their bytes and deduplicated (by path, and by the file
    /// they lead to).
    pub files: Vec<PathBuf>,
    /// Paths that could not be read, with the reason (reported as E902).
    pub errors: Vec<(PathBuf, String)>,
    /// Directory links followed below the inputs: the files behind them may be listed under
    /// another path only, so a [`Listing`] does not answer for them.
    pub links: Vec<PathBuf>,
    /// Files reached through a link below an input (or that are links): they may be files
    /// found under another path too. Moved into `files` by [`discover`].
    linked: Vec<PathBuf>,
    /// Errors met through a link below an input. Moved into `errors` by [`discover`].
    linked_errors: Vec<(PathBuf, String)>,
}

#[derive(Default)]
pub struct Excludes {
    set: GlobSet,
}

impl Excludes {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Builds the user's `--exclude` globs. A glob without a slash matches a file or directory
    /// name anywhere, as in ruff.
    pub fn new(patterns: &[String]) -> Result<Excludes, String> {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            let glob = Glob::new(p).map_err(|e| format!("invalid --exclude glob `{p}`: {e}"))?;
            builder.add(glob);
            if !p.contains('/') {
                let anywhere = Glob::new(&format!("**/{p}"))
                    .map_err(|e| format!("invalid --exclude glob `{p}`: {e}"))?;
                builder.add(anywhere);
            }
        }
        let set = builder
            .build()
            .map_err(|e| format!("invalid --exclude globs: {e}"))?;
        Ok(Excludes { set })
    }

    /// Whether `path` or one of its directories is excluded (by the user or by default).
    pub fn excludes_path(&self, path: &Path) -> bool {
        path.ancestors().any(|p| {
            self.matches(p)
                || (p != path
                    && p.file_name()
                        .is_some_and(|n| is_default_excluded(n.as_encoded_bytes())))
        })
    }

    fn matches(&self, path: &Path) -> bool {
        self.set.is_match(path)
            || path
                .file_name()
                .is_some_and(|name| self.set.is_match(Path::new(name)))
    }
}

fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyi")
}

pub fn discover(inputs: &[PathBuf], excludes: &Excludes) -> Discovered {
    let mut out = Discovered::default();
    // What each input found, in input order: the first input reaching a file names it.
    let mut parts: Vec<(&PathBuf, Discovered)> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push((input.clone(), e.to_string()));
                continue;
            }
        };
        if meta.is_file() {
            // Files named explicitly are checked as given, whatever their name.
            let mut part = Discovered::default();
            part.files.push(input.clone());
            parts.push((input, part));
            continue;
        }
        parts.push((input, walk_tree(input, SPLIT_LEVELS, excludes, false)));
    }
    dedup_files(&mut parts);
    for (_, part) in parts {
        out.merge(part);
    }
    // Sorted by bytes, not by `Path`'s component-wise order: the same order for every lookup
    // below, at a fraction of the cost (13k paths compared component by component took most of
    // the bookkeeping's time).
    out.files.sort_unstable_by(|a, b| bytes(a).cmp(bytes(b)));
    out.files.dedup_by(|a, b| bytes(a) == bytes(b));
    out.errors.sort();
    out.errors.dedup();
    out.links.sort();
    out.links.dedup();
    #[cfg(debug_assertions)]
    test_hook::after_walk();
    out
}

/// Keeps one path per file: the first input that reaches it names it, and within an input the
/// path without a link. Only a run with links, or with an input that is not its own canonical
/// path next to other inputs, can reach a file twice; any other run costs nothing here. The key
/// of a file found without a link is its input's canonical path joined with the rest of its
/// path (no system call); a linked file is canonicalized (they are rare). Errors likewise, by
/// their canonical directory (the path itself may not resolve).
fn dedup_files(parts: &mut [(&PathBuf, Discovered)]) {
    let linked = parts
        .iter()
        .any(|(_, p)| !p.linked.is_empty() || !p.linked_errors.is_empty());
    // One input without a link reaches each file once: no input to canonicalize (a `readlink`
    // per component of its path, on the walk's way to the check).
    if !linked && parts.len() <= 1 {
        return;
    }
    let canonical: Vec<Option<PathBuf>> = parts
        .iter()
        .map(|(input, _)| std::fs::canonicalize(input).ok())
        .collect();
    let aliased = parts.len() > 1
        && parts
            .iter()
            .zip(&canonical)
            .any(|((input, _), c)| c.as_deref() != Some(input.as_path()));
    if !linked && !aliased {
        return;
    }
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for ((input, part), canonical) in parts.iter_mut().zip(canonical) {
        let key = |f: &Path| match (&canonical, f.strip_prefix(input.as_path())) {
            (Some(c), Ok(rel)) if rel.as_os_str().is_empty() => c.clone(),
            (Some(c), Ok(rel)) => c.join(rel),
            _ => f.to_path_buf(),
        };
        part.files.sort_unstable_by(|a, b| bytes(a).cmp(bytes(b)));
        part.files.retain(|f| seen.insert(key(f)));
        part.linked.sort_unstable_by(|a, b| bytes(a).cmp(bytes(b)));
        let linked = std::mem::take(&mut part.linked);
        part.files.extend(
            linked
                .into_iter()
                .filter(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))),
        );
    }
    let error_key = |p: &Path| match (p.parent().map(std::fs::canonicalize), p.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name),
        _ => p.to_path_buf(),
    };
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for (_, part) in parts.iter_mut() {
        part.errors.retain(|(p, _)| seen.insert(error_key(p)));
        let linked = std::mem::take(&mut part.linked_errors);
        part.errors.extend(
            linked
                .into_iter()
                .filter(|(p, _)| seen.insert(error_key(p))),
        );
    }
}

/// How many levels of a tree are listed one directory at a time, each subdirectory a parallel
/// task, before a subtree is walked on one thread. Listing directories is most of a walk's time,
/// and one big directory near the top (a vendored copy, a monorepo's largest package) must not
/// end up on one thread.
const SPLIT_LEVELS: usize = 3;

/// Walks `dir`; `linked`: `dir` was reached through a directory link below an input.
fn walk_tree(dir: &Path, split: usize, excludes: &Excludes, linked: bool) -> Discovered {
    use rayon::prelude::*;
    if split == 0 {
        return list_tree(dir, excludes, linked)
            .unwrap_or_else(|| walk(dir, usize::MAX, excludes, linked).1);
    }
    let (subdirs, mut out) =
        list_level(dir, excludes, linked).unwrap_or_else(|| walk(dir, 1, excludes, linked));
    let parts: Vec<Discovered> = subdirs
        .par_iter()
        .map(|(d, linked)| walk_tree(d, split - 1, excludes, *linked))
        .collect();
    for part in parts {
        out.merge(part);
    }
    out
}

/// [`walk`] of `dir` one level deep, read from a plain listing when it holds no symbolic link
/// and every entry reads (else `None`, and [`walk`] reads it). A walk that follows links first
/// resolves its root and every ancestor of it (walkdir looks for a link back to one), a
/// `readlink` per component: on a split walk, most of its system calls.
fn list_level(
    dir: &Path,
    excludes: &Excludes,
    linked: bool,
) -> Option<(Vec<(PathBuf, bool)>, Discovered)> {
    let mut out = Discovered::default();
    let mut deeper = Vec::new();
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let kind = entry.file_type().ok()?;
        if kind.is_symlink() {
            return None;
        }
        let path = entry.path();
        let default_excluded =
            kind.is_dir() && is_default_excluded(entry.file_name().as_encoded_bytes());
        if default_excluded || (!excludes.is_empty() && excludes.matches(&path)) {
            continue;
        }
        if kind.is_dir() {
            deeper.push((path, linked));
        } else if kind.is_file() && is_python(&path) {
            if linked {
                out.linked.push(path);
            } else {
                out.files.push(path);
            }
        }
    }
    Some((deeper, out))
}

/// [`walk`] of the whole tree under `dir`, from plain listings (see [`list_level`]); `None` if
/// one of them cannot be read so.
fn list_tree(dir: &Path, excludes: &Excludes, linked: bool) -> Option<Discovered> {
    let (subdirs, mut out) = list_level(dir, excludes, linked)?;
    for (sub, linked) in subdirs {
        out.merge(list_tree(&sub, excludes, linked)?);
    }
    Some(out)
}

impl Discovered {
    fn merge(&mut self, other: Discovered) {
        self.files.extend(other.files);
        self.errors.extend(other.errors);
        self.links.extend(other.links);
        self.linked.extend(other.linked);
        self.linked_errors.extend(other.linked_errors);
    }
}

/// Whether the directory symlink `path` points at one of its own ancestors (or itself): a
/// loop. A walk split into parallel parts cannot see every ancestor, so this asks the disk
/// (only for symlinks, which are rare).
fn is_loop(path: &Path) -> bool {
    let (Ok(target), Some(Ok(parent))) = (
        std::fs::canonicalize(path),
        path.parent().map(std::fs::canonicalize),
    ) else {
        return false;
    };
    parent.starts_with(&target)
}

/// "Too many levels of symbolic links" (`io::ErrorKind::FilesystemLoop` is not stable yet).
#[cfg(any(target_os = "linux", target_os = "android"))]
const ELOOP: i32 = 40;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const ELOOP: i32 = 62;

/// Walks `start` down to `max_depth`. Returns the directories met at `max_depth` (to walk next,
/// with whether they were reached through a link) and what was found. `linked`: `start` was
/// reached through a directory link below an input.
fn walk(
    start: &Path,
    max_depth: usize,
    excludes: &Excludes,
    linked: bool,
) -> (Vec<(PathBuf, bool)>, Discovered) {
    let mut out = Discovered::default();
    let mut deeper = Vec::new();
    let walker = WalkDir::new(start)
        .follow_links(true)
        .max_depth(max_depth)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let default_excluded =
                e.file_type().is_dir() && is_default_excluded(e.file_name().as_encoded_bytes());
            if default_excluded || (!excludes.is_empty() && excludes.matches(e.path())) {
                return false;
            }
            // A loop is not followed: its target is an ancestor, walked already or not asked for.
            !(e.file_type().is_dir() && e.path_is_symlink() && is_loop(e.path()))
        });
    // The depth of the directory link the walk is below, if any.
    let mut link_depth: Option<usize> = None;
    for entry in walker {
        match entry {
            Ok(e) => {
                if link_depth.is_some_and(|d| e.depth() <= d) {
                    link_depth = None;
                }
                let is_link = e.depth() > 0 && e.path_is_symlink();
                let via_link = linked || link_depth.is_some() || is_link;
                if e.file_type().is_dir() {
                    if is_link && link_depth.is_none() {
                        link_depth = Some(e.depth());
                        out.links.push(e.path().to_path_buf());
                    }
                    if e.depth() == max_depth {
                        deeper.push((e.into_path(), via_link));
                    }
                } else if e.file_type().is_file() && is_python(e.path()) {
                    if via_link {
                        out.linked.push(e.into_path());
                    } else {
                        out.files.push(e.into_path());
                    }
                }
            }
            Err(e) => {
                if link_depth.is_some_and(|d| e.depth() <= d) {
                    link_depth = None;
                }
                let via_link = linked || link_depth.is_some();
                let path = e
                    .path()
                    .map_or_else(|| start.to_path_buf(), Path::to_path_buf);
                // A directory met again below itself (a bind mount; links are caught above) is
                // walked already. A chain of links leading back to itself resolves to nothing:
                // an error only where it stands for a Python file.
                let chain = e.io_error().and_then(std::io::Error::raw_os_error) == Some(ELOOP);
                if e.loop_ancestor().is_some() || (chain && !is_python(&path)) {
                    continue;
                }
                let reason = e
                    .io_error()
                    .map_or_else(|| e.to_string(), std::string::ToString::to_string);
                if via_link {
                    out.linked_errors.push((path, reason));
                } else {
                    out.errors.push((path, reason));
                }
            }
        }
    }
    (deeper, out)
}

/// A pause between the walk and the reads, for tests (debug builds only): with
/// `DJANGO_MODEL_LINT_TEST_AFTER_WALK=<file>` set, the run's first walk creates `<file>`, then
/// waits (a minute at most) until it is removed. A test removes paths in the meantime: they were
/// listed, and are gone when read.
#[cfg(debug_assertions)]
mod test_hook {
    pub fn after_walk() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let Some(flag) = std::env::var_os("DJANGO_MODEL_LINT_TEST_AFTER_WALK") else {
                return;
            };
            let flag = std::path::PathBuf::from(flag);
            if std::fs::write(&flag, b"walked").is_err() {
                return;
            }
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while flag.exists() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
    }
}

/// What a walk saw, kept to answer "is there a Python file (or package directory) here?" from
/// memory: module lookups and project-root searches ask it thousands of times, and each `stat`
/// is a path walk in the kernel. Only paths inside a completely walked directory are answered
/// (not below a default-excluded directory, and not at all when `--exclude` is used, since an
/// excluded file still exists as context); anything else is `None`, and the caller asks the
/// disk.
#[derive(Debug, Default)]
pub struct Listing {
    walked: Vec<PathBuf>,
    /// Directory links below `walked`, where the listing does not answer (see
    /// [`Discovered::links`]).
    links: Vec<PathBuf>,
    /// The Python files found, sorted by their bytes (for prefix ranges).
    files: Vec<PathBuf>,
}

/// A path's bytes, the order and equality every lookup here uses.
pub fn bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

impl Listing {
    /// The listing of a walk of `inputs` that found `files` (sorted by [`bytes`]).
    pub fn new(inputs: &[PathBuf], excludes: &Excludes, files: Vec<PathBuf>) -> Listing {
        let walked = if excludes.is_empty() {
            inputs.iter().filter(|p| p.is_dir()).cloned().collect()
        } else {
            Vec::new()
        };
        Listing {
            walked,
            links: Vec::new(),
            files,
        }
    }

    /// The same listing, not answering below the directory links the walk followed.
    pub fn with_links(mut self, links: Vec<PathBuf>) -> Listing {
        self.links = links;
        self
    }

    /// Files that were not found by a walk (a buffer on stdin): the listing answers nothing.
    pub fn unwalked(files: Vec<PathBuf>) -> Listing {
        Listing {
            walked: Vec::new(),
            links: Vec::new(),
            files,
        }
    }

    /// The files found, sorted by [`bytes`].
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Whether `path` is one of the files found.
    pub fn contains(&self, path: &Path) -> bool {
        self.files
            .binary_search_by(|f| bytes(f).cmp(bytes(path)))
            .is_ok()
    }

    fn covers(&self, path: &Path) -> bool {
        if self.links.iter().any(|link| path.starts_with(link)) {
            return false;
        }
        self.walked.iter().any(|root| {
            let Some(rel) = bytes(path).strip_prefix(bytes(root)) else {
                return false;
            };
            (rel.is_empty() || rel[0] == b'/' || bytes(root).ends_with(b"/"))
                && !rel
                    .split(|&b| b == b'/')
                    .any(|name| name == b".." || is_default_excluded(name))
        })
    }

    /// Whether `path`, a `.py` file, exists; `None` when the walk cannot tell.
    pub fn has_file(&self, path: &Path) -> Option<bool> {
        if !is_python(path) || !self.covers(path) {
            return None;
        }
        Some(self.contains(path))
    }

    /// The Python files below `dir`, sorted by [`bytes`]; `None` when the walk cannot tell.
    pub fn files_under(&self, dir: &Path) -> Option<&[PathBuf]> {
        if !self.covers(dir) {
            return None;
        }
        let mut prefix = bytes(dir).to_vec();
        if !prefix.ends_with(b"/") {
            prefix.push(b'/');
        }
        let start = self.files.partition_point(|f| bytes(f) < prefix.as_slice());
        let len = self.files[start..].partition_point(|f| bytes(f).starts_with(&prefix));
        Some(&self.files[start..start + len])
    }

    /// Whether `path` is a directory holding Python files; `None` when the walk cannot tell.
    pub fn has_dir(&self, path: &Path) -> Option<bool> {
        self.files_under(path).map(|files| !files.is_empty())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Creates each of `files` (relative paths), empty, with its directories.
    pub(crate) fn touch_all(root: &Path, files: &[&str]) {
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "").unwrap();
        }
    }

    /// A level holding a symbolic link is left to walkdir (which follows it and looks for
    /// loops); a plain one is read from its listing, default exclusions and globs applied.
    #[cfg(unix)]
    #[test]
    fn a_plain_listing_reads_levels_without_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        touch_all(
            &root,
            &["a.py", "b.txt", "pkg/c.py", "__pycache__/d.py", "skip/e.py"],
        );
        let excludes = Excludes::new(&["skip".to_string()]).unwrap();
        let (deeper, found) = list_level(&root, &excludes, false).expect("plain");
        assert_eq!(found.files, [root.join("a.py")]);
        assert_eq!(deeper, [(root.join("pkg"), false)]);
        let tree = list_tree(&root, &excludes, true).expect("plain");
        let mut linked = tree.linked.clone();
        linked.sort();
        assert_eq!(linked, [root.join("a.py"), root.join("pkg/c.py")]);
        std::os::unix::fs::symlink(root.join("pkg"), root.join("link")).unwrap();
        assert!(list_level(&root, &excludes, false).is_none());
        assert!(list_tree(&root, &excludes, false).is_none());
        // The walk as a whole still reads the link's files, under the link.
        let found = discover(std::slice::from_ref(&root), &excludes);
        assert_eq!(found.files, [root.join("a.py"), root.join("pkg/c.py")]);
    }

    #[test]
    fn walks_sorted_and_skips_default_and_user_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch_all(
            root,
            &[
                "b.py",
                "a/x.py",
                ".venv/lib/y.py",
                "node_modules/z.py",
                "gen/skip.py",
                "c.txt",
            ],
        );
        let ex = Excludes::new(&["gen".to_string()]).unwrap();
        let d = discover(&[root.to_path_buf()], &ex);
        let rel: Vec<_> = d
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(rel, ["a/x.py", "b.py"]);
        assert!(d.errors.is_empty());
    }

    #[test]
    fn the_listing_answers_inside_walked_directories_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        touch_all(
            &root,
            &[
                "app/__init__.py",
                "app/models.py",
                "ns/sub/x.py",
                ".venv/lib/y.py",
            ],
        );
        let inputs = [root.clone()];
        let none = Excludes::new(&[]).unwrap();
        let found = discover(&inputs, &none);
        let l = Listing::new(&inputs, &none, found.files);
        assert_eq!(l.has_file(&root.join("app/__init__.py")), Some(true));
        assert_eq!(l.has_file(&root.join("app/views.py")), Some(false));
        assert_eq!(l.has_file(&root.join("app/data.json")), None);
        assert_eq!(l.has_file(&root.join(".venv/lib/y.py")), None);
        assert_eq!(l.has_file(Path::new("/elsewhere/x.py")), None);
        assert_eq!(l.has_dir(&root.join("ns")), Some(true));
        assert_eq!(l.has_dir(&root.join("ap")), Some(false));
        assert_eq!(l.has_dir(&root.join("nope")), Some(false));
        let excluded = Excludes::new(&["ns".to_string()]).unwrap();
        let l = Listing::new(&inputs, &excluded, discover(&inputs, &excluded).files);
        assert_eq!(l.has_file(&root.join("app/models.py")), None);
    }

    /// Below the split levels a subtree is one walk, above them each directory is its own task:
    /// either way every file is found once, in byte order, and loops are skipped quietly.
    #[cfg(unix)]
    #[test]
    fn a_split_walk_finds_every_file_once_in_byte_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            "a.py",
            "a-b.py",
            "a/x.py",
            "a/b/c/d/e/f/deep.py",
            "a/b/c/d/e/f/g/deeper.py",
            "big/one.py",
            "big/two/three.py",
            "z.py",
        ];
        touch_all(root, &files);
        // A loop above the split levels and one far below them, and a link to a sibling (no
        // loop: its files are found once, under their own path).
        std::os::unix::fs::symlink(root.join("a"), root.join("a/b/up")).unwrap();
        std::os::unix::fs::symlink(root.join("a/b"), root.join("a/b/c/d/e/f/g/up")).unwrap();
        std::os::unix::fs::symlink(root.join("big/two"), root.join("big/link")).unwrap();
        let d = discover(&[root.to_path_buf()], &Excludes::new(&[]).unwrap());
        let rel: Vec<_> = d
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            rel,
            [
                "a-b.py",
                "a.py",
                "a/b/c/d/e/f/deep.py",
                "a/b/c/d/e/f/g/deeper.py",
                "a/x.py",
                "big/one.py",
                "big/two/three.py",
                "z.py",
            ]
        );
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.links, [root.join("big/link")]);
    }

    /// Every `.py` file below `dir`, by a plain recursive std walk: what `discover` must find.
    fn naive(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let t = e.file_type().unwrap();
            if t.is_dir() {
                naive(&e.path(), out);
            } else if t.is_file() && is_python(&e.path()) {
                out.push(e.path());
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 48,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Names that sort around `/` (`-`, `.`, space, non-ASCII) at depths above and below
        /// the split levels: the walk finds exactly the files a plain walk finds, once each, in
        /// byte order, and the listing answers for each of them.
        #[test]
        fn the_split_walk_agrees_with_a_plain_walk(
            paths in proptest::collection::vec(
                (
                    proptest::collection::vec(0usize..7, 0..6),
                    0usize..7,
                    0usize..3,
                ),
                1..40,
            )
        ) {
            const NAMES: [&str; 7] = ["a", "a-b", "a.b", "ab", "b c", "models", "é"];
            const EXTS: [&str; 3] = [".py", ".pyi", ".txt"];
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().to_path_buf();
            for (dirs, name, ext) in &paths {
                let mut p = root.clone();
                for d in dirs {
                    p.push(format!("d{}", NAMES[*d]));
                }
                std::fs::create_dir_all(&p).unwrap();
                p.push(format!("{}{}", NAMES[*name], EXTS[*ext]));
                std::fs::write(&p, "").unwrap();
            }
            let found = discover(std::slice::from_ref(&root), &Excludes::new(&[]).unwrap());
            let mut expected = Vec::new();
            naive(&root, &mut expected);
            expected.sort_by(|a, b| bytes(a).cmp(bytes(b)));
            proptest::prop_assert_eq!(&found.files, &expected);
            proptest::prop_assert!(found.errors.is_empty());
            let listing = Listing::new(
                std::slice::from_ref(&root),
                &Excludes::new(&[]).unwrap(),
                found.files,
            );
            for f in &expected {
                proptest::prop_assert_eq!(listing.has_file(f), Some(true));
                proptest::prop_assert_eq!(listing.has_dir(f.parent().unwrap()), Some(true));
                proptest::prop_assert_eq!(listing.has_file(&f.with_extension("py.missing.py")), Some(false));
            }
        }
    }

    #[test]
    fn default_excluded_directories_are_the_same_everywhere() {
        let none = Excludes::new(&[]).unwrap();
        for dir in ["node_modules", ".venv", "pkg.egg-info"] {
            assert!(
                none.excludes_path(&Path::new("/p").join(dir).join("m.py")),
                "{dir}"
            );
            assert!(is_default_excluded(dir.as_bytes()));
        }
        assert!(!none.excludes_path(Path::new("/p/app/m.py")));
        // A file named like an excluded directory is not excluded.
        assert!(!none.excludes_path(Path::new("/p/build")));
    }

    #[test]
    fn missing_input_is_an_error_not_a_panic() {
        let d = discover(
            &[PathBuf::from("/nonexistent/dml")],
            &Excludes::new(&[]).unwrap(),
        );
        assert!(d.files.is_empty());
        assert_eq!(d.errors.len(), 1);
    }

    /// A loop hides no file (its target is walked under its own path, or was not asked for)
    /// and is no error; a chain of links leading back to itself is an error only where it
    /// stands for a Python file.
    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_skipped_quietly_and_the_walk_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/m.py"), "").unwrap();
        std::fs::write(root.join("top.py"), "").unwrap();
        std::os::unix::fs::symlink(root, root.join("a/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("c1"), root.join("c2")).unwrap();
        std::os::unix::fs::symlink(root.join("c2"), root.join("c1")).unwrap();
        let none = Excludes::new(&[]).unwrap();
        let d = discover(&[root.to_path_buf()], &none);
        assert_eq!(d.files, [root.join("a/m.py"), root.join("top.py")]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        // Walked from below the loop's target: the loop is not followed up and out.
        let d = discover(&[root.join("a")], &none);
        assert_eq!(d.files, [root.join("a/m.py")]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        // Walked from the loop itself: everything once, under the path given.
        let d = discover(&[root.join("a/loop")], &none);
        assert_eq!(
            d.files,
            [root.join("a/loop/a/m.py"), root.join("a/loop/top.py")]
        );
        // A link chain named like a Python file stands for one that cannot be read.
        std::os::unix::fs::symlink(root.join("x.py"), root.join("x.py")).unwrap();
        let d = discover(&[root.to_path_buf()], &none);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert_eq!(d.errors[0].0, root.join("x.py"));
    }

    /// Two inputs reaching the same files, one through a link: each file once, under the first
    /// input; a file named twice, once.
    #[cfg(unix)]
    #[test]
    fn a_file_reached_twice_is_found_once_under_the_first_path_given() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        touch_all(&root, &["p/app/models.py", "p/manage.py"]);
        std::os::unix::fs::symlink(root.join("p"), root.join("alias")).unwrap();
        let none = Excludes::new(&[]).unwrap();
        let d = discover(&[root.join("p"), root.join("alias")], &none);
        assert_eq!(
            d.files,
            [root.join("p/app/models.py"), root.join("p/manage.py")]
        );
        let d = discover(&[root.join("alias"), root.join("p")], &none);
        assert_eq!(
            d.files,
            [
                root.join("alias/app/models.py"),
                root.join("alias/manage.py")
            ]
        );
        let d = discover(
            &[
                root.join("alias/app/models.py"),
                root.join("p/app/models.py"),
            ],
            &none,
        );
        assert_eq!(d.files, [root.join("alias/app/models.py")]);
    }
}
