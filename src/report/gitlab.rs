//! `--output-format gitlab`: a GitLab Code Quality report (a JSON array), as ruff writes it:
//! `check_name`, `description`, `fingerprint`, `severity` (`major` for an error, `minor` for a
//! warning) and `location {path, lines {begin, end}}`. Paths are relative to `$CI_PROJECT_DIR`
//! when GitLab sets it, else to the working directory.
//!
//! The fingerprint identifies a finding across pipelines, so it must not depend on the Rust
//! version or the process: it is FNV-1a (64 bit) over the code, the relative path and the
//! message. Identical findings in one file (same code and message) get distinct fingerprints by
//! rehashing with a counter, in output order.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Issue {
    check_name: &'static str,
    description: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

pub fn render(out: &mut dyn Write, diagnostics: &[Diagnostic], cwd: &Path) -> io::Result<()> {
    let base = std::env::var_os("CI_PROJECT_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| cwd.to_path_buf());
    let mut seen = BTreeSet::new();
    let issues: Vec<Issue> = diagnostics
        .iter()
        .map(|d| {
            let path = super::display_path(&d.file.path, &base).replace('\\', "/");
            Issue {
                check_name: d.code,
                description: format!("{}: {}", d.code, d.message),
                fingerprint: unique_fingerprint(&mut seen, d.code, &path, &d.message),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: Location {
                    lines: Lines {
                        begin: d.location().row,
                        end: d.end_location().row,
                    },
                    path,
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::from)?;
    writeln!(out)
}

fn unique_fingerprint(seen: &mut BTreeSet<u64>, code: &str, path: &str, message: &str) -> String {
    let mut salt = 0u64;
    loop {
        let hash = fingerprint(code, path, message, salt);
        if seen.insert(hash) {
            return format!("{hash:016x}");
        }
        salt += 1;
    }
}

/// FNV-1a over the fields, each followed by a 0 byte so `("ab", "c")` ≠ `("a", "bc")`.
fn fingerprint(code: &str, path: &str, message: &str, salt: u64) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let salt = salt.to_le_bytes();
    let parts: [&[u8]; 4] = [code.as_bytes(), path.as_bytes(), message.as_bytes(), &salt];
    for part in parts {
        for &b in part.iter().chain(std::iter::once(&0u8)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_separates_fields() {
        // Pinned (computed independently with Python's FNV-1a): a change here would re-open
        // every finding in GitLab's merge-request widget.
        assert_eq!(
            fingerprint("DOT001", "oauth/models.py", "m", 0),
            0x1a3f_1c68_aa72_97c3
        );
        assert_ne!(
            fingerprint("DOT001", "ab", "c", 0),
            fingerprint("DOT001", "a", "bc", 0)
        );
        assert_ne!(fingerprint("a", "b", "c", 0), fingerprint("a", "b", "c", 1));
    }

    #[test]
    fn duplicates_get_distinct_fingerprints() {
        let mut seen = BTreeSet::new();
        let a = unique_fingerprint(&mut seen, "DOT001", "p.py", "m");
        let b = unique_fingerprint(&mut seen, "DOT001", "p.py", "m");
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
    }
}
