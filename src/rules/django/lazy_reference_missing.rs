//! DJF307: a lazy reference names a model or app that does not exist (Django's `fields.E307`): Django refuses to start
//! (`manage.py check`, `runserver`, `migrate` all stop on it). See `relation_targets` for the shared
//! check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::relation_targets::check(ctx, crate::rules::Rule::DJF307, "fields.E307")
}
