//! DJF308: a reverse query name ends with an underscore (Django's `fields.E308`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `related_name_checks` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::related_name_checks::check(ctx, crate::rules::Rule::DJF308, "fields.E308")
}
