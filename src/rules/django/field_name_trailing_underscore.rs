//! DJF001: a field name ends with an underscore (Django's `fields.E001`): Django refuses to start (`manage.py check`, `runserver`,
//! `migrate` all stop on it). See `field_names` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::field_names::check(ctx, crate::rules::Rule::DJF001, "fields.E001")
}
