//! Applying fixes: non-overlapping edits by applicability, written atomically (a temporary file in
//! the same directory, then a rename that keeps permissions), only when the fixed text still
//! parses and the file on disk is still what was read. Nothing is ever partially written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Applicability, Diagnostic, Edit, SourceFile};

/// The fixed text of one file.
#[derive(Debug)]
pub struct FileFix {
    pub file: Arc<SourceFile>,
    pub fixed: String,
    /// Codes of the diagnostics whose fixes were applied.
    pub codes: Vec<&'static str>,
}

/// Whether a fix may be applied at this level (`--fix` → Safe, `--unsafe-fixes` → Unsafe).
pub fn applicable(d: &Diagnostic, level: Applicability) -> bool {
    d.fix.as_ref().is_some_and(|f| {
        f.applicability != Applicability::Display && f.applicability >= level && !f.edits.is_empty()
    })
}

/// Applies `edits` (sorted, non-overlapping) to `text`.
fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in edits {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        if s < at
            || t < s
            || !text.is_char_boundary(s)
            || !text.is_char_boundary(t)
            || t > text.len()
        {
            return None;
        }
        out.push_str(&text[at..s]);
        out.push_str(&e.content);
        at = t;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// Plans the fixed text of every file with applicable fixes. A fix whose edits overlap an
/// earlier fix is left for the next pass; a file whose fixed text does not parse is left alone.
pub fn plan(diagnostics: &[Diagnostic], level: Applicability) -> Vec<FileFix> {
    /// A file's share of each accepted fix: its edits there, and the code when it is the
    /// diagnostic's own file.
    type Groups = Vec<(Vec<Edit>, Option<&'static str>)>;
    let mut by_file: BTreeMap<PathBuf, (Arc<SourceFile>, Groups)> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| applicable(d, level)) {
        let Some(fix) = &d.fix else { continue };
        let target = |e: &Edit| e.file.clone().unwrap_or_else(|| d.file.clone());
        // A fix is taken whole or not at all: any overlap with an accepted edit defers it.
        let overlaps = fix.edits.iter().any(|e| {
            by_file.get(&target(e).path).is_some_and(|(_, groups)| {
                groups.iter().flat_map(|g| &g.0).any(|o| {
                    e.span.start < o.span.end.max(o.span.start + 1)
                        && o.span.start < e.span.end.max(e.span.start + 1)
                })
            })
        });
        if overlaps {
            continue;
        }
        // The diagnostic's own file first, when the fix edits it; a fix made only of edits in
        // other files (a missing setting added to the settings module) counts in the first.
        let mut files: Vec<Arc<SourceFile>> = Vec::new();
        if fix.edits.iter().any(|e| target(e).path == d.file.path) {
            files.push(d.file.clone());
        }
        for e in &fix.edits {
            let t = target(e);
            if !files.iter().any(|f| f.path == t.path) {
                files.push(t);
            }
        }
        for file in files.clone() {
            let edits: Vec<Edit> = fix
                .edits
                .iter()
                .filter(|e| target(e).path == file.path)
                .map(|e| Edit {
                    file: None,
                    ..e.clone()
                })
                .collect();
            let code = (file.path == files[0].path).then_some(d.code);
            by_file
                .entry(file.path.clone())
                .or_insert_with(|| (file.clone(), Vec::new()))
                .1
                .push((edits, code));
        }
    }
    by_file
        .into_values()
        .filter_map(|(file, groups)| {
            let all: Vec<Edit> = groups.iter().flat_map(|g| g.0.clone()).collect();
            let codes: Vec<&'static str> = groups.iter().filter_map(|g| g.1).collect();
            fix_file(file.clone(), all, codes).or_else(|| {
                // One fix that breaks the file must not block the others: keep, in order, each
                // fix that leaves the file parsing.
                let mut kept: Vec<Edit> = Vec::new();
                let mut kept_codes = Vec::new();
                for (edits, code) in groups {
                    let mut trial = kept.clone();
                    trial.extend(edits);
                    if fix_file(file.clone(), trial.clone(), Vec::new()).is_some() {
                        kept = trial;
                        kept_codes.extend(code);
                    }
                }
                fix_file(file, kept, kept_codes)
            })
        })
        .collect()
}

/// The fixed text of `file` after `edits`, or `None` when the edits overlap, change nothing, or
/// produce text that no longer parses.
pub fn fix_file(
    file: Arc<SourceFile>,
    mut edits: Vec<Edit>,
    codes: Vec<&'static str>,
) -> Option<FileFix> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let fixed = apply(&file.text, &edits)?;
    let had_errors = !crate::syntax::parse(&file.text).errors.is_empty();
    if (!had_errors && !crate::syntax::parse(&fixed).errors.is_empty()) || fixed == file.text {
        return None;
    }
    Some(FileFix { file, fixed, codes })
}

/// Writes `fix` over its file: refuses when the file changed since it was read; writes a
/// temporary file in the same directory with the original permissions, then renames it.
pub fn write(fix: &FileFix) -> Result<(), String> {
    let path: &Path = &fix.file.path;
    let on_disk =
        std::fs::read(path).map_err(|e| format!("{}: cannot re-read: {e}", path.display()))?;
    if on_disk != fix.file.text.as_bytes() {
        return Err(format!(
            "{}: changed on disk since it was read; not fixed",
            path.display()
        ));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let perms = std::fs::metadata(path)
        .map_err(|e| e.to_string())?
        .permissions();
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| format!("{}: {e}", path.display()))?;
    std::io::Write::write_all(&mut tmp, fix.fixed.as_bytes()).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    std::fs::set_permissions(tmp.path(), perms).map_err(|e| e.to_string())?;
    tmp.persist(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

/// A unified diff of a planned fix, with paths shown relative to `cwd`.
pub fn diff(fix: &FileFix, cwd: &Path) -> String {
    let shown = crate::report::display_path(&fix.file.path, cwd);
    let (a, b) = if fix.file.path.is_absolute() && shown.starts_with('/') {
        (shown.clone(), shown.clone())
    } else {
        (format!("a/{shown}"), format!("b/{shown}"))
    };
    similar::TextDiff::from_lines(&fix.file.text, &fix.fixed)
        .unified_diff()
        .header(&a, &b)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Severity};
    use crate::syntax::Span;

    fn diag_with(file: Arc<SourceFile>, edits: Vec<Edit>, a: Applicability) -> Diagnostic {
        Diagnostic::new(
            crate::rules::Rule::DOT001,
            Severity::Error,
            file,
            Span::new(0, 1),
            "m",
        )
        .fix(Some(Fix {
            applicability: a,
            message: "f".into(),
            edits,
        }))
    }

    #[test]
    fn applies_by_applicability_and_refuses_unparsable_output() {
        let file = Arc::new(SourceFile::new("/x.py".into(), "a = 'x'\r\n".into()));
        let ok = diag_with(
            file.clone(),
            vec![Edit::replace(Span::new(4, 7), "'y'")],
            Applicability::Unsafe,
        );
        assert!(plan(std::slice::from_ref(&ok), Applicability::Safe).is_empty());
        let p = plan(std::slice::from_ref(&ok), Applicability::Unsafe);
        assert_eq!(p[0].fixed, "a = 'y'\r\n");
        let broken = diag_with(
            file,
            vec![Edit::replace(Span::new(4, 7), "(")],
            Applicability::Safe,
        );
        assert!(plan(&[broken], Applicability::Safe).is_empty());
    }

    #[test]
    fn write_keeps_mode_and_refuses_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.py");
        std::fs::write(&path, "\u{feff}a = 'x'\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let file = Arc::new(SourceFile::new(path.clone(), text.clone()));
        let fix = FileFix {
            file: file.clone(),
            fixed: text.replace("'x'", "'y'"),
            codes: vec![],
        };
        write(&fix).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "\u{feff}a = 'y'\r\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o640
            );
        }
        // The file now differs from what `fix` read: a second write is refused.
        assert!(write(&fix).is_err());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "\u{feff}a = 'y'\r\n"
        );
    }
}
