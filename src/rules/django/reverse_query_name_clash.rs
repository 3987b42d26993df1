//! DJF305: a relation's reverse query name clashes with another relation's reverse accessor (Django's `fields.E305`): Django refuses to start (`manage.py check`, `runserver`,
//! `migrate` all stop on it). See `clashes` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::clashes::check(ctx, crate::rules::Rule::DJF305, "fields.E305")
}
