//! DJM006: a field clashes with another field of the model or a parent (name or attname) (Django's `models.E006`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `model_checks` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::model_checks::check(ctx, crate::rules::Rule::DJM006, "models.E006")
}
