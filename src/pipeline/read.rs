//! Reading: the input files a rule can need, and what they import, in parallel.

use std::collections::BTreeMap;

// A fast hash: the keys are module names, looked up for every import followed.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rayon::prelude::*;

use crate::project::Project;
use crate::{discover, prefilter, project};

/// A file read for the analysis: its text, or why it could not be read.
pub(crate) type ReadFile = (PathBuf, Result<String, String>);

/// The inputs read so far and what the reading needs to go on following their imports.
pub(crate) struct Reading<'a> {
    files: &'a [&'a Path],
    stdin: Option<&'a (PathBuf, String)>,
    queued: Vec<bool>,
    /// The files read: each with its text, or why it could not be read.
    pub(crate) texts: Vec<ReadFile>,
}

/// Reads the files of `files` (sorted by bytes) that `wanted` picks, in parallel.
pub(crate) fn read_wanted<'a>(
    files: &'a [&'a Path],
    wanted: impl Fn(&Path) -> bool,
    stdin: Option<&'a (PathBuf, String)>,
) -> Reading<'a> {
    let mut queued = vec![false; files.len()];
    let batch: Vec<usize> = (0..files.len()).filter(|&i| wanted(files[i])).collect();
    for &i in &batch {
        queued[i] = true;
    }
    let texts = read_batch(files, &batch, stdin);
    Reading {
        files,
        stdin,
        queued,
        texts,
    }
}

/// Whether one of the files read mentions the library.
pub(crate) fn mentions_library(texts: &[ReadFile]) -> bool {
    texts
        .iter()
        .any(|(_, t)| t.as_ref().is_ok_and(|t| prefilter::mentions_library(t)))
}

fn read_batch(
    files: &[&Path],
    batch: &[usize],
    stdin: Option<&(PathBuf, String)>,
) -> Vec<ReadFile> {
    batch
        .par_iter()
        .map(|&i| (files[i].to_path_buf(), read_one(files[i], stdin)))
        .collect()
}

/// The text of the file at `path` (the buffer given on stdin stands for its file).
fn read_one(path: &Path, stdin: Option<&(PathBuf, String)>) -> Result<String, String> {
    match stdin {
        Some((p, text)) if p == path => Ok(text.clone()),
        _ => project::read_source(path),
    }
}

/// Reads the files among `reading.files` that `first` (the files read first) import,
/// transitively (a byte-level scan of `import` lines: see `prefilter`). Returns the files it
/// read. Each file read is scanned at once and what it imports is read as soon as it is found:
/// no file waits for others of its depth (a project's imports go a dozen levels deep).
///
/// With `ahead`, a module that a file `ahead` picks (a models module) imports names from, by a
/// statement at module level, is parsed as soon as it is read (see [`Project::parse_ahead`]) if
/// one of the names may be a class there: Django's model graph reads every such module, to
/// tell whether the name is a class (see [`Project::module_with_class`]).
pub(crate) fn follow_imports(
    project: &Project,
    reading: &mut Reading<'_>,
    first: &[ReadFile],
    ahead: &(dyn Fn(&Path) -> bool + Sync),
) -> Vec<ReadFile> {
    let follow = Follow {
        project,
        ahead,
        files: reading.files,
        stdin: reading.stdin,
        seen: Mutex::new(Seen {
            queued: std::mem::take(&mut reading.queued),
            tops: HashMap::default(),
            looked_up: HashSet::default(),
        }),
        read: Mutex::new(Vec::new()),
        late: Mutex::new(Vec::new()),
    };
    {
        let follow = &follow;
        rayon::scope(|scope| {
            for (path, text) in first {
                scope.spawn(move |scope| follow.visit(scope, path, text, false));
            }
        });
    }
    let read = follow
        .read
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    // Files read before an import asked for them to be parsed ahead.
    let mut late: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, classes) in follow
        .late
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
    {
        late.entry(i).or_default().extend(classes);
    }
    late.into_par_iter().for_each(|(i, classes)| {
        let file = reading.files[i];
        if let Some((_, Ok(text))) = read.iter().find(|(p, _)| p == file)
            && classes
                .iter()
                .any(|c| prefilter::may_define_class(text.as_bytes(), c.as_bytes()))
        {
            project.parse_ahead(file, text.clone());
        }
    });
    read
}

/// The state of [`follow_imports`], shared by the tasks reading and scanning files.
struct Follow<'a> {
    project: &'a Project,
    ahead: &'a (dyn Fn(&Path) -> bool + Sync),
    /// Sorted by bytes: a lookup is a binary search, no allocation, no hashing.
    files: &'a [&'a Path],
    stdin: Option<&'a (PathBuf, String)>,
    seen: Mutex<Seen>,
    read: Mutex<Vec<ReadFile>>,
    /// Files already queued when an import asked for them to be parsed ahead, with the names
    /// it imports (see [`follow_imports`]).
    late: Mutex<Vec<(usize, Vec<String>)>>,
}

struct Seen {
    /// Which of the files are read (or being read).
    queued: Vec<bool>,
    /// Whether a top-level name is one of the project's packages: most imports are of the
    /// standard library or of installed packages and are dropped on their first word.
    tops: HashMap<String, bool>,
    /// Modules already looked up: most files import the same few project modules, and a
    /// second look-up of one would only find its files queued already.
    looked_up: HashSet<String>,
}

impl<'a> Follow<'a> {
    /// Scans the file at `path` for imports and reads, each in a task of its own, the files
    /// they name that are not read yet. `for_class`: the file is parsed ahead for a class a
    /// module parsed ahead imports from it; the graph reads it as it reads a model module (a
    /// class imported from a project module registers that module's models too, and so on from
    /// there: `analysis::django_model_modules`), so its own class imports are parsed ahead too.
    fn visit<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        path: &Path,
        text: &Result<String, String>,
        for_class: bool,
    ) where
        'a: 's,
    {
        let (Ok(text), Some((name, is_package))) = (text, self.project.module_name_of(path)) else {
            return;
        };
        let parse_from = for_class || (self.ahead)(path);
        let imports = prefilter::imports(text);
        // With each module, the names a statement at module level imports from it, if it is
        // to be parsed ahead when one of them may be a class there.
        let mut modules: Vec<(String, Option<&[String]>)> = Vec::new();
        for import in &imports {
            let names = prefilter::imported_modules(&name, is_package, import);
            // `from m import a`: `m` (the first name) is the module the graph reads.
            let from = parse_from && import.unindented && !import.names.is_empty();
            modules.extend(names.into_iter().enumerate().map(|(i, m)| {
                let classes = (from && i == 0).then_some(import.names.as_slice());
                (m, classes)
            }));
        }
        for (module, classes) in modules {
            let top = module.split('.').next().unwrap_or_default();
            let known = lock(&self.seen).tops.get(top).copied();
            let local = known.unwrap_or_else(|| {
                let local = self.project.module_path(top).is_some();
                lock(&self.seen).tops.insert(top.to_string(), local);
                local
            });
            // A module looked up before is looked at again only to be parsed ahead (it may
            // have been read for an import that did not ask for that).
            if !local || (!lock(&self.seen).looked_up.insert(module.clone()) && classes.is_none()) {
                continue;
            }
            for candidate in self.project.module_candidates(&module) {
                let key = discover::bytes(&candidate);
                let Ok(i) = self.files.binary_search_by(|f| discover::bytes(f).cmp(key)) else {
                    continue;
                };
                if std::mem::replace(&mut lock(&self.seen).queued[i], true) {
                    if let Some(classes) = classes {
                        lock(&self.late).push((i, classes.to_vec()));
                    }
                    continue;
                }
                let classes = classes.map(<[String]>::to_vec);
                scope.spawn(move |scope| {
                    let file = self.files[i];
                    let text = read_one(file, self.stdin);
                    let for_class = match (&classes, &text) {
                        (Some(classes), Ok(text)) => classes
                            .iter()
                            .any(|c| prefilter::may_define_class(text.as_bytes(), c.as_bytes())),
                        _ => false,
                    };
                    self.visit(scope, file, &text, for_class);
                    if let (true, Ok(text)) = (for_class, &text) {
                        self.project.parse_ahead(file, text.clone());
                    }
                    lock(&self.read).push((file.to_path_buf(), text));
                });
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
