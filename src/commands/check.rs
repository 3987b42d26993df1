//! `check`: the pipeline over every project under the inputs, filtered by what is selected
//! and reported.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::config::Options;
use crate::diagnostic::Diagnostic;
use crate::pipeline::inputs::{
    absolute, find_inputs, group_files, in_pool, map_largest_first, take_early_walk,
};
use crate::pipeline::rules::check_project;
use crate::pipeline::settings::explicit_settings_exist;
use crate::{discover, noqa, project};

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
    // Taken here, outside the pool (see `take_early_walk`).
    let walked = take_early_walk(inputs, options);
    in_pool(|| check_paths_in_pool(inputs, options, walked))
}

fn check_paths_in_pool(
    inputs: &[PathBuf],
    options: &Options,
    walked: Option<discover::Discovered>,
) -> Result<CheckResult, String> {
    let excludes = discover::Excludes::new(&options.exclude)?;
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| absolute(p)).collect();
    let (listing, errors) = find_inputs(&inputs, &excludes, options, walked);
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
        options.selection.enabled(d.rule)
            && !options.per_file_ignores.iter().any(|(glob, codes)| {
                glob.is_match(&d.file.path)
                    && codes
                        .iter()
                        .any(|c| c == "ALL" || d.code.starts_with(c.as_str()))
            })
    };
    let shown = |d: &Diagnostic| reported(d) && selected(d);

    // Projects are independent: analysed in parallel, merged in root order.
    let results = map_largest_first(
        &groups,
        |(_, group)| group.files.len(),
        |(root, group)| check_project(root, group, &explicit, options, &shown),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
