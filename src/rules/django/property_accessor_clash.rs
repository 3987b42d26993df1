//! DJM025: a property clashes with an inherited relation's attname (Django's `models.E025`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `model_checks` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::model_checks::check(ctx, crate::rules::Rule::DJM025, "models.E025")
}
