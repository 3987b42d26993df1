//! `--fix`: fixes applied until the check converges.

use std::path::PathBuf;

use super::check::{CheckResult, check_paths};
use crate::config::Options;
use crate::{diagnostic, fix};

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct FixSummary {
    /// Diagnostics fixed, by file.
    pub fixed: Vec<(PathBuf, Vec<&'static str>)>,
    /// Files left alone, with the reason.
    pub skipped: Vec<String>,
}

impl FixSummary {
    /// Whether a fix was of a library contract's rule (its codes start with the contract's
    /// `short_name`): those fixes change model fields, so Django's migration state.
    pub fn changes_migrations(&self) -> bool {
        self.fixed.iter().any(|(_, codes)| {
            codes.iter().any(|c| {
                crate::contract::all()
                    .iter()
                    .any(|k| c.starts_with(k.short_name.as_str()))
            })
        })
    }
}

/// Applies fixes at `level` and re-checks until nothing more applies (at most a few passes), then
/// returns the final check and what was fixed.
pub fn fix_paths(
    inputs: &[PathBuf],
    options: &Options,
    level: diagnostic::Applicability,
) -> Result<(CheckResult, FixSummary), String> {
    let mut summary = FixSummary::default();
    for _ in 0..4 {
        let result = check_paths(inputs, options)?;
        let planned = fix::plan(&result.diagnostics, level);
        if planned.is_empty() {
            return Ok((result, summary));
        }
        let mut wrote = false;
        for f in &planned {
            match fix::write(f) {
                Ok(()) => {
                    wrote = true;
                    summary.fixed.push((f.file.path.clone(), f.codes.clone()));
                }
                Err(e) => summary.skipped.push(e),
            }
        }
        if !wrote {
            break;
        }
    }
    Ok((check_paths(inputs, options)?, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixes of a library contract's rules change model fields (makemigrations is due); the
    /// unused-noqa fix and Django's checks' do not.
    #[test]
    fn only_contract_rule_fixes_change_migrations() {
        let summary = |codes: Vec<&'static str>| FixSummary {
            fixed: vec![(PathBuf::from("app/models.py"), codes)],
            skipped: Vec::new(),
        };
        assert!(summary(vec!["DML100", "DOT001"]).changes_migrations());
        assert!(!summary(vec!["DML100", "DJF001"]).changes_migrations());
        assert!(!FixSummary::default().changes_migrations());
    }
}
