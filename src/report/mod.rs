//! Rendering diagnostics: `full` (miette, only in `full.rs`), `concise`, `json`, and the CI
//! formats `github`, `sarif`, `json-lines`, `junit` and `gitlab` (one file each, shaped like
//! ruff's). Every format is deterministic: diagnostics arrive sorted, and nothing depends on
//! hash order or time.

use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Rule;

mod full;
mod github;
mod gitlab;
mod json;
mod json_lines;
mod junit;
mod sarif;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Full,
    Concise,
    Json,
    JsonLines,
    Github,
    Gitlab,
    Junit,
    Sarif,
}

impl Format {
    /// Every format with the name `--output-format` (and the `output-format` key) takes.
    pub const ALL: &'static [(&'static str, Format)] = &[
        ("full", Format::Full),
        ("concise", Format::Concise),
        ("json", Format::Json),
        ("json-lines", Format::JsonLines),
        ("github", Format::Github),
        ("gitlab", Format::Gitlab),
        ("junit", Format::Junit),
        ("sarif", Format::Sarif),
    ];

    /// The format named `name` (`json-lines`, `sarif`, …), if any.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, f)| f)
    }

    pub fn name(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|&&(_, f)| f == self)
            .map_or("full", |&(n, _)| n)
    }

    /// Formats read by people, which end with the summary and fix hints. The others are read
    /// by programs and contain exactly the rendered document.
    pub fn is_human(self) -> bool {
        matches!(self, Format::Full | Format::Concise)
    }
}

/// How a path is shown: relative to the working directory when below it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd).unwrap_or(path).display().to_string()
}

/// What the closing lines of a human report say besides the counts: the checks that could not
/// run (so "All checks passed!" is never printed when something was not looked at) and notes
/// that concern a whole project.
#[derive(Clone, Debug, Default)]
pub struct Footer {
    /// Per project root: what could not be checked.
    pub unchecked: Vec<(std::path::PathBuf, String)>,
    /// Per project root: a note about the whole project.
    pub notes: Vec<(std::path::PathBuf, String)>,
    /// Where paths are shown from.
    pub cwd: std::path::PathBuf,
}

pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    format: Format,
    cwd: &Path,
    color: bool,
    footer: &Footer,
) -> io::Result<()> {
    match format {
        Format::Full => {
            full::render(out, diagnostics, cwd, color)?;
            summary(out, diagnostics, footer)
        }
        Format::Concise => {
            for d in diagnostics {
                let loc = d.location();
                writeln!(
                    out,
                    "{}:{}:{}: {} {}",
                    display_path(&d.file.path, cwd),
                    loc.row,
                    loc.column,
                    d.code,
                    d.message
                )?;
            }
            summary(out, diagnostics, footer)
        }
        Format::Json => json::render(out, diagnostics),
        Format::JsonLines => json_lines::render(out, diagnostics),
        Format::Github => github::render(out, diagnostics, cwd),
        Format::Gitlab => gitlab::render(out, diagnostics, cwd),
        Format::Junit => junit::render(out, diagnostics, cwd),
        Format::Sarif => sarif::render(out, diagnostics, cwd),
    }
}

/// `--statistics`: one `count\tcode\tname` line per code, most frequent first (ties by code),
/// then the summary line, as ruff prints it. With `json`, an array of
/// `{code, name, count, fixable}` objects instead.
pub fn statistics(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    json: bool,
    footer: &Footer,
) -> io::Result<()> {
    let mut counts: Vec<(&'static str, &'static str, usize, usize)> = Vec::new();
    for d in diagnostics {
        let fixable = usize::from(
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability != crate::diagnostic::Applicability::Display),
        );
        match counts.iter_mut().find(|(code, ..)| *code == d.code) {
            Some(entry) => {
                entry.2 += 1;
                entry.3 += fixable;
            }
            None => counts.push((d.code, d.name, 1, fixable)),
        }
    }
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    if json {
        let items: Vec<serde_json::Value> = counts
            .iter()
            .map(|&(code, name, count, fixable)| {
                serde_json::json!({
                    "code": code,
                    "name": name,
                    "count": count,
                    "fixable": fixable > 0,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items).map_err(io::Error::from)?;
        return writeln!(out);
    }
    for (code, name, count, _) in &counts {
        writeln!(out, "{count}\t{code}\t{name}")?;
    }
    summary(out, diagnostics, footer)
}

/// ruff's closing line, `Found 2 errors.` / `All checks passed!`, then what was not checked and
/// the notes. "All checks passed!" only when every check could run.
fn summary(out: &mut dyn Write, diagnostics: &[Diagnostic], footer: &Footer) -> io::Result<()> {
    counts(out, diagnostics, footer.unchecked.is_empty())?;
    let shown = |root: &Path| match display_path(root, &footer.cwd) {
        p if p.is_empty() => ".".to_string(),
        p => p,
    };
    if !footer.unchecked.is_empty() {
        writeln!(out, "Not checked:")?;
        for (root, line) in &footer.unchecked {
            writeln!(out, "  - {}: {line}", shown(root))?;
        }
    }
    for (root, note) in &footer.notes {
        writeln!(out, "note: {}: {note}", shown(root))?;
    }
    Ok(())
}

fn counts(out: &mut dyn Write, diagnostics: &[Diagnostic], complete: bool) -> io::Result<()> {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) if complete => writeln!(out, "All checks passed!"),
        (0, 0) => writeln!(out, "No issues found in what could be checked."),
        (e, 0) => writeln!(out, "Found {}.", plural(e, "error")),
        (0, w) => writeln!(out, "Found {}.", plural(w, "warning")),
        (e, w) => writeln!(
            out,
            "Found {} and {}.",
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}

/// A path as a relative URI reference (`/` separators, percent-encoded), or a `file://` URI
/// when the path is not below `cwd`.
pub(crate) fn path_uri(path: &Path, cwd: &Path) -> String {
    match path.strip_prefix(cwd) {
        Ok(rel) => percent_encode(&slashed(rel)),
        Err(_) => file_uri(path),
    }
}

/// An absolute path as a `file://` URI (a directory keeps a trailing `/` if given one).
pub(crate) fn file_uri(path: &Path) -> String {
    let s = slashed(path);
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    format!("file://{}", percent_encode(&s))
}

fn slashed(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::RootDir => None,
            c => Some(c.as_os_str().to_string_lossy().into_owned()),
        })
        .collect();
    let joined = parts.join("/");
    if path.has_root() {
        format!("/{joined}")
    } else {
        joined
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters, `/` and the sub-delims
/// that are safe in a path segment.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Where the rules' documentation is published: this repository's files on its default branch,
/// below the `repository` URL of Cargo.toml (the one place that names it).
pub const RULE_DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/");

/// Where a rule's documentation lives (the `url` of JSON, SARIF's `helpUri`): the file the
/// binary embeds as its documentation, `rules/<folder>/<CODE>.md`.
pub fn rule_url(rule: Rule) -> String {
    format!("{RULE_DOCS}{}", rule.info().doc_path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        let cwd = Path::new("/srv/app");
        assert_eq!(
            path_uri(Path::new("/srv/app/oauth/models.py"), cwd),
            "oauth/models.py"
        );
        assert_eq!(
            path_uri(Path::new("/srv/app/my app/naïve:x%.py"), cwd),
            "my%20app/na%C3%AFve%3Ax%25.py"
        );
        assert_eq!(
            path_uri(Path::new("/elsewhere/m y.py"), cwd),
            "file:///elsewhere/m%20y.py"
        );
        assert_eq!(file_uri(Path::new("/srv/app")), "file:///srv/app");
    }

    /// Every rule's URL names the file whose text the binary embeds as its documentation.
    #[test]
    fn rule_urls_name_the_embedded_documentation() {
        for rule in crate::rules::RULES {
            let url = rule_url(rule.rule);
            let path = url.strip_prefix(RULE_DOCS).expect("below RULE_DOCS");
            assert!(path.starts_with("rules/"), "{url}");
            let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {url} names {}: {e}", rule.code(), file.display()));
            assert_eq!(
                text,
                rule.doc(),
                "{url} is not {}'s documentation",
                rule.code()
            );
        }
    }

    #[test]
    fn format_names_round_trip() {
        for &(name, format) in Format::ALL {
            assert_eq!(Format::from_name(name), Some(format));
            assert_eq!(format.name(), name);
        }
        assert_eq!(Format::from_name("xml"), None);
        assert!(Format::Concise.is_human() && !Format::Sarif.is_human());
    }
}
