//! DJF311: a foreign key's target field is not unique (Django's `fields.E311`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `to_fields` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::to_fields::check(ctx, crate::rules::Rule::DJF311, "fields.E311")
}
