//! DJM026: more than one field has `primary_key=True` (Django's `models.E026`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `model_checks` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::model_checks::check(ctx, crate::rules::Rule::DJM026, "models.E026")
}
