//! DJF312: a `to_field` names no field of the related model (Django's `fields.E312`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `to_fields` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::to_fields::check(ctx, crate::rules::Rule::DJF312, "fields.E312")
}
