//! DJF304: a relation's reverse accessor clashes with another relation's (Django's `fields.E304`): Django refuses to start (`manage.py check`, `runserver`,
//! `migrate` all stop on it). See `clashes` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::clashes::check(ctx, crate::rules::Rule::DJF304, "fields.E304")
}
