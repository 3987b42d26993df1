//! The rules stage: every rule run over one project's analysis.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::analysis::analyze_project;
use super::inputs::Group;
use crate::config::Options;
use crate::diagnostic::{self, Diagnostic};
use crate::models::Analysis;
use crate::rules;

/// What the analysis of one project gives.
pub(crate) struct ProjectOutcome {
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) parsed: usize,
    pub(crate) noqa_files: Vec<Arc<diagnostic::SourceFile>>,
    pub(crate) unchecked: Vec<(PathBuf, String)>,
    pub(crate) notes: Vec<(PathBuf, String)>,
}

/// Notes about a whole project, said once in the report rather than on every diagnostic: the
/// DOT version assumed when none is pinned (only where there is a custom DOT model to check).
fn project_notes(analysis: &Analysis) -> Vec<(PathBuf, String)> {
    if analysis.version_source.is_some() || analysis.models.is_empty() {
        return Vec::new();
    }
    vec![(
        analysis.project.root.clone(),
        format!(
            "no pinned {} version was found, so the newest, {}, is assumed.",
            analysis.contract.library, analysis.contract.newest
        ),
    )]
}

/// Analyses one project; returns its diagnostics and how many modules were parsed.
pub(crate) fn check_project(
    root: &Path,
    group: &Group<'_>,
    explicit: &BTreeSet<PathBuf>,
    options: &Options,
    reported: &(dyn Fn(&Diagnostic) -> bool + Sync),
) -> ProjectOutcome {
    analyze_project(
        root,
        group,
        explicit,
        options,
        Some(reported),
        |analysis, mut io_diags, noqa_files| {
            let mut diagnostics = rules::run_all(analysis);
            diagnostics.append(&mut io_diags);
            diagnostics.extend(analysis.project.take_input_diagnostics());
            ProjectOutcome {
                diagnostics,
                parsed: analysis.project.loaded_modules().len(),
                noqa_files,
                unchecked: rules::unresolved_settings::summary_lines(analysis),
                notes: project_notes(analysis),
            }
        },
    )
}
