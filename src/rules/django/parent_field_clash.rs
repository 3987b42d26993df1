//! DJM005: fields of two multi-table parents clash (Django's `models.E005`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `model_checks` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::model_checks::check(ctx, crate::rules::Rule::DJM005, "models.E005")
}
