//! DJF302: a relation's reverse accessor clashes with a field of its target (Django's `fields.E302`): Django refuses to start (`manage.py check`, `runserver`,
//! `migrate` all stop on it). See `clashes` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::clashes::check(ctx, crate::rules::Rule::DJF302, "fields.E302")
}
