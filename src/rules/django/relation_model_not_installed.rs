//! DJF300: a relation points at a model that is not installed or is abstract (Django's `fields.E300`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `relation_targets` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::relation_targets::check(ctx, crate::rules::Rule::DJF300, "fields.E300")
}
