//! DJF306: related_name is not a valid Python identifier (nor ends with `+`) (Django's `fields.E306`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `related_name_checks` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::related_name_checks::check(ctx, crate::rules::Rule::DJF306, "fields.E306")
}
