//! DJF002: a field name contains a double underscore (Django's `fields.E002`): Django refuses to start (`manage.py check`, `runserver`,
//! `migrate` all stop on it). See `field_names` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::field_names::check(ctx, crate::rules::Rule::DJF002, "fields.E002")
}
