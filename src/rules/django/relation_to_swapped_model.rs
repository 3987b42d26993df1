//! DJF301: a relation points at a model swapped out by its setting (Django's `fields.E301`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `relation_targets` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::relation_targets::check(ctx, crate::rules::Rule::DJF301, "fields.E301")
}
