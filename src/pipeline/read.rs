//! Reading: the input files a rule can need, and what they import, in parallel.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
        .map(|&i| {
            let f = files[i];
            let text = match stdin {
                Some((p, text)) if p == f => Ok(text.clone()),
                _ => project::read_source(f),
            };
            (f.to_path_buf(), text)
        })
        .collect()
}

/// Reads the files among `reading.files` that `first` (the files read first) import,
/// transitively (a byte-level scan of `import` lines: see `prefilter`). Returns the files it
/// read.
pub(crate) fn follow_imports(
    project: &Project,
    reading: &mut Reading<'_>,
    first: &[ReadFile],
) -> Vec<ReadFile> {
    let files = reading.files;
    let stdin = reading.stdin;
    let queued = &mut reading.queued;
    // `files` is sorted by bytes: a lookup is a binary search, no allocation, no hashing.
    let index_of = |p: &Path| {
        let key = discover::bytes(p);
        files.binary_search_by(|f| discover::bytes(f).cmp(key)).ok()
    };
    // Whether a top-level name is one of the project's packages: most imports are of the
    // standard library or of installed packages and are dropped on their first word.
    let mut tops: HashMap<String, bool> = HashMap::new();
    // Modules already looked up: most files import the same few project modules, and a
    // second look-up of one would only find its files queued already.
    let mut looked_up: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut texts: Vec<ReadFile> = Vec::new();
    let mut batch_texts: &[ReadFile] = first;
    loop {
        let imported: Vec<Vec<String>> = batch_texts
            .par_iter()
            .map(|(f, text)| match (text, project.module_name_of(f)) {
                (Ok(t), Some((name, is_package))) => prefilter::imports(t)
                    .iter()
                    .flat_map(|i| prefilter::imported_modules(&name, is_package, i))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let mut batch: Vec<usize> = Vec::new();
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
            if !local || !looked_up.insert(module.clone()) {
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
        if batch.is_empty() {
            break;
        }
        let start = texts.len();
        texts.extend(read_batch(files, &batch, stdin));
        batch_texts = &texts[start..];
    }
    texts
}
