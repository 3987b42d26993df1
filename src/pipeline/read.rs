//! Reading: the input files a rule can need, and what they import, in parallel.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::project::Project;
use crate::{discover, prefilter, project};

/// A file read for the analysis: its text, or why it could not be read.
pub(crate) type ReadFile = (PathBuf, Result<String, String>);

/// Reads the files of `files` that `wanted` picks, then, when `follow` is set or one of them
/// mentions the library, the files among `files` that they import, transitively (a byte-level
/// scan of `import` lines: see `prefilter`). Returns each file read with its text, sorted, and
/// whether one of the files `wanted` picks mentions the library.
pub(crate) fn read_inputs(
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
    // Modules already looked up: most files import the same few project modules, and a
    // second look-up of one would only find its files queued already.
    let mut looked_up: std::collections::HashSet<String> = std::collections::HashSet::new();
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
    }
    texts.sort_by(|a, b| a.0.cmp(&b.0));
    (texts, mentioned)
}
