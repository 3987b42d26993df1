//! The installed version of a library, read from the project's pinned dependencies:
//! requirements*.txt, pyproject.toml (PEP 621 and Poetry), poetry.lock, uv.lock, Pipfile.lock,
//! in the project root or the repository above it; or from the library's own `__version__` when
//! the project holds the library's package. Only exact pins count (`==`, lock files): a range
//! does not say which release runs.

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use crate::contract::Version;
use crate::project::Project;

/// Normalised distribution name (PEP 503): lower case, runs of `-_.` as `-`.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for ch in name.trim().chars() {
        if matches!(ch, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(ch.to_lowercase());
        }
    }
    out
}

fn is_sep(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'.')
}

/// Whether `name` normalises to `dist` (already normalised, ASCII), without allocating.
fn same_name(name: &[u8], dist: &str) -> bool {
    let name = name.trim_ascii();
    let name = &name[name.iter().take_while(|&&b| is_sep(b)).count()..];
    let name = &name[..name.len() - name.iter().rev().take_while(|&&b| is_sep(b)).count()];
    if !name.is_ascii() {
        return normalise(&String::from_utf8_lossy(name)) == dist;
    }
    matches_at(name, 0, dist.as_bytes()) == Some(name.len())
}

/// If a spelling of the normalised `dist` (ASCII case ignored, a run of `-_.` for each `-`)
/// starts at `text[at]`, where it ends.
fn matches_at(text: &[u8], at: usize, dist: &[u8]) -> Option<usize> {
    let mut i = at;
    for &d in dist {
        if d == b'-' {
            let run = text[i.min(text.len())..]
                .iter()
                .take_while(|&&b| is_sep(b))
                .count();
            if run == 0 {
                return None;
            }
            i += run;
        } else if text.get(i).is_some_and(|b| b.eq_ignore_ascii_case(&d)) {
            i += 1;
        } else {
            return None;
        }
    }
    Some(i)
}

/// The spellings of `dist` in `bytes` not inside a longer word (no letter or digit on either
/// side): each one's start and end. A superset of the places that name `dist`; callers check. A byte search for the first letter in either case, checked in place.
fn name_spans<'a>(bytes: &'a [u8], dist: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    let d = dist.as_bytes();
    let first = d.first().copied().unwrap_or(b'-');
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .filter_map(move |at| {
        if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
            return None;
        }
        let end = matches_at(bytes, at, d)?;
        (!bytes.get(end).is_some_and(u8::is_ascii_alphanumeric)).then_some((at, end))
    })
}

/// Whether `bytes` spell `dist` anywhere as a whole name: a file that does not cannot pin it.
fn mentions(bytes: &[u8], dist: &str) -> bool {
    name_spans(bytes, dist).next().is_some()
}

/// `name==1.2.3` (with optional extras, spaces, markers) → the pinned version.
fn pinned_in_requirement(line: &str, dist: &str) -> Option<Version> {
    let line = line.split('#').next()?.split(';').next()?.trim();
    let (name, rest) = line.split_once("==")?;
    let name = name.split('[').next()?;
    if !same_name(name.as_bytes(), dist) {
        return None;
    }
    Version::parse(rest.trim_start_matches('=').trim())
}

/// The lines of `text` that spell `dist`: found by a byte search, so the other lines of a long
/// requirements file (hashes, comments, other packages) are never split or compared.
fn lines_naming<'a>(text: &'a str, dist: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let bytes = text.as_bytes();
    let mut next_line = 0;
    name_spans(bytes, dist).filter_map(move |(at, _)| {
        if at < next_line {
            return None;
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        next_line = end;
        Some(&text[start..end])
    })
}

fn from_requirements(text: &str, dist: &str) -> Option<Version> {
    lines_naming(text, dist).find_map(|l| pinned_in_requirement(l, dist))
}

/// `[[package]] name = "…" version = "…"` in poetry.lock and uv.lock: the version of the first
/// `[[package]]` entry that is `dist` (see [`LockIndex`]).
#[cfg(test)]
fn from_lock(text: &str, dist: &str) -> Option<Version> {
    LockIndex::read(text.as_bytes(), LOCK_CHUNK)?.version(dist)
}

/// The `[[package]]` entries of a lock file (poetry.lock, uv.lock): each package's `version`
/// value, by its `name` normalised, in the file's order. An entry is a `[[package]]` table,
/// from its header to the next table header at the start of a line (its `[package.*]`
/// sub-tables are other tables: a `name` there is a dependency's); its `name` and `version`
/// are the first keys of those names at the start of a line, before any indented header.
#[derive(Debug, Default, PartialEq)]
struct LockIndex(HashMap<String, Vec<String>>);

/// How much of a lock file is read at a time. The file is read through one buffer of this
/// size rather than into a string of its own: ephios's 824 KB uv.lock, read whole, was a fresh
/// allocation whose first touch made the kernel zero a 2 MiB page and then copy the file into
/// it, 0.45 ms of a 6 ms run (`perf`, issue 13); the buffer is touched once.
const LOCK_CHUNK: usize = 64 * 1024;

impl LockIndex {
    /// Reads `reader` to its end, `chunk` bytes at a time; `None` if it cannot be read.
    fn read(mut reader: impl std::io::Read, chunk: usize) -> Option<LockIndex> {
        let mut index = LockIndex::default();
        let mut buf: Vec<u8> = Vec::with_capacity(2 * chunk);
        loop {
            let start = buf.len();
            buf.resize(start + chunk, 0);
            let n = loop {
                match reader.read(&mut buf[start..]) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other.ok()?,
                }
            };
            buf.truncate(start + n);
            if n == 0 {
                index.add_tables(&buf);
                return Some(index);
            }
            // Whole tables only: the last one may go on in the next read. Only what this read
            // added (and the byte before it) can hold a new table start.
            let from = start.saturating_sub(1);
            if let Some(last) = memchr::memmem::rfind(&buf[from..], b"\n[").map(|i| from + i) {
                index.add_tables(&buf[..=last]);
                buf.drain(..=last);
            }
        }
    }

    /// Indexes the tables of `text`, which starts at a table header (or at the file's start)
    /// and ends where a table does.
    fn add_tables(&mut self, text: &[u8]) {
        let starts =
            std::iter::once(0).chain(memchr::memmem::find_iter(text, b"\n[").map(|i| i + 1));
        let ends = memchr::memmem::find_iter(text, b"\n[")
            .map(|i| i + 1)
            .chain(std::iter::once(text.len()));
        for (start, end) in starts.zip(ends) {
            let table = &text[start..end];
            let header = table.split(|&b| b == b'\n').next().unwrap_or_default();
            if header.trim_ascii() != b"[[package]]" {
                continue;
            }
            let body = &table[header.len()..];
            // The first such key of the table, not past an indented header (a sub-table's).
            let key = |name: &[u8]| {
                let mut needle = b"\n".to_vec();
                needle.extend_from_slice(name);
                let (at, value) = memchr::memmem::find_iter(body, &needle)
                    .find_map(|i| Some((i, toml_string_value(&body[i + needle.len()..])?)))?;
                indented_header(&body[..at]).is_none().then_some(value)
            };
            if let (Some(name), Some(version)) = (key(b"name"), key(b"version")) {
                self.0
                    .entry(normalise(&String::from_utf8_lossy(name)))
                    .or_default()
                    .push(String::from_utf8_lossy(version).into_owned());
            }
        }
    }

    /// The version of the first entry of `dist` (normalised) whose version reads.
    fn version(&self, dist: &str) -> Option<Version> {
        self.0.get(dist)?.iter().find_map(|v| Version::parse(v))
    }
}

/// Where the first line of `body` (after a line break) that starts with blanks and then `[`
/// begins: an indented table header.
fn indented_header(body: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\n', body).find(|&i| {
        let line = &body[i + 1..];
        let blanks = line
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        blanks > 0 && line.get(blanks) == Some(&b'[')
    })
}

/// `  = "value"` (or `'value'`) at the start of `rest`, up to the end of its line: the value.
fn toml_string_value(rest: &[u8]) -> Option<&[u8]> {
    let rest = rest.trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?;
    let rest = rest
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .map(|i| &rest[i..])?;
    let quote = *rest.first().filter(|q| matches!(q, b'"' | b'\''))?;
    let len = rest[1..].iter().position(|&b| b == quote || b == b'\n')?;
    (rest[1 + len] == quote).then_some(&rest[1..1 + len])
}

fn from_pyproject(doc: &toml::Value, dist: &str) -> Option<Version> {
    let pep621 = doc
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .find_map(|r| pinned_in_requirement(r, dist));
    if pep621.is_some() {
        return pep621;
    }
    let poetry = doc
        .get("tool")?
        .get("poetry")?
        .get("dependencies")?
        .as_table()?;
    poetry.iter().find_map(|(name, spec)| {
        if !same_name(name.as_bytes(), dist) {
            return None;
        }
        let s = match spec {
            toml::Value::String(s) => s.as_str(),
            other => other.get("version")?.as_str()?,
        };
        let exact = s.trim().trim_start_matches("==");
        exact
            .chars()
            .next()
            .filter(char::is_ascii_digit)
            .and_then(|_| Version::parse(exact))
    })
}

/// `{"default": {"<dist>": {"version": "==1.2.3", …}}, "develop": {…}}`: the keys that spell
/// `dist` are found by a byte search, and only the object after each one is parsed. A pin in
/// `default` wins over one in `develop`.
fn from_pipfile_lock(text: &str, dist: &str) -> Option<Version> {
    let bytes = text.as_bytes();
    let mut develop = None;
    for (at, end) in name_spans(bytes, dist) {
        // A key: `"name"` then `:` and an object.
        if at == 0 || bytes[at - 1] != b'"' || bytes.get(end) != Some(&b'"') {
            continue;
        }
        let rest = bytes[end + 1..].trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b":") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        if !rest.starts_with(b"{") {
            continue;
        }
        let Some(Ok(spec)) = serde_json::Deserializer::from_slice(rest)
            .into_iter::<serde_json::Value>()
            .next()
        else {
            continue;
        };
        let Some(version) = spec
            .get("version")
            .and_then(serde_json::Value::as_str)
            .and_then(|v| Version::parse(v.trim_start_matches("==")))
        else {
            continue;
        };
        match pipfile_section(bytes, at) {
            Some(PipfileSection::Default) => return Some(version),
            Some(PipfileSection::Develop) => {
                develop.get_or_insert(version);
            }
            None => {}
        }
    }
    develop
}

enum PipfileSection {
    Default,
    Develop,
}

/// Which top-level section of a Pipfile.lock the key at `at` sits in: the last `"default"` or
/// `"develop"` key before it (pipenv writes `_meta`, `default`, `develop`, in that order).
fn pipfile_section(bytes: &[u8], at: usize) -> Option<PipfileSection> {
    let before = &bytes[..at];
    let key = |name: &[u8]| {
        memchr::memmem::rfind_iter(before, name)
            .find(|&i| bytes[i + name.len()..].trim_ascii_start().starts_with(b":"))
    };
    match (key(b"\"default\""), key(b"\"develop\"")) {
        (Some(a), Some(b)) if a > b => Some(PipfileSection::Default),
        (_, Some(_)) => Some(PipfileSection::Develop),
        (Some(_), None) => Some(PipfileSection::Default),
        (None, None) => None,
    }
}

/// The version of `dist` the project at `root` runs, and the file that says so: the package
/// itself when the project holds it (see [`in_tree`]), else the nearest pin (see [`detect`]).
pub fn for_project(project: &Project, dist: &str, package: &str) -> Option<(Version, String)> {
    in_tree(project, package).or_else(|| pinned(project, dist))
}

/// [`detect`] for the project's root, with what the run read of its pin files before.
pub fn pinned(project: &Project, dist: &str) -> Option<(Version, String)> {
    project.pins.detect(&project.root, dist)
}

/// A pinned version and the file pinning it.
type Pin = (Version, String);

/// What a run read of pin files, kept for the next library asked about: a project is asked for
/// the pins of DOT, of Django and of the libraries of every contract, and a lock file of
/// hundreds of packages was read and searched for each (ephios's 800 KB uv.lock: a fifth of
/// the run). Files are read once, a lock file's package names are found once, and each
/// distribution's answer is kept.
#[derive(Default)]
pub struct Pins {
    /// By project root and distribution.
    answers: Mutex<HashMap<(PathBuf, String), Option<Pin>>>,
    dirs: Mutex<HashMap<PathBuf, Arc<Vec<String>>>>,
    files: Mutex<HashMap<PathBuf, Arc<PinFile>>>,
}

/// A pin file's text (`None`: unreadable), or for a lock file, its packages.
#[derive(Default)]
struct PinFile {
    text: OnceLock<Option<String>>,
    packages: OnceLock<Option<LockIndex>>,
}

impl PinFile {
    fn text(&self) -> Option<&str> {
        self.text.get().and_then(Option::as_deref)
    }
}

impl Pins {
    fn detect(&self, root: &Path, dist: &str) -> Option<(Version, String)> {
        let key = (root.to_path_buf(), dist.to_string());
        if let Some(known) = lock(&self.answers).get(&key) {
            return known.clone();
        }
        let found = detect_with(self, root, dist);
        lock(&self.answers).insert(key, found.clone());
        found
    }

    /// Reads ahead, from `start` up to the repository top (where [`detect_with`] stops at the
    /// latest), the lock files a detection reads, and indexes their packages: for a run that
    /// calls it while it has nothing else to do (the configuration is read), the detection then
    /// finds them ready. A file that is not there costs nothing; nothing is read that a
    /// detection from `start` could not read.
    pub fn prefetch_from(&self, start: &Path) {
        let mut dir = start.to_path_buf();
        for _ in 0..16 {
            let names = self.names(&dir);
            let has = |name: &str| names.iter().any(|n| n == name);
            for lock_file in ["uv.lock", "poetry.lock"] {
                if has(lock_file) {
                    self.lock_index(dir.join(lock_file));
                }
            }
            if has("Pipfile.lock") {
                self.file(dir.join("Pipfile.lock"));
            }
            let top = has("pyproject.toml") || has("setup.py") || has("setup.cfg") || has(".git");
            match dir.parent().filter(|p| !top && !p.as_os_str().is_empty()) {
                Some(parent) => dir = parent.to_path_buf(),
                None => break,
            }
        }
    }

    /// The file names in `dir`.
    fn names(&self, dir: &Path) -> Arc<Vec<String>> {
        if let Some(known) = lock(&self.dirs).get(dir) {
            return known.clone();
        }
        let names: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect();
        let names = Arc::new(names);
        lock(&self.dirs).insert(dir.to_path_buf(), names.clone());
        names
    }

    /// The file at `path`, read once: projects analysed side by side ask at the same time, and
    /// wait for the one read (no other work waits behind it).
    fn file(&self, path: PathBuf) -> Arc<PinFile> {
        let file = lock(&self.files).entry(path.clone()).or_default().clone();
        file.text
            .get_or_init(|| std::fs::read_to_string(&path).ok());
        file
    }

    /// The packages of the lock file at `path` (`None`: unreadable), read once as [`file`].
    ///
    /// [`file`]: Pins::file
    fn lock_index(&self, path: PathBuf) -> Arc<PinFile> {
        let file = lock(&self.files).entry(path.clone()).or_default().clone();
        file.packages.get_or_init(|| {
            let f = std::fs::File::open(&path).ok()?;
            LockIndex::read(f, LOCK_CHUNK)
        });
        file
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The version of a library whose package `package` the project holds itself (the library's own
/// repository, or a vendored copy): `__version__ = "x.y.z"` in its `__init__.py`, which wins
/// over any installed copy on `sys.path`, so over any pin too. Only that one small file is read.
pub fn in_tree(project: &Project, package: &str) -> Option<(Version, String)> {
    let (path, true) = project.module_path(package)? else {
        return None;
    };
    let version = version_assignment(&project.source_text(&path)?)?;
    let shown = path.strip_prefix(&project.root).unwrap_or(&path);
    Some((version, shown.display().to_string()))
}

/// `__version__ = "1.2.3"` (or `__version__: str = '1.2.3'`) at the start of a line.
fn version_assignment(text: &str) -> Option<Version> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix("__version__")?.trim_start();
        let rest = match rest.strip_prefix(':') {
            Some(annotated) => annotated.split_once('=')?.1,
            None => rest.strip_prefix('=')?,
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let (literal, _) = rest[1..].split_once(quote)?;
        Version::parse(literal)
    })
}

/// The pinned version of `dist` and the file that pins it (named relative to `root`): pins in
/// `root`, else in the directories above it up to the repository top (a directory holding
/// `pyproject.toml`, `setup.py`, `setup.cfg` or `.git`; see [`crate::project::is_repository_top`]):
/// a project nested in a repository (`repo/src/proj/manage.py`, `repo/example/manage.py`) runs
/// what the repository pins. A directory whose files name `dist` without pinning it ends the
/// search: its project chose not to pin, whatever a directory above says.
pub fn detect(root: &Path, dist: &str) -> Option<(Version, String)> {
    detect_with(&Pins::default(), root, dist)
}

fn detect_with(pins: &Pins, root: &Path, dist: &str) -> Option<(Version, String)> {
    let dist = normalise(dist);
    let mut dir = root.to_path_buf();
    let mut up = String::new();
    loop {
        let (pinned, named, top) = detect_in(pins, &dir, &dist);
        if let Some((v, file)) = pinned {
            return Some((v, format!("{up}{file}")));
        }
        if named || top {
            return None;
        }
        dir = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())?
            .to_path_buf();
        up.push_str("../");
    }
}

/// What the pin files of `dir` say about `dist`: the pin and its file, whether a file names
/// `dist` at all, and whether `dir` is a repository top. One listing of `dir`; only the files
/// that exist are read.
fn detect_in(pins: &Pins, dir: &Path, dist: &str) -> (Option<(Version, String)>, bool, bool) {
    let names = pins.names(dir);
    let has = |name: &str| names.iter().any(|n| n == name);
    let top = has("pyproject.toml") || has("setup.py") || has("setup.cfg") || has(".git");
    let file =
        |name: &str| has(name.split('/').next().unwrap_or(name)).then(|| pins.file(dir.join(name)));
    let mut named = false;
    for lock_file in ["uv.lock", "poetry.lock"] {
        if has(lock_file)
            && let Some(index) = pins.lock_index(dir.join(lock_file)).packages.get()
            && let Some(v) = index.as_ref().and_then(|i| i.version(dist))
        {
            return (Some((v, lock_file.to_string())), true, top);
        }
    }
    if let Some(f) = file("Pipfile.lock")
        && let Some(v) = f.text().and_then(|t| from_pipfile_lock(t, dist))
    {
        return (Some((v, "Pipfile.lock".to_string())), true, top);
    }
    // pyproject.toml is parsed (once) only when it spells the name at all.
    if let Some(f) = file("pyproject.toml")
        && let Some(text) = f.text().filter(|t| mentions(t.as_bytes(), dist))
        && let Ok(doc) = crate::pyproject::parse(&dir.join("pyproject.toml"), text).as_ref()
    {
        if let Some(v) = from_pyproject(doc, dist) {
            return (Some((v, "pyproject.toml".to_string())), true, top);
        }
        named |= names_in_pyproject(doc, dist);
    }
    let mut reqs: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        .cloned()
        .collect();
    reqs.sort();
    if has("requirements") {
        let mut nested: Vec<_> = std::fs::read_dir(dir.join("requirements"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(|n| format!("requirements/{n}")))
            .filter(|n| n.ends_with(".txt"))
            .collect();
        nested.sort();
        reqs.extend(nested);
    }
    for name in reqs {
        let Some(f) = file(&name) else {
            continue;
        };
        let Some(text) = f.text() else {
            continue;
        };
        if let Some(v) = from_requirements(text, dist) {
            return (Some((v, name)), true, top);
        }
        named |= lines_naming(text, dist).any(|l| names_requirement(l, dist));
    }
    (None, named, top)
}

/// Whether a requirement line is about `dist` (normalised), whatever its specifier.
fn names_requirement(line: &str, dist: &str) -> bool {
    let line = line.split('#').next().unwrap_or_default().trim();
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    same_name(&line.as_bytes()[..end], dist)
}

/// Whether pyproject.toml's dependencies (PEP 621 or Poetry) name `dist`.
fn names_in_pyproject(doc: &toml::Value, dist: &str) -> bool {
    let pep621 = doc
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .any(|r| names_requirement(r, dist));
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_table)
        .is_some_and(|deps| deps.keys().any(|k| same_name(k.as_bytes(), dist)));
    pep621 || poetry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pyproject(text: &str, dist: &str) -> Option<Version> {
        from_pyproject(&toml::from_str(text).unwrap(), dist)
    }

    #[test]
    fn pins_are_read_from_each_format() {
        let d = "django-oauth-toolkit";
        assert_eq!(
            from_requirements(
                "Django>=4\nDjango_OAuth.Toolkit[x] == 2.4.0 ; python_version>'3'\n",
                d
            ),
            Some(Version(2, 4, 0))
        );
        assert_eq!(from_requirements("django-oauth-toolkit>=2.0\n", d), None);
        assert_eq!(
            from_lock(
                "[[package]]\nname = \"django-oauth-toolkit\"\nversion = \"3.0.1\"\n",
                d
            ),
            Some(Version(3, 0, 1))
        );
        assert_eq!(
            pyproject(
                "[project]\ndependencies = [\"django-oauth-toolkit==1.7.1\"]\n",
                d
            ),
            Some(Version(1, 7, 1))
        );
        assert_eq!(
            pyproject(
                "[tool.poetry.dependencies]\ndjango-oauth-toolkit = \"2.3.0\"\n",
                d
            ),
            Some(Version(2, 3, 0))
        );
        assert_eq!(
            pyproject(
                "[tool.poetry.dependencies]\ndjango-oauth-toolkit = \"^2.3.0\"\n",
                d
            ),
            None
        );
        assert_eq!(
            from_pipfile_lock(
                r#"{"default": {"django-oauth-toolkit": {"version": "==3.4.1"}}}"#,
                d
            ),
            Some(Version(3, 4, 1))
        );
    }

    /// A uv.lock shaped like `uv lock`'s output: DOT is named in an earlier package's
    /// dependencies and in the project's metadata before its own entry.
    /// A uv.lock written over [`UV_LOCK`] during a run: DOT 2.0.0 instead of 3.4.1.
    const UV_LOCK_REWRITTEN: &str =
        "[[package]]\nname = \"django-oauth-toolkit\"\nversion = \"2.0.0\"\n";

    const UV_LOCK: &str = r#"version = 1
revision = 3
requires-python = ">=3.11, <4"

[[package]]
name = "django"
version = "5.2.9"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "asgiref" },
]
wheels = [
    { url = "https://files.pythonhosted.org/d/django-5.2.9-py3-none-any.whl", hash = "sha256:dd0d" },
]

[[package]]
name = "django-allauth"
version = "65.3.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "django" },
    { name = "django-oauth-toolkit" },
]

[package.optional-dependencies]
oauth = [
    { name = "django-oauth-toolkit" },
]

[package.metadata]
requires-dist = [{ name = "django-oauth-toolkit", specifier = ">=1.0" }]

[[package]]
name = "django-oauth-toolkit-extras"
version = "9.9.9"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "django-oauth-toolkit"
version = "3.4.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "django" },
]
sdist = { url = "https://files.pythonhosted.org/d/django_oauth_toolkit-3.4.1.tar.gz", hash = "sha256:dd" }

[[package]]
name = "zzz"
version = "1.0.0"
"#;

    #[test]
    fn uv_lock_byte_search_finds_the_package_entry() {
        let d = DOT;
        assert_eq!(from_lock(UV_LOCK, d), Some(Version(3, 4, 1)));
        let crlf = UV_LOCK.replace('\n', "\r\n");
        assert_eq!(from_lock(&crlf, d), Some(Version(3, 4, 1)));
        // Only mentioned, never an entry of its own: no pin.
        let cut = &UV_LOCK[..UV_LOCK
            .find("[[package]]\nname = \"django-oauth-toolkit\"")
            .unwrap()];
        assert_eq!(from_lock(cut, d), None);
        // The same name in a sub-table (`[package.metadata]`) is not an entry.
        assert_eq!(
            from_lock(
                "[[package]]\nname = \"x\"\nversion = \"1.0\"\n[package.metadata]\nname = \"django-oauth-toolkit\"\nversion = \"2.0\"\n",
                d
            ),
            None
        );
        // Any spelling of the name counts, the first entry wins.
        assert_eq!(
            from_lock(
                "[[package]]\nname = 'Django_OAuth.Toolkit'\nversion = \"2.4.0\"\n\n[[package]]\nname = \"django-oauth-toolkit\"\nversion = \"3.0.0\"\n",
                d
            ),
            Some(Version(2, 4, 0))
        );
        assert_eq!(from_lock("", d), None);
        assert_eq!(
            from_lock("name = \"django-oauth-toolkit\"\nversion = \"1.0\"\n", d),
            None
        );
    }

    /// A lock file read a few bytes at a time gives the packages it gives read whole: a table
    /// cut between two reads is indexed once it is complete.
    #[test]
    fn a_lock_file_reads_the_same_in_any_chunk_size() {
        let texts = [
            UV_LOCK.to_string(),
            UV_LOCK.replace('\n', "\r\n"),
            format!("{UV_LOCK}\n  [package.metadata]\nname = \"b\"\nversion = \"1\"\n"),
            "[[package]]\n  [x]\nname = \"a\"\nversion = \"1.0\"\n".to_string(),
        ];
        for text in &texts {
            let whole = LockIndex::read(text.as_bytes(), text.len() + 1).unwrap();
            assert!(!whole.0.is_empty() || text.contains("  [x]"), "{whole:?}");
            for chunk in [1, 2, 3, 7, 64, 4096] {
                assert_eq!(
                    LockIndex::read(text.as_bytes(), chunk).unwrap(),
                    whole,
                    "{chunk}"
                );
            }
        }
        let whole = LockIndex::read(UV_LOCK.as_bytes(), LOCK_CHUNK).unwrap();
        assert_eq!(whole.version(DOT), Some(Version(3, 4, 1)));
        // A name after an indented header is a sub-table's, not the entry's.
        assert_eq!(
            LockIndex::read(texts[3].as_bytes(), 4).unwrap(),
            LockIndex::default()
        );
    }

    #[test]
    fn poetry_lock_byte_search_finds_the_package_entry() {
        let lock = r#"# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.

[[package]]
name = "aleksis-core"
version = "4.0.4"
description = "x"
optional = false
python-versions = "<4.0,>=3.10"
files = [
    {file = "aleksis_core-4.0.4.tar.gz", hash = "sha256:72"},
]

[package.dependencies]
django-oauth-toolkit = ">=3.0.0,<4.0.0"
Django = ">=5.1"

[package.extras]
oauth = ["django_oauth_toolkit (>=3.0)"]

[[package]]
name = "django_oauth_toolkit"
version = "3.0.1"
description = "OAuth2 Provider for Django"
optional = false
python-versions = ">=3.8"
groups = ["main"]
files = [
    {file = "django_oauth_toolkit-3.0.1-py3-none-any.whl", hash = "sha256:3e"},
]

[package.dependencies]
django = ">=4.2"

[metadata]
lock-version = "2.1"
python-versions = "^3.10"
content-hash = "abc"
"#;
        assert_eq!(from_lock(lock, DOT), Some(Version(3, 0, 1)));
        assert_eq!(
            from_lock(&lock.replace('\n', "\r\n"), DOT),
            Some(Version(3, 0, 1))
        );
        let without = lock.replace("name = \"django_oauth_toolkit\"", "name = \"other\"");
        assert_eq!(from_lock(&without, DOT), None);
    }

    #[test]
    fn pipfile_lock_byte_search_prefers_default_over_develop() {
        let lock = r#"{
    "_meta": {"hash": {"sha256": "dd"}, "requires": {"python_version": "3.11"}},
    "default": {
        "django-allauth": {
            "hashes": ["sha256:dd"],
            "markers": "extra == 'django-oauth-toolkit'",
            "version": "==65.3.0"
        },
        "Django_OAuth_Toolkit": {
            "hashes": ["sha256:d1", "sha256:d2"],
            "index": "pypi",
            "version": "==2.4.0"
        }
    },
    "develop": {
        "django-oauth-toolkit": {"version": "==3.0.0"}
    }
}"#;
        assert_eq!(from_pipfile_lock(lock, DOT), Some(Version(2, 4, 0)));
        assert_eq!(
            from_pipfile_lock(&lock.replace('\n', "\r\n"), DOT),
            Some(Version(2, 4, 0))
        );
        // Only in develop, which comes first in the text: still found.
        let dev_first = r#"{"develop": {"django-oauth-toolkit": {"version": "==3.0.0"}},
            "default": {"django": {"version": "==5.2"}}}"#;
        assert_eq!(from_pipfile_lock(dev_first, DOT), Some(Version(3, 0, 0)));
        let both = r#"{"develop": {"django-oauth-toolkit": {"version": "==3.0.0"}},
            "default": {"django-oauth-toolkit": {"version": "==1.7.0"}}}"#;
        assert_eq!(from_pipfile_lock(both, DOT), Some(Version(1, 7, 0)));
        assert_eq!(from_pipfile_lock(r#"{"default": {}}"#, DOT), None);
    }

    #[test]
    fn requirements_byte_search_reads_only_lines_naming_the_library() {
        let reqs = "# via django-oauth-toolkit\r\n\
                    django==5.2.9 \\\r\n    --hash=sha256:dd\r\n\
                    oauthlib==3.2.2\r\n    # via django-oauth-toolkit\r\n\
                    django-oauth-toolkit-extras==9.9\r\n\
                    Django_OAuth_Toolkit[jwt]==3.4.1 \\\r\n    --hash=sha256:d1\r\n";
        assert_eq!(from_requirements(reqs, DOT), Some(Version(3, 4, 1)));
        assert!(
            lines_naming(reqs, DOT).any(|l| names_requirement(l, DOT)),
            "names it"
        );
        assert_eq!(from_requirements("djangooauthtoolkit==1.0\n", DOT), None);
        assert_eq!(
            from_requirements("django-oauth-toolkit-extras==1.0\n", DOT),
            None
        );
        assert!(
            !lines_naming("# via django-oauth-toolkit\n", DOT).any(|l| names_requirement(l, DOT))
        );
        assert!(same_name(b" Django__OAuth..toolkit ", DOT));
        assert!(!same_name(b"django-oauth", DOT));
        assert!(mentions(b"x = \"DJANGO_OAUTH_TOOLKIT\"", DOT));
        assert!(!mentions(b"x = \"mydjango-oauth-toolkit\"", DOT));
    }

    #[test]
    fn detect_reports_the_pinning_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("requirements-prod.txt"),
            "django-oauth-toolkit==2.2.0\n",
        )
        .unwrap();
        let (v, file) = detect(dir.path(), "django-oauth-toolkit").unwrap();
        assert_eq!(
            (v, file.as_str()),
            (Version(2, 2, 0), "requirements-prod.txt")
        );
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    const DOT: &str = "django-oauth-toolkit";

    /// A run's pins read each file once for every library and project asked about: the answers
    /// are those of a fresh search, from the file as it was when first read.
    #[test]
    fn a_runs_pins_read_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        write(&repo, "uv.lock", UV_LOCK);
        write(&repo, "example/manage.py", "");
        let pins = Pins::default();
        let dot = Some((Version(3, 4, 1), "uv.lock".to_string()));
        assert_eq!(pins.detect(&repo, DOT), dot);
        assert_eq!(pins.detect(&repo, DOT), detect(&repo, DOT));
        assert_eq!(pins.detect(&repo, "Django"), detect(&repo, "Django"));
        assert_eq!(pins.detect(&repo, "no-such-package"), None);
        let nested = Some((Version(3, 4, 1), "../uv.lock".to_string()));
        assert_eq!(pins.detect(&repo.join("example"), DOT), nested);
        // Rewritten during the run: the run keeps what it read; a new search reads it again.
        write(&repo, "uv.lock", UV_LOCK_REWRITTEN);
        assert_eq!(pins.detect(&repo.join("example"), DOT), nested);
        assert_eq!(
            detect(&repo.join("example"), DOT),
            Some((Version(2, 0, 0), "../uv.lock".to_string()))
        );
    }

    /// Reading ahead fills the run's pins with what a detection would read, up to the
    /// repository top and no further: the answers stay those of a fresh search, from the files
    /// as read ahead.
    #[test]
    fn pins_read_ahead_are_what_a_detection_reads() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "poetry.lock",
            "[[package]]\nname = \"django-oauth-toolkit\"\nversion = \"1.0.0\"\n",
        );
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        write(&repo, "uv.lock", UV_LOCK);
        write(&repo, "example/manage.py", "");
        let pins = Pins::default();
        pins.prefetch_from(&repo.join("example"));
        let read: Vec<PathBuf> = lock(&pins.files).keys().cloned().collect();
        assert_eq!(
            read,
            [repo.join("uv.lock")],
            "nothing above the repository top"
        );
        assert!(
            lock(&pins.files)[&repo.join("uv.lock")]
                .packages
                .get()
                .is_some()
        );
        // Rewritten after the read ahead: the run answers from what it read.
        write(&repo, "uv.lock", UV_LOCK_REWRITTEN);
        let nested = Some((Version(3, 4, 1), "../uv.lock".to_string()));
        assert_eq!(pins.detect(&repo.join("example"), DOT), nested);
        assert_eq!(
            detect(&repo.join("example"), DOT),
            Some((Version(2, 0, 0), "../uv.lock".to_string()))
        );
    }

    #[test]
    fn a_nested_root_inherits_the_pins_of_its_repository() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        write(
            &repo,
            "requirements/prod.txt",
            "Django==4.2\ndjango-oauth-toolkit==2.3.0\n",
        );
        write(&repo, "src/proj/manage.py", "");
        write(&repo, "example/manage.py", "");
        assert_eq!(
            detect(&repo.join("src/proj"), DOT),
            Some((Version(2, 3, 0), "../../requirements/prod.txt".to_string()))
        );
        assert_eq!(
            detect(&repo.join("example"), DOT),
            Some((Version(2, 3, 0), "../requirements/prod.txt".to_string()))
        );
        // A lock file of the repository counts the same.
        write(
            &repo,
            "uv.lock",
            "[[package]]\nname = \"django-oauth-toolkit\"\nversion = \"3.3.0\"\n",
        );
        assert_eq!(
            detect(&repo.join("example"), DOT),
            Some((Version(3, 3, 0), "../uv.lock".to_string()))
        );
    }

    #[test]
    fn the_search_for_pins_stops_at_the_repository_top_and_at_an_unpinned_mention() {
        let dir = tempfile::tempdir().unwrap();
        let outer = dir.path().join("outer");
        write(&outer, "requirements.txt", "django-oauth-toolkit==2.2.0\n");
        // The repository holding the project has a pyproject.toml without a pin: the pin of a
        // directory above it belongs to another project.
        write(&outer, "repo/pyproject.toml", "[project]\nname = \"x\"\n");
        write(&outer, "repo/example/manage.py", "");
        write(&outer, "other/example/manage.py", "");
        assert_eq!(detect(&outer.join("repo/example"), DOT), None);
        assert_eq!(
            detect(&outer.join("other/example"), DOT),
            Some((Version(2, 2, 0), "../../requirements.txt".to_string()))
        );
        // A project that names the library without pinning it does not inherit a pin.
        write(
            &outer,
            "other/example/requirements.txt",
            "Django\ndjango_oauth_toolkit>=3.0  # newest\n",
        );
        assert_eq!(detect(&outer.join("other/example"), DOT), None);
        write(
            &outer,
            "third/example/pyproject.toml",
            "[tool.poetry.dependencies]\ndjango-oauth-toolkit = \"^3.0\"\n",
        );
        assert_eq!(detect(&outer.join("third/example"), DOT), None);
    }

    #[test]
    fn a_project_holding_the_library_uses_its_version() {
        let (_d, project) = crate::project::fixture(
            "# -- requirements.txt\ndjango-oauth-toolkit==2.4.0\n\
             # -- oauth2_provider/__init__.py\nimport django\n\n__version__ = \"3.3.0\"\n",
        );
        assert_eq!(
            for_project(&project, DOT, "oauth2_provider"),
            Some((Version(3, 3, 0), "oauth2_provider/__init__.py".to_string()))
        );
        // A package without a literal `__version__` (a trimmed fork) says nothing: the pin.
        std::fs::write(
            project.root.join("oauth2_provider/__init__.py"),
            "__version__ = get_version()\n",
        )
        .unwrap();
        assert_eq!(
            for_project(&project, DOT, "oauth2_provider"),
            Some((Version(2, 4, 0), "requirements.txt".to_string()))
        );
        assert_eq!(
            version_assignment("__version__: str = '1.7.1'\n"),
            Some(Version(1, 7, 1))
        );
        assert_eq!(version_assignment("x__version__ = \"1.0\"\n"), None);
        assert_eq!(version_assignment("__version__ == \"1.0\"\n"), None);
    }
}
