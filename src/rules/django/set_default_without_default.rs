//! DJF321: a relation with on_delete=SET_DEFAULT has no default (Django's `fields.E321`): Django refuses to start (`manage.py check`, `runserver`,
//! `migrate` all stop on it). See `on_delete` for the shared check.

use crate::diagnostic::Diagnostic;
use crate::models::Analysis;

pub(crate) fn check(ctx: &Analysis) -> Vec<Diagnostic> {
    super::on_delete::check(ctx, crate::rules::Rule::DJF321, "fields.E321")
}
