//! Rendering diagnostics: `full` (miette, only in `full.rs`), `concise` and `json`.

use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};

mod full;
mod json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Full,
    Concise,
    Json,
}

/// How a path is shown: relative to the working directory when below it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd).unwrap_or(path).display().to_string()
}

pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    format: Format,
    cwd: &Path,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Full => {
            full::render(out, diagnostics, cwd, color)?;
            summary(out, diagnostics)
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
            summary(out, diagnostics)
        }
        Format::Json => json::render(out, diagnostics),
    }
}

/// ruff's closing line: `Found 2 errors.` / `All checks passed!`
fn summary(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => writeln!(out, "All checks passed!"),
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

/// Where a rule's documentation lives.
pub fn rule_url(code: &str) -> String {
    format!(
        "{}/blob/main/rules/django-oauth-toolkit/{code}.md",
        env!("CARGO_PKG_REPOSITORY")
    )
}
