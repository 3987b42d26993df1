//! `--add-noqa`: a `# noqa` directive on every line a diagnostic starts on.

use std::path::PathBuf;

use super::check::check_paths;
use crate::config::Options;
use crate::{fix, noqa};

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
